import { describe, expect, test } from 'vitest';
import { MemoryAlertStore } from '#adapters/memory/memory-alert-store.ts';
import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import { type AlertStore, AlertWriteConflictError } from '#core/alerts/alert-store.ts';
import { prefetchedAlerts } from '#core/alerts/prefetched-alerts.ts';

function record(subject: string, overrides: Partial<AlertRecord> = {}): AlertRecord {
  return {
    kind: 'stale-target',
    subject,
    cluster: 'c1',
    status: 'open',
    severity: 'warning',
    title: subject,
    summary: '',
    facts: {},
    openedAt: '2026-11-21T10:00:00Z',
    lastNotifiedAt: '2026-11-21T10:00:00Z',
    notifyCount: 1,
    ...overrides,
  };
}

/** The memory store, counting the reads that reach it. */
function counted(withGetMany = true) {
  const inner = new MemoryAlertStore();
  const calls = { get: 0, getMany: 0 };
  const store: AlertStore = {
    get: (kind, subject) => {
      calls.get++;
      return inner.get(kind, subject);
    },
    ...(withGetMany
      ? {
          getMany: (keys) => {
            calls.getMany++;
            return inner.getMany(keys);
          },
        }
      : {}),
    put: (r, expected) => inner.put(r, expected),
    listOpen: () => inner.listOpen(),
    listPending: () => inner.listPending(),
  };
  return { store, inner, calls };
}

const key = (subject: string) => ({ kind: 'stale-target' as const, subject });

describe('prefetchedAlerts', () => {
  test('the wanted alerts are read in one request: present and absent ones alike', async () => {
    const { store, inner, calls } = counted();
    await inner.put(record('a'));
    const alerts = await prefetchedAlerts(store, [key('a'), key('b')]);
    expect(await alerts.get('stale-target', 'a')).toEqual(record('a'));
    expect(await alerts.get('stale-target', 'b')).toBeUndefined();
    expect(calls).toEqual({ get: 0, getMany: 1 });
  });

  test('an alert not asked for is read from the store', async () => {
    const { store, inner, calls } = counted();
    await inner.put(record('c'));
    const alerts = await prefetchedAlerts(store, [key('a')]);
    expect(await alerts.get('stale-target', 'c')).toEqual(record('c'));
    expect(calls.get).toBe(1);
  });

  test('a put that succeeds is what a later get answers; one that conflicts is not', async () => {
    const { store, inner } = counted();
    await inner.put(record('a'));
    const alerts = await prefetchedAlerts(store, [key('a'), key('b')]);
    const reminded = record('a', { notifyCount: 2, lastNotifiedAt: '2026-11-21T11:00:00Z' });
    await alerts.put(reminded, record('a'));
    await expect(alerts.put(record('a', { notifyCount: 9 }), record('a'))).rejects.toThrow(
      AlertWriteConflictError,
    );
    await alerts.put(record('b'), null);
    expect(await alerts.get('stale-target', 'a')).toEqual(reminded);
    expect(await alerts.get('stale-target', 'b')).toEqual(record('b'));
    expect(await inner.get('stale-target', 'a')).toEqual(reminded);
  });

  test('a store that cannot read many is used as it is', async () => {
    const { store, inner, calls } = counted(false);
    await inner.put(record('a'));
    const alerts = await prefetchedAlerts(store, [key('a')]);
    expect(alerts).toBe(store);
    expect(await alerts.get('stale-target', 'a')).toEqual(record('a'));
    expect(calls.get).toBe(1);
  });
});
