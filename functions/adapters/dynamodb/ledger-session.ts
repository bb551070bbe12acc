import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  PutCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  applyUpdate,
  conditionHolds,
  conditionPaths,
  sameValue,
  valueAt,
} from '#adapters/dynamodb/ledger-expression.ts';
import {
  BATCH_GET_KEYS,
  type Guard,
  type Item,
  LedgerTable,
  retryUnprocessed,
  UnprocessedKeysError,
} from '#adapters/dynamodb/ledger-table.ts';
import type { UnitCommit } from '#core/events/unit-of-work.ts';
import type { WriteOutcome } from '#core/network/network-ports.ts';

/** TransactWriteItems takes at most 100 items and 4 MB. */
const TRANSACTION_ITEMS = 100;
const TRANSACTION_BYTES = 3_500_000;

export { UnprocessedKeysError };

/** A condition of the commit failed in DynamoDB: another writer moved an item this session read. */
class LostConditionError extends Error {
  override readonly name = 'LostConditionError';
}

/** The session was used after its commit. */
export class SessionClosedError extends Error {
  override readonly name = 'SessionClosedError';
}

type Path = readonly string[];
type SetChange = { key: Item; attribute: string; values: Set<string> };
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

interface Entry {
  readonly key: Item;
  /** The item as read from the table (undefined: absent), unless `blind`. */
  read: Item | undefined;
  /** The item as this session has made it (undefined: absent). */
  current: Item | undefined;
  /** Written by a whole-item put or delete without reading it first: commit replaces it. */
  blind: boolean;
  written: boolean;
  /** Attributes the conditions of this session's writes read: they must not move before commit. */
  readonly pins: Map<string, Path>;
}

const keyText = (key: Item) => `${String(key.PK)}\u0000${String(key.SK)}`;
const keyOf = (item: Item): Item => ({ PK: item.PK, SK: item.SK });
/** Processed-event markers go last, so a partial commit never marks an event done. */
const isMarker = (key: Item) => String(key.PK).startsWith('EVENT#');

/**
 * An event-scoped unit of work over the ledger table. It serves the same LedgerTable calls the
 * adapters make, so DynamoNetworkLedger and DynamoTargetLedger run on it unchanged:
 *
 * - reads: each item is read once (GetItem, or BatchGetItem through `prefetch`), then served
 *   from memory with this session's writes applied; queries go to the table and are overlaid
 *   with this session's writes;
 * - writes: each conditional write is decided against the item as this session sees it
 *   (ledger-expression.ts) and buffered; a write whose condition fails answers 'stale' at once,
 *   as it would have from DynamoDB;
 * - commit: one request per event where it fits. Each written item becomes one operation that
 *   writes only what changed (map attributes key by key), guarded by the attributes its
 *   conditions read (stamps, tombstones) being what they were when read, so DynamoDB cancels the
 *   transaction if another writer moved them in between: the stamp conditions keep holding at
 *   commit, and a lost one is reported as 'lost' for the caller to apply the event item by item.
 *   Audit entries and the processed-event marker ride in the same transaction.
 */
export class LedgerSession extends LedgerTable {
  readonly #entries = new Map<string, Entry>();
  readonly #appends: Item[] = [];
  /** String-set additions (addToSet), by item: committed as ADD, read by nobody first. */
  readonly #additions = new Map<string, SetChange>();
  /** String-set removals (pruneSet), by item: committed as DELETE, in the one transaction only. */
  readonly #removals = new Map<string, SetChange & { alongside: Set<string> }>();
  /** Partitions (or sort-key prefixes of them) read whole: an item not found there is absent. */
  readonly #complete: Array<{ pk: unknown; prefix: string }> = [];
  #closed = false;

