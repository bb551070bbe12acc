import { describe, expect, test } from 'vitest';
import type { AlertCondition, Severity } from '#core/alerts/alert.ts';
import type { AlertPolicy, AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import {
  deliverPending,
  settleAlert,
  settleAlertFrom,
  throwFailures,
} from '#core/alerts/settle-alert.ts';
import { InMemoryAlertStore, RecordingNotifier } from '#test/helpers/capacity-fakes.ts';

const T0 = Date.parse('2026-11-21T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const HOUR = 3600;
const policy: AlertPolicy = { remindAfterSeconds: HOUR };
const SUBJECT =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/k8s-web/0a1b|10.0.1.5:8080';

function condition(
  active: boolean,
  severity: Severity = 'warning',
  summary = 'stale',
): AlertCondition {
  return {
    kind: 'stale-target',
    subject: SUBJECT,
    cluster: 'myeks',
    active,
    severity,
    title: 'Stale target 10.0.1.5:8080',
    summary,
    facts: { ip: '10.0.1.5' },
  };
}

function world() {
  const alerts = new InMemoryAlertStore();
  const notifier = new RecordingNotifier();
  const settling = { alerts, notifier, policy };
  /** Settles `c` at `seconds`, reading what is stored first. */
  const settle = (c: AlertCondition, seconds: number) => settleAlert(c, settling, at(seconds));
  return { alerts, notifier, settling, settle };
}

describe('settleAlert: what one evaluation does to the stored alert', () => {
  test.each([
    { case: 'nothing stored, inactive', steps: [], now: condition(false), outcome: undefined },
    { case: 'nothing stored, active', steps: [], now: condition(true), outcome: 'opened' },
    {
      case: 'open, same condition within the interval',
      steps: [condition(true)],
      now: condition(true),
      outcome: 'unchanged',
    },
    {
      case: 'open, new numbers within the interval',
      steps: [condition(true)],
      now: condition(true, 'warning', 'still stale'),
      outcome: 'updated',
    },
    {
      case: 'open, severity rises within the interval',
      steps: [condition(true)],
      now: condition(true, 'critical'),
      outcome: 'escalated',
    },
    {
      case: 'open, severity falls within the interval',
      steps: [condition(true, 'critical')],
      now: condition(true, 'warning'),
      outcome: 'updated',
    },
    {
      case: 'open, cleared',
      steps: [condition(true)],
      now: condition(false),
      outcome: 'resolved',
    },
  ] as const)('$case -> $outcome', async ({ steps, now, outcome }) => {
    // Prepare
    const { settle } = world();
    for (const step of steps) await settle(step, 0);

    // Act
    const settled = await settle(now, 60);

    // Assess
    expect(settled?.outcome).toBe(outcome);
  });

  test('a remind goes out once the interval has passed, and says which alert it was', async () => {
    // Prepare
    const { notifier, settle } = world();
    await settle(condition(true), 0);

    // Act
    const settled = await settle(condition(true), HOUR);

    // Assess
    expect(settled).toEqual({
      kind: 'stale-target',
      subject: SUBJECT,
      cluster: 'myeks',
      active: true,
      outcome: 'reminded',
    });
    expect(notifier.sent.map((n) => n.type)).toEqual(['open', 'remind']);
  });

  test('the record is stored before the notification is delivered', async () => {
    // Prepare
    const { alerts, notifier, settling } = world();
    const storedWhenSent: (AlertRecord | undefined)[] = [];
    const notify = notifier.notify.bind(notifier);
    notifier.notify = async (n) => {
      storedWhenSent.push(await alerts.get(n.kind, n.subject));
      await notify(n);
    };

    // Act
    await settleAlert(condition(true), settling, at(0));

    // Assess
    expect(storedWhenSent).toMatchObject([{ status: 'open', openedAt: at(0) }]);
  });

  test('settleAlertFrom decides from the record the caller read, not from a fresh read', async () => {
    // Prepare: the caller read "nothing"; meanwhile another invocation opened the alert
    const { alerts, notifier, settling } = world();
    await settleAlert(condition(true), settling, at(0));
    const writesBefore = alerts.writes.length;

    // Act
    const settled = await settleAlertFrom(undefined, condition(true), settling, at(10));

    // Assess
    expect(settled?.outcome).toBe('conflict');
    expect(notifier.sent).toHaveLength(1);
    expect(alerts.writes).toHaveLength(writesBefore);
  });
});

describe('settleAlert: failed deliveries stay in the outbox and go out with the next evaluation', () => {
  test.each([
    {
      case: 'a first open goes out as that open',
      before: [] as AlertCondition[],
      failing: condition(true),
      expected: [{ type: 'open', escalated: undefined }],
    },
    {
      case: 'an escalation escalates once, late',
      before: [condition(true)],
      failing: condition(true, 'critical'),
      expected: [
        { type: 'open', escalated: undefined },
        { type: 'remind', escalated: true },
      ],
    },
    {
      case: 'a resolve resolves once, late',
      before: [condition(true)],
      failing: condition(false),
      expected: [
        { type: 'open', escalated: undefined },
        { type: 'resolve', escalated: undefined },
      ],
    },
  ])('$case', async ({ before, failing, expected }) => {
    // Prepare
    const { notifier, settle } = world();
    for (const c of before) await settle(c, 0);
    notifier.failNext = new Error('SNS throttled');

    // Act
    await expect(settle(failing, 60)).rejects.toThrow('SNS throttled');
    await settle(failing, 70);

    // Assess
    expect(notifier.sent.map((n) => ({ type: n.type, escalated: n.escalated }))).toEqual(expected);
  });
});

describe('the alert outbox', () => {
  test('a failed publish leaves the notification stored with the transition', async () => {
    // Prepare
    const { alerts, notifier, settle } = world();
    notifier.failNext = new Error('SNS down');

    // Act
    await expect(settle(condition(true), 0)).rejects.toThrow('SNS down');

    // Assess
    expect(await alerts.get('stale-target', SUBJECT)).toMatchObject({
      status: 'open',
      pending: { type: 'open', subject: SUBJECT },
    });
    expect((await alerts.listPending()).map((r) => r.subject)).toEqual([SUBJECT]);
  });

  test('deliverPending sends what a crash left behind, once', async () => {
    // Prepare: the transition was stored, then the process died before it published
    const { alerts, notifier, settling } = world();
    await settleAlert(condition(true), settling, at(0));
    const opened = await alerts.get('stale-target', SUBJECT);
    if (!opened) throw new Error('no alert stored');
    const resolvedRecord = {
      ...opened,
      status: 'resolved' as const,
      resolvedAt: at(60),
      lastNotifiedAt: at(60),
      notifyCount: 2,
    };
    await alerts.put({
      ...resolvedRecord,
      pending: { ...notifier.sent[0], type: 'resolve', resolvedAt: at(60) } as never,
    });

    // Act
    const first = await deliverPending(settling);
    const second = await deliverPending(settling);

    // Assess
    expect([first, second]).toEqual([1, 0]);
    expect(notifier.sent.map((n) => n.type)).toEqual(['open', 'resolve']);
    expect(await alerts.listPending()).toEqual([]);
  });

  test('the next evaluation sends the pending notification before deciding anew', async () => {
    // Prepare: an open that never went out, then the condition clears
    const { notifier, settle } = world();
    notifier.failNext = new Error('SNS down');
    await expect(settle(condition(true), 0)).rejects.toThrow('SNS down');

    // Act
    const settled = await settle(condition(false), 60);

    // Assess
    expect(settled?.outcome).toBe('resolved');
    expect(notifier.sent.map((n) => n.type)).toEqual(['open', 'resolve']);
  });
});

describe('throwFailures', () => {
  test('nothing to throw', () => {
    expect(() => throwFailures([], 'alerts failed')).not.toThrow();
  });

  test('one failure is rethrown as it is', () => {
    const failure = new Error('SNS down');
    expect(() => throwFailures([failure], 'alerts failed')).toThrow(failure);
  });

  test('several failures become one AggregateError that counts them', () => {
    // Prepare
    const failures = [new Error('a'), new Error('b')];

    // Act
    let thrown: unknown;
    try {
      throwFailures(failures, 'alerts failed');
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(AggregateError);
    expect((thrown as AggregateError).errors).toEqual(failures);
    expect((thrown as AggregateError).message).toBe('2 alerts failed');
  });
});
