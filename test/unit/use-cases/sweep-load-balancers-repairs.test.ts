import { describe, expect, test } from 'vitest';
import { memoryUnitOfWork } from '#adapters/memory/memory-unit-of-work.ts';
import { sweepLoadBalancers } from '#core/targets/sweep-load-balancers.ts';
import type { LoadBalancer, TargetGroup } from '#core/targets/target-group.ts';
import {
  applyAll,
  at,
  awsHas,
  CLUSTER,
  DELAY,
  deregistered,
  healthy,
  LB,
  LB_FACTS,
  LBC,
  ledgerHas,
  NODE,
  registered,
  TG,
  TG_FACTS,
  targetWorld,
  time,
  VPC,
} from '#test/unit/use-cases/target-world.ts';

/**
 * What the load-balancer sweep repairs, field by field, and how it says so: one audit line per
 * write that changed something (under the sweep's stamp), counts by type, the reviews after.
 */
type World = ReturnType<typeof targetWorld>;
const SWEEP_AT = time(30);
const SWEEP = `sweep:${SWEEP_AT}`;

const auditLines = (w: World, entity: string) =>
  w.events.auditOf(entity).map((a) => [a.action, a.eventName, a.eventId]);

describe('sweepLoadBalancers: the audit of its repairs', () => {
  test('each repair is audited under its subject with the sweep’s stamp', async () => {
    // Prepare
    const w = targetWorld();
    awsHas(w, [healthy('10.0.0.20')]);

    // Act
    const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect(report.repaired).toBe(6);
    expect(auditLines(w, LB)).toStrictEqual([
      ['sweep put-lb', 'sweep', SWEEP],
      ['sweep lb-tags', 'sweep', SWEEP],
    ]);
    expect(auditLines(w, TG)).toStrictEqual([
      ['sweep put-tg', 'sweep', SWEEP],
      ['sweep tg-tags', 'sweep', SWEEP],
      ['sweep tg-attributes', 'sweep', SWEEP],
    ]);
    expect(auditLines(w, `${TG}|10.0.0.20:80`)).toStrictEqual([
      ['sweep register-target', 'sweep', SWEEP],
    ]);
  });

  test('what it deletes is audited too', async () => {
    // Prepare
    const w = targetWorld();
    await ledgerHas(w, ['10.0.0.20']);

    // Act
    await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect([auditLines(w, LB), auditLines(w, TG)]).toStrictEqual([
      [['sweep delete-lb', 'sweep', SWEEP]],
      [['sweep delete-tg', 'sweep', SWEEP]],
    ]);
  });

  test('a sweep that repairs nothing writes no audit', async () => {
    // Prepare
    const w = targetWorld();
    awsHas(w, [healthy('10.0.0.20')]);
    await ledgerHas(w, ['10.0.0.20']);

    // Act
    await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect([auditLines(w, LB), auditLines(w, TG)]).toStrictEqual([[], []]);
  });
});

