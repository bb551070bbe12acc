import { describe, expect, test } from 'vitest';
import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import { alertStores } from '#test/contract/implementations.ts';

/** getMany, held against the DynamoDB store and the memory store alike. */
function record(kind: AlertRecord['kind'], subject: string): AlertRecord {
  return {
    kind,
    subject,
    cluster: 'c1',
    status: 'open',
    severity: 'warning',
    title: `${kind} ${subject}`,
    summary: '',
    facts: { used: 1 },
    openedAt: '2026-11-21T10:00:00Z',
    lastNotifiedAt: '2026-11-21T10:00:00Z',
    notifyCount: 1,
  };
}

describe.each(alertStores)('AlertStore.getMany contract: $name', ({ make }) => {
  test('answers the stored records among 250 keys (more than one request holds), as get does', async () => {
    // Prepare: three of the 250 alerts exist, one of them under another kind than asked
    const store = await make();
    const stored = [
      record('stale-target', 'tg|10.0.0.7:80'),
      record('stale-target', 'tg|10.0.0.199:80'),
      record('node-pod-capacity', 'tg|10.0.0.9:80'),
    ];
    for (const r of stored) await store.put(r);
    const wanted = Array.from({ length: 250 }, (_, n) => ({
      kind: 'stale-target' as const,
      subject: `tg|10.0.0.${n}:80`,
    }));

    // Act
    const found = await store.getMany?.(wanted);

    // Assess
    const bySubject = (a: AlertRecord, b: AlertRecord) => a.subject.localeCompare(b.subject);
    expect(found?.sort(bySubject)).toEqual([stored[1], stored[0]]);
    expect(await store.getMany?.([])).toEqual([]);
  });
});
