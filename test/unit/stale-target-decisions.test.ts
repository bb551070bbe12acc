import { describe, expect, test } from 'vitest';
import {
  decideStaleTarget,
  type IpHolder,
  type StaleDecision,
  staleTargetCondition,
  type TargetRegistration,
} from '#core/targets/stale-target.ts';

// Gaps mutation testing found in the stale-target decision: a detached ENI when the
// registration knew only the ENI or only the node, target types, and the alert's facts
// (compared whole, so a fact that goes missing or appears from nowhere fails).

const TG = 'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/k8s-web/0a1b';
const NODE_A = 'i-0a1b2c3d4e5f00001';
const NODE_B = 'i-0a1b2c3d4e5f00002';
const ENI_A = 'eni-0a1b2c3d4e5f60001';
const ENI_B = 'eni-0a1b2c3d4e5f60002';
const REGISTERED = '2026-11-21T10:04:10.000Z';

const reg = (extra: Partial<TargetRegistration> = {}): TargetRegistration => ({
  tgArn: TG,
  ip: '192.168.1.21',
  port: 8080,
  registeredAt: REGISTERED,
  ...extra,
});

describe('an IP on a detached ENI', () => {
  const detachedA: IpHolder = { eniId: ENI_A };
  const detachedB: IpHolder = { eniId: ENI_B };

  test.each<[string, Partial<TargetRegistration>, IpHolder, StaleDecision]>([
    [
      'registration knew only the ENI, and it is that ENI',
      { eniAtRegistration: ENI_A },
      detachedA,
      { stale: true, reason: 'ip-on-detached-eni' },
    ],
    [
      'registration knew only the ENI, and it is another one',
      { eniAtRegistration: ENI_A },
      detachedB,
      { stale: true, reason: 'ip-on-detached-eni' },
    ],
    [
      'registration knew only the node',
      { nodeAtRegistration: NODE_A },
      detachedA,
      { stale: true, reason: 'ip-on-detached-eni' },
    ],
    [
      'registration knew node and ENI',
      { nodeAtRegistration: NODE_A, eniAtRegistration: ENI_A },
      detachedA,
      { stale: true, reason: 'ip-on-detached-eni' },
    ],
    [
      'registration knew nothing: no baseline to compare',
      {},
      detachedA,
      { stale: false, reason: 'no-baseline' },
    ],
  ])('%s', (_title, extra, holder, expected) => {
    expect(decideStaleTarget(reg(extra), holder)).toStrictEqual(expected);
  });
});

describe('only IP target groups are joined to pod IPs', () => {
  const moved: IpHolder = { eniId: ENI_B, instanceId: NODE_B };

  test.each<[TargetRegistration['targetType'], StaleDecision]>([
    ['ip', { stale: true, reason: 'ip-moved-to-another-node' }],
    [undefined, { stale: true, reason: 'ip-moved-to-another-node' }],
    ['instance', { stale: false, reason: 'not-an-ip-target' }],
    ['lambda', { stale: false, reason: 'not-an-ip-target' }],
    ['alb', { stale: false, reason: 'not-an-ip-target' }],
  ])('target type %s', (targetType, expected) => {
    const registration = reg({
      nodeAtRegistration: NODE_A,
      ...(targetType === undefined ? {} : { targetType }),
    });
    expect(decideStaleTarget(registration, moved)).toStrictEqual(expected);
  });

  test('an instance target whose IP is on no ENI is not stale either', () => {
    expect(decideStaleTarget(reg({ targetType: 'instance' }), undefined)).toStrictEqual({
      stale: false,
      reason: 'not-an-ip-target',
    });
  });
});