describe('sweepLoadBalancers: which differences it repairs', () => {
  const lbChanges: [string, Partial<LoadBalancer>][] = [
    ['name', { name: 'web2' }],
    ['type', { type: 'application' }],
    ['DNS name', { dnsName: 'web-2.elb.amazonaws.com' }],
    ['hosted zone', { canonicalHostedZoneId: 'ZOTHER' }],
    ['scheme', { scheme: 'internal' }],
  ];
  test.each(lbChanges)('a load balancer whose %s differs is filed again', async (_, change) => {
    // Prepare
    const w = targetWorld();
    awsHas(w);
    await ledgerHas(w);
    w.elbv2.loadBalancers.set(LB, { ...LB_FACTS, ...change });

    // Act
    const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect(report.byType).toStrictEqual({ 'put-lb': 1 });
    expect(await w.targets.getLoadBalancer(LB)).toMatchObject(change);
  });

  const tgChanges: [string, Partial<TargetGroup>][] = [
    ['name', { name: 'web2' }],
    ['target type', { targetType: 'instance' }],
    ['protocol', { protocol: 'UDP' }],
    ['port', { port: 8080 }],
    ['load balancers', { loadBalancerArns: [LB, `${LB}-2`] }],
  ];
  test.each(tgChanges)('a target group whose %s differs is filed again', async (_, change) => {
    // Prepare
    const w = targetWorld();
    awsHas(w);
    await ledgerHas(w);
    w.elbv2.targetGroups.set(TG, { ...TG_FACTS, ...change });

    // Act
    const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect(report.byType).toStrictEqual({ 'put-tg': 1 });
  });

  test('a load balancer or target group of another VPC is left alone', async () => {
    // Prepare
    const w = targetWorld();
    awsHas(w);
    w.elbv2.loadBalancers.set(LB, { ...LB_FACTS, vpcId: 'vpc-other' });
    w.elbv2.targetGroups.set(TG, { ...TG_FACTS, vpcId: 'vpc-other' });

    // Act
    const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect([report.byType, report.reviewed]).toStrictEqual([{}, 0]);
    expect(w.elbv2.calls).toStrictEqual([
      'DescribeLoadBalancers *',
      'DescribeTargetGroups *',
      'DescribeTags 2',
    ]);
  });

  test('a load balancer the ledger files but ELBv2 now lists out of scope is neither repaired nor deleted', async () => {
    // Prepare
    const w = targetWorld();
    awsHas(w);
    await ledgerHas(w);
    w.elbv2.tags.set(LB, { 'elbv2.k8s.aws/cluster': 'other' });
    w.elbv2.loadBalancers.set(LB, { ...LB_FACTS, scheme: 'internal' });

    // Act
    const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect(report.byType).toStrictEqual({});
    expect(await w.targets.getLoadBalancer(LB)).toMatchObject({
      scheme: 'internet-facing',
      deleted: false,
    });
  });

  test('a changed tag value is set again and a tag ELBv2 no longer has is removed', async () => {
    // Prepare
    const w = targetWorld();
    awsHas(w);
    await ledgerHas(w);
    await w.targets.setTags('load-balancer', LB, { team: 'a' }, at(1));
    w.elbv2.tags.set(LB, { ...LBC, 'service.k8s.aws/stack': 'default/api' });

    // Act
    const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect(report.byType).toStrictEqual({ 'lb-tags': 1 });
    expect((await w.targets.getLoadBalancer(LB))?.tags).toStrictEqual({
      'elbv2.k8s.aws/cluster': CLUSTER,
      'service.k8s.aws/stack': 'default/api',
    });
  });

  test('an attribute ELBv2 does not report is kept; one it reports differently is set', async () => {
    // Prepare
    const w = targetWorld();
    awsHas(w);
    await ledgerHas(w);
    await w.targets.setAttributes(TG, { 'stickiness.enabled': 'true' }, at(2));
    w.elbv2.attributes.set(TG, { [DELAY]: '120' });

    // Act
    const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect(report.byType).toStrictEqual({ 'tg-attributes': 1 });
    expect((await w.targets.getTargetGroup(TG))?.attributes).toStrictEqual({
      [DELAY]: '120',
      'stickiness.enabled': 'true',
    });
  });

  test('attributes read without the delay record the delay as unset', async () => {
    // Prepare
    const w = targetWorld();
    awsHas(w);
    w.elbv2.attributes.set(TG, { 'stickiness.enabled': 'false' });

    // Act
    await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect((await w.targets.getTargetGroup(TG))?.attributes).toStrictEqual({
      [DELAY]: '',
      'stickiness.enabled': 'false',
    });
  });

  test('a target group ELBv2 gives no attributes for keeps what the ledger knows', async () => {
    // Prepare
    const w = targetWorld();
    awsHas(w);
    await ledgerHas(w);
    w.elbv2.attributes.delete(TG);

    // Act
    const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect(report.byType).toStrictEqual({});
    expect((await w.targets.getTargetGroup(TG))?.attributes).toStrictEqual({ [DELAY]: '60' });
  });

  test('a lambda target group has no attributes to read, and its function is its target', async () => {
    // Prepare
    const w = targetWorld();
    const fn = 'arn:aws:lambda:us-east-1:111122223333:function:fn';
    w.elbv2.targetGroups.set(TG, {
      arn: TG,
      name: 'fn',
      targetType: 'lambda',
      loadBalancerArns: [],
    });
    w.elbv2.tags.set(TG, LBC);
    w.elbv2.attributes.set(TG, { [DELAY]: '300' });
    w.elbv2.health.set(TG, [{ target: { type: 'arn', arn: fn }, state: 'healthy' }]);

    // Act
    const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect(report.byType).toStrictEqual({ 'put-tg': 1, 'tg-tags': 1, 'register-target': 1 });
    expect(w.elbv2.calls).not.toContain(`DescribeTargetGroupAttributes ${TG}`);
    expect(
      (await w.targets.targetsOf(TG)).map((t) => [t.id, t.port, t.kind, t.vpcId]),
    ).toStrictEqual([[fn, 0, 'arn', undefined]]);
    expect(report.alerts).toStrictEqual([]);
  });

  test('instance targets are filed by instance id, the group’s port when they name none', async () => {
    // Prepare
    const w = targetWorld();
    await w.holdIps(NODE, 'eni-a', ['10.0.0.20'], 1);
    awsHas(w);
    w.elbv2.targetGroups.set(TG, { ...TG_FACTS, targetType: 'instance', port: 30080 });
    w.elbv2.health.set(TG, [
      { target: { type: 'instance', instanceId: NODE }, state: 'healthy' },
      {
        target: { type: 'instance', instanceId: 'i-0000000000000000c', port: 31000 },
        state: 'initial',
      },
      { target: { type: 'ip', ip: '10.0.0.20', port: 80, az: 'all' }, state: 'healthy' },
    ]);

    // Act
    await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess: an IP target of an instance group is not a pod's: no holder is recorded
    expect(
      (await w.targets.targetsOf(TG)).map((t) => [
        t.id,
        t.port,
        t.kind,
        t.az,
        t.nodeAtRegistration,
      ]),
    ).toStrictEqual([
      ['10.0.0.20', 80, 'ip', 'all', undefined],
      [NODE, 30080, 'instance', undefined, undefined],
      ['i-0000000000000000c', 31000, 'instance', undefined, undefined],
    ]);
  });

  test('a target that is draining, healthy or not, is deregistered', async () => {
    // Prepare
    const w = targetWorld();
    awsHas(w, [
      healthy('10.0.0.20', 'draining'),
      healthy('10.0.0.21', 'unhealthy.draining'),
      healthy('10.0.0.22', 'unhealthy'),
    ]);
    await ledgerHas(w, ['10.0.0.20', '10.0.0.21', '10.0.0.22']);

    // Act
    const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect(report.byType).toStrictEqual({ 'deregister-target': 2 });
    expect((await w.targets.targetsOf(TG)).map((t) => t.id)).toStrictEqual(['10.0.0.22']);
  });

  test('a registration newer than the sweep is neither undone nor counted', async () => {
    // Prepare: ELBv2's read (at 30) lacks .21, which an event registered at 35
    const w = targetWorld();
    await w.holdIps(NODE, 'eni-a', ['10.0.0.20', '10.0.0.21'], 1);
    awsHas(w, [healthy('10.0.0.20')]);
    await ledgerHas(w, []);
    await applyAll(w, [registered(35, '10.0.0.21')]);
    w.elbv2.health.set(TG, [healthy('10.0.0.20'), healthy('10.0.0.21', 'draining')]);
    await w.targets.registerTargets(
      TG,
      [{ id: '10.0.0.20', port: 80, kind: 'ip', vpcId: VPC }],
      at(40),
    );
    await w.targets.deregisterTargets(TG, [{ id: '10.0.0.20', port: 80 }], at(41));

    // Act
    const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess: both writes lose to newer stamps
    expect(report.byType).toStrictEqual({});
    expect((await w.targets.targetsOf(TG)).map((t) => t.id)).toStrictEqual(['10.0.0.21']);
  });
});

