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

/** The scheduled sweep reads Lambda's remaining time: with too little left it files nothing more. */
function run(remainingMs: number) {
  const w = networkWorld();
  w.ec2.instances.set(NODE, instance(NODE));
  w.ec2.enis.set('eni-pa', primaryEni('eni-pa', NODE));
  w.ec2.subnets.set(SUBNET_FACTS.subnetId, SUBNET_FACTS);
  const context = {
    functionName: 'sweep',
    awsRequestId: 'test',
    getRemainingTimeInMillis: () => remainingMs,
  } as unknown as Context;
  const sweep = sweepHandler({ network: w.deps }, () => new Date('2026-11-21T12:00:00Z'));
  return { w, result: sweep({}, context) };
}

describe('the sweep handler and Lambda’s remaining time', () => {
  test('with less than the reserve left, repairs are left for the next run, with a warning', async () => {
    const warn = vi.spyOn(logger, 'warn');
    try {
      const { w, result } = run(SWEEP_RESERVE_MS - 1);
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
    const { w, result } = run(SWEEP_RESERVE_MS + 1);
    const report = await result;
    expect(report.network?.deferred).toBeUndefined();
    expect((await w.ledger.listNodes()).map((n) => n.instanceId)).toEqual([NODE]);
  });
});
