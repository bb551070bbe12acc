import { describe, expect, test } from 'vitest';
import type { EventStamp } from '#core/events/event-envelope.ts';
import type { LoadBalancer } from '#core/targets/target-group.ts';
import type { TargetGroupFacts, TargetRegistrationInput } from '#core/targets/target-ports.ts';
import { targetLedgers } from '#test/contract/implementations.ts';

/**
 * What every TargetLedger promises, held against the DynamoDB ledger (DynamoDB Local) and the
 * memory ledger alike: facts monotonic by stamp, tags and attributes monotonic per key, one
 * stamp per target, final tombstones, and the same answers to the same queries.
 */
const VPC = 'vpc-1';
const LB = 'arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/web/1';
const TG = 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/1';
const TG2 = 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/api/2';
const DELAY = 'deregistration_delay.timeout_seconds';

const at = (m: number, id = `ev-${m}`): EventStamp => ({
  eventTime: `2026-11-21T10:${String(m).padStart(2, '0')}:00Z`,
  eventId: id,
});

function lb(arn = LB, extra: Partial<LoadBalancer> = {}): LoadBalancer {
  return {
    arn,
    name: 'web',
    type: 'network',
    scheme: 'internet-facing',
    dnsName: 'web-1.elb.amazonaws.com',
    canonicalHostedZoneId: 'ZELB',
    vpcId: VPC,
    availabilityZones: [],
    ...extra,
  };
}

function tg(arn = TG, loadBalancerArns?: readonly string[]): TargetGroupFacts {
  return {
    arn,
    name: 'web',
    targetType: 'ip',
    protocol: 'TCP',
    port: 80,
    vpcId: VPC,
    ...(loadBalancerArns ? { loadBalancerArns } : {}),
  };
}

const ipTarget = (ip: string, port = 80, node?: string): TargetRegistrationInput => ({
  id: ip,
  port,
  kind: 'ip',
  vpcId: VPC,
  ...(node ? { nodeAtRegistration: node, eniAtRegistration: `eni-of-${node}` } : {}),
});

