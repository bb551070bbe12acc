import { describe, expect, test } from 'vitest';
import type { AlertCondition } from '#core/alerts/alert.ts';
import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import { AlertWriteConflictError } from '#core/alerts/alert-store.ts';
import { deliverPending, settleAlert, settleAlertFrom } from '#core/alerts/settle-alert.ts';
import { InMemoryAlertStore, RecordingNotifier } from '#test/helpers/capacity-fakes.ts';

// The outbox when another invocation got there first, and a sweep's delivery of pending alerts
// when one of them fails.

const T0 = Date.parse('2026-11-21T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const policy = { remindAfterSeconds: 3600 };

const condition = (subject: string, active: boolean): AlertCondition => ({
  kind: 'stale-target',
  subject,
  cluster: 'myeks',
  active,
  severity: 'warning',
  title: `Stale target ${subject}`,
  summary: 'stale',
  facts: {},
});

/** An alert opened whose open notification is still in the outbox (its publish failed). */
async function pendingOpen(alerts: InMemoryAlertStore, subject: string): Promise<AlertRecord> {
  const notifier = new RecordingNotifier();
  notifier.failNext = new Error('SNS down');
  await expect(
    settleAlert(condition(subject, true), { alerts, notifier, policy }, at(0)),
  ).rejects.toThrow('SNS down');
  const record = await alerts.get('stale-target', subject);
  if (!record?.pending) throw new Error('expected a pending notification');
  return record;
}

describe('the outbox', () => {
  test('cleared by another invocation meanwhile: sent, then this evaluation stands down', async () => {
    const alerts = new InMemoryAlertStore();
    const previous = await pendingOpen(alerts, 't-1');
    const notifier = new RecordingNotifier();
    alerts.beforePut = () => {
      throw new AlertWriteConflictError('changed meanwhile');
    };

    const settled = await settleAlertFrom(
      previous,
      condition('t-1', false),
      { alerts, notifier, policy },
      at(60),
    );

    expect(settled).toStrictEqual({
      kind: 'stale-target',
      subject: 't-1',
      cluster: 'myeks',
      active: false,
      outcome: 'conflict',
    });
    expect(notifier.sent.map((n) => n.type)).toStrictEqual(['open']);
  });

  test('a store failure that is not a conflict is thrown', async () => {
    const alerts = new InMemoryAlertStore();
    const previous = await pendingOpen(alerts, 't-1');
    alerts.beforePut = () => {
      throw new Error('throttled');
    };
    await expect(
      settleAlertFrom(
        previous,
        condition('t-1', true),
        { alerts, notifier: new RecordingNotifier(), policy },
        at(60),
      ),
    ).rejects.toThrow('throttled');
  });
});

describe('deliverPending', () => {
  test('one failed delivery does not stop the others; its error is thrown after them', async () => {
    const alerts = new InMemoryAlertStore();
    await pendingOpen(alerts, 't-1');
    await pendingOpen(alerts, 't-2');
    const notifier = new RecordingNotifier();
    notifier.failNext = new Error('SNS down');

    await expect(deliverPending({ alerts, notifier })).rejects.toThrow('SNS down');

    expect(notifier.sent).toHaveLength(1);
    expect((await alerts.listPending()).map((r) => r.subject)).toHaveLength(1);
  });

  test('a record another invocation cleared meanwhile is not counted as delivered', async () => {
    const alerts = new InMemoryAlertStore();
    await pendingOpen(alerts, 't-1');
    alerts.beforePut = () => {
      throw new AlertWriteConflictError('changed meanwhile');
    };
    expect(await deliverPending({ alerts, notifier: new RecordingNotifier() })).toBe(0);
  });
});

// Equivalent mutants left in settle-alert.ts: deliverOutbox's `if (!pending) return record`
// never taken (every caller hands it a record with a pending notification); throwFailures'
// `length > 1` as `>= 1` (one failure was already thrown as it is); sameRecord's
// `b !== undefined` made true (canonical(undefined) is undefined, never equal to a record's text).
