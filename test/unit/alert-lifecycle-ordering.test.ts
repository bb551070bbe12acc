import { describe, expect, test } from 'vitest';
import type { AlertCondition } from '#core/alerts/alert.ts';
import { type AlertPolicy, type AlertRecord, nextAlert } from '#core/alerts/alert-lifecycle.ts';

// Events arrive out of order. With the quiet period off (the default), an active
// evaluation stamped before the resolve it follows must still open the alert: nothing
// may hold it back. Mutation testing found that holding it back went unnoticed.

const T0 = Date.parse('2025-03-14T09:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

const active: AlertCondition = {
  kind: 'stale-target',
  subject: 'arn:tg|10.0.1.5:80',
  cluster: 'demo',
  active: true,
  severity: 'critical',
  title: 'Stale target',
  summary: 'moved',
  facts: { ip: '10.0.1.5' },
};

const resolvedAt600: AlertRecord = {
  kind: 'stale-target',
  subject: 'arn:tg|10.0.1.5:80',
  cluster: 'demo',
  status: 'resolved',
  severity: 'critical',
  title: 'Stale target',
  summary: 'back',
  facts: { ip: '10.0.1.5' },
  openedAt: at(0),
  lastNotifiedAt: at(600),
  resolvedAt: at(600),
  notifyCount: 2,
  notifiedSeverity: 'critical',
};

describe('an open evaluated at a time before the last resolve', () => {
  test.each<{ title: string; policy: AlertPolicy }>([
    { title: 'quiet period unset', policy: { remindAfterSeconds: 3600 } },
    { title: 'quiet period 0', policy: { remindAfterSeconds: 3600, reopenQuietSeconds: 0 } },
  ])('opens at once with the $title', ({ policy }) => {
    const { record, notification } = nextAlert(resolvedAt600, active, at(300), policy);

    expect(notification?.type).toBe('open');
    expect(record).toStrictEqual({
      kind: 'stale-target',
      subject: 'arn:tg|10.0.1.5:80',
      cluster: 'demo',
      status: 'open',
      severity: 'critical',
      title: 'Stale target',
      summary: 'moved',
      facts: { ip: '10.0.1.5' },
      openedAt: at(300),
      lastNotifiedAt: at(300),
      notifyCount: 1,
      notifiedSeverity: 'critical',
    });
  });

  test('is held back while a quiet period is on, and the record stays resolved', () => {
    const result = nextAlert(resolvedAt600, active, at(300), {
      remindAfterSeconds: 3600,
      reopenQuietSeconds: 60,
    });
    expect(result).toStrictEqual({ record: resolvedAt600 });
  });
});
