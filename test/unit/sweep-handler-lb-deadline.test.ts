import type { Context } from 'aws-lambda';
import { describe, expect, test, vi } from 'vitest';
import { LOAD_BALANCER_RESERVE_MS, sweepHandler } from '#app/sweep-handler.ts';
import { logger } from '#shared/powertools.ts';
import { networkWorld } from '#test/unit/use-cases/network-world.ts';
import { twoTargetGroupsInAws } from '#test/unit/use-cases/target-world.ts';

/**
 * The load balancer part of the sweep reads Lambda's remaining time too: once less than its
 * reserve is left, it starts no more target groups. The invocation has 900 s at its start and,
 * once the sweep lists the target groups, `afterListing` left.
 */
function run(afterListing: number) {
  const network = networkWorld();
  const lbs = twoTargetGroupsInAws();
  let left = 900_000;
  const list = lbs.elbv2.describeTargetGroups.bind(lbs.elbv2);
  lbs.elbv2.describeTargetGroups = (...args) => {
    left = afterListing;
    return list(...args);
  };
  const context = {
    functionName: 'sweep',
    awsRequestId: 'test',
    getRemainingTimeInMillis: () => left,
  } as unknown as Context;
  const now = new Date('2026-11-21T12:00:00Z');
  const sweep = sweepHandler(
    { network: network.deps, elb: { ...lbs.deps, clock: () => now.toISOString() } },
    () => now,
  );
  return { lbs, result: sweep({}, context) };
}

describe('the sweep handler’s load balancer part and Lambda’s remaining time', () => {
  test('with less than its reserve left, target groups are left for the next run, with a warning', async () => {
    const warn = vi.spyOn(logger, 'warn');
    try {
      const { lbs, result } = run(LOAD_BALANCER_RESERVE_MS - 1);
      const report = await result;
      expect(report.loadBalancers?.deferred).toBe(2);
      expect(await lbs.targets.listTargetGroups()).toStrictEqual([]);
      expect(warn.mock.calls.map(([m]) => String(m))).toContain(
        'sweep ran out of time: 2 target groups left for the next run',
      );
    } finally {
      warn.mockRestore();
    }
  });

  test('with more left, every target group is filed in this run', async () => {
    const { lbs, result } = run(LOAD_BALANCER_RESERVE_MS + 1);
    const report = await result;
    expect(report.loadBalancers?.deferred).toBeUndefined();
    expect(await lbs.targets.listTargetGroups()).toHaveLength(2);
  });
});
