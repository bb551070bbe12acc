import { describe, expect, test } from 'vitest';
import { applyElbEvent } from '#core/targets/apply-elb-event.ts';
import type { ElbChange } from '#core/targets/elb-event.ts';
import {
  CLUSTER,
  DELAY,
  delaySet,
  deregistered,
  LB,
  lbCreated,
  meta,
  NODE,
  registered,
  TG,
  TG_FACTS,
  targetWorld,
  tgCreated,
  time,
} from '#test/unit/use-cases/target-world.ts';

/**
 * applyElbEvent on the memory ledgers: given the changes already applied (and what ELBv2 and
 * the IP ledger say), one more change gives this outcome and leaves the ledger like this.
 */
type World = ReturnType<typeof targetWorld>;

interface Case {
  readonly name: string;
  readonly given?: readonly ElbChange[];
  readonly prepare?: (w: World) => Promise<void> | void;
  readonly when: ElbChange;
  readonly status: 'applied' | 'duplicate' | 'stale' | 'ignored';
  readonly reason?: RegExp;
  /** What the ledger holds afterwards, read back by `read`. */
  readonly read?: (w: World) => Promise<unknown>;
  readonly expected?: unknown;
}

const targetLines = async (w: World) =>
  (await w.targets.targetsOf(TG)).map(
    (t) => `${t.id}:${t.port} ${t.nodeAtRegistration ?? '-'} ${t.eniAtRegistration ?? '-'}`,
  );