describe.each(targetLedgers)('TargetLedger contract: $name', ({ make }) => {
  describe('load balancers', () => {
    test('facts move forward by stamp: older is stale, the same stamp again applies', async () => {
      // Prepare
      const ledger = await make();

      // Act
      const first = await ledger.putLoadBalancer(lb(LB, { scheme: 'internal' }), at(5));
      const older = await ledger.putLoadBalancer(lb(LB, { scheme: 'old' }), at(2));
      const again = await ledger.putLoadBalancer(lb(LB, { scheme: 'internal' }), at(5));

      // Assess
      expect([first, older, again]).toEqual(['applied', 'stale', 'applied']);
      expect(await ledger.getLoadBalancer(LB)).toEqual({
        arn: LB,
        name: 'web',
        type: 'network',
        dnsName: 'web-1.elb.amazonaws.com',
        canonicalHostedZoneId: 'ZELB',
        vpcId: VPC,
        scheme: 'internal',
        tags: {},
        deleted: false,
      });
    });

    test('a deleted load balancer is a final tombstone and is no longer listed', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putLoadBalancer(lb(), at(1));
      await ledger.putLoadBalancer(lb(`${LB}-b`), at(1));

      // Act
      const deleted = await ledger.deleteLoadBalancer(LB, at(3));
      const again = await ledger.deleteLoadBalancer(LB, at(4));
      const revived = await ledger.putLoadBalancer(lb(), at(9));
      const tagged = await ledger.setTags('load-balancer', LB, { a: 'b' }, at(9));

      // Assess
      expect([deleted, again, revived, tagged]).toEqual(['applied', 'unchanged', 'stale', 'stale']);
      expect((await ledger.getLoadBalancer(LB))?.deleted).toBe(true);
      expect((await ledger.listLoadBalancers()).map((l) => l.arn)).toEqual([`${LB}-b`]);
    });

    test('a load balancer known only from its tags is not a load balancer yet', async () => {
      // Prepare
      const ledger = await make();

      // Act
      const w = await ledger.setTags('load-balancer', LB, { 'elbv2.k8s.aws/cluster': 'c1' }, at(1));

      // Assess
      expect(w).toBe('applied');
      expect(await ledger.getLoadBalancer(LB)).toBeUndefined();
      expect(await ledger.listLoadBalancers()).toEqual([]);
    });

    test('tags are monotonic per key, and the cluster and stack follow them', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putLoadBalancer(lb(), at(1));
      await ledger.setTags(
        'load-balancer',
        LB,
        { 'elbv2.k8s.aws/cluster': 'c1', 'service.k8s.aws/stack': 'default/web' },
        at(2),
      );
      await ledger.setTags('load-balancer', LB, { 'service.k8s.aws/stack': null }, at(6));

      // Act: an older AddTags arrives late, with the removed key and an untouched one
      const late = await ledger.setTags(
        'load-balancer',
        LB,
        { 'service.k8s.aws/stack': 'default/old', team: 'a' },
        at(4),
      );
      const allStale = await ledger.setTags(
        'load-balancer',
        LB,
        { 'service.k8s.aws/stack': 'x' },
        at(3),
      );

      // Assess
      expect([late, allStale]).toEqual(['applied', 'stale']);
      const record = await ledger.getLoadBalancer(LB);
      expect(record?.tags).toEqual({ 'elbv2.k8s.aws/cluster': 'c1', team: 'a' });
      expect(record?.cluster).toBe('c1');
      expect(record?.stack).toBeUndefined();
    });

    test('live load balancers are listed by ARN, with their tags', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putLoadBalancer(lb(`${LB}-z`), at(1));
      await ledger.putLoadBalancer(lb(`${LB}-a`), at(1));
      await ledger.setTags('load-balancer', `${LB}-a`, { k: 'v' }, at(2));

      // Act
      const listed = await ledger.listLoadBalancers();

      // Assess
      expect(listed.map((l) => [l.arn, l.tags])).toEqual([
        [`${LB}-a`, { k: 'v' }],
        [`${LB}-z`, {}],
      ]);
    });
  });

  describe('target groups', () => {
    test('a target group is found under its load balancer; a create without one keeps what is known', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putTargetGroup(tg(TG, [LB]), at(1));

      // Act
      const create = await ledger.putTargetGroup(tg(TG), at(2));
      const underLb = await ledger.targetGroupsOf(LB);
      const detached = await ledger.putTargetGroup(tg(TG, []), at(3));

      // Assess
      expect([create, detached]).toEqual(['applied', 'applied']);
      expect(underLb.map((t) => [t.arn, t.lbArns])).toEqual([[TG, [LB]]]);
      expect(await ledger.targetGroupsOf(LB)).toEqual([]);
      expect(await ledger.getTargetGroup(TG)).toEqual({
        arn: TG,
        name: 'web',
        targetType: 'ip',
        protocol: 'TCP',
        port: 80,
        vpcId: VPC,
        lbArns: [],
        tags: {},
        attributes: {},
        deleted: false,
      });
    });

    test('an out-of-scope target group is remembered, not listed, and never overrides one in scope', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putTargetGroup(tg(TG2), at(1));

      // Act
      const ignored = await ledger.ignoreTargetGroup(TG, 'cluster other is not watched', at(2));
      const notOverScoped = await ledger.ignoreTargetGroup(TG2, 'late', at(3));

      // Assess
      expect([ignored, notOverScoped]).toEqual(['applied', 'stale']);
      expect((await ledger.getTargetGroup(TG))?.ignoredReason).toBe('cluster other is not watched');
      expect((await ledger.getTargetGroup(TG2))?.ignoredReason).toBeUndefined();
      expect((await ledger.listTargetGroups()).map((t) => t.arn)).toEqual([TG2]);
    });

    test('attributes are monotonic per key; the last delay change is kept by stamp', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putTargetGroup(tg(), at(1));
      await ledger.setAttributes(TG, { [DELAY]: '60' }, at(5), {
        by: 'alice',
        at: at(5).eventTime,
      });

      // Act
      const late = await ledger.setAttributes(
        TG,
        { [DELAY]: '300', 'stickiness.enabled': 'false' },
        at(3),
        { by: 'console', at: at(3).eventTime, seconds: 300 },
      );

      // Assess
      expect(late).toBe('applied');
      const record = await ledger.getTargetGroup(TG);
      expect(record?.attributes).toEqual({ [DELAY]: '60', 'stickiness.enabled': 'false' });
      expect(record?.lastDelayChange).toEqual({ by: 'alice', at: at(5).eventTime });
    });

    test('a complete set stamps only what it changes, yet an older change of an unchanged key loses', async () => {
      // Prepare: the delay set at 2; a complete set at 6 keeps it and changes stickiness.
      const ledger = await make();
      await ledger.putTargetGroup(tg(), at(1));
      await ledger.setAttributes(TG, { [DELAY]: '60', 'stickiness.enabled': 'false' }, at(2));
      const complete = await ledger.setAttributes(
        TG,
        { [DELAY]: '60', 'stickiness.enabled': 'true' },
        at(6),
        undefined,
        { complete: true },
      );

      // Act: a change from 4 of the key the complete set left alone arrives late.
      const late = await ledger.setAttributes(TG, { [DELAY]: '300' }, at(4));
      const newer = await ledger.setAttributes(TG, { 'stickiness.enabled': 'false' }, at(7));

      // Assess: the set at 6 said 60, and it is newer than 4.
      expect([complete, late, newer]).toEqual(['applied', 'stale', 'applied']);
      expect((await ledger.getTargetGroup(TG))?.attributes).toEqual({
        [DELAY]: '60',
        'stickiness.enabled': 'false',
      });
    });

    test('an older complete set loses to a newer one, even on keys the newer one left alone', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putTargetGroup(tg(), at(1));
      await ledger.setAttributes(TG, { [DELAY]: '60', 'stickiness.enabled': 'false' }, at(2));
      await ledger.setAttributes(
        TG,
        { [DELAY]: '60', 'stickiness.enabled': 'false' },
        at(8),
        undefined,
        {
          complete: true,
        },
      );

      // Act
      const late = await ledger.setAttributes(
        TG,
        { [DELAY]: '120', 'stickiness.enabled': 'true' },
        at(5),
        undefined,
        { complete: true },
      );

      // Assess
      expect(late).toBe('stale');
      expect((await ledger.getTargetGroup(TG))?.attributes).toEqual({
        [DELAY]: '60',
        'stickiness.enabled': 'false',
      });
    });

    test('deleting a target group tombstones it and deregisters its targets', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putTargetGroup(tg(TG, [LB]), at(1));
      await ledger.registerTargets(TG, [ipTarget('10.0.0.20', 80, 'i-1')], at(2));

      // Act
      const deleted = await ledger.deleteTargetGroup(TG, at(4));
      const again = await ledger.deleteTargetGroup(TG, at(5));
      const revived = await ledger.putTargetGroup(tg(TG, [LB]), at(9));

      // Assess
      expect([deleted, again, revived]).toEqual(['applied', 'unchanged', 'stale']);
      expect((await ledger.getTargetGroup(TG))?.deleted).toBe(true);
      expect(await ledger.listTargetGroups()).toEqual([]);
      expect(await ledger.targetGroupsOf(LB)).toEqual([]);
      expect(await ledger.targetsOf(TG)).toEqual([]);
      expect(await ledger.targetsByIp(VPC, '10.0.0.20')).toEqual([]);
      expect(await ledger.targetsByNode('i-1')).toEqual([]);
      expect(await ledger.getTarget(TG, { id: '10.0.0.20', port: 80 })).toMatchObject({
        registered: false,
        deregisteredAt: at(4).eventTime,
        stamp: at(4),
      });
    });
  });

  describe('targets', () => {
    test('a registration applies by stamp: older is stale, the same stamp again applies', async () => {
      // Prepare
      const ledger = await make();

      // Act
      const first = await ledger.registerTargets(TG, [ipTarget('10.0.0.20', 80, 'i-1')], at(5));
      const again = await ledger.registerTargets(TG, [ipTarget('10.0.0.20', 80, 'i-1')], at(5));
      const older = await ledger.deregisterTargets(TG, [{ id: '10.0.0.20', port: 80 }], at(4));

      // Assess
      expect([first, again, older]).toEqual([['applied'], ['applied'], ['stale']]);
      expect(await ledger.targetsOf(TG)).toEqual([
        {
          tgArn: TG,
          id: '10.0.0.20',
          port: 80,
          kind: 'ip',
          ip: '10.0.0.20',
          vpcId: VPC,
          registered: true,
          registeredAt: at(5).eventTime,
          nodeAtRegistration: 'i-1',
          eniAtRegistration: 'eni-of-i-1',
          stamp: at(5),
        },
      ]);
    });

    test('a deregistration that arrives before the older registration keeps the target deregistered', async () => {
      // Prepare
      const ledger = await make();

      // Act
      const gone = await ledger.deregisterTargets(TG, [{ id: '10.0.0.20', port: 80 }], at(6));
      const late = await ledger.registerTargets(TG, [ipTarget('10.0.0.20', 80, 'i-1')], at(5));

      // Assess
      expect([gone, late]).toEqual([['applied'], ['stale']]);
      expect(await ledger.targetsOf(TG)).toEqual([]);
      expect(await ledger.targetsByIp(VPC, '10.0.0.20')).toEqual([]);
      expect(
        (await ledger.targetsOf(TG, { includeDeregistered: true })).map((t) => t.registered),
      ).toEqual([false]);
    });

    test('registered IP targets are found by address and by the node that held it', async () => {
      // Prepare
      const ledger = await make();
      await ledger.registerTargets(TG, [ipTarget('10.0.0.20', 80, 'i-1')], at(1));
      await ledger.registerTargets(TG2, [ipTarget('10.0.0.20', 8080, 'i-1')], at(1));
      await ledger.registerTargets(TG2, [ipTarget('10.0.0.21', 8080, 'i-2')], at(1));

      // Act
      const byIp = await ledger.targetsByIp(VPC, '10.0.0.20');
      const byNode = await ledger.targetsByNode('i-1');
      const otherVpc = await ledger.targetsByIp('vpc-other', '10.0.0.20');

      // Assess
      expect(byIp.map((t) => `${t.tgArn} ${t.port}`).sort()).toEqual([`${TG2} 8080`, `${TG} 80`]);
      expect(byNode.map((t) => `${t.tgArn} ${t.id}`)).toEqual([
        `${TG2} 10.0.0.20`,
        `${TG} 10.0.0.20`,
      ]);
      expect(otherVpc).toEqual([]);
    });

    test('the registered IP targets of several addresses are found at once, ordered by group, IP and port', async () => {
      // Prepare: targets at three IPs in two groups; one deregistered, one in another VPC
      const ledger = await make();
      await ledger.registerTargets(
        TG,
        [ipTarget('10.0.0.21', 80), ipTarget('10.0.0.20', 80)],
        at(1),
      );
      await ledger.registerTargets(
        TG2,
        [ipTarget('10.0.0.20', 8080), ipTarget('10.0.0.20', 443), ipTarget('10.0.0.22', 80)],
        at(1),
      );
      await ledger.registerTargets(
        TG2,
        [{ ...ipTarget('10.0.0.21', 80), vpcId: 'vpc-other' }],
        at(1),
      );
      await ledger.deregisterTargets(TG2, [{ id: '10.0.0.22', port: 80 }], at(2));

      // Act
      const found = await ledger.targetsByIps(VPC, [
        '10.0.0.20',
        '10.0.0.21',
        '10.0.0.22',
        '10.0.0.20',
        '10.0.0.99',
      ]);
      const none = await ledger.targetsByIps(VPC, []);
      const other = await ledger.targetsByIps('vpc-other', ['10.0.0.20', '10.0.0.21']);

      // Assess
      expect(found.map((t) => `${t.tgArn} ${t.id}:${t.port}`)).toEqual([
        `${TG2} 10.0.0.20:443`,
        `${TG2} 10.0.0.20:8080`,
        `${TG} 10.0.0.20:80`,
        `${TG} 10.0.0.21:80`,
      ]);
      expect(found.every((t) => t.registered && t.vpcId === VPC)).toBe(true);
      expect(none).toEqual([]);
      expect(other.map((t) => `${t.tgArn} ${t.id}:${t.port}`)).toEqual([`${TG2} 10.0.0.21:80`]);
    });

    test('a target registered again after its deregistration is found at its IP again', async () => {
      // Prepare
      const ledger = await make();
      await ledger.registerTargets(TG, [ipTarget('10.0.0.20', 80)], at(1));
      await ledger.deregisterTargets(TG, [{ id: '10.0.0.20', port: 80 }], at(2));
      const between = await ledger.targetsByIps(VPC, ['10.0.0.20']);

      // Act
      await ledger.registerTargets(TG, [ipTarget('10.0.0.20', 80)], at(3));

      // Assess
      expect(between).toEqual([]);
      expect((await ledger.targetsByIps(VPC, ['10.0.0.20'])).map((t) => t.stamp)).toEqual([at(3)]);
    });

    test('a registration without a known holder forgets the previous one', async () => {
      // Prepare
      const ledger = await make();
      await ledger.registerTargets(TG, [ipTarget('10.0.0.20', 80, 'i-1')], at(1));
      await ledger.deregisterTargets(TG, [{ id: '10.0.0.20', port: 80 }], at(2));

      // Act
      await ledger.registerTargets(TG, [ipTarget('10.0.0.20', 80)], at(3));

      // Assess
      const target = await ledger.getTarget(TG, { id: '10.0.0.20', port: 80 });
      expect(target?.nodeAtRegistration).toBeUndefined();
      expect(target?.eniAtRegistration).toBeUndefined();
      expect(target?.deregisteredAt).toBeUndefined();
      expect(await ledger.targetsByNode('i-1')).toEqual([]);
      expect((await ledger.targetsByIp(VPC, '10.0.0.20')).map((t) => t.id)).toEqual(['10.0.0.20']);
    });

    test("a target group's targets are listed by id, then port as text", async () => {
      // Prepare
      const ledger = await make();
      await ledger.registerTargets(
        TG,
        [ipTarget('10.0.0.9', 80), ipTarget('10.0.0.10', 8080), ipTarget('10.0.0.10', 443)],
        at(1),
      );

      // Act
      const targets = await ledger.targetsOf(TG);

      // Assess
      expect(targets.map((t) => `${t.id}:${t.port}`)).toEqual([
        '10.0.0.10:443',
        '10.0.0.10:8080',
        '10.0.0.9:80',
      ]);
    });
  });

  describe('processed events', () => {
    test('an event marked processed is known as processed; audit alone marks nothing', async () => {
      // Prepare
      const ledger = await make();

      // Act
      await ledger.markProcessed(at(1, 'ev-done'), 'RegisterTargets', []);
      await ledger.audit(at(2, 'sweep-1'), 'sweep', [{ entity: TG, action: 'repaired' }]);

      // Assess
      expect(await ledger.hasProcessed('ev-done')).toBe(true);
      expect(await ledger.hasProcessed('sweep-1')).toBe(false);
    });
  });
});
