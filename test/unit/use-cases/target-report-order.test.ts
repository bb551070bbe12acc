import { expect, test } from 'vitest';
import { targetReport } from '#core/targets/target-report.ts';
import {
  at,
  LBC,
  NODE,
  TG,
  TG_FACTS,
  targetWorld,
  VPC,
} from '#test/unit/use-cases/target-world.ts';

/**
 * `netledger report targets` beyond the plain rows: groups without a stack come first (by ARN),
 * then by stack, and a target whose IP changed hands after its registration is listed as stale.
 */
// Equivalent: `registeredAt ?? stamp` as `&&` (a registered target always has its time).
test('groups without a stack sort first, and a reassigned IP is reported stale', async () => {
  // Prepare: TG has the stack default/web; TG2 and TG3 none; TG's target got its IP's holder late
  const w = targetWorld();
  const TG2 = `${TG}-2`;
  const TG3 = `${TG}-3`;
  await w.holdIps(NODE, 'eni-a', ['10.0.0.20'], 5);
  await w.targets.putTargetGroup(TG_FACTS, at(1));
  await w.targets.setTags('target-group', TG, LBC, at(1));
  for (const arn of [TG2, TG3]) {
    await w.targets.putTargetGroup({ ...TG_FACTS, arn }, at(1));
    await w.targets.setTags('target-group', arn, { 'elbv2.k8s.aws/cluster': 'c1' }, at(1));
  }
  await w.targets.registerTargets(
    TG,
    [{ id: '10.0.0.20', port: 80, kind: 'ip', vpcId: VPC, ipReassignedAt: at(5).eventTime }],
    at(3),
  );

  // Act
  const rows = await targetReport(w.deps);

  // Assess
  expect(rows.map((r) => [r.targetGroupArn, r.stack, r.stale])).toStrictEqual([
    [TG2, null, []],
    [TG3, null, []],
    [
      TG,
      'default/web',
      [{ ip: '10.0.0.20', port: 80, reason: 'ip-reassigned-after-registration' }],
    ],
  ]);
});