describe('sweepLoadBalancers: its reviews', () => {
  test('a target group ELBv2 no longer has is reviewed once more, so its alerts resolve', async () => {
    // Prepare: the group drifted (300 s) and alerted; then it was deleted behind the events
    const w = targetWorld();
    awsHas(w);
    w.elbv2.attributes.set(TG, { [DELAY]: '300' });
    await sweepLoadBalancers(w.deps, time(10));
    w.elbv2.targetGroups.delete(TG);

    // Act
    const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect(report.reviewed).toBe(1);
    expect(report.alerts.map((a) => [a.kind, a.outcome])).toStrictEqual([
      ['deregistration-delay-drift', 'resolved'],
    ]);
  });

  test('an alert that stays as it was is not reported again', async () => {
    // Prepare
    const w = targetWorld();
    awsHas(w);
    w.elbv2.attributes.set(TG, { [DELAY]: '300' });
    const first = await sweepLoadBalancers(w.deps, time(10));

    // Act
    const second = await sweepLoadBalancers(w.deps, time(11));

    // Assess
    expect(first.alerts.map((a) => a.outcome)).toStrictEqual(['opened']);
    expect([second.alerts, second.remediations.map((r) => r.action)]).toStrictEqual([
      [],
      ['dry-run'],
    ]);
  });

  test('what the reviews skip is reported', async () => {
    // Prepare: ELBv2 gives no attributes, so the delay stays unknown
    const w = targetWorld();
    awsHas(w);
    w.elbv2.attributes.delete(TG);

    // Act
    const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect(report.skipped).toStrictEqual([
      { subject: TG, reason: 'deregistration delay not known yet' },
    ]);
  });

  test('a change parked for a group in sync is applied, and the review reads the group again', async () => {
    // Prepare: the ledger files the group in sync with ELBv2, its target .20 on no ENI; a
    // deregistration of .20, newer than the sweep, waits for the group
    const w = targetWorld();
    await applyAll(w, [deregistered(40, '10.0.0.20')]);
    awsHas(w, [healthy('10.0.0.20')]);
    await ledgerHas(w, ['10.0.0.20']);

    // Act
    const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess: judged as it stands after the deregistration, .20 raises no stale alert
    expect(report.parked).toStrictEqual({ applied: 1, discarded: 0 });
    expect([report.alerts, await w.alerts.listOpen()]).toStrictEqual([[], []]);
  });

  test('a review that fails fails the sweep, with the reason', async () => {
    // Prepare
    const w = targetWorld();
    awsHas(w);
    w.elbv2.attributes.set(TG, { [DELAY]: '300' });
    w.notifier.failNext = new Error('SNS is down');

    // Act
    const sweeping = sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    await expect(sweeping).rejects.toThrow('SNS is down');
  });

  test('reviews that fail in several groups fail the sweep together', async () => {
    // Prepare: two drifted groups, and alert delivery down for both
    const w = targetWorld();
    const tg2 = `${TG}-2`;
    awsHas(w);
    w.elbv2.attributes.set(TG, { [DELAY]: '300' });
    w.elbv2.targetGroups.set(tg2, { ...TG_FACTS, arn: tg2 });
    w.elbv2.tags.set(tg2, LBC);
    w.elbv2.attributes.set(tg2, { [DELAY]: '300' });
    const down = new Error('SNS is down');
    const notifier = { notify: async () => Promise.reject(down) };
    const alerting = { ...w.deps.alerting, notifier } as typeof w.deps.alerting;

    // Act
    const sweeping = sweepLoadBalancers({ ...w.deps, alerting }, SWEEP_AT);

    // Assess
    const error = await sweeping.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AggregateError);
    expect([
      (error as AggregateError).message,
      (error as AggregateError).errors.length,
    ]).toStrictEqual(['2 target groups could not be reviewed', 2]);
  });
});

