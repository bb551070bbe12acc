import { describe, expect, test } from 'vitest';
import type { TargetType } from '#core/targets/target-group.ts';
import { targetReport } from '#core/targets/target-report.ts';
import {
  at,
  CLUSTER,
  DELAY,
  LBC,
  NODE,
  NODE_B,
  TG,
  TG_FACTS,
  targetWorld,
  VPC,
} from '#test/unit/use-cases/target-world.ts';

/**
 * `netledger report targets` on the memory ledgers: one row per target group with its actual
 * and desired deregistration delay, whether they drift apart, and which IP targets are stale.
 */
type World = ReturnType<typeof targetWorld>;
const IP = '10.0.0.20';

async function targetGroup(
  w: World,
  options: {
    arn?: string;
    targetType?: TargetType;
    tags?: Record<string, string>;
    attributes?: Record<string, string>;
  } = {},
) {
  const arn = options.arn ?? TG;
  await w.targets.putTargetGroup(
    { ...TG_FACTS, arn, targetType: options.targetType ?? 'ip' },
    at(1),
  );
  await w.targets.setTags('target-group', arn, options.tags ?? LBC, at(1));
  if (options.attributes) await w.targets.setAttributes(arn, options.attributes, at(2));
  return arn;
}

async function registerOnNodeA(w: World, arn = TG, kind: 'ip' | 'instance' = 'ip') {
  await w.holdIps(NODE, 'eni-a', [IP], 1);
  await w.targets.registerTargets(
    arn,
    [
      {
        id: kind === 'ip' ? IP : NODE,
        port: 80,
        kind,
        vpcId: VPC,
        nodeAtRegistration: NODE,
        eniAtRegistration: 'eni-a',
      },
    ],
    at(3),
  );
}

