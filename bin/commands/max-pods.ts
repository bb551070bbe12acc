import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  InstanceTypeDataError,
  type InstanceTypeLimits,
  instanceTypeEntries,
  parseInstanceTypeInfo,
} from '#core/capacity/instance-type.ts';
import { type MaxPodsResult, MaxPodsSettingsError, maxPods } from '#core/capacity/max-pods.ts';
import { errorLine, fileWhat, readProblem } from '#local/cli-error.ts';
import { DEFAULT_INSTANCE_TYPES } from '#local/local-capacity.ts';
import { table } from '#local/output.ts';

export interface MaxPodsCliOptions {
  /** Path of a saved `aws ec2 describe-instance-types` response. */
  readonly instanceTypes: string;
  readonly instanceType?: string | undefined;
  readonly prefixDelegation: boolean;
  readonly customNetworking: boolean;
  readonly maxEnis?: number | undefined;
  readonly maxAllowed: boolean;
  readonly json: boolean;
}

export interface MaxPodsCliResult {
  readonly exitCode: 0 | 1;
  readonly stdout: string;
  readonly stderr: string;
}

/** Where the command reads and writes; each part defaults to the real process. */
export interface MaxPodsCommandIo {
  readonly readFile: (path: string) => Promise<string>;
  readonly writeOut: (text: string) => void;
  readonly writeErr: (text: string) => void;
  readonly setExitCode: (code: number) => void;
}

const processIo: MaxPodsCommandIo = {
  readFile: (path) => readFile(path, 'utf8'),
  writeOut: (text) => process.stdout.write(text),
  writeErr: (text) => process.stderr.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

const DATA_HINT = 'pass a saved `aws ec2 describe-instance-types` response';

function failure(message: string, hint = DATA_HINT): MaxPodsCliResult {
  // One line, whatever the underlying error carried.
  return { exitCode: 1, stdout: '', stderr: `${errorLine('max-pods', message, hint)}\n` };
}

async function loadDocument(
  path: string,
  read: (path: string) => Promise<string>,
): Promise<unknown> {
  let text: string;
  try {
    text = await read(path);
  } catch (error) {
    throw new InstanceTypeDataError(fileWhat(path, readProblem(error), '--instance-types'));
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InstanceTypeDataError(
      fileWhat(path, `not valid JSON (${(error as Error).message})`, '--instance-types'),
    );
  }
}

function selectLimits(entries: readonly unknown[], wanted: string | undefined, path: string) {
  if (wanted === undefined) {
    return entries.map((entry, i) => parseInstanceTypeInfo(entry, `InstanceTypes[${i}]`));
  }
  // Parse only the requested entry, so a broken entry for another type does not block it.
  const index = entries.findIndex(
    (entry) =>
      entry !== null &&
      typeof entry === 'object' &&
      (entry as Record<string, unknown>).InstanceType === wanted,
  );
  if (index < 0) {
    throw new InstanceTypeDataError(`${wanted}: unknown instance type (not in ${path})`);
  }
  return [parseInstanceTypeInfo(entries[index], `InstanceTypes[${index}]`)];
}

function renderTable(results: readonly [InstanceTypeLimits, MaxPodsResult][]): string {
  const rows = results.map(([limits, result]) => [
    limits.instanceType,
    limits.vcpus,
    result.enis === result.eniLimit ? `${result.enis}` : `${result.enis} of ${result.eniLimit}`,
    limits.ipv4PerEni,
    result.fallbackReason ? `${result.mode} (fallback)` : result.mode,
    result.maxAllowed,
    result.recommended,
  ]);
  return `${table(['Instance type', 'vCPUs', 'Pod ENIs', 'IPv4 per ENI', 'Mode', 'Max allowed', 'Recommended'], rows)}\n`;
}

/**
 * The whole command without a process: reads the file through `read`, returns what to
 * print and the exit code.
 */
export async function runMaxPods(
  options: MaxPodsCliOptions,
  read: (path: string) => Promise<string>,
): Promise<MaxPodsCliResult> {
  try {
    const document = await loadDocument(options.instanceTypes, read);
    const entries = instanceTypeEntries(document);
    const settings = {
      prefixDelegation: options.prefixDelegation,
      customNetworking: options.customNetworking,
      maxEnis: options.maxEnis,
    };
    const results = selectLimits(entries, options.instanceType, options.instanceTypes).map(
      (limits) => [limits, maxPods(limits, settings)] as [InstanceTypeLimits, MaxPodsResult],
    );
    const notes = results
      .flatMap(([, r]) => (r.fallbackReason ? [`note: ${r.fallbackReason}\n`] : []))
      .join('');
    if (options.json) {
      const values = Object.fromEntries(
        results.map(([limits, r]) => [
          limits.instanceType,
          options.maxAllowed ? r.maxAllowed : r.recommended,
        ]),
      );
      return { exitCode: 0, stdout: `${JSON.stringify(values, null, 2)}\n`, stderr: notes };
    }
    return { exitCode: 0, stdout: renderTable(results), stderr: notes };
  } catch (error) {
    if (error instanceof InstanceTypeDataError) return failure(error.message);
    if (error instanceof MaxPodsSettingsError) return failure(error.message, 'see --help');
    throw error;
  }
}

/** The same range MAX_ENIS accepts (functions/shared/config.ts), so the CLI and Lambda agree. */
export const MAX_ENIS_RANGE = { min: 1, max: 64 } as const;

function eniCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < MAX_ENIS_RANGE.min || n > MAX_ENIS_RANGE.max) {
    throw new InvalidArgumentError(
      `must be a whole number from ${MAX_ENIS_RANGE.min} to ${MAX_ENIS_RANGE.max}, like the CNI's MAX_ENI.`,
    );
  }
  return n;
}

