import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import type { AlertKey, AlertStore } from '#core/alerts/alert-store.ts';

const keyText = (k: AlertKey) => `${k.kind}\u0000${k.subject}`;

/**
 * The alert store with the records of these alerts read at once (`getMany`), for a review that
 * settles many subjects (the sweep: every node, subnet, target group and target). `get` of one
 * of them answers from that read (absent: no alert), others go to the store; a `put` is the
 * store's (still conditional on the record read) and is remembered once it succeeds. A store
 * without `getMany` is used as it is.
 */
export async function prefetchedAlerts(
  store: AlertStore,
  wanted: readonly AlertKey[],
): Promise<AlertStore> {
  if (!store.getMany || wanted.length === 0) return store;
  const known = new Map<string, AlertRecord | undefined>(
    wanted.map((k) => [keyText(k), undefined]),
  );
  for (const record of await store.getMany(wanted)) known.set(keyText(record), record);
  return {
    get: async (kind, subject) => {
      const text = keyText({ kind, subject });
      return known.has(text) ? known.get(text) : store.get(kind, subject);
    },
    getMany: (keys) => store.getMany?.(keys) ?? Promise.resolve([]),
    put: async (record, expected) => {
      await store.put(record, expected);
      const text = keyText(record);
      if (known.has(text)) known.set(text, record);
    },
    listOpen: () => store.listOpen(),
    listPending: () => store.listPending(),
  };
}
