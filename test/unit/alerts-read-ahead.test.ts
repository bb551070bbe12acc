import { describe, expect, test } from 'vitest';
import { AlertWriteConflictError } from '#core/alerts/alert-store.ts';
import {
  AlertsReadAhead,
  prefetchedAlerts,
  readingAheadFrom,
} from '#core/alerts/alerts-read-ahead.ts';

import { CountingStore, node, record } from '#test/helpers/counting-alert-store.ts';

describe('prefetchedAlerts', () => {
  test('the alerts read ahead, stored or not, are answered from one read', async () => {
    const store = new CountingStore();
    await store.put(record('i-1'));
    const ahead = prefetchedAlerts(store, [node('i-1'), node('i-2'), node('i-1')]);

    expect(await ahead.get('node-pod-capacity', 'i-1')).toEqual(record('i-1'));
    expect(await ahead.get('node-pod-capacity', 'i-2')).toBeUndefined();
    expect(store.reads).toEqual(['getMany 2']);
  });

  test('reviews sharing one store read everything they announced in one request', async () => {
    const store = new CountingStore();
    await store.put(record('i-2'));
    const shared = new AlertsReadAhead(store);
    shared.expect([node('i-1')]);
    const second = prefetchedAlerts(shared, [node('i-2')]);

    expect(second).toBe(shared);
    expect(await second.get('node-pod-capacity', 'i-2')).toEqual(record('i-2'));
    expect(await shared.get('node-pod-capacity', 'i-1')).toBeUndefined();
    expect(store.reads).toEqual(['getMany 2']);
  });

  test('an alert read before it was announced joins the pending read; with none pending, it is read alone', async () => {
    const store = new CountingStore();
    await store.put(record('i-3'));
    const ahead = prefetchedAlerts(store, [node('i-1')]);

    expect(await ahead.get('node-pod-capacity', 'i-3')).toEqual(record('i-3'));
    expect(await ahead.get('subnet-exhaustion', 'i-1')).toBeUndefined();
    expect(store.reads).toEqual(['getMany 2', 'get subnet-exhaustion i-1']);
  });

  test('after a put the next get reads what was stored, not the copy read ahead', async () => {
    const store = new CountingStore();
    const ahead = prefetchedAlerts(store, [node('i-1')]);
    expect(await ahead.get('node-pod-capacity', 'i-1')).toBeUndefined();
    await ahead.put(record('i-1'), null);

    expect(await ahead.get('node-pod-capacity', 'i-1')).toEqual(record('i-1'));
    // The put was conditional on the read: a second "there was none" conflicts.
    await expect(ahead.put(record('i-1', { notifyCount: 2 }), null)).rejects.toBeInstanceOf(
      AlertWriteConflictError,
    );
  });

  test('alerts the caller read already are answered from that read, absent ones as absent', async () => {
    const store = new CountingStore();
    await store.put(record('i-2'));
    const ahead = new AlertsReadAhead(store);
    ahead.know([node('i-1'), node('i-2')], [record('i-1')]);
    ahead.expect([node('i-1'), node('i-3')]);

    expect(await ahead.get('node-pod-capacity', 'i-1')).toEqual(record('i-1'));
    // Known as absent from the caller's read: not read again, whatever the store holds now.
    expect(await ahead.get('node-pod-capacity', 'i-2')).toBeUndefined();
    expect(await ahead.get('node-pod-capacity', 'i-3')).toBeUndefined();
    expect(store.reads).toEqual(['getMany 1']);
  });

  test('an alert announced, then known, is not read', async () => {
    const store = new CountingStore();
    const ahead = new AlertsReadAhead(store);
    ahead.expect([node('i-1')]);
    ahead.know([node('i-1')], [record('i-1')]);

    expect(await ahead.getMany([node('i-1')])).toEqual([record('i-1')]);
    expect(store.reads).toEqual([]);
  });

  test('nothing announced reads nothing ahead', async () => {
    const store = new CountingStore();
    const ahead = prefetchedAlerts(store, []);

    expect(await ahead.get('node-pod-capacity', 'i-1')).toBeUndefined();
    expect(store.reads).toEqual(['get node-pod-capacity i-1']);
  });

  test('read from what a unit read ahead until written, then from the store', async () => {
    const store = new CountingStore();
    const unit = new CountingStore();
    await unit.put(record('i-1', { summary: 'as the unit read it' }));
    const alerts = new AlertsReadAhead(readingAheadFrom(unit, store));
    alerts.expect([node('i-1')]);

    const read = await alerts.get('node-pod-capacity', 'i-1');
    await alerts.put(record('i-1', { summary: 'stored' }), null);
    const again = await alerts.getMany([node('i-1')]);

    expect(read?.summary).toBe('as the unit read it');
    expect(again.map((r) => r.summary)).toEqual(['stored']);
    expect(unit.reads).toEqual(['getMany 1']);
    expect(store.reads).toEqual(['getMany 1']);
  });
});
