import { describe, expect, test } from 'vitest';
import {
  holdersOfIps,
  reviewTargetGroup,
  reviewTargetsForIps,
  reviewTargetsForNodes,
} from '#core/targets/review-targets.ts';
import {
  at,
  CLUSTER,
  DELAY,
  LBC,
  NODE,
  NODE_B,
  TG,
  TG_FACTS,
  targetWorld,
  time,
  VPC,
} from '#test/unit/use-cases/target-world.ts';

/**
 * The target review on the memory ledgers: a target registered at minute 3 while node A held
 * its IP; then the IP ledger changes; the review decides whether the target is stale, and
 * alerts (or stays quiet) accordingly.
 */
type World = ReturnType<typeof targetWorld>;
const IP = '10.0.0.20';

/** An IP target group of the cluster with a known delay, one target registered at minute 3. */
async function registeredOnNodeA(w: World, attributes: Record<string, string> = { [DELAY]: '60' }) {
  await w.holdIps(NODE, 'eni-a', [IP], 1);
  await w.targets.putTargetGroup(TG_FACTS, at(1));
  await w.targets.setTags('target-group', TG, LBC, at(1));
  await w.targets.setAttributes(TG, attributes, at(2));
  await w.targets.registerTargets(
    TG,
    [
      {
        id: IP,
        port: 80,
        kind: 'ip',
        vpcId: VPC,
        nodeAtRegistration: NODE,
        eniAtRegistration: 'eni-a',
      },
    ],
    at(3),
  );
}

interface Case {
  readonly name: string;
  /** What happens in the IP ledger after the registration. */
  readonly ipLedger: (w: World) => Promise<unknown>;
  readonly sent: readonly (readonly string[])[];
}

const cases: Case[] = [
  {
    name: 'a target whose IP is still on the node it was registered on is not stale',
    ipLedger: async () => undefined,
    sent: [],
  },
  {
    name: 'a target whose IP moved to another node is stale, critical',
    ipLedger: (w) => w.holdIps(NODE_B, 'eni-b', [IP], 5),
    sent: [['stale-target', 'open', 'critical']],
  },
  {
    name: 'a target whose IP is on no ENI any more is stale, warning',
    ipLedger: async (w) => {
      const eni = await w.network.getEni('eni-a');
      if (eni) await w.network.unassignAddresses(eni, [IP], at(5));
    },
    sent: [['stale-target', 'open', 'warning']],
  },
  {
    name: 'a target whose ENI was deleted is stale',
    ipLedger: (w) => w.network.deleteEni('eni-a', at(5)),
    sent: [['stale-target', 'open', 'warning']],
  },
  {
    name: 'a target whose ENI was detached from the node is stale',
    ipLedger: (w) => w.network.setEniAttachment('eni-a', undefined, at(5)),
    sent: [['stale-target', 'open', 'warning']],
  },
  {
    name: 'a release older than the registration-time holder changes nothing',
    ipLedger: async (w) => {
      const eni = await w.network.getEni('eni-a');
      if (eni) await w.network.unassignAddresses(eni, [IP], at(0));
    },
    sent: [],
  },
];

describe('reviewTargetGroup: stale targets', () => {
  test.each(cases)('$name', async (c) => {
    // Prepare
    const w = targetWorld();
    await registeredOnNodeA(w);
    await c.ipLedger(w);

    // Act
    const review = await reviewTargetGroup(TG, w.deps, time(10));

    // Assess
    expect(w.notifier.sent.map((n) => [n.kind, n.type, n.severity])).toEqual(c.sent);
    expect(review.alerts.filter((a) => a.outcome === 'opened')).toHaveLength(c.sent.length);
  });

  test('a stale target resolves once it is deregistered', async () => {
    // Prepare
    const w = targetWorld();
    await registeredOnNodeA(w);
    await w.holdIps(NODE_B, 'eni-b', [IP], 5);
    await reviewTargetGroup(TG, w.deps, time(10));
    await w.targets.deregisterTargets(TG, [{ id: IP, port: 80 }], at(11));

    // Act
    await reviewTargetGroup(TG, w.deps, time(12), {
      targets: await w.targets.targetsOf(TG, { includeDeregistered: true }),
    });

    // Assess
    expect(w.notifier.sent.map((n) => [n.kind, n.type])).toEqual([
      ['stale-target', 'open'],
      ['stale-target', 'resolve'],
    ]);
    expect(await w.alerts.listOpen()).toEqual([]);
  });
});

