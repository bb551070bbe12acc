import { describe, expect, test } from 'vitest';
import { sweepNetwork } from '#core/network/sweep-network.ts';
import {
  at,
  instance,
  NODE,
  NODE_B,
  networkWorld,
  primaryEni,
  SUBNET_FACTS,
} from '#test/unit/use-cases/network-world.ts';

/**
 * A sweep told it is out of time starts no more nodes: what it left still differs, so the next
 * sweep plans it again and files it. A sweep too big for one invocation converges over several.
 */
function account() {
  const w = networkWorld();
  w.ec2.instances.set(NODE, instance(NODE));
  w.ec2.instances.set(NODE_B, instance(NODE_B));
  w.ec2.enis.set('eni-pa', primaryEni('eni-pa', NODE));
  w.ec2.enis.set('eni-pb', primaryEni('eni-pb', NODE_B, '10.0.0.20'));
  w.ec2.subnets.set(SUBNET_FACTS.subnetId, SUBNET_FACTS);
  return w;
}

describe('sweepNetwork out of time', () => {
  test('stops after the first node; the next sweep files the rest and then nothing is left', async () => {
    // Prepare: time runs out once one group of repairs has started
    const w = account();
    let started = 0;
    const outOfTime = () => started++ >= 1;

    // Act
    const first = await sweepNetwork({ ...w.deps, concurrency: 1, outOfTime }, at(30).eventTime);
    const afterFirst = (await w.ledger.listNodes()).map((n) => n.instanceId);
    const second = await sweepNetwork({ ...w.deps, concurrency: 1 }, at(40).eventTime);
    const third = await sweepNetwork({ ...w.deps, concurrency: 1 }, at(50).eventTime);

    // Assess
    expect(first.deferred).toBeGreaterThan(0);
    expect(afterFirst).toEqual([NODE]);
    expect(second.repairs).toBeGreaterThanOrEqual(first.deferred ?? 0);
    expect((await w.ledger.listNodes()).map((n) => n.instanceId).sort()).toEqual(
      [NODE, NODE_B].sort(),
    );
    expect(second.deferred).toBeUndefined();
    expect([third.repairs, third.deferred]).toEqual([0, undefined]);
  });

  test('with time enough nothing is deferred', async () => {
    const w = account();
    const report = await sweepNetwork({ ...w.deps, outOfTime: () => false }, at(30).eventTime);
    expect(report.deferred).toBeUndefined();
    expect(report.repairs).toBeGreaterThan(0);
  });
});
