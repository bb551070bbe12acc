import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  decideStaleTarget,
  type IpHolder,
  type RegistrationBaseline,
  registrationBaseline,
  type StaleDecision,
  staleTargetCondition,
  type TargetRegistration,
} from '#core/targets/stale-target.ts';

const TG =
  'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/k8s-default-echo-8d2e5f1a7c/6b1d3f5a7c9e2b40';
const NODE_A = 'i-0a1b2c3d4e5f00001';
const NODE_B = 'i-0a1b2c3d4e5f00002';
const ENI_A = 'eni-0a1b2c3d4e5f60001';
const ENI_B = 'eni-0a1b2c3d4e5f60002';

const reg = (extra: Partial<TargetRegistration> = {}): TargetRegistration => ({
  tgArn: TG,
  ip: '192.168.1.21',
  port: 8080,
  registeredAt: '2026-11-21T10:04:10.000Z',
  ...extra,
});

describe('decideStaleTarget', () => {
  test.each<[string, Partial<TargetRegistration>, IpHolder | undefined, StaleDecision]>([
    [
      'IP still on the node it was registered on',
      { nodeAtRegistration: NODE_A, eniAtRegistration: ENI_A },
      { eniId: ENI_A, instanceId: NODE_A },
      { stale: false, reason: 'ip-on-registered-node' },
    ],
    [
      'IP on another ENI of the same node: the node decides',
      { nodeAtRegistration: NODE_A, eniAtRegistration: ENI_A },
      { eniId: ENI_B, instanceId: NODE_A },
      { stale: false, reason: 'ip-on-registered-node' },
    ],
    [
      'IP released: no ENI holds it',
      { nodeAtRegistration: NODE_A },
      undefined,
      { stale: true, reason: 'ip-not-on-any-eni' },
    ],
    [
      'IP released, and nothing was known at registration',
      {},
      undefined,
      { stale: true, reason: 'ip-not-on-any-eni' },
    ],
    [
      'CNI reused the IP on another node',
      { nodeAtRegistration: NODE_A, eniAtRegistration: ENI_A },
      { eniId: ENI_B, instanceId: NODE_B },
      { stale: true, reason: 'ip-moved-to-another-node' },
    ],
    [
      'node unknown at registration, same ENI now',
      { eniAtRegistration: ENI_A },
      { eniId: ENI_A, instanceId: NODE_A },
      { stale: false, reason: 'ip-on-registered-eni' },
    ],
    [
      'node unknown at registration, another ENI now',
      { eniAtRegistration: ENI_A },
      { eniId: ENI_B, instanceId: NODE_B },
      { stale: true, reason: 'ip-moved-to-another-node' },
    ],
    [
      'the ENI that holds it was detached',
      { nodeAtRegistration: NODE_A, eniAtRegistration: ENI_A },
      { eniId: ENI_A },
      { stale: true, reason: 'ip-on-detached-eni' },
    ],
    [
      'no baseline, the IP is on an attached ENI',
      {},
      { eniId: ENI_A, instanceId: NODE_A },
      { stale: false, reason: 'no-baseline' },
    ],
    [
      'no baseline, the IP is on a detached ENI',
      {},
      { eniId: ENI_A },
      { stale: false, reason: 'no-baseline' },
    ],
    [
      'instance target groups are never joined to pod IPs',
      { targetType: 'instance', nodeAtRegistration: NODE_A },
      undefined,
      { stale: false, reason: 'not-an-ip-target' },
    ],
    [
      'an explicit ip target group is joined',
      { targetType: 'ip', nodeAtRegistration: NODE_A },
      { eniId: ENI_B, instanceId: NODE_B },
      { stale: true, reason: 'ip-moved-to-another-node' },
    ],
    [
      'the holder seen at registration got the IP after it: stale wherever the IP is',
      { ipReassignedAt: '2026-11-21T10:25:00Z' },
      { eniId: ENI_B, instanceId: NODE_B },
      { stale: true, reason: 'ip-reassigned-after-registration' },
    ],
    [
      'reassigned after registration, and released since',
      { ipReassignedAt: '2026-11-21T10:25:00Z' },
      undefined,
      { stale: true, reason: 'ip-not-on-any-eni' },
    ],
    [
      'reassigned after registration, now on a detached ENI',
      { ipReassignedAt: '2026-11-21T10:25:00Z' },
      { eniId: ENI_B },
      { stale: true, reason: 'ip-reassigned-after-registration' },
    ],
  ])('%s', (_name, extra, holder, expected) => {
    expect(decideStaleTarget(reg(extra), holder)).toEqual(expected);
  });
});

describe('registrationBaseline', () => {
  const REGISTERED = '2026-11-21T10:05:00Z';
  const event = (eventTime: string) => ({ eventTime, eventId: 'e-1' });
  test.each<[string, IpHolder | undefined, RegistrationBaseline]>([
    ['nobody holds the IP: no baseline', undefined, {}],
    [
      'assigned before the registration: a valid baseline',
      { eniId: ENI_A, instanceId: NODE_A, since: event('2026-11-21T10:01:10Z') },
      { nodeAtRegistration: NODE_A, eniAtRegistration: ENI_A },
    ],
    [
      'assigned in the same second as the registration: still a valid baseline',
      { eniId: ENI_A, instanceId: NODE_A, since: event('2026-11-21T10:05:00.000Z') },
      { nodeAtRegistration: NODE_A, eniAtRegistration: ENI_A },
    ],
    [
      'held by a detached ENI since before: the ENI is the baseline',
      { eniId: ENI_A, since: event('2026-11-21T10:01:10Z') },
      { eniAtRegistration: ENI_A },
    ],
    [
      'assigned after the registration (a late CloudTrail record): suspect, not a baseline',
      { eniId: ENI_B, instanceId: NODE_B, since: event('2026-11-21T10:25:00Z') },
      { ipReassignedAt: '2026-11-21T10:25:00Z' },
    ],
    [
      'found by a sweep after the registration: the sweep time is no assignment time',
      {
        eniId: ENI_B,
        instanceId: NODE_B,
        since: { eventTime: '2026-11-21T10:30:00Z', eventId: 'sweep:2026-11-21T10:30:00Z' },
      },
      { nodeAtRegistration: NODE_B, eniAtRegistration: ENI_B },
    ],
    [
      'a holder without a stamp: taken as it is',
      { eniId: ENI_A, instanceId: NODE_A },
      { nodeAtRegistration: NODE_A, eniAtRegistration: ENI_A },
    ],
  ])('%s', (_name, holder, expected) => {
    expect(registrationBaseline(holder, REGISTERED)).toEqual(expected);
  });
});