export function maxPodsCommand(overrides: Partial<MaxPodsCommandIo> = {}): Command {
  const io: MaxPodsCommandIo = { ...processIo, ...overrides };
  return new Command('max-pods')
    .description(
      'Compute max pods per node the way the amazon-eks-ami max-pods calculator does, from a saved `aws ec2 describe-instance-types` response (only the default network card ENIs count).',
    )
    .option(
      '--instance-types <file>',
      'JSON saved from `aws ec2 describe-instance-types` ({"InstanceTypes": [...]})',
      DEFAULT_INSTANCE_TYPES,
    )
    .option('--instance-type <type>', 'only this instance type (default: every type in the file)')
    .option(
      '--prefix-delegation',
      'VPC CNI prefix delegation is on (ENABLE_PREFIX_DELEGATION): /28 prefixes of 16 pod addresses per slot; non-Nitro types fall back to secondary IPs',
    )
    .option(
      '--custom-networking',
      'VPC CNI custom networking is on: the primary ENI carries no pods',
    )
    .addOption(
      new Option(
        '--max-enis <n>',
        'cap on ENIs per node, the primary included (the CNI MAX_ENI)',
      ).argParser(eniCount),
    )
    .option(
      '--max-allowed',
      'with --json, print the uncapped value the addresses allow instead of the recommended one (capped at 110, or 250 above 30 vCPUs); the table shows both',
    )
    .option('--json', 'print {"<type>": <max pods>, ...} instead of a table')
    .configureOutput({ writeOut: io.writeOut, writeErr: io.writeErr })
    .action(async (raw: Partial<MaxPodsCliOptions> & { instanceTypes: string }) => {
      const options: MaxPodsCliOptions = {
        instanceTypes: raw.instanceTypes,
        instanceType: raw.instanceType,
        prefixDelegation: raw.prefixDelegation === true,
        customNetworking: raw.customNetworking === true,
        maxEnis: raw.maxEnis,
        maxAllowed: raw.maxAllowed === true,
        json: raw.json === true,
      };
      const result = await runMaxPods(options, io.readFile);
      if (result.stdout) io.writeOut(result.stdout);
      if (result.stderr) io.writeErr(result.stderr);
      io.setExitCode(result.exitCode);
    });
}
