import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import type { AlertRef, AlertStore } from '#core/alerts/alert-store.ts';

const keyOf = (kind: string, subject: string) => `${kind}\u0000${subject}`;

/**
 * An alert store that reads ahead: the alerts a review announces (`expect`) are read together,
 * in one `getMany`, at the first read that needs any of them, and answered from that read
 * (absent ones as absent) afterwards. Reviews that follow one event share one, so all the
 * alerts an event may touch cost one request. A `put` goes to the store and forgets the copy,
 * so a second settle of one alert reads what the first stored. Every put stays conditional on
 * the record read, so reading ahead loses nothing to a concurrent writer: it only moves the
 * read earlier.
 */
export class AlertsReadAhead implements AlertStore {
  readonly #known = new Map<string, AlertRecord | undefined>();
  readonly #wanted = new Map<string, AlertRef>();

  constructor(readonly store: AlertStore) {}

  /** Announces alerts about to be read: the next read fetches all announced ones at once. */
  expect(refs: readonly AlertRef[]): void {
    for (const r of refs) {
      const k = keyOf(r.kind, r.subject);
      if (!this.#known.has(k)) this.#wanted.set(k, { kind: r.kind, subject: r.subject });
    }
  }

  /**
   * Alerts the caller has read already (with the event's items, in one request): answered from
   * that read, the absent ones as absent, until a put replaces them.
   */
  know(refs: readonly AlertRef[], records: readonly AlertRecord[]): void {
    for (const r of refs) {
      const k = keyOf(r.kind, r.subject);
      this.#wanted.delete(k);
      this.#known.set(k, undefined);
    }
    for (const record of records) this.#known.set(keyOf(record.kind, record.subject), record);
  }

  async get(kind: AlertRef['kind'], subject: string): Promise<AlertRecord | undefined> {
    const k = keyOf(kind, subject);
    if (this.#known.has(k)) return this.#known.get(k);
    if (this.#wanted.size === 0) return this.store.get(kind, subject);
    this.#wanted.set(k, { kind, subject });
    await this.#readWanted();
    return this.#known.get(k);
  }

  async getMany(refs: readonly AlertRef[]): Promise<AlertRecord[]> {
    this.expect(refs);
    if (this.#wanted.size > 0) await this.#readWanted();
    return refs.flatMap((r) => {
      const record = this.#known.get(keyOf(r.kind, r.subject));
      return record ? [record] : [];
    });
  }

  async put(record: AlertRecord, expected?: AlertRecord | null): Promise<void> {
    this.#known.delete(keyOf(record.kind, record.subject));
    await this.store.put(record, expected);
  }

  listOpen(): Promise<AlertRecord[]> {
    return this.store.listOpen();
  }

  listPending(): Promise<AlertRecord[]> {
    return this.store.listPending();
  }

  async #readWanted(): Promise<void> {
    const wanted = [...this.#wanted.entries()];
    this.#wanted.clear();
    const found = await this.store.getMany(wanted.map(([, r]) => r));
    for (const [k] of wanted) this.#known.set(k, undefined);
    for (const record of found) this.#known.set(keyOf(record.kind, record.subject), record);
  }
}

/**
 * The store, reading these alerts ahead (see AlertsReadAhead). A store that already reads
 * ahead is given the refs and returned, so reviews of one event share its one read.
 */
export function prefetchedAlerts(store: AlertStore, refs: readonly AlertRef[]): AlertStore {
  const ahead = store instanceof AlertsReadAhead ? store : new AlertsReadAhead(store);
  ahead.expect(refs);
  return ahead;
}

/**
 * The store, with reads of alerts not yet written here answered by `ahead` (an event's unit of
 * work, which read them with the event's own items in one request). Once an alert is written
 * its reads go to the store, so a second settle of it sees what the first stored.
 */
export function readingAheadFrom(
  ahead: Pick<AlertStore, 'getMany'>,
  store: AlertStore,
): AlertStore {
  const written = new Set<string>();
  const isWritten = (r: AlertRef) => written.has(keyOf(r.kind, r.subject));
  return {
    get: (kind, subject) => store.get(kind, subject),
    getMany: async (refs) => {
      const fresh = refs.filter((r) => !isWritten(r));
      const again = refs.filter(isWritten);
      return [
        ...(fresh.length ? await ahead.getMany(fresh) : []),
        ...(again.length ? await store.getMany(again) : []),
      ];
    },
    put: async (record, expected) => {
      written.add(keyOf(record.kind, record.subject));
      await store.put(record, expected);
    },
    listOpen: () => store.listOpen(),
    listPending: () => store.listPending(),
  };
}
