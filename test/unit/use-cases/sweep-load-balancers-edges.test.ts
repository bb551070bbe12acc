import { describe, expect, test } from 'vitest';
import { memoryUnitOfWork } from '#adapters/memory/memory-unit-of-work.ts';
import { sweepLoadBalancers } from '#core/targets/sweep-load-balancers.ts';
import type { TargetLedger } from '#core/targets/target-ports.ts';
import {
  applyAll,
  awsHas,
  healthy,
  LB,
  ledgerHas,
  TG,
  TG_FACTS,
  tagsAdded,
  targetWorld,
  time,
  VPC,
} from '#test/unit/use-cases/target-world.ts';

/**
 * The load-balancer sweep where ELBv2 and the ledger disagree in less common ways: a group gone
 * between two reads, a port only the group names, changes newer than the sweep, a unit that
 * commits, and the lines it leaves for what it did.
 */
type World = ReturnType<typeof targetWorld>;
const SWEEP_AT = time(30);

// Equivalent mutants of sweep-load-balancers.ts, noted here: the pMap concurrency options
// removed (pMap keeps list order whatever its concurrency); the 'no cluster' wording emptied
// (any text, even empty, is a scope problem); `w === 'applied'` forced true for the deletes (a
// listed load balancer or group is never a tombstone yet); `listed ?? get` as `&&`, the
// `'target-group'` resource emptied, and the second lambda check (the memory ledger answers
// the same, and a lambda group's attributes were never read); `!record` (a group just written
// reads back); `h.target.type === 'ip'` forced true (an instance id has no holder); empty
// register/deregister calls (`length > 0` forced true: they write nothing); the deadline's
// `deferred: true` flag and `group.read` forced true (`'deferred' in` and `?? {}` read the
// same); `audit.length > 0` forced true (an audit of no entries writes nothing); the missing
// group list's `?? []` made non-empty (a placeholder names no VPC or cluster: out of scope).

