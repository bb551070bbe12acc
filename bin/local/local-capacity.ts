import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { MemoryInstanceTypeCache } from '#adapters/memory/memory-instance-type-cache.ts';
import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';
import type { Notifier } from '#core/alerts/notifier.ts';
import type { InstanceTypeCatalog, InstanceTypeReader } from '#core/capacity/capacity-ports.ts';
import { instanceTypeEntries } from '#core/capacity/instance-type.ts';
import { CachedInstanceTypeCatalog } from '#core/capacity/instance-type-catalog.ts';
import { CliError, fileWhat, readProblem } from './cli-error.ts';

/**
 * Local mode's instance-type data: a saved `aws ec2 describe-instance-types` response
 * (real entries, copied from the project's reference data). Pass your own with
 * `--instance-types FILE` for other types.
 */
export const DEFAULT_INSTANCE_TYPES = fileURLToPath(
  new URL('../../events/reference/instance-types.json', import.meta.url),
);

const INSTANCE_TYPES_HINT =
  'pass a saved `aws ec2 describe-instance-types` response; nothing was changed';

/** DescribeInstanceTypes answered from a saved response; the file is read once, on first use. */
export class FileInstanceTypeReader implements InstanceTypeReader {
  private entries: Promise<readonly unknown[]> | undefined;

  constructor(private readonly path: string) {}

  /** Reads the file now, so a bad path fails before anything else happens. */
  async preload(): Promise<void> {
    this.entries ??= this.load();
    await this.entries;
  }

  async describe(instanceType: string): Promise<unknown | undefined> {
    this.entries ??= this.load();
    return (await this.entries).find(
      (entry) => (entry as { InstanceType?: unknown } | null)?.InstanceType === instanceType,
    );
  }

  private async load(): Promise<readonly unknown[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      throw new CliError(
        fileWhat(this.path, readProblem(error), '--instance-types'),
        INSTANCE_TYPES_HINT,
      );
    }
    try {
      return instanceTypeEntries(JSON.parse(text));
    } catch (error) {
      throw new CliError(
        fileWhat(this.path, (error as Error).message, '--instance-types'),
        INSTANCE_TYPES_HINT,
      );
    }
  }
}

/**
 * The file is the source of truth in local mode, so nothing is cached in the local
 * ledger: editing the file takes effect on the next command.
 */
export async function fileInstanceTypeCatalog(path: string): Promise<InstanceTypeCatalog> {
  const reader = new FileInstanceTypeReader(path);
  await reader.preload();
  return new CachedInstanceTypeCatalog(new MemoryInstanceTypeCache(), reader);
}

/** Local mode's stand-in for the SNS topic: keeps every notification and prints one line for each. */
export class PrintingNotifier implements Notifier {
  readonly sent: AlertNotification[] = [];

  constructor(private readonly print: (line: string) => void) {}

  async notify(notification: AlertNotification): Promise<void> {
    this.sent.push(notification);
    const { type, kind, severity, cluster, subject, summary } = notification;
    this.print(`alert ${type.padEnd(7)} ${kind} ${subject} [${severity}, ${cluster}] ${summary}`);
  }
}
