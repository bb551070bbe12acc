import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import pMap from 'p-map';
import pRetry from 'p-retry';
import type { EventStamp } from '#core/events/event-envelope.ts';
import type { WriteOutcome } from '#core/network/network-ports.ts';

export type Item = Record<string, unknown>;

/** BatchWriteItem takes at most 25 requests. */
const BATCH_WRITE_SIZE = 25;
/** Batches in flight at once: enough to hide latency, few enough not to throttle a table. */
const BATCH_WRITE_CONCURRENCY = 4;
/** Attempts for the items DynamoDB returns unprocessed (throttled within a batch). */
const UNPROCESSED_ATTEMPTS = 8;

/** Items a BatchWriteItem left unprocessed after every retry: they were not written. */
export class UnprocessedItemsError extends Error {
  override readonly name = 'UnprocessedItemsError';
}

/** BatchGetItem takes at most 100 keys. */
export const BATCH_GET_KEYS = 100;
/** Index queries one caller keeps in flight at once (one per IP, say). */
export const LOOKUPS_AT_ONCE = 8;

/** Keys BatchGetItem left unprocessed after every retry. */
export class UnprocessedKeysError extends Error {
  override readonly name = 'UnprocessedKeysError';
}

/**
 * Runs a batch request again with backoff while it throws `left` (the part DynamoDB left
 * unprocessed, throttled within the batch). Other errors are final here: the SDK has already
 * retried throttling and 5xx on the request as a whole.
 */
export function retryUnprocessed(
  attempt: () => Promise<void>,
  left: typeof UnprocessedItemsError | typeof UnprocessedKeysError,
): Promise<void> {
  return pRetry(attempt, {
    retries: UNPROCESSED_ATTEMPTS - 1,
    minTimeout: 50,
    maxTimeout: 2_000,
    shouldRetry: ({ error }) => error instanceof left,
  });
}

/**
 * Newer-or-equal stamps win; equal times are ordered by event id so every
 * replay order agrees. Pass the stamp to `update` so `:t` and `:id` are bound.
 */
export const newerThan = (time: string, id: string) =>
  `(attribute_not_exists(${time}) OR ${time} < :t OR (${time} = :t AND ${id} <= :id))`;

/** A guard and what it refers to; a failed guard is an answer ('stale'), not an error. */
export interface Guard {
  readonly condition?: string;
  /** `#name` placeholders the condition uses. */
  readonly names?: Readonly<Record<string, string>>;
  /** `:name` values the condition uses. */
  readonly values?: Item;
}

export interface UpdateOptions extends Guard {
  /** Binds `:t` and `:id` for `newerThan`. */
  readonly stamp?: EventStamp;
  /** Attributes to REMOVE (those also being SET are skipped). */
  readonly remove?: readonly string[];
}

/**
 * Items with tombstones: a deleted item is final. `and` is a further condition; the result
 * spreads into `update`'s options.
 */
export function whileLive(and?: string): Required<Pick<Guard, 'condition' | 'values'>> {
  const live = '(attribute_not_exists(deleted) OR deleted = :false)';
  return { condition: and ? `${live} AND ${and}` : live, values: { ':false': false } };
}

