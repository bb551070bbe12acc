import type { Context } from 'aws-lambda';
import { describe, expect, test, vi } from 'vitest';
import { SWEEP_RESERVE_MS, sweepHandler } from '#app/sweep-handler.ts';
import { logger } from '#shared/powertools.ts';
import {
  instance,
  NODE,
  networkWorld,
  primaryEni,
  SUBNET_FACTS,
} from '#test/unit/use-cases/network-world.ts';

/**
 * The scheduled sweep reads Lambda's remaining time: once less than its reserve is left it files
 * nothing more. The invocation starts with `atStart` left and, once the sweep reads EC2, has
 * `afterEc2Read` left.
 */
function run(atStart: number, afterEc2Read = atStart) {
  const w = networkWorld();
  w.ec2.instances.set(NODE, instance(NODE));
  w.ec2.enis.set('eni-pa', primaryEni('eni-pa', NODE));
  w.ec2.subnets.set(SUBNET_FACTS.subnetId, SUBNET_FACTS);
  let left = atStart;
  const listInstances = w.ec2.listInstances.bind(w.ec2);
  w.ec2.listInstances = (vpcIds) => {
    left = afterEc2Read;
    return listInstances(vpcIds);
  };
  const context = {
    functionName: 'sweep',
    awsRequestId: 'test',
    getRemainingTimeInMillis: () => left,
  } as unknown as Context;
  const sweep = sweepHandler({ network: w.deps }, () => new Date('2026-11-21T12:00:00Z'));
  return { w, result: sweep({}, context) };
}

describe('the sweep handler and Lambda’s remaining time', () => {
  test('with less than the reserve left, repairs are left for the next run, with a warning', async () => {
    const warn = vi.spyOn(logger, 'warn');
    try {
      const { w, result } = run(900_000, SWEEP_RESERVE_MS - 1);
      const report = await result;
      expect([report.network?.repairs, report.network?.deferred]).toEqual([0, 4]);
      expect(await w.ledger.listNodes()).toEqual([]);
      expect(warn.mock.calls.map(([m]) => String(m))).toContain(
        'sweep ran out of time: 4 network repairs left for the next run',
      );
    } finally {
      warn.mockRestore();
    }
  });

  test('with more left, everything is repaired in this run', async () => {
    const { w, result } = run(900_000, SWEEP_RESERVE_MS + 1);
    const report = await result;
    expect(report.network?.deferred).toBeUndefined();
    expect((await w.ledger.listNodes()).map((n) => n.instanceId)).toEqual([NODE]);
  });

  test('a context whose time never falls (local mode, the simulation) is never out of time', async () => {
    const { w, result } = run(30_000);
    const report = await result;
    expect(report.network?.deferred).toBeUndefined();
    expect((await w.ledger.listNodes()).map((n) => n.instanceId)).toEqual([NODE]);
  });
});
