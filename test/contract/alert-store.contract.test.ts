import { describe, expect, test } from 'vitest';
import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import { AlertWriteConflictError } from '#core/alerts/alert-store.ts';
import { alertStores } from '#test/contract/implementations.ts';

/** What every AlertStore promises, held against the DynamoDB store and the memory store alike. */
function record(subject: string, overrides: Partial<AlertRecord> = {}): AlertRecord {
  return {
    kind: 'node-pod-capacity',
    subject,
    cluster: 'c1',
    status: 'open',
    severity: 'warning',
    title: `node ${subject} near its pod ceiling`,
    summary: '15 of 17 pods',
    facts: { used: 15, max: 17, prefixDelegation: false },
    openedAt: '2026-11-21T10:00:00Z',
    lastNotifiedAt: '2026-11-21T10:00:00Z',
    notifyCount: 1,
    notifiedSeverity: 'warning',
    ...overrides,
  };
}

describe.each(alertStores)('AlertStore contract: $name', ({ make }) => {
  test('a stored record reads back as it was written', async () => {
    // Prepare
    const store = await make();
    const resolved = record('i-1', {
      status: 'resolved',
      resolvedAt: '2026-11-21T11:00:00Z',
      notifyCount: 2,
    });

    // Act
    await store.put(resolved);

    // Assess
    expect(await store.get('node-pod-capacity', 'i-1')).toEqual(resolved);
    expect(await store.get('node-pod-capacity', 'i-2')).toBeUndefined();
    expect(await store.get('subnet-exhaustion', 'i-1')).toBeUndefined();
  });

  test('the outbox: a pending notification reads back and is listed until it is cleared', async () => {
    // Prepare
    const store = await make();
    const base = record('i-1', { status: 'resolved', resolvedAt: '2026-11-21T11:00:00Z' });
    const pending = {
      type: 'resolve' as const,
      kind: base.kind,
      severity: base.severity,
      cluster: base.cluster,
      subject: base.subject,
      title: base.title,
      summary: base.summary,
      facts: base.facts,
      openedAt: base.openedAt,
      resolvedAt: '2026-11-21T11:00:00Z',
    };
    await store.put(record('i-2'));

    // Act
    await store.put({ ...base, pending });
    const listed = await store.listPending();
    const read = await store.get('node-pod-capacity', 'i-1');
    await store.put(base, { ...base, pending });

    // Assess
    expect(listed).toEqual([{ ...base, pending }]);
    expect(read).toEqual({ ...base, pending });
    expect(await store.listPending()).toEqual([]);
    expect(await store.get('node-pod-capacity', 'i-1')).toEqual(base);
  });

  test('"there was none" fails once a record exists', async () => {
    // Prepare
    const store = await make();
    await store.put(record('i-1'), null);

    // Act
    const second = store.put(record('i-1', { severity: 'critical' }), null);

    // Assess
    await expect(second).rejects.toBeInstanceOf(AlertWriteConflictError);
    expect((await store.get('node-pod-capacity', 'i-1'))?.severity).toBe('warning');
  });

  test('a write against the record read succeeds, one against an outdated read fails', async () => {
    // Prepare
    const store = await make();
    const first = record('i-1');
    await store.put(first);
    const reminded = record('i-1', { lastNotifiedAt: '2026-11-21T11:00:00Z', notifyCount: 2 });

    // Act
    await store.put(reminded, first);
    const outdated = store.put(record('i-1', { status: 'resolved' }), first);

    // Assess
    await expect(outdated).rejects.toBeInstanceOf(AlertWriteConflictError);
    expect(await store.get('node-pod-capacity', 'i-1')).toEqual(reminded);
  });

  test('open alerts of every kind are listed by kind and subject; resolved ones are not', async () => {
    // Prepare
    const store = await make();
    await store.put(record('i-b'));
    await store.put(record('i-a'));
    await store.put(record('subnet-1', { kind: 'subnet-exhaustion' }));
    await store.put(record('i-c'));
    await store.put(record('i-c', { status: 'resolved', resolvedAt: '2026-11-21T12:00:00Z' }));

    // Act
    const open = await store.listOpen();

    // Assess
    expect(open.map((r) => `${r.kind} ${r.subject}`)).toEqual([
      'node-pod-capacity i-a',
      'node-pod-capacity i-b',
      'subnet-exhaustion subnet-1',
    ]);
  });

  test('a fact that is not a finite number is kept as text', async () => {
    // Prepare
    const store = await make();

    // Act
    await store.put(record('i-1', { facts: { headroom: Number.POSITIVE_INFINITY, used: 3 } }));

    // Assess
    expect((await store.get('node-pod-capacity', 'i-1'))?.facts).toEqual({
      headroom: 'Infinity',
      used: 3,
    });
  });
  test('several alerts read at once: each stored one as get reads it, absent ones left out', async () => {
    // Prepare: more than one BatchGetItem holds (100 keys), with a duplicate asked twice.
    const store = await make();
    await store.put(record('i-1'));
    await store.put(record('i-2', { status: 'resolved', resolvedAt: '2026-11-21T11:00:00Z' }));
    await store.put(record('subnet-1', { kind: 'subnet-exhaustion' }));
    await store.put(record('i-150'));
    const refs = [
      ...Array.from({ length: 150 }, (_, i) => ({
        kind: 'node-pod-capacity' as const,
        subject: `i-${i + 1}`,
      })),
      { kind: 'subnet-exhaustion' as const, subject: 'subnet-1' },
      { kind: 'subnet-fragmentation' as const, subject: 'subnet-1' },
      { kind: 'node-pod-capacity' as const, subject: 'i-1' },
    ];

    // Act
    const many = await store.getMany(refs);

    // Assess
    const byKey = (r: AlertRecord) => `${r.kind} ${r.subject}`;
    expect(many.map(byKey).sort()).toEqual([
      'node-pod-capacity i-1',
      'node-pod-capacity i-150',
      'node-pod-capacity i-2',
      'subnet-exhaustion subnet-1',
    ]);
    for (const r of many) expect(r).toEqual(await store.get(r.kind, r.subject));
    expect(await store.getMany([])).toEqual([]);
  });
});
