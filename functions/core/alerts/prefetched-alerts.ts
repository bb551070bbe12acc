import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import type { AlertRef, AlertStore } from '#core/alerts/alert-store.ts';

const keyOf = (kind: string, subject: string) => `${kind}\u0000${subject}`;

/**
 * The store, with the alerts one review may settle read ahead in one `getMany`: `get` answers
 * those from what was read (absent ones as absent) and asks the store for any other. A `put`
 * goes to the store and forgets the copy, so a second settle of one alert in the same review
 * reads what the first stored. Every put stays conditional on the record read, so reading
 * ahead loses nothing to a concurrent writer: it only moves the read earlier.
 */
export async function prefetchedAlerts(
  store: AlertStore,
  refs: readonly AlertRef[],
): Promise<AlertStore> {
  const wanted = new Map<string, AlertRef>();
  for (const r of refs) wanted.set(keyOf(r.kind, r.subject), r);
  if (wanted.size === 0) return store;
  const known = new Map<string, AlertRecord | undefined>();
  for (const k of wanted.keys()) known.set(k, undefined);
  for (const record of await store.getMany([...wanted.values()])) {
    known.set(keyOf(record.kind, record.subject), record);
  }
  return {
    get: async (kind, subject) => {
      const k = keyOf(kind, subject);
      return known.has(k) ? known.get(k) : store.get(kind, subject);
    },
    getMany: (many) => store.getMany(many),
    put: async (record, expected) => {
      known.delete(keyOf(record.kind, record.subject));
      await store.put(record, expected);
    },
    listOpen: () => store.listOpen(),
    listPending: () => store.listPending(),
  };
}
