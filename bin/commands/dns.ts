import { readFile } from 'node:fs/promises';
import { Command, CommanderError, Option } from 'commander';
import * as z from 'zod';
import { type DnsPlanInput, planDns } from '#core/dns/dns-plan.ts';
import type { DnsApplyReport } from '#core/dns/dns-ports.ts';
import {
  DNS_POLICIES,
  type DnsConflict,
  type DnsPlan,
  type DnsPolicy,
  type HostedZoneRef,
  type PlannedRecord,
  type RecordSet,
} from '#core/dns/dns-record.ts';
import { normalizeDnsName } from '#core/dns/dns-zone.ts';
import { errorLine, fileWhat, readProblem } from '#local/cli-error.ts';
import { type TableOptions, table } from '#local/output.ts';

/** Ledger-backed state for `dns plan` without files (local mode: bin/local/local-dns.ts). */
export interface DnsPlanSource {
  /** `zones` are the --zone options; empty means the source's own configured zones. */
  load(options: { readonly ownerId: string; readonly zones: readonly HostedZoneRef[] }): Promise<{
    readonly input: DnsPlanInput;
    readonly zones: readonly HostedZoneRef[];
  }>;
}

export interface DnsCommandDeps {
  readonly out?: (text: string) => void;
  readonly err?: (text: string) => void;
  readonly readFile?: (path: string) => Promise<string>;
  readonly setExitCode?: (code: number) => void;
  /** Used when --current/--desired are not given. */
  readonly source?: DnsPlanSource;
  /** When present, `dns apply` is registered and hands it the plan. */
  readonly apply?: (
    plan: DnsPlan,
    options: { readonly dryRun: boolean },
  ) => Promise<DnsApplyReport>;
  /** Releases what source/apply opened (the local ledger); called after every subcommand. */
  readonly close?: () => Promise<void>;
  /** Option defaults, e.g. from DNS_OWNER_ID, DNS_POLICY and DNS_TXT_PREFIX. */
  readonly defaults?: {
    readonly owner?: string;
    readonly policy?: DnsPolicy;
    readonly txtPrefix?: string;
  };
}

/** A file or flag that cannot be used; reported as one stderr line, exit code 1. */
export class DnsInputError extends Error {
  override readonly name = 'DnsInputError';

  constructor(
    message: string,
    readonly hint = 'see netledger dns plan --help; nothing was changed',
  ) {
    super(message);
  }
}

const currentSchema = z.object({
  ResourceRecordSets: z.array(
    z.looseObject({
      Name: z.string(),
      Type: z.string(),
      TTL: z.number().optional(),
      SetIdentifier: z.string().optional(),
      AliasTarget: z
        .object({
          DNSName: z.string(),
          HostedZoneId: z.string(),
          EvaluateTargetHealth: z.boolean(),
        })
        .optional(),
      ResourceRecords: z.array(z.object({ Value: z.string() })).optional(),
    }),
  ),
});

const desiredSchema = z.array(
  z.object({
    name: z.string().min(1),
    type: z.enum(['A', 'AAAA']),
    target: z.string().min(1),
    aliasZoneId: z.string().min(1).optional(),
  }),
);

interface PlanFlags {
  readonly json?: boolean;
  readonly wide?: boolean;
  readonly current?: string;
  readonly desired?: string;
  readonly owner: string;
  readonly policy: DnsPolicy;
  readonly zone: readonly string[];
  readonly txtPrefix: string;
}

function collect(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}

function parseZone(spec: string): HostedZoneRef {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1)
    throw new DnsInputError(`--zone ${spec}: expected ID=NAME`);
  return { id: spec.slice(0, eq), name: normalizeDnsName(spec.slice(eq + 1)) };
}