const cases: Case[] = [
  {
    name: 'a load balancer of the cluster is filed with its tags',
    when: lbCreated(1),
    status: 'applied',
    reason: /created network LB/,
    read: async (w) => {
      const lb = await w.targets.getLoadBalancer(LB);
      return [lb?.name, lb?.cluster, lb?.stack];
    },
    expected: ['web', CLUSTER, 'default/web'],
  },
  {
    name: 'a load balancer of another cluster is ignored with the reason',
    when: lbCreated(1, { tags: { 'elbv2.k8s.aws/cluster': 'other' } }),
    status: 'ignored',
    reason: /cluster other is not configured/,
    read: (w) => w.targets.listLoadBalancers(),
    expected: [],
  },
  {
    name: 'a load balancer without a cluster tag is ignored while clusters are listed',
    when: lbCreated(1, { tags: {} }),
    status: 'ignored',
    reason: /belongs to no configured EKS cluster/,
  },
  {
    name: 'the same change delivered twice is a duplicate the second time',
    given: [lbCreated(1)],
    when: lbCreated(1),
    status: 'duplicate',
  },
  {
    name: 'deleting a load balancer the ledger never saw keeps a tombstone',
    when: { ...meta(2), kind: 'load-balancer-deleted', arn: LB },
    status: 'applied',
    reason: /tombstone kept/,
    read: async (w) =>
      w.targets.putLoadBalancer({ ...lbCreatedFacts() }, { eventTime: time(1), eventId: 'late' }),
    expected: 'stale',
  },
  {
    name: 'a target group of another cluster is remembered as ignored',
    when: tgCreated(1, { tags: { 'elbv2.k8s.aws/cluster': 'other' } }),
    status: 'ignored',
    reason: /target group .*cluster other is not configured/,
    read: async (w) => (await w.targets.getTargetGroup(TG))?.ignoredReason,
    expected: 'cluster other is not configured (CLUSTERS=c1)',
  },
  {
    name: 'registering into an ignored target group is ignored without asking ELBv2',
    given: [tgCreated(1, { tags: { 'elbv2.k8s.aws/cluster': 'other' } })],
    when: registered(2, '10.0.0.20'),
    status: 'ignored',
    read: async (w) => w.elbv2.calls,
    expected: [],
  },
  {
    name: 'a registration records who held the IP at the time',
    given: [tgCreated(1), delaySet(2, 60)],
    prepare: (w) => w.holdIps(NODE, 'eni-a', ['10.0.0.20'], 1),
    when: registered(3, '10.0.0.20'),
    status: 'applied',
    reason: /registered 1 /,
    read: targetLines,
    expected: [`10.0.0.20:80 ${NODE} eni-a`],
  },
  {
    name: 'a registration into a target group the ledger never saw reads it from ELBv2 once',
    prepare: (w) => {
      w.elbv2.targetGroups.set(TG, TG_FACTS);
    },
    when: registered(3, '10.0.0.20'),
    status: 'applied',
    reason: /read from ELBv2/,
    read: async (w) => [await targetLines(w), w.elbv2.describeCalls()],
    expected: [['10.0.0.20:80 - -'], [`DescribeTargetGroups ${TG}`]],
  },
  {
    name: 'a registration into a target group nobody knows is ignored',
    when: registered(3, '10.0.0.20'),
    status: 'ignored',
    reason: /unknown target group .*not found/,
  },
  {
    name: 'a deregistration older than the registration is stale and the target stays',
    given: [tgCreated(1), delaySet(2, 60), registered(5, '10.0.0.20')],
    when: deregistered(4, '10.0.0.20'),
    status: 'stale',
    read: targetLines,
    expected: ['10.0.0.20:80 - -'],
  },
  {
    name: 'a newer deregistration removes the target',
    given: [tgCreated(1), delaySet(2, 60), registered(3, '10.0.0.20', '10.0.0.21')],
    when: deregistered(4, '10.0.0.20'),
    status: 'applied',
    reason: /deregistered 1 /,
    read: targetLines,
    expected: ['10.0.0.21:80 - -'],
  },
  {
    name: 'a delay change is kept with who made it',
    given: [tgCreated(1)],
    when: delaySet(2, 120),
    status: 'applied',
    reason: /attributes set \(delay 120 s by alice/,
    read: async (w) => {
      const tg = await w.targets.getTargetGroup(TG);
      return [tg?.attributes[DELAY], tg?.lastDelayChange?.by];
    },
    expected: ['120', 'alice (AssumedRole, api)'],
  },
  {
    name: 'a delay that drifts from the policy opens an alert',
    given: [tgCreated(1)],
    when: delaySet(2, 300),
    status: 'applied',
    read: async (w) => w.notifier.sent.map((n) => [n.kind, n.type]),
    expected: [['deregistration-delay-drift', 'open']],
  },
  {
    name: 'tags removed from a target group are removed from the ledger',
    given: [tgCreated(1)],
    when: { ...meta(2), kind: 'tags-removed', arns: [TG], keys: ['service.k8s.aws/stack'] },
    status: 'applied',
    read: async (w) => {
      const tg = await w.targets.getTargetGroup(TG);
      return [tg?.tags, tg?.stack];
    },
    expected: [{ 'elbv2.k8s.aws/cluster': CLUSTER }, undefined],
  },
  {
    name: 'tags for a load balancer the ledger does not know are skipped',
    when: { ...meta(2), kind: 'tags-added', arns: [LB], tags: { team: 'a' } },
    status: 'ignored',
    reason: /not in the ledger \(the sweep adds it\)/,
  },
  {
    name: 'deleting a target group deregisters its targets',
    given: [tgCreated(1), delaySet(2, 60), registered(3, '10.0.0.20')],
    when: { ...meta(4), kind: 'target-group-deleted', arn: TG },
    status: 'applied',
    reason: /deleted TG/,
    read: async (w) => [await targetLines(w), (await w.targets.getTargetGroup(TG))?.deleted],
    expected: [[], true],
  },
];

function lbCreatedFacts() {
  return {
    arn: LB,
    name: 'web',
    type: 'network' as const,
    scheme: 'internet-facing',
    dnsName: 'web-1.elb.amazonaws.com',
    canonicalHostedZoneId: 'ZELB',
    vpcId: 'vpc-1',
    availabilityZones: [],
  };
}

describe('applyElbEvent', () => {
  test.each(cases)('$name', async (c) => {
    // Prepare
    const w = targetWorld();
    await c.prepare?.(w);
    for (const change of c.given ?? []) await applyElbEvent(change, w.deps, change.eventTime);
    w.elbv2.calls.length = 0;

    // Act
    const outcome = await applyElbEvent(c.when, w.deps, c.when.eventTime);

    // Assess
    expect(outcome.status).toBe(c.status);
    if (c.reason) expect(outcome.reason).toMatch(c.reason);
    if (c.read) expect(await c.read(w)).toEqual(c.expected);
  });

  test('registering an IP that no ENI holds opens a stale-target alert at once', async () => {
    // Prepare
    const w = targetWorld();
    await w.holdIps(NODE, 'eni-a', ['10.0.0.20'], 1);
    for (const change of [tgCreated(1), delaySet(2, 60)]) {
      await applyElbEvent(change, w.deps, change.eventTime);
    }

    // Act
    const held = await applyElbEvent(registered(3, '10.0.0.20'), w.deps, time(3));
    const nowhere = await applyElbEvent(registered(4, '10.0.0.99'), w.deps, time(4));

    // Assess
    expect(held.review?.alerts).toEqual([]);
    expect(nowhere.review?.alerts.map((a) => [a.kind, a.subject, a.outcome])).toEqual([
      ['stale-target', `${TG}|10.0.0.99:80`, 'opened'],
    ]);
    expect(w.notifier.sent.map((n) => [n.kind, n.type, n.severity])).toEqual([
      ['stale-target', 'open', 'warning'],
    ]);
  });
});
