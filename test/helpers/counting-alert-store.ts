// The memory alert store counting its reads (what a review would send to DynamoDB), and the
// alert records the read-ahead tests file in it.
import { MemoryAlertStore } from '#adapters/memory/memory-alert-store.ts';
import type { AlertKind } from '#core/alerts/alert.ts';
import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import type { AlertRef } from '#core/alerts/alert-store.ts';

export class CountingStore extends MemoryAlertStore {
  readonly reads: string[] = [];
  override async get(kind: AlertKind, subject: string) {
    this.reads.push(`get ${kind} ${subject}`);
    return super.get(kind, subject);
  }
  override async getMany(refs: readonly AlertRef[]) {
    this.reads.push(`getMany ${refs.length}`);
    return super.getMany(refs);
  }
}

export function record(subject: string, overrides: Partial<AlertRecord> = {}): AlertRecord {
  return {
    kind: 'node-pod-capacity',
    subject,
    cluster: 'c1',
    status: 'open',
    severity: 'warning',
    title: `node ${subject}`,
    summary: '15 of 17 pods',
    facts: { used: 15 },
    openedAt: '2026-11-21T10:00:00Z',
    lastNotifiedAt: '2026-11-21T10:00:00Z',
    notifyCount: 1,
    ...overrides,
  };
}

export const node = (subject: string): AlertRef => ({ kind: 'node-pod-capacity', subject });