async function loadJson<T>(
  flag: string,
  path: string,
  schema: z.ZodType<T>,
  read: (path: string) => Promise<string>,
): Promise<T> {
  let text: string;
  try {
    text = await read(path);
  } catch (error) {
    throw new DnsInputError(fileWhat(path, readProblem(error), flag));
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new DnsInputError(`${flag} ${path}: not JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new DnsInputError(
      `${flag} ${path}: unexpected shape${where}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

/**
 * A saved list-resource-record-sets response does not name its zone, but its SOA record sits
 * at the apex: that picks the matching --zone (or makes the only zone when none is given).
 */
function zoneOfFile(
  recordSets: readonly RecordSet[],
  zones: readonly HostedZoneRef[],
): HostedZoneRef {
  const soa = recordSets.find((rs) => rs.Type === 'SOA');
  const apex = soa ? normalizeDnsName(soa.Name) : undefined;
  if (zones.length === 0) return { id: 'current', name: apex ?? '' };
  if (apex === undefined) return zones[0] as HostedZoneRef;
  const match = zones.find((z) => normalizeDnsName(z.name) === apex);
  if (!match)
    throw new DnsInputError(`--current: the file is zone ${apex}, which matches no --zone`);
  return match;
}

async function buildPlan(flags: PlanFlags, deps: DnsCommandDeps): Promise<DnsPlan> {
  const zones = flags.zone.map(parseZone);
  const options = { ownerId: flags.owner, policy: flags.policy, txtPrefix: flags.txtPrefix };
  if (flags.current === undefined && flags.desired === undefined && deps.source) {
    const loaded = await deps.source.load({ ownerId: flags.owner, zones });
    return planDns(loaded.input, { ...options, zones: zones.length > 0 ? zones : loaded.zones });
  }
  if (flags.current === undefined || flags.desired === undefined) {
    throw new DnsInputError('both --current FILE and --desired FILE are required');
  }
  const read = deps.readFile ?? ((path: string) => readFile(path, 'utf8'));
  const current = await loadJson('--current', flags.current, currentSchema, read);
  const desired = await loadJson('--desired', flags.desired, desiredSchema, read);
  const recordSets = current.ResourceRecordSets as RecordSet[];
  const fileZone = zoneOfFile(recordSets, zones);
  return planDns(
    { snapshots: [{ zone: fileZone, recordSets }], desired },
    { ...options, zones: zones.length > 0 ? zones : [fileZone] },
  );
}

function plainRecord(r: PlannedRecord): Record<string, string> {
  return {
    zoneId: r.zoneId,
    name: r.name,
    type: r.type,
    target: r.target,
    ...(r.aliasZoneId === undefined ? {} : { aliasZoneId: r.aliasZoneId }),
    ...(r.previous === undefined ? {} : { previousTarget: r.previous.target }),
  };
}

export function planJson(plan: DnsPlan): string {
  return JSON.stringify(
    {
      create: plan.create.map(plainRecord),
      update: plan.update.map(plainRecord),
      delete: plan.delete.map(plainRecord),
      conflicts: plan.conflicts.map((c: DnsConflict) => ({ ...c })),
    },
    null,
    2,
  );
}

/** Record changes, not hostnames: one hostname's group holds its alias and its ownership TXT. */
function recordCount(groups: ReadonlyArray<{ readonly changes: readonly unknown[] }>): number {
  return groups.reduce((n, g) => n + g.changes.length, 0);
}

export function applyText(
  plan: DnsPlan,
  report: DnsApplyReport,
  options: TableOptions = {},
): string {
  const applied = recordCount(report.applied);
  const failed = recordCount(report.failed.map((f) => f.group));
  return `${planTable(plan, options)}\n${report.dryRun ? 'Dry run: ' : ''}${applied} record change(s) applied, ${failed} failed, in ${report.batches.length} batch(es).`;
}

export function applyJson(plan: DnsPlan, report: DnsApplyReport): string {
  return JSON.stringify(
    {
      plan: JSON.parse(planJson(plan)),
      dryRun: report.dryRun,
      applied: report.applied.flatMap((g) =>
        g.changes.map((c) => ({ zoneId: g.zoneId, hostname: g.hostname, ...c })),
      ),
      failed: report.failed.map((f) => ({
        zoneId: f.group.zoneId,
        hostname: f.group.hostname,
        records: f.group.changes.length,
        reason: f.reason,
        messages: f.messages,
      })),
      batches: report.batches.length,
      complete: report.complete,
    },
    null,
    2,
  );
}

export function planTable(plan: DnsPlan, options: TableOptions = {}): string {
  const lines: string[] = [];
  const rows: [string, PlannedRecord][] = [
    ...plan.create.map((r): [string, PlannedRecord] => ['create', r]),
    ...plan.update.map((r): [string, PlannedRecord] => ['update', r]),
    ...plan.delete.map((r): [string, PlannedRecord] => ['delete', r]),
  ];
  if (rows.length > 0) {
    lines.push(
      table(
        ['Action', 'Name', 'Type', 'Target', 'Alias zone', 'Zone'],
        rows.map(([action, r]) => [
          action,
          r.name,
          r.type,
          r.previous ? `${r.previous.target} -> ${r.target}` : r.target,
          r.aliasZoneId ?? '',
          r.zoneId,
        ]),
        options,
      ),
    );
  }
  if (plan.conflicts.length > 0) {
    lines.push(
      table(
        ['Conflict', 'Name', 'Type', 'Detail'],
        plan.conflicts.map((c) => [c.reason, c.name, c.type ?? '', c.detail]),
        options,
      ),
    );
  }
  lines.push(
    rows.length === 0 && plan.conflicts.length === 0
      ? 'No changes.'
      : `${plan.create.length} to create, ${plan.update.length} to update, ${plan.delete.length} to delete, ${plan.conflicts.length} conflict(s).`,
  );
  return lines.join('\n');
}

function addPlanOptions(cmd: Command, defaults: DnsCommandDeps['defaults'] = {}): Command {
  return cmd
    .option('--json', 'print the plan (with apply: and the outcome) as JSON')
    .option('--wide', 'untruncated columns (tables otherwise fit 100 columns)')
    .option(
      '--current <file>',
      'saved `aws route53 list-resource-record-sets` response for the zone',
    )
    .option('--desired <file>', 'JSON array of {name, type, target, aliasZoneId?}')
    .option(
      '--owner <id>',
      'ExternalDNS owner id written to and expected in ownership TXT records',
      defaults.owner ?? 'netledger',
    )
    .addOption(
      new Option('--policy <policy>', 'what the plan may do')
        .choices(DNS_POLICIES)
        .default(defaults.policy ?? 'sync'),
    )
    .option(
      '--zone <id=name>',
      'configured hosted zone (repeatable); hostnames go to the longest suffix',
      collect,
      [],
    )
    .option(
      '--txt-prefix <prefix>',
      'prefix of ownership TXT names (may contain %{record_type})',
      defaults.txtPrefix ?? '',
    );
}

/**
 * `netledger dns`: plans Route53 changes from saved files (or, via deps.source, from the
 * ledger). Writers, file reading and the exit code are injectable so tests never spawn.
 */
export function dnsCommand(deps: DnsCommandDeps = {}): Command {
  const out = deps.out ?? ((text: string) => process.stdout.write(text));
  const err = deps.err ?? ((text: string) => process.stderr.write(text));
  const setExitCode =
    deps.setExitCode ??
    ((code: number) => {
      process.exitCode = code;
    });
  const output = { writeOut: out, writeErr: err };

  const fail = (subcommand: string, error: unknown): void => {
    if (!(error instanceof DnsInputError)) throw error;
    err(`${errorLine(`dns ${subcommand}`, error.message, error.hint)}\n`);
    setExitCode(1);
  };

  const dns = new Command('dns')
    .description('Route53 records for load balancers, with ExternalDNS-compatible ownership')
    .configureOutput(output);

  addPlanOptions(
    dns
      .command('plan')
      .description(
        'show what DNS sync would create, update and delete, and what it must leave alone',
      )
      .configureOutput(output),
    deps.defaults,
  ).action(async (flags: PlanFlags) => {
    try {
      const plan = await buildPlan(flags, deps);
      out(`${flags.json ? planJson(plan) : planTable(plan, { wide: flags.wide === true })}\n`);
      setExitCode(0);
    } catch (error) {
      fail('plan', error);
    } finally {
      await deps.close?.();
    }
  });

  const apply = deps.apply;
  if (apply) {
    addPlanOptions(
      dns
        .command('apply')
        .description(
          "plan, then apply the plan (local mode: into the local ledger's cached records; Route53 is never called)",
        )
        .configureOutput(output),
      deps.defaults,
    )
      .option('--dry-run', 'batch and log the changes without writing')
      .action(async (flags: PlanFlags & { dryRun?: boolean }) => {
        try {
          const plan = await buildPlan(flags, deps);
          const report = await apply(plan, { dryRun: flags.dryRun ?? false });
          out(
            `${flags.json ? applyJson(plan, report) : applyText(plan, report, { wide: flags.wide === true })}\n`,
          );
          setExitCode(report.failed.length > 0 ? 1 : 0);
        } catch (error) {
          fail('apply', error);
        } finally {
          await deps.close?.();
        }
      });
  }
  return dns;
}

/** Runs `dns ...` arguments (without the leading `dns`) and returns the exit code. */
export async function runDns(argv: readonly string[], deps: DnsCommandDeps = {}): Promise<number> {
  let code = 0;
  const cmd = dnsCommand({
    ...deps,
    setExitCode: (c) => {
      code = c;
      deps.setExitCode?.(c);
    },
  });
  for (const c of [cmd, ...cmd.commands]) c.exitOverride();
  try {
    await cmd.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
}