describe('sweepLoadBalancers: less common disagreements', () => {
  test('a group gone between the listing and its health read has no targets repaired', async () => {
    // Prepare
    const w = targetWorld();
    awsHas(w, [healthy('10.0.0.20')]);
    const elbv2 = Object.assign(Object.create(w.elbv2), {
      describeTargetHealth: async () => undefined,
    });

    // Act
    const report = await sweepLoadBalancers({ ...w.deps, elbv2 }, SWEEP_AT);

    // Assess
    expect(report.byType).toStrictEqual({
      'put-lb': 1,
      'lb-tags': 1,
      'put-tg': 1,
      'tg-tags': 1,
      'tg-attributes': 1,
    });
    expect(await w.targets.targetsOf(TG)).toStrictEqual([]);
  });

  test('ELBv2 listing no target groups at all still sweeps the load balancers', async () => {
    // Prepare
    const w = targetWorld();
    awsHas(w);
    const elbv2 = Object.assign(Object.create(w.elbv2), {
      describeTargetGroups: async () => undefined,
    });

    // Act
    const report = await sweepLoadBalancers({ ...w.deps, elbv2 }, SWEEP_AT);

    // Assess
    expect(report.byType).toStrictEqual({ 'put-lb': 1, 'lb-tags': 1 });
  });

  test('a group whose port changed files its port-less targets under the new port', async () => {
    // Prepare: the ledger has .20 on port 80; ELBv2's group is now on 8080 and its target names no port
    const w = targetWorld();
    awsHas(w);
    await ledgerHas(w, ['10.0.0.20']);
    w.elbv2.targetGroups.set(TG, { ...TG_FACTS, port: 8080 });
    w.elbv2.health.set(TG, [{ target: { type: 'ip', ip: '10.0.0.20' }, state: 'healthy' }]);

    // Act
    const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect(report.byType).toStrictEqual({
      'put-tg': 1,
      'register-target': 1,
      'deregister-target': 1,
    });
    expect((await w.targets.targetsOf(TG)).map((t) => [t.id, t.port])).toStrictEqual([
      ['10.0.0.20', 8080],
    ]);
  });

  test('a registration the sweep files is found by its IP in its VPC', async () => {
    // Prepare
    const w = targetWorld();
    awsHas(w, [healthy('10.0.0.20')]);

    // Act
    await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect((await w.targets.targetsByIp(VPC, '10.0.0.20')).map((t) => t.tgArn)).toStrictEqual([TG]);
  });

  test('a target it deregisters is judged as deregistered, not as read before', async () => {
    // Prepare: .21 (on no ENI) is in the ledger but no longer in ELBv2
    const w = targetWorld();
    awsHas(w, [healthy('10.0.0.20')]);
    await ledgerHas(w, ['10.0.0.20', '10.0.0.21']);
    await w.holdIps('i-0000000000000000a', 'eni-a', ['10.0.0.20'], 0);

    // Act
    const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect([report.byType, report.skipped, report.alerts]).toStrictEqual([
      { 'deregister-target': 1 },
      [],
      [],
    ]);
    expect(w.events.auditOf(`${TG}|10.0.0.21:80`).map((a) => a.action)).toStrictEqual([
      'sweep deregister-target',
    ]);
  });

  test.each([
    ['load balancer', LB],
    ['target group', TG],
  ])('a %s tag changed after the sweep began is neither undone nor counted', async (_, arn) => {
    // Prepare: ELBv2's read (at 30) predates the team tag an event set at 35
    const w = targetWorld();
    awsHas(w);
    await ledgerHas(w);
    await applyAll(w, [tagsAdded(35, [arn], { team: 'a' })]);

    // Act
    const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect(report.byType).toStrictEqual({});
  });

  test('changes parked for a load balancer ELBv2 lists out of scope are dropped as such', async () => {
    // Prepare
    const w = targetWorld();
    await applyAll(w, [tagsAdded(5, [LB], { team: 'a' })]);
    awsHas(w);
    w.elbv2.tags.set(LB, { 'elbv2.k8s.aws/cluster': 'other' });

    // Act
    await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect(w.events.auditOf(`load-balancer:${LB}`).map((a) => a.detail)).toStrictEqual([
      `ev-5 at ${time(5)}: ELBv2 lists it out of scope`,
    ]);
  });
});

describe('sweepLoadBalancers: a unit that commits', () => {
  test('is not repaired again write by write', async () => {
    // Prepare
    const w = targetWorld();
    awsHas(w, [healthy('10.0.0.20')]);
    const direct: string[] = [];
    const writes = new Set(['putLoadBalancer', 'putTargetGroup', 'setTags', 'registerTargets']);
    const targets = new Proxy(w.targets, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (typeof name === 'string' && writes.has(name)) direct.push(name);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as TargetLedger;
    const unitOfWork = () => memoryUnitOfWork(w.network, w.targets);

    // Act
    const report = await sweepLoadBalancers({ ...w.deps, targets, unitOfWork }, SWEEP_AT);

    // Assess
    expect(direct).toStrictEqual([]);
    expect(report.byType).toMatchObject({ 'put-lb': 1, 'put-tg': 1, 'register-target': 1 });
    expect((await w.targets.targetsOf(TG)).map((t) => t.id)).toStrictEqual(['10.0.0.20']);
  });
});

describe('sweepLoadBalancers: out of time', () => {
  test('a group it did not start repairing counts no repair', async () => {
    // Prepare: ELBv2 has the group; the invocation is out of time before it starts
    const w: World = targetWorld();
    awsHas(w, [healthy('10.0.0.20')]);

    // Act
    const report = await sweepLoadBalancers({ ...w.deps, outOfTime: () => true }, SWEEP_AT);

    // Assess
    expect([report.byType, report.deferred, report.reviewed]).toStrictEqual([
      { 'put-lb': 1, 'lb-tags': 1 },
      1,
      0,
    ]);
  });
});
