import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EventStamp } from '#core/event-envelope.ts';
import type { WriteOutcome } from '#core/ports.ts';

export type Item = Record<string, unknown>;

/**
 * Newer-or-equal stamps win; equal times are ordered by event id so every
 * replay order agrees. Pass the stamp to `update` so `:t` and `:id` are bound.
 */
export const newerThan = (time: string, id: string) =>
  `(attribute_not_exists(${time}) OR ${time} < :t OR (${time} = :t AND ${id} <= :id))`;

export interface UpdateOptions {
  /** Guard; a failed condition is an answer ('stale'), not an error. */
  readonly condition?: string;
  /** Binds `:t` and `:id` for `newerThan`. */
  readonly stamp?: EventStamp;
  /** Extra `:name` values the condition uses. */
  readonly values?: Item;
  /** Attributes to REMOVE (those also being SET are skipped). */
  readonly remove?: readonly string[];
}

/** The few DynamoDB operations every ledger adapter is built from. */
export class LedgerTable {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly name: string,
  ) {}

  async get(key: Item): Promise<Item | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.name, Key: key, ConsistentRead: true }),
    );
    return Item;
  }

  async put(item: Item): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.name, Item: item }));
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

  /** One UpdateItem that SETs `values` and REMOVEs `options.remove`, guarded by `options.condition`. */
  async update(key: Item, values: Item, options: UpdateOptions = {}): Promise<WriteOutcome> {
    const names: Record<string, string> = {};
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
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.name,
          Key: key,
          UpdateExpression: expression.trim(),
          ExpressionAttributeNames: names,
          ...(Object.keys(vals).length ? { ExpressionAttributeValues: vals } : {}),
          ...(options.condition ? { ConditionExpression: options.condition } : {}),
        }),
      );
      return 'applied';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'stale';
      throw error;
    }
  }
}

/** Drops undefined and empty-string attributes (DynamoDB keys reject empty strings). */
export function compact(values: Item): Item {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ''));
}

export function pick(item: Item, names: readonly string[]): Item {
  return Object.fromEntries(names.filter((n) => item[n] !== undefined).map((n) => [n, item[n]]));
}
