import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);
const READS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
]);

export interface DynamoDbCounts {
  readonly writeRequests: number;
  readonly readRequests: number;
  /** Items written (each item of a batch or transaction counts). */
  readonly itemsWritten: number;
  /** Items returned to the caller by reads. */
  readonly itemsRead: number;
  readonly writeUnits: number;
  readonly readUnits: number;
  /** Write requests that carried nothing but audit entries. */
  readonly auditWriteRequests: number;
  readonly byCommand: Readonly<Record<string, number>>;
}

/**
 * Counts DynamoDB requests at the client, after the document client has marshalled them:
 * exactly what goes on the wire (one count per request the SDK sends, retries excluded).
 * Asks DynamoDB for consumed capacity so write and read units are reported too.
 */
export function countDynamoDb(client: DynamoDBClient): { counts(): DynamoDbCounts; reset(): void } {
  let c = blank();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? '');
      const input = args.input as Record<string, unknown>;
      if (WRITES.has(name) || READS.has(name)) input.ReturnConsumedCapacity ??= 'TOTAL';
      const out = (await next(args)) as unknown as { output: Record<string, unknown> };
      const o = out.output;
      c.byCommand[name] = (c.byCommand[name] ?? 0) + 1;
      const units = capacityUnits(o.ConsumedCapacity);
      if (WRITES.has(name)) {
        c.writeRequests++;
        c.itemsWritten += itemsWritten(name, input);
        c.writeUnits += units;
        if (onlyAudit(name, input)) c.auditWriteRequests++;
      } else if (READS.has(name)) {
        c.readRequests++;
        c.itemsRead += itemsRead(o);
        c.readUnits += units;
      }
      return out as never;
    },
    { step: 'initialize', name: 'benchCounter' },
  );
  return {
    counts: () => ({ ...c, byCommand: { ...c.byCommand } }),
    reset: () => {
      c = blank();
    },
  };
}

function blank() {
  return {
    writeRequests: 0,
    readRequests: 0,
    itemsWritten: 0,
    itemsRead: 0,
    writeUnits: 0,
    readUnits: 0,
    auditWriteRequests: 0,
    byCommand: {} as Record<string, number>,
  };
}

function capacityUnits(consumed: unknown): number {
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((n, c) => n + Number((c as { CapacityUnits?: number }).CapacityUnits ?? 0), 0);
}

function itemsWritten(name: string, input: Record<string, unknown>): number {
  if (name === 'BatchWriteItemCommand') {
    const requests = (input.RequestItems ?? {}) as Record<string, unknown[]>;
    return Object.values(requests).reduce((n, r) => n + r.length, 0);
  }
  if (name === 'TransactWriteItemsCommand') {
    return ((input.TransactItems ?? []) as unknown[]).filter(
      (t) => !('ConditionCheck' in (t as object)),
    ).length;
  }
  return 1;
}

function itemsRead(o: Record<string, unknown>): number {
  if (Array.isArray(o.Items)) return o.Items.length;
  if (o.Item) return 1;
  if (o.Responses && typeof o.Responses === 'object') {
    if (Array.isArray(o.Responses)) return o.Responses.filter((r) => r?.Item).length;
    return Object.values(o.Responses as Record<string, unknown[]>).reduce(
      (n, r) => n + r.length,
      0,
    );
  }
  return 0;
}

function onlyAudit(name: string, input: Record<string, unknown>): boolean {
  // The document client's input may be seen before or after marshalling.
  const isAudit = (item: unknown) => {
    const entity = (item as { entity?: unknown } | undefined)?.entity;
    return entity === 'audit' || (entity as { S?: string } | undefined)?.S === 'audit';
  };
  if (name === 'PutItemCommand') return isAudit(input.Item);
  if (name === 'BatchWriteItemCommand') {
    const requests = Object.values((input.RequestItems ?? {}) as Record<string, unknown[]>).flat();
    return (
      requests.length > 0 &&
      requests.every((r) => isAudit((r as { PutRequest?: { Item?: unknown } }).PutRequest?.Item))
    );
  }
  return false;
}
