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
 * RegisterTargets asks who holds its IPs once, for all of them together: the apply records the
 * answer as each registration's baseline, and the stale-target review that follows in the same
 * event judges from it instead of asking the ledger again.
 */
test('RegisterTargets asks who holds each IP once, and the review still judges from it', async () => {
  const w = targetWorld();
  await w.holdIps(NODE, 'eni-a', ['10.0.0.20'], 1);
  await w.holdIps(NODE_B, 'eni-b', ['10.0.0.21'], 1);
  for (const change of [lbCreated(0), tgCreated(1), delaySet(2, 60)]) {
    await applyElbEvent(change, w.deps, change.eventTime);
  }
  const asked: string[][] = [];
  const holdersOf = w.network.holdersOf.bind(w.network);
  const network = Object.assign(Object.create(w.network), {
    holdersOf: (vpcId: string, ips: readonly string[], orElseAt?: (ip: string) => string) => {
      asked.push(ips.map((ip) => `${ip} or ${orElseAt?.(ip)}`));
      return holdersOf(vpcId, ips, orElseAt);
    },
  });

  const change = registered(5, '10.0.0.20', '10.0.0.21', '10.0.0.99');
  const outcome = await applyElbEvent(change, { ...w.deps, network }, change.eventTime);

  expect(outcome.status).toBe('applied');
  // One ask for the three IPs, each with its /28 prefix as the second place to look.
  expect(asked).toEqual([
    ['10.0.0.20 or 10.0.0.16/28', '10.0.0.21 or 10.0.0.16/28', '10.0.0.99 or 10.0.0.96/28'],
  ]);
  const stale = outcome.review?.alerts.filter((a) => a.kind === 'stale-target' && a.active);
  expect(stale?.map((a) => a.subject)).toEqual([`${TG}|10.0.0.99:80`]);
});