describe('reviewTargetGroup: what it skips', () => {
  const skips = [
    {
      name: 'a target group the ledger does not know',
      prepare: async (_w: World) => undefined,
      reason: 'target group not in the ledger',
    },
    {
      name: 'a target group of another cluster',
      prepare: async (w: World) => {
        await w.targets.putTargetGroup(TG_FACTS, at(1));
        await w.targets.setTags('target-group', TG, { 'elbv2.k8s.aws/cluster': 'other' }, at(1));
      },
      reason: 'cluster other is not configured',
    },
    {
      name: 'a target group whose cluster tag is not known yet',
      prepare: (w: World) => w.targets.putTargetGroup(TG_FACTS, at(1)),
      reason: 'no elbv2.k8s.aws/cluster tag known yet (the sweep reads tags)',
    },
    {
      name: 'a delay that is not known yet',
      prepare: (w: World) => registeredOnNodeA(w, {}),
      reason: 'deregistration delay not known yet',
    },
  ];

  test.each(skips)('$name is skipped with the reason', async (c) => {
    // Prepare
    const w = targetWorld();
    await c.prepare(w);

    // Act
    const review = await reviewTargetGroup(TG, w.deps, time(10));

    // Assess
    expect(review.skipped).toEqual([{ subject: TG, reason: c.reason }]);
    expect(w.notifier.sent).toEqual([]);
  });
});

describe('reviewTargetGroup: deregistration delay', () => {
  test('drift is alerted, and with remediation off only described', async () => {
    // Prepare
    const w = targetWorld();
    await registeredOnNodeA(w, { [DELAY]: '300' });

    // Act
    const review = await reviewTargetGroup(TG, w.deps, time(10));

    // Assess
    expect(review.remediations.map((r) => r.action)).toEqual(['dry-run']);
    expect(w.notifier.sent.map((n) => [n.kind, n.type])).toEqual([
      ['deregistration-delay-drift', 'open'],
    ]);
    expect(w.elbv2.calls).toEqual([]);
  });

  test('with remediation on, the delay is set back, recorded, and the alert opens and resolves', async () => {
    // Prepare
    const w = targetWorld({ remediate: true });
    await registeredOnNodeA(w, { [DELAY]: '300' });
    w.elbv2.attributes.set(TG, { [DELAY]: '300' });

    // Act
    await reviewTargetGroup(TG, w.deps, time(10));

    // Assess
    expect(w.elbv2.calls).toEqual([`ModifyTargetGroupAttributes ${TG}`]);
    const tg = await w.targets.getTargetGroup(TG);
    expect(tg?.attributes[DELAY]).toBe('60');
    expect(tg?.lastDelayChange?.by).toBe('netledger (DRIFT_REMEDIATE)');
    expect(w.notifier.sent.map((n) => [n.kind, n.type])).toEqual([
      ['deregistration-delay-drift', 'open'],
      ['deregistration-delay-drift', 'resolve'],
    ]);
  });
});

describe('the EC2 hooks', () => {
  test('released addresses find the targets registered with them, in every target group', async () => {
    // Prepare
    const w = targetWorld();
    await registeredOnNodeA(w);
    const eni = await w.network.getEni('eni-a');
    if (eni) await w.network.unassignAddresses(eni, [IP], at(5));

    // Act
    const review = await reviewTargetsForIps(VPC, [IP, '10.0.0.99'], w.deps, time(10));

    // Assess
    expect(review.alerts.map((a) => [a.kind, a.subject, a.outcome])).toEqual([
      ['stale-target', `${TG}|${IP}:80`, 'opened'],
    ]);
  });

  test("an event's IPs are asked of the ledger in one call, not one call per IP", async () => {
    // Prepare: a target ledger that counts how it is asked; the target's IP was released
    const w = targetWorld();
    await registeredOnNodeA(w);
    const eni = await w.network.getEni('eni-a');
    if (eni) await w.network.unassignAddresses(eni, [IP], at(5));
    const ips = [IP, ...Array.from({ length: 19 }, (_, i) => `10.0.1.${i}`)];
    const asked: string[] = [];
    const ledger = w.deps.targets;
    const counted: Partial<typeof ledger> = {
      targetsByIp: async (vpcId, ip) => {
        asked.push(`one ${ip}`);
        return ledger.targetsByIp(vpcId, ip);
      },
      targetsByIps: async (vpcId, many) => {
        asked.push(`all ${many.length}`);
        return ledger.targetsByIps(vpcId, many);
      },
    };
    const counting = new Proxy(ledger, {
      get: (target, name) =>
        name in counted
          ? counted[name as keyof typeof counted]
          : (Reflect.get(target, name, target) as (...a: unknown[]) => unknown).bind(target),
    });

    // Act
    const review = await reviewTargetsForIps(VPC, ips, { ...w.deps, targets: counting }, time(10));

    // Assess
    expect(asked).toEqual(['all 20']);
    expect(review.alerts.map((a) => [a.subject, a.outcome])).toEqual([
      [`${TG}|${IP}:80`, 'opened'],
    ]);
  });

  test('a node that lost its addresses finds the targets registered on it', async () => {
    // Prepare
    const w = targetWorld();
    await registeredOnNodeA(w);
    await w.network.deleteEni('eni-a', at(5));

    // Act
    const onA = await reviewTargetsForNodes([NODE], w.deps, time(10));
    const onB = await reviewTargetsForNodes([NODE_B], w.deps, time(10));

    // Assess
    expect(onA.alerts.map((a) => [a.kind, a.cluster, a.outcome])).toEqual([
      ['stale-target', CLUSTER, 'opened'],
    ]);
    expect(onB.alerts).toEqual([]);
  });
});