describe('staleTargetCondition', () => {
  const context = { cluster: 'myeks', stack: 'default/echo' };

  test('an IP reused on another node is a critical, active alert naming both nodes', () => {
    // Prepare
    const registration = reg({ nodeAtRegistration: NODE_A, eniAtRegistration: ENI_A });
    const holder = { eniId: ENI_B, instanceId: NODE_B };

    // Act
    const condition = staleTargetCondition(registration, holder, { ...context, health: 'healthy' });

    // Assess
    expect(condition).toMatchObject({
      kind: 'stale-target',
      subject: `${TG}|192.168.1.21:8080`,
      cluster: 'myeks',
      active: true,
      severity: 'critical',
    });
    expect(condition.facts).toMatchObject({
      targetGroupArn: TG,
      ip: '192.168.1.21',
      port: 8080,
      stack: 'default/echo',
      reason: 'ip-moved-to-another-node',
      holderEni: ENI_B,
      holderNode: NODE_B,
      registeredNode: NODE_A,
      health: 'healthy',
    });
    expect(condition.title).toContain('default/echo');
    expect(condition.summary).toContain(NODE_A);
    expect(condition.summary).toContain(NODE_B);
  });

  test('an IP reassigned after its registration is critical and says when', () => {
    // Act
    const condition = staleTargetCondition(
      reg({ ipReassignedAt: '2026-11-21T10:25:00Z' }),
      { eniId: ENI_B, instanceId: NODE_B },
      context,
    );

    // Assess
    expect(condition).toMatchObject({ active: true, severity: 'critical' });
    expect(condition.facts).toMatchObject({
      reason: 'ip-reassigned-after-registration',
      ipReassignedAt: '2026-11-21T10:25:00Z',
      holderNode: NODE_B,
    });
    expect(condition.facts).not.toHaveProperty('registeredNode');
    expect(condition.summary).toContain('2026-11-21T10:25:00Z');
    expect(condition.summary).toContain(NODE_B);
  });

  test('an IP on no ENI is a warning that says so', () => {
    // Act
    const condition = staleTargetCondition(reg({ nodeAtRegistration: NODE_A }), undefined, context);

    // Assess
    expect(condition).toMatchObject({ active: true, severity: 'warning' });
    expect(condition.facts).toMatchObject({ holderEni: 'none', reason: 'ip-not-on-any-eni' });
    expect(condition.summary).toContain('no ENI');
  });

  test('a stale target that was deregistered resolves', () => {
    // Act
    const condition = staleTargetCondition(reg({ nodeAtRegistration: NODE_A }), undefined, {
      ...context,
      deregistered: true,
    });

    // Assess
    expect(condition.active).toBe(false);
    expect(condition.subject).toBe(`${TG}|192.168.1.21:8080`);
    expect(condition.title).toContain('deregistered');
  });

  test('a target whose IP is back on its node resolves', () => {
    // Act
    const condition = staleTargetCondition(
      reg({ nodeAtRegistration: NODE_A }),
      { eniId: ENI_A, instanceId: NODE_A },
      context,
    );

    // Assess
    expect(condition.active).toBe(false);
    expect(condition.title).toContain('no longer stale');
  });

  test('without a stack tag the alert still reads', () => {
    // Act
    const condition = staleTargetCondition(reg({ nodeAtRegistration: NODE_A }), undefined, {
      cluster: 'myeks',
    });

    // Assess
    expect(condition.title).toContain('unknown service');
    expect(condition.facts).not.toHaveProperty('stack');
  });

  test('active exactly when stale and still registered', () => {
    const node = fc.constantFrom(NODE_A, NODE_B, undefined);
    const eni = fc.constantFrom(ENI_A, ENI_B, undefined);
    fc.assert(
      fc.property(
        node,
        eni,
        fc.option(fc.record({ eniId: fc.constantFrom(ENI_A, ENI_B), instanceId: node }), {
          nil: undefined,
        }),
        fc.boolean(),
        (nodeAt, eniAt, holderRaw, deregistered) => {
          // Prepare
          const registration = reg({
            ...(nodeAt ? { nodeAtRegistration: nodeAt } : {}),
            ...(eniAt ? { eniAtRegistration: eniAt } : {}),
          });
          const holder: IpHolder | undefined = holderRaw
            ? {
                eniId: holderRaw.eniId,
                ...(holderRaw.instanceId ? { instanceId: holderRaw.instanceId } : {}),
              }
            : undefined;

          // Act
          const decision = decideStaleTarget(registration, holder);
          const condition = staleTargetCondition(registration, holder, {
            ...context,
            deregistered,
          });

          // Assess
          expect(condition.active).toBe(decision.stale && !deregistered);
          // A holder on the registered node is never stale.
          if (nodeAt && holder?.instanceId === nodeAt) expect(decision.stale).toBe(false);
        },
      ),
    );
  });
});
