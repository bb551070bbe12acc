import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ALERT_KINDS, type AlertCondition, type Severity } from '#core/alerts/alert.ts';
import {
  AlertKeyMismatchError,
  type AlertNotification,
  type AlertPolicy,
  AlertPolicyError,
  type AlertRecord,
  alertKey,
  nextAlert,
} from '#core/alerts/alert-lifecycle.ts';

const T0 = Date.parse('2025-03-14T09:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const HOUR = 3600;
const policy: AlertPolicy = { remindAfterSeconds: HOUR };

function condition(active: boolean, overrides: Partial<AlertCondition> = {}): AlertCondition {
  return {
    kind: 'subnet-exhaustion',
    subject: 'subnet-0123456789abcdef0',
    cluster: 'demo',
    active,
    severity: 'warning',
    title: 'Subnet subnet-0123456789abcdef0 nearly full',
    summary: '240/251 usable addresses in use',
    facts: { used: 240, usable: 251 },
    ...overrides,
  };
}

function record(overrides: Partial<AlertRecord> = {}): AlertRecord {
  return {
    kind: 'subnet-exhaustion',
    subject: 'subnet-0123456789abcdef0',
    cluster: 'demo',
    status: 'open',
    severity: 'warning',
    title: 'Subnet subnet-0123456789abcdef0 nearly full',
    summary: '240/251 usable addresses in use',
    facts: { used: 240, usable: 251 },
    openedAt: at(0),
    lastNotifiedAt: at(0),
    notifyCount: 1,
    ...overrides,
  };
}

describe('nextAlert decides which notification an evaluation produces', () => {
  test.each([
    { case: 'first sighting, active', previous: undefined, active: true, now: 0, expected: 'open' },
    {
      case: 'first sighting, inactive',
      previous: undefined,
      active: false,
      now: 0,
      expected: undefined,
    },
    {
      case: 'open, active, within remind interval',
      previous: record(),
      active: true,
      now: HOUR - 1,
      expected: undefined,
    },
    {
      case: 'open, active, exactly at remind interval',
      previous: record(),
      active: true,
      now: HOUR,
      expected: 'remind',
    },
    {
      case: 'open, active, long past remind interval',
      previous: record(),
      active: true,
      now: 5 * HOUR,
      expected: 'remind',
    },
    {
      case: 'open, active, clock behind lastNotifiedAt',
      previous: record({ lastNotifiedAt: at(600) }),
      active: true,
      now: 60,
      expected: undefined,
    },
    { case: 'open, inactive', previous: record(), active: false, now: 60, expected: 'resolve' },
    {
      case: 'resolved, inactive',
      previous: record({ status: 'resolved', resolvedAt: at(60) }),
      active: false,
      now: 120,
      expected: undefined,
    },
    {
      case: 'resolved, active again',
      previous: record({ status: 'resolved', resolvedAt: at(60) }),
      active: true,
      now: 120,
      expected: 'open',
    },
  ])('$case -> $expected', ({ previous, active, now, expected }) => {
    // Act
    const { notification } = nextAlert(previous, condition(active), at(now), policy);

    // Assess
    expect(notification?.type).toBe(expected);
  });

  test('an open starts a new episode stamped with now', () => {
    // Prepare
    const now = at(42);

    // Act
    const { record: stored, notification } = nextAlert(undefined, condition(true), now, policy);

    // Assess
    expect(stored).toMatchObject({
      status: 'open',
      openedAt: now,
      lastNotifiedAt: now,
      notifyCount: 1,
    });
    expect(stored?.resolvedAt).toBeUndefined();
    expect(notification).toMatchObject({
      type: 'open',
      openedAt: now,
      kind: 'subnet-exhaustion',
      cluster: 'demo',
    });
    expect(notification?.resolvedAt).toBeUndefined();
  });

  test('an inactive condition with nothing stored stores nothing', () => {
    // Act
    const transition = nextAlert(undefined, condition(false), at(0), policy);

    // Assess
    expect(transition).toEqual({ record: undefined });
  });

  test('a remind keeps openedAt, counts, and shows the latest numbers and severity', () => {
    // Prepare
    const worse = condition(true, {
      severity: 'critical',
      summary: '250/251 in use',
      facts: { used: 250, usable: 251 },
    });

    // Act
    const { record: stored, notification } = nextAlert(
      record({ notifyCount: 2 }),
      worse,
      at(2 * HOUR),
      policy,
    );

    // Assess
    expect(stored).toMatchObject({
      openedAt: at(0),
      lastNotifiedAt: at(2 * HOUR),
      notifyCount: 3,
      severity: 'critical',
    });
    expect(notification).toMatchObject({
      type: 'remind',
      openedAt: at(0),
      summary: '250/251 in use',
      severity: 'critical',
    });
  });

  test('a silent evaluation refreshes the stored numbers but not lastNotifiedAt', () => {
    // Prepare
    const newer = condition(true, { summary: '245/251 in use', facts: { used: 245, usable: 251 } });

    // Act
    const { record: stored, notification } = nextAlert(record(), newer, at(60), policy);

    // Assess
    expect(notification).toBeUndefined();
    expect(stored).toMatchObject({
      summary: '245/251 in use',
      facts: { used: 245 },
      lastNotifiedAt: at(0),
      notifyCount: 1,
    });
  });

  test('a resolve keeps the title and severity that were announced and reports the cleared numbers', () => {
    // Prepare
    const previous = record({ severity: 'critical', title: 'Subnet nearly full' });
    const cleared = condition(false, {
      severity: 'info',
      title: 'Subnet fine',
      summary: '100/251 in use',
      facts: { used: 100 },
    });

    // Act
    const { record: stored, notification } = nextAlert(previous, cleared, at(90), policy);

    // Assess
    expect(stored).toMatchObject({
      status: 'resolved',
      resolvedAt: at(90),
      lastNotifiedAt: at(90),
      notifyCount: 2,
    });
    expect(notification).toMatchObject({
      type: 'resolve',
      severity: 'critical',
      title: 'Subnet nearly full',
      summary: '100/251 in use',
      facts: { used: 100 },
      openedAt: at(0),
      resolvedAt: at(90),
    });
  });

  test('a resolved record that stays inactive is kept unchanged', () => {
    // Prepare
    const previous = record({ status: 'resolved', resolvedAt: at(60), notifyCount: 2 });

    // Act
    const { record: stored } = nextAlert(previous, condition(false), at(600), policy);

    // Assess
    expect(stored).toBe(previous);
  });

  test('a re-open is a new episode: new openedAt, count 1, no resolvedAt', () => {
    // Prepare
    const previous = record({ status: 'resolved', resolvedAt: at(60), notifyCount: 4 });

    // Act
    const { record: stored } = nextAlert(previous, condition(true), at(120), policy);

    // Assess
    expect(stored).toMatchObject({ status: 'open', openedAt: at(120), notifyCount: 1 });
    expect(stored?.resolvedAt).toBeUndefined();
  });
});

describe('a rising severity is announced at once, a falling one is not', () => {
  test.each([
    { from: 'warning', to: 'critical', now: 60, expected: 'escalated' },
    { from: 'info', to: 'warning', now: 60, expected: 'escalated' },
    { from: 'info', to: 'critical', now: 60, expected: 'escalated' },
    { from: 'warning', to: 'critical', now: HOUR, expected: 'escalated' },
    { from: 'warning', to: 'critical', now: -60, expected: 'escalated' },
    { from: 'critical', to: 'warning', now: 60, expected: undefined },
    { from: 'critical', to: 'info', now: 60, expected: undefined },
    { from: 'critical', to: 'warning', now: HOUR, expected: 'remind' },
    { from: 'critical', to: 'critical', now: 60, expected: undefined },
    { from: 'warning', to: 'warning', now: HOUR, expected: 'remind' },
  ] as const)('open at $from, now $to after $now s -> $expected', ({ from, to, now, expected }) => {
    // Prepare: notified at t=0, remind interval one hour
    const previous = record({ severity: from });

    // Act
    const { notification } = nextAlert(
      previous,
      condition(true, { severity: to }),
      at(now),
      policy,
    );

    // Assess
    const seen =
      notification === undefined
        ? undefined
        : notification.escalated
          ? 'escalated'
          : notification.type;
    expect(seen).toBe(expected);
  });

  test('an escalation is a remind with the new severity, counted and stamped like one', () => {
    // Prepare
    const worse = condition(true, { severity: 'critical', summary: '251/251 in use' });

    // Act
    const { record: stored, notification } = nextAlert(
      record({ notifyCount: 2 }),
      worse,
      at(60),
      policy,
    );

    // Assess
    expect(notification).toMatchObject({
      type: 'remind',
      escalated: true,
      severity: 'critical',
      summary: '251/251 in use',
      openedAt: at(0),
    });
    expect(stored).toMatchObject({
      status: 'open',
      severity: 'critical',
      lastNotifiedAt: at(60),
      notifyCount: 3,
    });
  });

  test.each([
    {
      case: 'back up to the announced severity',
      steps: ['critical', 'warning', 'critical'],
      expected: ['escalated', undefined, undefined],
    },
    {
      case: 'flapping across the threshold',
      steps: ['critical', 'warning', 'critical', 'warning', 'critical'],
      expected: ['escalated', undefined, undefined, undefined, undefined],
    },
    {
      case: 'one step at a time',
      steps: ['info', 'warning', 'critical'],
      expected: [undefined, undefined, 'escalated'],
    },
  ] as const)('from an announced warning, $case: $expected', ({ steps, expected }) => {
    // Prepare: opened (announced) at warning; every step well within the remind interval
    let stored: AlertRecord | undefined = record({ severity: 'warning' });
    const seen: (string | undefined)[] = [];

    // Act
    steps.forEach((severity, i) => {
      const next = nextAlert(stored, condition(true, { severity }), at(60 * (i + 1)), policy);
      seen.push(next.notification?.escalated ? 'escalated' : next.notification?.type);
      stored = next.record;
    });

    // Assess
    expect(seen).toEqual(expected);
  });

  test('a de-escalation is stored silently; after a remind at the lower severity a rise escalates again', () => {
    // Prepare: escalated to critical at 60 s, calmer at 120 s, reminded (at warning) an hour later
    const critical = nextAlert(record(), condition(true, { severity: 'critical' }), at(60), policy);
    const calmer = nextAlert(
      critical.record,
      condition(true, { severity: 'warning' }),
      at(120),
      policy,
    );
    const reminded = nextAlert(
      calmer.record,
      condition(true, { severity: 'warning' }),
      at(60 + HOUR),
      policy,
    );

    // Act
    const again = nextAlert(
      reminded.record,
      condition(true, { severity: 'critical' }),
      at(120 + HOUR),
      policy,
    );

    // Assess
    expect(calmer.notification).toBeUndefined();
    expect(calmer.record).toMatchObject({ severity: 'warning', lastNotifiedAt: at(60) });
    expect(reminded.notification).toMatchObject({ type: 'remind', severity: 'warning' });
    expect(reminded.notification).not.toHaveProperty('escalated');
    expect(again.notification).toMatchObject({ type: 'remind', escalated: true });
  });

  test('a record stored before escalations existed keeps its severity as the announced one', () => {
    // Prepare: no notifiedSeverity; a silent de-escalation comes first
    const legacy = record({ severity: 'warning' });

    // Act
    const calmer = nextAlert(legacy, condition(true, { severity: 'info' }), at(30), policy);
    const back = nextAlert(calmer.record, condition(true, { severity: 'warning' }), at(60), policy);

    // Assess
    expect(calmer.record?.notifiedSeverity).toBe('warning');
    expect(back.notification).toBeUndefined();
  });

  test('a record stored before escalations existed is measured from its severity', () => {
    // Prepare: no notifiedSeverity
    const legacy = record({ severity: 'warning' });

    // Act
    const { notification, record: stored } = nextAlert(
      legacy,
      condition(true, { severity: 'critical' }),
      at(60),
      policy,
    );

    // Assess
    expect(notification).toMatchObject({ type: 'remind', escalated: true });
    expect(stored?.notifiedSeverity).toBe('critical');
  });

  test('a plain remind carries no escalation marker', () => {
    const { notification } = nextAlert(record(), condition(true), at(HOUR), policy);
    expect(notification?.type).toBe('remind');
    expect(notification).not.toHaveProperty('escalated');
  });

  test('a first open at critical is an open, not an escalation', () => {
    const { notification } = nextAlert(
      undefined,
      condition(true, { severity: 'critical' }),
      at(0),
      policy,
    );
    expect(notification?.type).toBe('open');
    expect(notification).not.toHaveProperty('escalated');
  });
});

describe('reopenQuietSeconds holds back a quick re-open', () => {
  const resolvedAt60 = record({ status: 'resolved', resolvedAt: at(60) });

  test.each([
    { quiet: 0, secondsAfterResolve: 0, expected: 'open' },
    { quiet: undefined, secondsAfterResolve: 1, expected: 'open' },
    { quiet: 300, secondsAfterResolve: 299, expected: undefined },
    { quiet: 300, secondsAfterResolve: 300, expected: 'open' },
    { quiet: 300, secondsAfterResolve: 3000, expected: 'open' },
  ])(
    'quiet $quiet s, active $secondsAfterResolve s after resolve -> $expected',
    ({ quiet, secondsAfterResolve, expected }) => {
      // Prepare
      const withQuiet: AlertPolicy =
        quiet === undefined ? policy : { ...policy, reopenQuietSeconds: quiet };

      // Act
      const { record: stored, notification } = nextAlert(
        resolvedAt60,
        condition(true),
        at(60 + secondsAfterResolve),
        withQuiet,
      );

      // Assess
      expect(notification?.type).toBe(expected);
      expect(stored?.status).toBe(expected === 'open' ? 'open' : 'resolved');
    },
  );

  test('the quiet period does not delay a first open', () => {
    // Act
    const { notification } = nextAlert(undefined, condition(true), at(0), {
      ...policy,
      reopenQuietSeconds: 900,
    });

    // Assess
    expect(notification?.type).toBe('open');
  });
});

describe('nextAlert rejects what it cannot reason about', () => {
  test.each([
    { case: 'remindAfterSeconds 0', p: { remindAfterSeconds: 0 } },
    { case: 'negative remindAfterSeconds', p: { remindAfterSeconds: -1 } },
    { case: 'NaN remindAfterSeconds', p: { remindAfterSeconds: Number.NaN } },
    { case: 'negative reopenQuietSeconds', p: { remindAfterSeconds: 60, reopenQuietSeconds: -5 } },
  ])('$case', ({ p }) => {
    expect(() => nextAlert(undefined, condition(true), at(0), p)).toThrow(AlertPolicyError);
  });

  test('a non-ISO now', () => {
    expect(() => nextAlert(undefined, condition(true), 'yesterday', policy)).toThrow(
      AlertPolicyError,
    );
  });

  test('a record for another subject', () => {
    expect(() =>
      nextAlert(record({ subject: 'subnet-other' }), condition(true), at(0), policy),
    ).toThrow(AlertKeyMismatchError);
  });

  test('remindAfterSeconds Infinity never reminds', () => {
    const { notification } = nextAlert(record(), condition(true), at(1e6), {
      remindAfterSeconds: Number.POSITIVE_INFINITY,
    });
    expect(notification).toBeUndefined();
  });
});

describe('alertKey', () => {
  test('different (kind, subject) pairs never share a key', () => {
    const pair = fc.tuple(fc.constantFrom(...ALERT_KINDS), fc.string());
    fc.assert(
      fc.property(pair, pair, ([k1, s1], [k2, s2]) => {
        fc.pre(k1 !== k2 || s1 !== s2);
        expect(alertKey(k1, s1)).not.toBe(alertKey(k2, s2));
      }),
    );
  });

  test.each([
    [
      'stale-target',
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/k8s-web/73e2d6bc24d8a067|10.0.1.5:8080',
    ],
    ['dns-conflict', 'api.example.com'],
  ] as const)('%s keys start with the kind', (kind, subject) => {
    expect(alertKey(kind, subject).startsWith(`${kind}#`)).toBe(true);
  });
});

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

describe('property: any sequence of evaluations notifies coherently', () => {
  const scenario = fc.record({
    remindAfterSeconds: fc.integer({ min: 1, max: 10_000 }),
    reopenQuietSeconds: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000 })),
    steps: fc.array(
      fc.record({
        active: fc.boolean(),
        severity: fc.constantFrom<Severity>('info', 'warning', 'critical'),
        dt: fc.integer({ min: 0, max: 20_000 }),
      }),
      { minLength: 1, maxLength: 60 },
    ),
  });

  test('opens and resolves alternate, reminds only while open and spaced or escalating, nothing is missed', () => {
    fc.assert(
      fc.property(scenario, ({ remindAfterSeconds, reopenQuietSeconds, steps }) => {
        const p: AlertPolicy = { remindAfterSeconds, reopenQuietSeconds };
        let stored: AlertRecord | undefined;
        let t = 0;
        let isOpen = false;
        let lastNotifiedT: number | undefined;
        let lastResolveT: number | undefined;
        // The severity the last open or remind announced: what a rise is measured from.
        let announced: Severity | undefined;
        for (const step of steps) {
          t += step.dt;
          const wasOpen = isOpen;
          const previousNotifiedT = lastNotifiedT;
          const rose = wasOpen && announced !== undefined && RANK[step.severity] > RANK[announced];
          const { record: next, notification } = nextAlert(
            stored,
            condition(step.active, { severity: step.severity }),
            at(t),
            p,
          );
          const type: AlertNotification['type'] | undefined = notification?.type;

          // Safety: the type sequence is open (remind)* resolve, repeated.
          if (type === 'open') {
            expect(wasOpen).toBe(false);
            expect(step.active).toBe(true);
            if (lastResolveT !== undefined)
              expect(t - lastResolveT).toBeGreaterThanOrEqual(reopenQuietSeconds);
            isOpen = true;
          }
          if (type === 'remind') {
            expect(wasOpen).toBe(true);
            expect(step.active).toBe(true);
            // Early only for an escalation; an escalation only when the severity rose.
            expect(notification?.escalated === true).toBe(rose);
            if (!rose) {
              expect(t - (previousNotifiedT ?? Number.NEGATIVE_INFINITY)).toBeGreaterThanOrEqual(
                remindAfterSeconds,
              );
            }
          }
          if (type !== 'remind') expect(notification?.escalated).toBeUndefined();
          if (type === 'resolve') {
            expect(wasOpen).toBe(true);
            expect(step.active).toBe(false);
            isOpen = false;
            lastResolveT = t;
          }
          if (type !== undefined) lastNotifiedT = t;
          if (type === 'open' || type === 'remind') announced = step.severity;
          if (!isOpen) announced = undefined;

          // Liveness: nothing due is skipped.
          if (!step.active) expect(isOpen).toBe(false);
          const quietOver = lastResolveT === undefined || t - lastResolveT >= reopenQuietSeconds;
          if (step.active && !wasOpen && quietOver) expect(type).toBe('open');
          if (step.active && wasOpen && t - (previousNotifiedT ?? t) >= remindAfterSeconds) {
            expect(type).toBe('remind');
          }
          if (step.active && rose) expect(type).toBe('remind');
          // A falling severity alone never notifies.
          if (type === 'remind' && !rose) {
            expect(t - (previousNotifiedT ?? t)).toBeGreaterThanOrEqual(remindAfterSeconds);
          }

          // The stored record agrees with what was announced.
          expect(next?.status === 'open').toBe(isOpen);
          stored = next;
        }
      }),
    );
  });
});