describe('sweepLoadBalancers: in units of work', () => {
  test('each subject’s repairs commit in a unit, with the same result as write by write', async () => {
    // Prepare
    const plain = targetWorld();
    const united = targetWorld();
    for (const w of [plain, united]) awsHas(w, [healthy('10.0.0.20')]);
    let units = 0;
    const unitOfWork = () => {
      units++;
      return memoryUnitOfWork(united.network, united.targets);
    };

    // Act
    const expected = await sweepLoadBalancers(plain.deps, SWEEP_AT);
    const report = await sweepLoadBalancers({ ...united.deps, unitOfWork }, SWEEP_AT);

    // Assess
    expect(units).toBe(2);
    expect(report.byType).toStrictEqual(expected.byType);
    expect(await united.targets.listTargetGroups()).toStrictEqual(
      await plain.targets.listTargetGroups(),
    );
    expect((await united.targets.targetsOf(TG)).map((t) => t.id)).toStrictEqual(['10.0.0.20']);
  });

  test('a unit that loses its commit is repaired again write by write, counted once', async () => {
    // Prepare: every unit finds the ledger changed at commit
    const w = targetWorld();
    awsHas(w, [healthy('10.0.0.20')]);
    const unitOfWork = () => {
      const unit = memoryUnitOfWork(w.network, w.targets);
      return {
        ...unit,
        commit: async () => ({ status: 'lost' as const, reason: 'changed meanwhile' }),
      };
    };

    // Act
    const report = await sweepLoadBalancers({ ...w.deps, unitOfWork }, SWEEP_AT);

    // Assess
    expect(report.byType).toStrictEqual({
      'put-lb': 1,
      'lb-tags': 1,
      'put-tg': 1,
      'tg-tags': 1,
      'tg-attributes': 1,
      'register-target': 1,
    });
    expect((await w.targets.getLoadBalancer(LB))?.name).toBe('web');
    expect((await w.targets.targetsOf(TG)).map((t) => t.id)).toStrictEqual(['10.0.0.20']);
  });
});