  /** Reads these items in BatchGetItem requests (strongly consistent), skipping known ones. */
  async prefetch(keys: readonly Item[]): Promise<void> {
    this.#open();
    const wanted = new Map<string, Item>();
    for (const k of keys) if (!this.#entries.has(keyText(k))) wanted.set(keyText(k), keyOf(k));
    const all = [...wanted.values()];
    for (let i = 0; i < all.length; i += BATCH_GET_KEYS) {
      await this.#batchGet(all.slice(i, i + BATCH_GET_KEYS));
    }
  }

  /**
   * Partitions the caller read as empty a moment ago (the sweep's read of the ledger, for what
   * EC2 has and the ledger had not): their items are taken as absent without a read, and a
   * query of one is answered from memory. A write to one still carries its conditions' pins
   * (absent attributes as `attribute_not_exists`), so if another writer filled the partition in
   * between, DynamoDB cancels the commit and the caller applies its work item by item.
   */
  assumeEmpty(partitions: readonly string[]): void {
    this.#open();
    for (const pk of partitions)
      if (!this.#covered({ pk, prefix: '' })) this.#complete.push({ pk, prefix: '' });
  }

  async #batchGet(keys: Item[]): Promise<void> {
    let pending = keys;
    await retryUnprocessed(async () => {
      const out = await this.db.send(
        new BatchGetCommand({
          RequestItems: { [this.name]: { Keys: pending, ConsistentRead: true } },
        }),
      );
      const found = new Map<string, Item>();
      for (const item of out.Responses?.[this.name] ?? []) found.set(keyText(item), item);
      const left = (out.UnprocessedKeys?.[this.name]?.Keys ?? []) as Item[];
      const unprocessed = new Set(left.map(keyText));
      for (const k of pending) {
        const text = keyText(k);
        if (unprocessed.has(text) || this.#entries.has(text)) continue;
        this.#entries.set(text, entry(k, found.get(text)));
      }
      if (left.length === 0) return;
      pending = left;
      throw new UnprocessedKeysError(`${left.length} keys left unprocessed by BatchGetItem`);
    }, UnprocessedKeysError);
  }

  /** Served like `get`: the keys not known yet come in BatchGetItem requests. */
  override async getMany(keys: readonly Item[]): Promise<Item[]> {
    await this.prefetch(keys);
    const unique = new Map(keys.map((k) => [keyText(k), k]));
    const items = await Promise.all([...unique.values()].map((k) => this.get(k)));
    return items.filter((i): i is Item => i !== undefined);
  }

  override async get(key: Item): Promise<Item | undefined> {
    const e = await this.#entry(key);
    return e.current ? structuredClone(e.current) : undefined;
  }

  override async put(item: Item, guard: Guard = {}): Promise<WriteOutcome> {
    this.#open();
    const key = keyOf(item);
    if (!guard.condition && !this.#entries.has(keyText(key))) {
      // A whole-item put needs no read: the item afterwards is exactly this one.
      this.#entries.set(keyText(key), { ...entry(key, undefined), blind: true, written: true });
    }
    const e = await this.#entry(key);
    if (!this.#holds(e, guard)) return 'stale';
    e.current = structuredClone(item);
    e.written = true;
    return 'applied';
  }

  override async delete(key: Item, guard: Guard = {}): Promise<WriteOutcome> {
    this.#open();
    if (!guard.condition && !this.#entries.has(keyText(key))) {
      this.#entries.set(keyText(key), { ...entry(keyOf(key), undefined), blind: true });
    }
    const e = await this.#entry(key);
    if (!this.#holds(e, guard)) return 'stale';
    e.current = undefined;
    e.written = true;
    return 'applied';
  }

  override async updateExpression(
    key: Item,
    expression: string,
    guard: Guard = {},
  ): Promise<WriteOutcome> {
    const e = await this.#entry(key);
    if (!this.#holds(e, guard)) return 'stale';
    e.current = applyUpdate(expression, e.current, keyOf(key), guard);
    e.written = true;
    return 'applied';
  }

  /**
   * Buffered for the commit as one ADD per item. Values the session read in the set already are
   * left out, so an item that would not change is not written; the rest need no read (ADD
   * commutes with every other writer's).
   */
  override async addToSet(key: Item, attribute: string, values: readonly string[]): Promise<void> {
    this.#open();
    const text = keyText(key);
    const known = this.#entries.get(text);
    const had = known?.current?.[attribute];
    const fresh = values.filter((v) => !(had instanceof Set && had.has(v)));
    if (fresh.length === 0) return;
    if (known) {
      // Later reads in this session see the addition; the entry itself stays unwritten.
      known.current = {
        ...(known.current ?? keyOf(key)),
        [attribute]: new Set([...(had instanceof Set ? had : []), ...fresh]),
      };
    }
    const pending = this.#additions.get(text) ?? {
      key: keyOf(key),
      attribute,
      values: new Set<string>(),
    };
    for (const v of fresh) {
      pending.values.add(v);
      this.#removals.get(text)?.values.delete(v);
    }
    this.#additions.set(text, pending);
  }

  /**
   * Takes out of a set this session read the values `drop` picks. Values this session added are
   * simply not added; the others are committed as a DELETE only when the whole unit goes in one
   * transaction with `alongside` written in it, so no other writer's change to `alongside` can
   * fall between the two (and if one came before, the transaction is cancelled). Otherwise the
   * values stay. A set this session did not read is left alone: nothing is known to remove.
   */
  override async pruneSet(
    key: Item,
    attribute: string,
    drop: (value: string) => boolean,
    alongside: Item,
  ): Promise<void> {
    this.#open();
    const text = keyText(key);
    const known = this.#entries.get(text);
    const had = known?.current?.[attribute];
    if (!known || !(had instanceof Set)) return;
    const gone = [...had].map(String).filter(drop);
    if (gone.length === 0) return;
    const left = new Set(had);
    for (const v of gone) left.delete(v);
    known.current = { ...known.current, [attribute]: left };
    const added = this.#additions.get(text)?.values;
    const pending = this.#removals.get(text) ?? {
      key: keyOf(key),
      attribute,
      values: new Set<string>(),
      alongside: new Set<string>(),
    };
    for (const v of gone) {
      if (added?.delete(v)) continue;
      pending.values.add(v);
    }
    pending.alongside.add(keyText(alongside));
    if (pending.values.size) this.#removals.set(text, pending);
  }

  /** Audit entries: new items, buffered for the commit. */
  override async batchPut(items: readonly Item[]): Promise<void> {
    this.#open();
    this.#appends.push(...items.map((i) => structuredClone(i)));
  }

  /**
   * The table's answer with this session's writes laid over it. A query of the table itself is
   * strongly consistent, and what it returns is kept like a read (and, for a whole partition or
   * a whole prefix of one, so is the absence of every other item there): the writes that follow
   * it need no further reads.
   */
  override async query(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    this.#open();
    const ctx = { names: input.ExpressionAttributeNames, values: input.ExpressionAttributeValues };
    const base = !input.IndexName && !input.FilterExpression && !input.Limit;
    const range = base ? partitionRange(String(input.KeyConditionExpression), ctx) : undefined;
    if (range && this.#covered(range)) return this.#fromMemory(range, input.ScanIndexForward);
    const fromTable = await super.query(base ? { ...input, ConsistentRead: true } : input);
    if (base) {
      for (const item of fromTable) {
        const text = keyText(item);
        if (!this.#entries.has(text)) this.#entries.set(text, entry(keyOf(item), item));
      }
      if (range) this.#complete.push(range);
    }
    const written = [...this.#entries.values()].filter((e) => e.written);
    if (written.length === 0) return fromTable;
    const matches = (item: Item) =>
      conditionHolds(String(input.KeyConditionExpression), item, ctx) &&
      (!input.FilterExpression || conditionHolds(input.FilterExpression, item, ctx));
    const byKey = new Map(fromTable.map((i) => [keyText(i), i]));
    for (const e of written) {
      const text = keyText(e.key);
      if (e.current && matches(e.current)) byKey.set(text, structuredClone(e.current));
      else byKey.delete(text);
    }
    const sortKey = { GSI1: 'GSI1SK', GSI2: 'GSI2SK' }[String(input.IndexName)] ?? 'SK';
    const sorted = [...byKey.values()].sort((a, b) =>
      compareText(String(a[sortKey] ?? ''), String(b[sortKey] ?? '')),
    );
    return input.ScanIndexForward === false ? sorted.reverse() : sorted;
  }

  /** Whether a strongly consistent query of this session already read the whole range. */
  #covered(range: { pk: unknown; prefix: string }): boolean {
    return this.#complete.some((r) => r.pk === range.pk && range.prefix.startsWith(r.prefix));
  }

  /** A range read whole before, as this session sees it now, in sort-key order. */
  #fromMemory(range: { pk: unknown; prefix: string }, forward = true): Item[] {
    const items = [...this.#entries.values()]
      .filter((e) => e.key.PK === range.pk && String(e.key.SK).startsWith(range.prefix))
      .flatMap((e) => (e.current ? [structuredClone(e.current)] : []))
      .sort((a, b) => compareText(String(a.SK), String(b.SK)));
    return forward ? items : items.reverse();
  }

  /**
   * Writes what the session changed: one request when it fits a transaction (or a single write
   * when it is one item), else transactions of 100 items, the audit in BatchWriteItem requests,
   * and the processed-event marker last; set removals (pruneSet) go only in the one-request case.
   * 'lost' when a condition failed at commit.
   */
  async commit(): Promise<UnitCommit> {
    this.#open();
    this.#closed = true;
    const entries = [...this.#entries.values()];
    const operations = new Map(entries.map((e) => [keyText(e.key), this.#operation(e)]));
    const state = [
      ...entries
        .filter((e) => !isMarker(e.key))
        .flatMap((e) => operations.get(keyText(e.key)) ?? []),
      ...[...this.#additions.values()]
        .filter(({ values }) => values.size > 0)
        .map((change) => this.#setUpdate('ADD', change)),
    ];
    const markers = entries
      .filter((e) => isMarker(e.key))
      .flatMap((e) => operations.get(keyText(e.key)) ?? []);
    const appends: TransactItem[] = this.#appends.map((Item) => ({
      Put: { TableName: this.name, Item },
    }));
    const all = [...state, ...appends, ...markers];
    if (all.length === 0) return { status: 'committed', requests: 0 };
    const removals = [...this.#removals.values()]
      .filter((r) => r.values.size > 0)
      .filter((r) => [...r.alongside].every((k) => operations.get(k)?.length))
      // One transaction takes one operation per item: an item also added to keeps its values.
      .filter((r) => !this.#additions.get(keyText(r.key))?.values.size)
      .map((change) => this.#setUpdate('DELETE', change));
    let requests = 0;
    try {
      if (fits([...all, ...removals])) {
        requests += await this.#send([...state, ...removals, ...appends, ...markers]);
        return { status: 'committed', requests };
      }
      for (const chunk of chunks(state)) requests += await this.#send(chunk);
      if (this.#appends.length) {
        await super.batchPut(this.#appends);
        requests += Math.ceil(this.#appends.length / 25);
      }
      if (markers.length) requests += await this.#send(markers);
      return { status: 'committed', requests };
    } catch (error) {
      if (error instanceof LostConditionError) return { status: 'lost', reason: error.message };
      throw error;
    }
  }

  #setUpdate(action: 'ADD' | 'DELETE', { key, attribute, values }: SetChange): TransactItem {
    return {
      Update: {
        TableName: this.name,
        Key: key,
        UpdateExpression: `${action} #s :v`,
        ExpressionAttributeNames: { '#s': attribute },
        ExpressionAttributeValues: { ':v': values },
      },
    };
  }

  /** One operation as a plain write (one item: half the write units) or a transaction. */
  async #send(items: TransactItem[]): Promise<number> {
    try {
      const [only] = items;
      if (items.length === 1 && only?.Put) await this.db.send(new PutCommand(only.Put));
      else if (items.length === 1 && only?.Update) {
        await this.db.send(new UpdateCommand(only.Update));
      } else if (items.length === 1 && only?.Delete) {
        await this.db.send(new DeleteCommand(only.Delete));
      } else {
        // No ClientRequestToken: DynamoDB would answer the same transaction within ten minutes
        // as already done, even into a table dropped and made anew (replay --reset) - nothing
        // written. An SDK retry after a lost response loses its pins instead, and the event is
        // applied item by item.
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      }
      return 1;
    } catch (error) {
      const lost = lostCondition(error, items);
      if (lost) throw new LostConditionError(lost);
      throw error;
    }
  }

  /** What one item's commit takes: nothing when it did not change and no condition read it. */
  #operation(e: Entry): TransactItem[] {
    if (!e.written) return [];
    const TableName = this.name;
    if (e.blind) {
      if (e.current) return [{ Put: { TableName, Item: e.current } }];
      return [{ Delete: { TableName, Key: e.key } }];
    }
    if (!e.current && !e.read) return [];
    const guard = pinned(e);
    const update = e.current ? diff(e.read, e.current, guard.names, guard.values) : undefined;
    const fields = {
      TableName,
      Key: e.key,
      ...(guard.condition ? { ConditionExpression: guard.condition } : {}),
      ...(Object.keys(guard.names).length ? { ExpressionAttributeNames: guard.names } : {}),
      ...(Object.keys(guard.values).length ? { ExpressionAttributeValues: guard.values } : {}),
    };
    if (!e.current) return [{ Delete: fields }];
    if (update) return [{ Update: { ...fields, UpdateExpression: update } }];
    // Unchanged: nothing to write. A condition the session judged must still hold at commit,
    // else this event's answer ('applied') would rest on a state another writer has changed.
    if (!guard.condition) return [];
    return [{ ConditionCheck: { ...fields, ConditionExpression: guard.condition } }];
  }

  #holds(e: Entry, guard: Guard): boolean {
    if (!guard.condition) return true;
    if (!e.blind) {
      for (const p of conditionPaths(guard.condition, guard)) e.pins.set(p.join('\u0000'), p);
    }
    return conditionHolds(guard.condition, e.current, guard);
  }

  async #entry(key: Item): Promise<Entry> {
    this.#open();
    const text = keyText(key);
    const known = this.#entries.get(text);
    if (known) return known;
    const knownAbsent = this.#complete.some(
      (r) => r.pk === key.PK && String(key.SK).startsWith(r.prefix),
    );
    const item = knownAbsent ? undefined : await super.get(keyOf(key));
    // A concurrent call may have read it meanwhile: the first answer stays.
    const e = this.#entries.get(text) ?? entry(keyOf(key), item);
    this.#entries.set(text, e);
    return e;
  }

  #open(): void {
    if (this.#closed) throw new SessionClosedError('the ledger session was already committed');
  }
}

function entry(key: Item, item: Item | undefined): Entry {
  return {
    key,
    read: item,
    current: item ? structuredClone(item) : undefined,
    blind: false,
    written: false,
    pins: new Map(),
  };
}

/** `PK = :pk` or `PK = :pk AND begins_with(SK, :sk)`: the range a base-table query read whole. */
function partitionRange(
  condition: string,
  ctx: { values?: Item | undefined },
): { pk: unknown; prefix: string } | undefined {
  const m = /^PK = (:\w+)(?: AND begins_with\(SK, (:\w+)\))?$/.exec(condition.trim());
  if (!m?.[1]) return undefined;
  const prefix = m[2] ? ctx.values?.[m[2]] : '';
  return typeof prefix === 'string' ? { pk: ctx.values?.[m[1]], prefix } : undefined;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The attributes the conditions read, each equal to what was read (or still absent). */
function pinned(e: Entry): { condition?: string; names: Record<string, string>; values: Item } {
  const names: Record<string, string> = {};
  const values: Item = {};
  const terms: string[] = [];
  let n = 0;
  for (const path of e.pins.values()) {
    const ref = path
      .map((part) => {
        const name = `#p${n++}`;
        names[name] = part;
        return name;
      })
      .join('.');
    const v = valueAt(e.read, path);
    if (v === undefined) terms.push(`attribute_not_exists(${ref})`);
    else {
      const value = `:p${n++}`;
      values[value] = v;
      terms.push(`${ref} = ${value}`);
    }
  }
  return { ...(terms.length ? { condition: terms.join(' AND ') } : {}), names, values };
}

/**
 * SET and REMOVE for what differs between `before` and `after`; maps present on both sides are
 * compared key by key, so one changed attribute of a target group writes one map key.
 */
function diff(
  before: Item | undefined,
  after: Item,
  names: Record<string, string>,
  values: Item,
): string | undefined {
  const sets: string[] = [];
  const removes: string[] = [];
  let n = 0;
  const name = (part: string) => {
    const ref = `#d${n++}`;
    names[ref] = part;
    return ref;
  };
  const value = (v: unknown) => {
    const ref = `:d${n++}`;
    values[ref] = v;
    return ref;
  };
  const attributes = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  for (const a of attributes) {
    if (a === 'PK' || a === 'SK') continue;
    const was = before?.[a];
    const now = after[a];
    if (sameValue(was, now)) continue;
    if (now === undefined) {
      removes.push(name(a));
    } else if (isMap(was) && isMap(now)) {
      const ref = name(a);
      for (const k of new Set([...Object.keys(was), ...Object.keys(now)])) {
        if (sameValue(was[k], now[k])) continue;
        if (now[k] === undefined) removes.push(`${ref}.${name(k)}`);
        else sets.push(`${ref}.${name(k)} = ${value(now[k])}`);
      }
    } else {
      sets.push(`${name(a)} = ${value(now)}`);
    }
  }
  const parts = [
    sets.length ? `SET ${sets.join(', ')}` : '',
    removes.length ? `REMOVE ${removes.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' ') : undefined;
}

function isMap(v: unknown): v is Item {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Set);
}

function approximateBytes(items: readonly TransactItem[]): number {
  return JSON.stringify(items, (_, v) => (v instanceof Set ? [...v] : v)).length;
}

function fits(items: readonly TransactItem[]): boolean {
  return items.length <= TRANSACTION_ITEMS && approximateBytes(items) <= TRANSACTION_BYTES;
}

function chunks(items: readonly TransactItem[]): TransactItem[][] {
  const out: TransactItem[][] = [];
  let chunk: TransactItem[] = [];
  for (const item of items) {
    if (chunk.length && !fits([...chunk, item])) {
      out.push(chunk);
      chunk = [];
    }
    chunk.push(item);
  }
  if (chunk.length) out.push(chunk);
  return out;
}

/** Which item lost its condition, or undefined for any other failure (which is rethrown). */
function lostCondition(error: unknown, items: readonly TransactItem[]): string | undefined {
  if (error instanceof ConditionalCheckFailedException) {
    return 'a condition no longer held at commit';
  }
  const e = error as { name?: string; CancellationReasons?: Array<{ Code?: string }> };
  if (e.name !== 'TransactionCanceledException') return undefined;
  const reasons = e.CancellationReasons ?? [];
  const lost = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
  if (lost.length === 0) return undefined;
  const keys = lost.map((i) => {
    const t = items[i];
    const key = t?.Update?.Key ?? t?.Delete?.Key ?? t?.ConditionCheck?.Key ?? t?.Put?.Item;
    return key ? `${String(key.PK)} ${String(key.SK)}` : `item ${i}`;
  });
  return `a condition no longer held at commit (${keys.join(', ')})`;
}
