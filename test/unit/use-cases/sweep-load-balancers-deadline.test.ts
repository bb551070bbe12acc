import { describe, expect, test } from 'vitest';
import { sweepLoadBalancers } from '#core/targets/sweep-load-balancers.ts';
import {
  twoTargetGroupsInAws as account,
  TG,
  TG_B,
  time,
} from '#test/unit/use-cases/target-world.ts';

/**
 * A load balancer sweep told it is out of time starts no more target groups: what it left still
 * differs, so the next sweep repairs it. A sweep too big for one invocation converges over several.
 */
const filed = async (w: ReturnType<typeof account>) =>
  (await w.targets.listTargetGroups()).map((g) => g.arn).sort();

describe('sweepLoadBalancers out of time', () => {
  test('stops after the first target group; the next sweep files the rest, then nothing is left', async () => {
    // Prepare: time runs out once one target group has started
    const w = account();
    let asked = 0;
    const outOfTime = () => asked++ >= 1;

    // Act
    const first = await sweepLoadBalancers({ ...w.deps, outOfTime }, time(30));
    const afterFirst = await filed(w);
    const second = await sweepLoadBalancers(w.deps, time(40));
    const third = await sweepLoadBalancers(w.deps, time(50));

    // Assess: one group filed and none reviewed (the reviews come after the deadline too)
    expect(afterFirst).toHaveLength(1);
    expect([first.deferred, first.reviewed]).toStrictEqual([1 + 1, 0]);
    expect(await filed(w)).toStrictEqual([TG, TG_B].sort());
    expect([second.deferred, second.reviewed]).toStrictEqual([undefined, 2]);
    expect(second.byType['put-tg']).toBe(1);
    expect([third.repaired, third.deferred]).toStrictEqual([0, undefined]);
  });

  test('with time enough nothing is deferred and every group is reviewed', async () => {
    const w = account();
    const report = await sweepLoadBalancers({ ...w.deps, outOfTime: () => false }, time(30));
    expect([report.deferred, report.reviewed]).toStrictEqual([undefined, 2]);
    expect(report.byType['put-tg']).toBe(2);
  });
});
