import { type AttributeValue, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';

type Key = Record<string, AttributeValue>;

export interface RewriteCounts {
  /** Writes after which the item was byte-for-byte what it was before. */
  identical: number;
  /** Writes that changed nothing but stamps (`...Time`, `...EventId`, `expiresAt`). */
  stampOnly: number;
  /** Single-item writes inspected. */
  inspected: number;
}

const STAMP = /(Time|EventId)$|^expiresAt$/;

/**
 * Reads every item a single-item or transactional write targets before and after the write
 * (through `reader`, a separate client, so the reads are not counted), to find writes that
 * rewrote identical content. Batch writes are puts of new items (audit) and are not inspected.
 */
export function inspectWrites(client: DynamoDBClient, reader: DynamoDBClient) {
  const counts: RewriteCounts = { identical: 0, stampOnly: 0, inspected: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? '');
      const input = args.input as Record<string, unknown>;
      const targets = targetsOf(name, input);
      if (targets.length === 0) return next(args);
      const before = await Promise.all(targets.map((t) => read(reader, t)));
      try {
        return await next(args);
      } finally {
        const after = await Promise.all(targets.map((t) => read(reader, t)));
        targets.forEach((_, i) => {
          counts.inspected++;
          const b = before[i];
          const a = after[i];
          if (!b || !a) return;
          if (JSON.stringify(sorted(b)) === JSON.stringify(sorted(a))) counts.identical++;
          else if (JSON.stringify(content(b)) === JSON.stringify(content(a))) counts.stampOnly++;
        });
      }
    },
    { step: 'build', name: 'benchWriteInspector' },
  );
  return {
    counts: () => ({ ...counts }),
    reset: () => {
      counts.identical = 0;
      counts.stampOnly = 0;
      counts.inspected = 0;
    },
  };
}

interface Target {
  readonly table: string;
  readonly key: Key;
}

function targetsOf(name: string, input: Record<string, unknown>): Target[] {
  const one = (i: Record<string, unknown>): Target | undefined => {
    const table = String(i.TableName ?? '');
    if (i.Key) return { table, key: i.Key as Key };
    const item = i.Item as Key | undefined;
    if (item?.PK && item.SK) return { table, key: { PK: item.PK, SK: item.SK } };
    return undefined;
  };
  if (name === 'PutItemCommand' || name === 'UpdateItemCommand' || name === 'DeleteItemCommand') {
    const t = one(input);
    return t ? [t] : [];
  }
  if (name === 'TransactWriteItemsCommand') {
    return ((input.TransactItems ?? []) as Record<string, Record<string, unknown>>[])
      .map((t) => one(t.Put ?? t.Update ?? t.Delete ?? {}))
      .filter((t): t is Target => t !== undefined && !!t.table);
  }
  return [];
}

async function read(reader: DynamoDBClient, t: Target) {
  const out = await reader.send(
    new GetItemCommand({ TableName: t.table, Key: t.key, ConsistentRead: true }),
  );
  return out.Item;
}

function sorted(item: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)));
}

function content(item: Record<string, unknown>) {
  return sorted(Object.fromEntries(Object.entries(item).filter(([k]) => !STAMP.test(k))));
}