describe('targetReport', () => {
  test('a target group whose delay is the one wanted: its facts, no drift, no stale target', async () => {
    const w = targetWorld({ defaultDelay: 60 });
    await targetGroup(w, { attributes: { [DELAY]: '60' } });
    await registerOnNodeA(w);

    expect(await targetReport(w.deps)).toStrictEqual([
      {
        targetGroupArn: TG,
        name: 'web',
        cluster: CLUSTER,
        stack: 'default/web',
        targetType: 'ip',
        deregistrationDelay: { actual: 60, desired: 60, desiredSource: 'default' },
        drift: false,
        targets: 1,
        stale: [],
      },
    ]);
  });

  test.each<{
    title: string;
    attributes?: Record<string, string>;
    targetType?: TargetType;
    actual: number | null;
    drift: boolean | null;
  }>([
    {
      title: 'a delay other than the one wanted drifts',
      attributes: { [DELAY]: '300' },
      actual: 300,
      drift: true,
    },
    { title: 'a delay the ledger has not seen is unknown, not drift', actual: null, drift: null },
    {
      title: 'a delay that is not a number is unknown, not drift',
      attributes: { [DELAY]: 'soon' },
      actual: null,
      drift: null,
    },
    {
      title: 'a Lambda target group has no delay to drift',
      attributes: { [DELAY]: '300' },
      targetType: 'lambda',
      actual: 300,
      drift: null,
    },
  ])('$title', async ({ attributes, targetType, actual, drift }) => {
    const w = targetWorld({ defaultDelay: 60 });
    await targetGroup(w, {
      ...(attributes ? { attributes } : {}),
      ...(targetType ? { targetType } : {}),
    });

    const [row] = await targetReport(w.deps);

    expect(row?.deregistrationDelay.actual).toBe(actual);
    expect(row?.drift).toBe(drift);
  });

  test('the desired delay names where it came from', async () => {
    const w = targetWorld({ defaultDelay: 60 });
    const { settings } = w.deps;
    const perStack = { 'default/web': 20 };
    await targetGroup(w, { attributes: { [DELAY]: '20' } });

    const [row] = await targetReport({
      ...w.deps,
      settings: { ...settings, delayPolicy: { ...settings.delayPolicy, perStack } },
    });

    expect(row?.deregistrationDelay).toStrictEqual({
      actual: 20,
      desired: 20,
      desiredSource: 'stack',
    });
    expect(row?.drift).toBe(false);
  });

  test('a per-cluster delay is desired from the cluster the group is tagged with', async () => {
    const w = targetWorld({ defaultDelay: 60 });
    const { settings } = w.deps;
    await targetGroup(w, { attributes: { [DELAY]: '30' } });

    const [row] = await targetReport({
      ...w.deps,
      settings: {
        ...settings,
        delayPolicy: { ...settings.delayPolicy, perCluster: { [CLUSTER]: 30 } },
      },
    });

    expect(row?.deregistrationDelay).toStrictEqual({
      actual: 30,
      desired: 30,
      desiredSource: 'cluster',
    });
  });

  test.each<{
    title: string;
    known: { vpcId?: string; nodeAtRegistration?: string; eniAtRegistration?: string };
  }>([
    { title: 'registered knowing only its node', known: { vpcId: VPC, nodeAtRegistration: NODE } },
    { title: 'registered knowing only its ENI', known: { vpcId: VPC, eniAtRegistration: 'eni-a' } },
    {
      title: 'registered without its VPC (the group names it)',
      known: { nodeAtRegistration: NODE, eniAtRegistration: 'eni-a' },
    },
  ])('an IP target $title is stale once its address is on another node', async ({ known }) => {
    const w = targetWorld();
    await targetGroup(w, { attributes: { [DELAY]: '60' } });
    await w.holdIps(NODE, 'eni-a', [IP], 1);
    await w.targets.registerTargets(TG, [{ id: IP, port: 80, kind: 'ip', ...known }], at(3));
    await w.holdIps(NODE_B, 'eni-b', [IP], 5);

    const [row] = await targetReport(w.deps);

    expect(row?.stale).toStrictEqual([{ ip: IP, port: 80, reason: 'ip-moved-to-another-node' }]);
  });

  test('an IP target whose address moved to another node is stale; counted with the others', async () => {
    const w = targetWorld();
    await targetGroup(w, { attributes: { [DELAY]: '60' } });
    await registerOnNodeA(w);
    await w.holdIps(NODE_B, 'eni-b', [IP], 5);

    const [row] = await targetReport(w.deps);

    expect(row?.stale).toStrictEqual([{ ip: IP, port: 80, reason: 'ip-moved-to-another-node' }]);
    expect(row?.targets).toBe(1);
  });

  test.each<{ title: string; targetType: TargetType; kind: 'ip' | 'instance' }>([
    { title: 'an IP target of a group that is not of type ip', targetType: 'instance', kind: 'ip' },
    { title: 'an instance target', targetType: 'ip', kind: 'instance' },
  ])('$title is never judged stale', async ({ targetType, kind }) => {
    const w = targetWorld();
    await targetGroup(w, { targetType });
    await registerOnNodeA(w, TG, kind);
    await w.holdIps(NODE_B, 'eni-b', [IP], 5);

    const [row] = await targetReport(w.deps);

    expect(row?.targets).toBe(1);
    expect(row?.stale).toStrictEqual([]);
  });

  test('rows go by stack, then by ARN; a group with no stack first', async () => {
    const w = targetWorld();
    const arn = (n: number) => `${TG.slice(0, -1)}${n}`;
    await targetGroup(w, { arn: arn(3), tags: { ...LBC, 'service.k8s.aws/stack': 'b/api' } });
    await targetGroup(w, { arn: arn(2), tags: { ...LBC, 'service.k8s.aws/stack': 'a/web' } });
    await targetGroup(w, { arn: arn(1), tags: { ...LBC, 'service.k8s.aws/stack': 'a/web' } });
    await targetGroup(w, { arn: arn(4), tags: {} });

    const rows = await targetReport(w.deps);

    expect(rows.map((r) => [r.stack, r.targetGroupArn])).toStrictEqual([
      [null, arn(4)],
      ['a/web', arn(1)],
      ['a/web', arn(2)],
      ['b/api', arn(3)],
    ]);
  });
});
