import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startFaultProxy } from '../bin/sim/faults/fault-proxy.ts';
import { type PerEventRequests, perEventRequests, STORY } from './event-cost.ts';

const CLI = fileURLToPath(new URL('../bin/netledger.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);
/** Table-level requests: what comes before the last of them in an event's share is setup. */
const TABLE_SETUP = new Set(['CreateTable', 'DeleteTable', 'DescribeTable', 'UpdateTimeToLive']);
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

export interface WireEvent {
  readonly eventId: string;
  readonly name: string;
  readonly status: string;
  readonly writes: number;
  readonly reads: number;
  readonly operations: Readonly<Record<string, number>>;
  /** The same requests labelled with what they read or wrote: `Query GSI3 TARGETIP`, `GetItem ALERT`. */
  readonly requests: Readonly<Record<string, number>>;
}

export interface WireCountResult extends PerEventRequests {
  readonly events: WireEvent[];
}

/**
 * DynamoDB requests per event counted on the wire: `netledger replay --json` (the real CLI, in
 * its own process, with capacity alerts evaluated as when a topic is set) replays the samples in
 * story order (with alerts evaluated, or with `--no-alerts` as a deployment without a topic)
 * against DynamoDB reached through AWS_ENDPOINT_URL_DYNAMODB, which is a loopback
 * proxy in front of DynamoDB Local that writes down every operation it forwards. The requests
 * between two output lines are the event's (the CLI prints a line once the event is done);
 * usage samples are off (`--no-samples`: they stand in for the sweep, not for the event).
 */
export async function runWireCount(
  endpoint: string,
  tableName: string,
  { alerts }: { readonly alerts: boolean },
): Promise<WireCountResult> {
  const labels: { operation: string; label: string }[] = [];
  const proxy = await startFaultProxy(
    { moto: endpoint, dynamodb: endpoint },
    {
      verdict: (request) => {
        labels.push({
          operation: request.operation,
          label: labelOf(request.operation, request.body),
        });
        return { do: 'forward' };
      },
      answered: () => undefined,
    },
  );
  try {
    const child = spawn(
      process.execPath,
      [
        CLI,
        'replay',
        '--json',
        '--reset',
        '--no-samples',
        ...(alerts ? [] : ['--no-alerts']),
        '--clusters',
        'myeks',
        ...STORY,
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
          NETLEDGER_TABLE: tableName,
          POWERTOOLS_LOG_LEVEL: 'SILENT',
          DEREGISTRATION_DELAY_DEFAULT: '60',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const events: WireEvent[] = [];
    let seen = 0;
    const lines = createInterface({ input: child.stdout });
    for await (const line of lines) {
      const since = labels.slice(seen);
      seen = labels.length;
      // Making the table (replay --reset) is setup, whatever it writes: not the event's.
      const mine = since.slice(since.findLastIndex((r) => TABLE_SETUP.has(r.operation)) + 1);
      const ops = mine.map((r) => r.operation);
      const requests: Record<string, number> = {};
      for (const r of mine) requests[r.label] = (requests[r.label] ?? 0) + 1;
      const o = JSON.parse(line) as { eventId?: string; name?: string; status?: string };
      const operations: Record<string, number> = {};
      for (const op of ops)
        if (WRITES.has(op) || READS.has(op)) operations[op] = (operations[op] ?? 0) + 1;
      const sum = (set: Set<string>) => ops.filter((op) => set.has(op)).length;
      events.push({
        eventId: o.eventId ?? '-',
        name: o.name ?? '-',
        status: o.status ?? '-',
        writes: sum(WRITES),
        reads: sum(READS),
        operations,
        requests,
      });
    }
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`netledger replay exited with ${code}`);
    return { events, ...perEventRequests(events) };
  } finally {
    await proxy.close();
  }
}

/** What a DynamoDB request touches, by key kind (the PK's or index key's text before its first '#'). */
export function labelOf(operation: string, body: Buffer): string {
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return operation;
  }
  const kindOf = (value: unknown) => {
    const text = (value as { S?: string } | undefined)?.S ?? '';
    return text.split('#')[0] ?? '';
  };
  if (operation === 'GetItem' || operation === 'PutItem' || operation === 'UpdateItem') {
    const key = (input.Key ?? input.Item) as Record<string, unknown> | undefined;
    return `${operation} ${kindOf(key?.PK)}`;
  }
  if (operation === 'Query') {
    const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
    const pk = values[':pk'] ?? Object.values(values)[0];
    return `Query ${String(input.IndexName ?? 'table')} ${kindOf(pk)}`;
  }
  if (operation === 'BatchGetItem') {
    const tables = Object.values(
      (input.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>,
    );
    return `BatchGetItem x${tables.reduce((n, t) => n + (t.Keys?.length ?? 0), 0)}`;
  }
  return operation;
}