describe('the alert facts', () => {
  const base = {
    targetGroupArn: TG,
    ip: '192.168.1.21',
    port: 8080,
    registeredAt: REGISTERED,
  };

  test.each<{
    title: string;
    registration: Partial<TargetRegistration>;
    holder: IpHolder | undefined;
    context: { stack?: string; deregistered?: boolean; health?: 'healthy' | 'unhealthy' };
    active: boolean;
    severity: 'warning' | 'critical';
    facts: Record<string, string | number | boolean>;
  }>([
    {
      title: 'detached ENI known only by ENI: an active warning with the registered ENI',
      registration: { eniAtRegistration: ENI_A },
      holder: { eniId: ENI_A },
      context: { stack: 'default/web' },
      active: true,
      severity: 'warning',
      facts: {
        ...base,
        reason: 'ip-on-detached-eni',
        holderEni: ENI_A,
        holderNode: 'none',
        stack: 'default/web',
        registeredEni: ENI_A,
      },
    },
    {
      title: 'moved to another node, deregistered since: inactive, still critical',
      registration: { nodeAtRegistration: NODE_A, eniAtRegistration: ENI_A },
      holder: { eniId: ENI_B, instanceId: NODE_B },
      context: { deregistered: true, health: 'unhealthy' },
      active: false,
      severity: 'critical',
      facts: {
        ...base,
        reason: 'ip-moved-to-another-node',
        holderEni: ENI_B,
        holderNode: NODE_B,
        registeredNode: NODE_A,
        registeredEni: ENI_A,
        health: 'unhealthy',
        deregistered: true,
      },
    },
    {
      title: 'reassigned after registration, still registered: active critical',
      registration: { ipReassignedAt: '2026-11-21T10:25:00Z' },
      holder: { eniId: ENI_B, instanceId: NODE_B },
      context: { deregistered: false },
      active: true,
      severity: 'critical',
      facts: {
        ...base,
        reason: 'ip-reassigned-after-registration',
        holderEni: ENI_B,
        holderNode: NODE_B,
        ipReassignedAt: '2026-11-21T10:25:00Z',
        deregistered: false,
      },
    },
    {
      title: 'back on its node: inactive, and a fresh decision is only a warning',
      registration: { nodeAtRegistration: NODE_A },
      holder: { eniId: ENI_A, instanceId: NODE_A },
      context: {},
      active: false,
      severity: 'warning',
      facts: {
        ...base,
        reason: 'ip-on-registered-node',
        holderEni: ENI_A,
        holderNode: NODE_A,
        registeredNode: NODE_A,
      },
    },
    {
      title: 'on no ENI at all: an active warning',
      registration: {},
      holder: undefined,
      context: {},
      active: true,
      severity: 'warning',
      facts: { ...base, reason: 'ip-not-on-any-eni', holderEni: 'none', holderNode: 'none' },
    },
  ])('$title', ({ registration, holder, context, active, severity, facts }) => {
    const condition = staleTargetCondition(reg(registration), holder, {
      cluster: 'myeks',
      ...context,
    });

    expect(condition.kind).toBe('stale-target');
    expect(condition.subject).toBe(`${TG}|192.168.1.21:8080`);
    expect(condition.cluster).toBe('myeks');
    expect(condition.active).toBe(active);
    expect(condition.severity).toBe(severity);
    expect(condition.facts).toStrictEqual(facts);
  });

  test('the message says where the IP was registered and where it is now', () => {
    const detached = staleTargetCondition(
      reg({ eniAtRegistration: ENI_A }),
      { eniId: ENI_A },
      { cluster: 'myeks' },
    );
    const unknown = staleTargetCondition(
      reg({ ipReassignedAt: '2026-11-21T10:25:00Z' }),
      { eniId: ENI_B, instanceId: NODE_B },
      { cluster: 'myeks' },
    );
    const fresh = staleTargetCondition(
      reg({ nodeAtRegistration: NODE_A }),
      { eniId: ENI_A, instanceId: NODE_A },
      { cluster: 'myeks', stack: 'default/web' },
    );

    expect(detached.title).toBe('Stale target 192.168.1.21:8080 in unknown service');
    expect(detached.summary).toBe(
      `192.168.1.21:8080 registered at ${REGISTERED} on ${ENI_A}, now on ${ENI_A} (not attached): the ENI holding this IP is no longer attached to a node`,
    );
    expect(unknown.summary).toContain(
      'on a node unknown (the IP changed hands at 2026-11-21T10:25:00Z)',
    );
    expect(unknown.summary).toContain(`now on ${ENI_B} (${NODE_B})`);
    expect(fresh.title).toBe('Target 192.168.1.21:8080 of default/web is no longer stale');
    expect(fresh.summary).toBe(
      `192.168.1.21:8080 now on ${ENI_A} (${NODE_A}) (ip-on-registered-node)`,
    );
  });
});
