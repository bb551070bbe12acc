import { describe, expect, test } from 'vitest';
import { sweepLoadBalancers } from '#core/targets/sweep-load-balancers.ts';
import type { TargetLedger } from '#core/targets/target-ports.ts';
import {
  awsHas,
  DELAY,
  healthy,
  ledgerHas,
  NODE,
  TG,
  targetWorld,
  time,
} from '#test/unit/use-cases/target-world.ts';

/**
 * The load-balancer sweep reads each target group and its targets once when it repairs
 * nothing: the review starts from what the repair read. Where the repair wrote, the review
 * reads again and sees what was written.
 */
type World = ReturnType<typeof targetWorld>;

/** The target ledger with a count of the group and target reads (the listing reads every group). */
function counting(targets: TargetLedger) {
  const reads = { listTargetGroups: 0, getTargetGroup: 0, targetsOf: 0 };
  const ledger = new Proxy(targets, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      if (typeof name !== 'string' || !(name in reads)) return value.bind(target);
      return (...args: unknown[]) => {
        reads[name as keyof typeof reads]++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { ledger, reads };
}

async function inSync(w: World, ips: string[]) {
  awsHas(
    w,
    ips.map((ip) => healthy(ip)),
  );
  await ledgerHas(w, ips);
}

describe('sweepLoadBalancers reads', () => {
  test('a group in sync is read once, and its review still finds the stale target', async () => {
    // Prepare: .20 is held by a node's ENI, .99 by nobody
    const w = targetWorld();
    await inSync(w, ['10.0.0.20', '10.0.0.99']);
    await w.holdIps(NODE, 'eni-a', ['10.0.0.20'], 1);
    const { ledger, reads } = counting(w.targets);

    // Act
    const report = await sweepLoadBalancers({ ...w.deps, targets: ledger }, time(30));

    // Assess
    expect(report.repaired).toBe(0);
    expect(reads).toEqual({ listTargetGroups: 1, getTargetGroup: 0, targetsOf: 1 });
    expect(report.alerts.map((a) => [a.kind, a.subject, a.outcome])).toEqual([
      ['stale-target', `${TG}|10.0.0.99:80`, 'opened'],
    ]);
  });

  test('a group the sweep repaired is reviewed as written: the target it registered alerts', async () => {
    // Prepare: ELBv2 has .99 registered, which the events missed
    const w = targetWorld();
    await inSync(w, ['10.0.0.20']);
    w.elbv2.health.set(TG, [healthy('10.0.0.20'), healthy('10.0.0.99')]);
    await w.holdIps(NODE, 'eni-a', ['10.0.0.20'], 1);
    const { ledger, reads } = counting(w.targets);

    // Act
    const report = await sweepLoadBalancers({ ...w.deps, targets: ledger }, time(30));

    // Assess
    expect(report.byType).toEqual({ 'register-target': 1 });
    expect(reads.targetsOf).toBe(2);
    expect(report.alerts.map((a) => [a.kind, a.subject])).toEqual([
      ['stale-target', `${TG}|10.0.0.99:80`],
    ]);
  });

  test('a group whose delay the sweep repaired is reviewed with the delay written', async () => {
    // Prepare: the ledger says 60 s, ELBv2 says 300 s (drift from the 60 s default)
    const w = targetWorld();
    await inSync(w, []);
    w.elbv2.attributes.set(TG, { [DELAY]: '300' });
    const { ledger, reads } = counting(w.targets);

    // Act
    const report = await sweepLoadBalancers({ ...w.deps, targets: ledger }, time(30));

    // Assess
    expect(report.byType).toEqual({ 'tg-attributes': 1 });
    expect(reads.getTargetGroup).toBe(2);
    expect(report.alerts.map((a) => [a.kind, a.outcome])).toEqual([
      ['deregistration-delay-drift', 'opened'],
    ]);
  });

  test('the alerts a group review may settle are read in one request, not one per target', async () => {
    // Prepare: three targets, .99 stale with its alert already open
    const w = targetWorld();
    await inSync(w, ['10.0.0.20', '10.0.0.21', '10.0.0.99']);
    await w.holdIps(NODE, 'eni-a', ['10.0.0.20', '10.0.0.21'], 1);
    await sweepLoadBalancers(w.deps, time(30));
    const calls = { get: 0, getMany: 0 };
    const store = w.alerts;
    const alerts = {
      get: (...a: Parameters<typeof store.get>) => {
        calls.get++;
        return store.get(...a);
      },
      getMany: (...a: Parameters<typeof store.getMany>) => {
        calls.getMany++;
        return store.getMany(...a);
      },
      put: (...a: Parameters<typeof store.put>) => store.put(...a),
      listOpen: () => store.listOpen(),
      listPending: () => store.listPending(),
    };
    const alerting = w.deps.alerting && { ...w.deps.alerting, alerts };

    // Act
    const report = await sweepLoadBalancers({ ...w.deps, alerting }, time(40));

    // Assess
    expect(calls).toEqual({ get: 0, getMany: 1 });
    expect((await store.get('stale-target', `${TG}|10.0.0.99:80`))?.status).toBe('open');
    expect(report.alerts).toEqual([]);
  });
});
