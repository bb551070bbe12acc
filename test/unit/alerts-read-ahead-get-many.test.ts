import { describe, expect, test } from 'vitest';
import type { AlertRef } from '#core/alerts/alert-store.ts';
import { AlertsReadAhead } from '#core/alerts/alerts-read-ahead.ts';

import { CountingStore, node, record } from '#test/helpers/counting-alert-store.ts';

// AlertsReadAhead's getMany and lists (the helpers are alerts-read-ahead.test.ts's): a getMany
// answers what it is asked in order, reading only what no earlier read answered, and an alert
// already read is not announced again.

describe('AlertsReadAhead.getMany', () => {
  test('stored alerts in the order asked, absent ones left out, in one read', async () => {
    const store = new CountingStore();
    await store.put(record('i-1'), null);
    await store.put(record('i-3'), null);
    const ahead = new AlertsReadAhead(store);
    const found = await ahead.getMany([node('i-3'), node('i-2'), node('i-1')]);
    expect(found).toStrictEqual([record('i-3'), record('i-1')]);
    expect(store.reads).toStrictEqual(['getMany 3']);
  });

  test('what an earlier read answered is not read again, nor announced again', async () => {
    const store = new CountingStore();
    await store.put(record('i-1'), null);
    const ahead = new AlertsReadAhead(store);
    await ahead.getMany([node('i-1'), node('i-2')]);
    expect(await ahead.getMany([node('i-1'), node('i-2')])).toStrictEqual([record('i-1')]);
    ahead.expect([node('i-1'), node('i-2')]);
    expect(await ahead.get('node-pod-capacity', 'i-9')).toBeUndefined();
    expect(store.reads).toStrictEqual(['getMany 2', 'get node-pod-capacity i-9']);
  });

  test('an announced alert is read as the ref names it', async () => {
    const store = new CountingStore();
    await store.put(record('i-1'), null);
    const ahead = new AlertsReadAhead(store);
    ahead.expect([{ ...node('i-1'), extra: 'ignored' } as AlertRef]);
    expect(await ahead.get('node-pod-capacity', 'i-1')).toStrictEqual(record('i-1'));
  });
});

describe('AlertsReadAhead lists', () => {
  test('open and pending alerts come from the store', async () => {
    const store = new CountingStore();
    const pending = record('i-2', {
      pending: { type: 'open', kind: 'node-pod-capacity', subject: 'i-2' } as never,
    });
    await store.put(record('i-1'), null);
    await store.put(pending, null);
    await store.put(record('i-3', { status: 'resolved' }), null);
    const ahead = new AlertsReadAhead(store);
    expect(await ahead.listOpen()).toStrictEqual(await store.listOpen());
    expect((await ahead.listOpen()).map((r) => r.subject).sort()).toStrictEqual(['i-1', 'i-2']);
    expect((await ahead.listPending()).map((r) => r.subject)).toStrictEqual(['i-2']);
  });
});