/** The few DynamoDB operations every ledger adapter is built from. */
export class LedgerTable {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly name: string,
  ) {}

  /** A strongly consistent read unless `consistent: false` (a cache that tolerates a stale read). */
  async get(key: Item, options: { consistent?: boolean } = {}): Promise<Item | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.name,
        Key: key,
        ConsistentRead: options.consistent ?? true,
      }),
    );
    return Item;
  }

  /** A whole-item put, guarded by `guard.condition` when given. */
  async put(item: Item, guard: Guard = {}): Promise<WriteOutcome> {
    const input = { TableName: this.name, Item: item, ...guardInput(guard) };
    return guarded(() => this.db.send(new PutCommand(input)));
  }

  /**
   * Unconditional puts of new items (audit entries), 25 to a BatchWriteItem. DynamoDB may
   * leave some unprocessed under load; those are sent again with backoff (p-retry), and if
   * any remain after every attempt the call throws, so nothing is dropped silently.
   */
  async batchPut(items: readonly Item[]): Promise<void> {
    const chunks: Item[][] = [];
    for (let i = 0; i < items.length; i += BATCH_WRITE_SIZE) {
      chunks.push(items.slice(i, i + BATCH_WRITE_SIZE));
    }
    await pMap(chunks, (chunk) => this.#writeBatch(chunk), {
      concurrency: BATCH_WRITE_CONCURRENCY,
    });
  }

  async #writeBatch(chunk: Item[]): Promise<void> {
    let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
    await retryUnprocessed(async () => {
      const out = await this.db.send(
        new BatchWriteCommand({ RequestItems: { [this.name]: pending } }),
      );
      const left = out.UnprocessedItems?.[this.name] ?? [];
      if (left.length === 0) return;
      pending = left as typeof pending;
      throw new UnprocessedItemsError(
        `${left.length} of ${chunk.length} items left unprocessed by BatchWriteItem`,
      );
    }, UnprocessedItemsError);
  }

  /**
   * Strongly consistent reads of several items, 100 keys to a BatchGetItem. Keys DynamoDB
   * leaves unprocessed are asked again with backoff; any left after every attempt throw, so a
   * missing answer is never taken for a missing item. The items found, each once, in no
   * particular order.
   */
  async getMany(keys: readonly Item[]): Promise<Item[]> {
    // BatchGetItem rejects a key asked twice.
    const unique = [
      ...new Map(keys.map((k) => [`${String(k.PK)}\u0000${String(k.SK)}`, k])).values(),
    ];
    const found: Item[] = [];
    for (let i = 0; i < unique.length; i += BATCH_GET_KEYS) {
      found.push(...(await this.#readBatch(unique.slice(i, i + BATCH_GET_KEYS))));
    }
    return found;
  }

  async #readBatch(keys: readonly Item[]): Promise<Item[]> {
    const found: Item[] = [];
    let pending = [...keys];
    await retryUnprocessed(async () => {
      const out = await this.db.send(
        new BatchGetCommand({
          RequestItems: { [this.name]: { Keys: pending, ConsistentRead: true } },
        }),
      );
      found.push(...((out.Responses?.[this.name] as Item[] | undefined) ?? []));
      const left = (out.UnprocessedKeys?.[this.name]?.Keys ?? []) as Item[];
      if (left.length === 0) return;
      pending = left;
      throw new UnprocessedKeysError(`${left.length} keys left unprocessed by BatchGetItem`);
    }, UnprocessedKeysError);
    return found;
  }

  /** A delete, guarded by `guard.condition` when given. */
  async delete(key: Item, guard: Guard = {}): Promise<WriteOutcome> {
    const input = { TableName: this.name, Key: key, ...guardInput(guard) };
    return guarded(() => this.db.send(new DeleteCommand(input)));
  }

  /** Every page of a query. */
  async query(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const out: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({ ...input, TableName: this.name, ExclusiveStartKey: start }),
      );
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /**
   * One UpdateItem that SETs `values` and REMOVEs `options.remove`, guarded by
   * `options.condition`; 'unchanged' (and no request) when there is nothing to set or remove.
   */
  async update(key: Item, values: Item, options: UpdateOptions = {}): Promise<WriteOutcome> {
    const names: Record<string, string> = { ...(options.names ?? {}) };
    const vals: Item = { ...(options.values ?? {}) };
    const sets: string[] = [];
    let i = 0;
    for (const [k, v] of Object.entries(values)) {
      if (k === 'PK' || k === 'SK') continue;
      names[`#a${i}`] = k;
      vals[`:v${i}`] = v;
      sets.push(`#a${i} = :v${i}`);
      i++;
    }
    const removes = (options.remove ?? [])
      .filter((k) => !(k in values))
      .map((k) => {
        names[`#r${i}`] = k;
        return `#r${i++}`;
      });
    if (options.stamp) {
      vals[':t'] = options.stamp.eventTime;
      vals[':id'] = options.stamp.eventId;
    }
    let expression = sets.length ? `SET ${sets.join(', ')}` : '';
    if (removes.length) expression += ` REMOVE ${removes.join(', ')}`;
    if (!expression) return 'unchanged';
    return this.updateExpression(key, expression.trim(), {
      ...(options.condition ? { condition: options.condition } : {}),
      names,
      values: vals,
    });
  }

  /**
   * Adds strings to a string-set attribute (one UpdateItem ADD, creating the item if need be).
   * Unconditional and commutative: concurrent adds to one item all land, in any order.
   */
  async addToSet(key: Item, attribute: string, values: readonly string[]): Promise<void> {
    if (values.length === 0) return;
    await this.db.send(
      new UpdateCommand({
        TableName: this.name,
        Key: key,
        UpdateExpression: 'ADD #s :v',
        ExpressionAttributeNames: { '#s': attribute },
        ExpressionAttributeValues: { ':v': new Set(values) },
      }),
    );
  }

  /**
   * Takes strings out of a string set, but only together with the write that makes them
   * unneeded (`alongside`), in one transaction: a unit of work's (LedgerSession) does. Item by
   * item the two could interleave with another writer's, so here nothing is removed: for sets
   * that may hold more than they need, never less.
   */
  async pruneSet(
    _key: Item,
    _attribute: string,
    _drop: (value: string) => boolean,
    _alongside: Item,
  ): Promise<void> {}

  /** One UpdateItem with an expression of the caller's own (map paths, `if_not_exists`, ...). */
  async updateExpression(key: Item, expression: string, guard: Guard = {}): Promise<WriteOutcome> {
    const input = { TableName: this.name, Key: key, UpdateExpression: expression };
    return guarded(() => this.db.send(new UpdateCommand({ ...input, ...guardInput(guard) })));
  }
}

async function guarded(send: () => Promise<unknown>): Promise<WriteOutcome> {
  try {
    await send();
    return 'applied';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return 'stale';
    throw error;
  }
}

/** DynamoDB rejects empty name or value maps, so only what is there is sent. */
function guardInput(guard: Guard) {
  const names = guard.names ?? {};
  const values = guard.values ?? {};
  return {
    ...(guard.condition ? { ConditionExpression: guard.condition } : {}),
    ...(Object.keys(names).length ? { ExpressionAttributeNames: { ...names } } : {}),
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
}

/** Drops undefined and empty-string attributes (DynamoDB keys reject empty strings). */
export function compact(values: Item): Item {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ''));
}

/**
 * The named attributes that are present. A DynamoDB NULL reads back as `null`, which no
 * record's optional field admits, so it counts as absent.
 */
export function pick(item: Item, names: readonly string[]): Item {
  return Object.fromEntries(
    names.filter((n) => item[n] !== undefined && item[n] !== null).map((n) => [n, item[n]]),
  );
}
