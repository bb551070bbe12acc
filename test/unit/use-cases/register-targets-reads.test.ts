import { expect, test } from 'vitest';
import { applyElbEvent } from '#core/targets/apply-elb-event.ts';
import {
  delaySet,
  lbCreated,
  NODE,
  NODE_B,
  registered,
  TG,
  targetWorld,
  tgCreated,
} from '#test/unit/use-cases/target-world.ts';

/**
 * RegisterTargets reads who holds each IP once: the apply records it as the registration's
 * baseline, and the stale-target review that follows in the same event judges from the same
 * answer instead of asking the ledger again (one GSI3 query per IP on DynamoDB).
 */
test('RegisterTargets asks who holds each IP once, and the review still judges from it', async () => {
  const w = targetWorld();
  await w.holdIps(NODE, 'eni-a', ['10.0.0.20'], 1);
  await w.holdIps(NODE_B, 'eni-b', ['10.0.0.21'], 1);
  for (const change of [lbCreated(0), tgCreated(1), delaySet(2, 60)]) {
    await applyElbEvent(change, w.deps, change.eventTime);
  }
  const asked: string[] = [];
  const holderOf = w.network.holderOf.bind(w.network);
  const network = Object.assign(Object.create(w.network), {
    holderOf: (vpcId: string, ip: string) => {
      asked.push(ip);
      return holderOf(vpcId, ip);
    },
  });

  const change = registered(5, '10.0.0.20', '10.0.0.21', '10.0.0.99');
  const outcome = await applyElbEvent(change, { ...w.deps, network }, change.eventTime);

  expect(outcome.status).toBe('applied');
  // 10.0.0.99 is held by nobody: looked up as an address and as its /28 prefix, once each.
  expect(asked.sort()).toEqual(['10.0.0.20', '10.0.0.21', '10.0.0.96/28', '10.0.0.99']);
  const stale = outcome.review?.alerts.filter((a) => a.kind === 'stale-target' && a.active);
  expect(stale?.map((a) => a.subject)).toEqual([`${TG}|10.0.0.99:80`]);
});