describe('holdersOfIps', () => {
  test('an IP inside a /28 prefix is held by the ENI that holds the prefix', async () => {
    // Prepare
    const w = targetWorld();
    const eni = {
      eniId: 'eni-p',
      vpcId: VPC,
      subnetId: 'subnet-a',
      description: `aws-K8S-${NODE}`,
      tags: {},
      attachment: { instanceId: NODE },
      secondaryIps: [],
      prefixes: [],
    };
    await w.network.putEni(
      {
        facts: eni,
        kind: 'vpc-cni',
        instanceId: NODE,
        addresses: [{ address: '10.0.1.16/28', kind: 'prefix', consumer: 'vpc-cni' }],
      },
      at(1),
    );

    // Act
    const holders = await holdersOfIps(w.network, VPC, ['10.0.1.23', '10.0.1.33']);

    // Assess
    expect(holders).toEqual(
      new Map([
        ['10.0.1.23', { eniId: 'eni-p', instanceId: NODE, since: at(1) }],
        ['10.0.1.33', undefined],
      ]),
    );
  });
});

describe('reviewTargetGroup: ELBv2 confirms a stale-looking target before it alerts', () => {
  const elbSays = (w: World, health: 'registered' | 'draining' | 'not registered' | 'fails') => {
    w.elbv2.targetGroups.set(TG, {
      arn: TG,
      name: 'k8s-default-echo',
      targetType: 'ip',
      vpcId: VPC,
      loadBalancerArns: [],
    });
    if (health === 'fails') w.elbv2.failNext = new Error('Throttling: Rate exceeded');
    const target = { type: 'ip' as const, ip: IP, port: 80 };
    if (health === 'registered') w.elbv2.health.set(TG, [{ target, state: 'healthy' }]);
    if (health === 'draining') w.elbv2.health.set(TG, [{ target, state: 'draining' }]);
  };

  test.each([
    // CloudTrail delivers DeregisterTargets minutes late; the node's termination may come first.
    { elb: 'not registered', sent: [] },
    { elb: 'draining', sent: [] },
    { elb: 'registered', sent: [['stale-target', 'open', 'critical']] },
    // A failed confirmation never costs an alert: the ledger's view stands.
    { elb: 'fails', sent: [['stale-target', 'open', 'critical']] },
  ] as const)('ELBv2 says the target is $elb', async (c) => {
    // Prepare: registered on node A, then its IP moved to node B
    const w = targetWorld();
    await registeredOnNodeA(w);
    await w.holdIps(NODE_B, 'eni-b', [IP], 5);
    elbSays(w, c.elb);

    // Act
    const review = await reviewTargetGroup(TG, w.deps, time(10));

    // Assess
    expect(w.notifier.sent.map((n) => [n.kind, n.type, n.severity])).toEqual(c.sent);
    expect(
      review.skipped.some((s) => s.reason.startsWith('not registered at the load balancer')),
    ).toBe(c.sent.length === 0);
  });

  test('an open stale alert resolves once ELBv2 no longer has the target', async () => {
    // Prepare
    const w = targetWorld();
    await registeredOnNodeA(w);
    await w.holdIps(NODE_B, 'eni-b', [IP], 5);
    await reviewTargetGroup(TG, w.deps, time(10));
    elbSays(w, 'not registered');

    // Act
    await reviewTargetGroup(TG, w.deps, time(12));

    // Assess
    expect(w.notifier.sent.map((n) => [n.kind, n.type])).toEqual([
      ['stale-target', 'open'],
      ['stale-target', 'resolve'],
    ]);
  });

  test('ELBv2 is asked once per target group, and not at all when nothing looks stale', async () => {
    // Prepare
    const w = targetWorld();
    await registeredOnNodeA(w);
    elbSays(w, 'registered');

    // Act
    await reviewTargetGroup(TG, w.deps, time(10));
    const quiet = w.elbv2.calls.length;
    await w.holdIps(NODE_B, 'eni-b', [IP], 11);
    await reviewTargetGroup(TG, w.deps, time(12));

    // Assess
    expect(quiet).toBe(0);
    expect(w.elbv2.calls).toEqual([`DescribeTargetHealth ${TG}`]);
  });
});
