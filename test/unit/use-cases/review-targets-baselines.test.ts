import { describe, expect, test } from 'vitest';
import { reviewTargetGroup } from '#core/targets/review-targets.ts';
import type { TargetRegistrationInput } from '#core/targets/target-ports.ts';
import {
  at,
  DELAY,
  LBC,
  NODE,
  NODE_B,
  TG,
  TG_FACTS,
  targetWorld,
  time,
  VPC,
} from '#test/unit/use-cases/target-world.ts';

/**
 * The registration baseline each part of which decides staleness on its own (the node, the ENI,
 * a reassignment), which targets the review asks the IP ledger about, and what the drift and
 * remediation notifications tell the operator.
 */
type World = ReturnType<typeof targetWorld>;
const IP = '10.0.0.20';

// Equivalent mutants of review-targets.ts, noted here: `tg.targetType !== 'ip'` forced false
// (decideStaleTarget refuses non-IP groups too); `registeredAt ?? stamp` as `&&` (a judged
// target is registered, so it has a registration time); ELBv2's confirmation reading a missing
// health list, an instance target's `ip`, or a port-less key (the read's catch, and keys that
// cannot match, give the same "not confirmed" answer); the hooks' `?? []` made non-empty (a
// string in a target list is no IP target and is skipped).

/** An IP group of the cluster, its delay in sync, and one target registered with this baseline. */
async function registeredWith(w: World, baseline: Partial<TargetRegistrationInput>) {
  await w.targets.putTargetGroup(TG_FACTS, at(1));
  await w.targets.setTags('target-group', TG, LBC, at(1));
  await w.targets.setAttributes(TG, { [DELAY]: '60' }, at(2));
  await w.targets.registerTargets(
    TG,
    [{ id: IP, port: 80, kind: 'ip', vpcId: VPC, ...baseline }],
    at(3),
  );
}

describe('reviewTargetGroup: each part of the baseline decides', () => {
  test.each<{
    title: string;
    baseline: Partial<TargetRegistrationInput>;
    now: (w: World) => Promise<void>;
    sent: string[][];
  }>([
    {
      title: 'the IP on another ENI of the same node is still the registered pod’s node',
      baseline: { nodeAtRegistration: NODE, eniAtRegistration: 'eni-a' },
      now: (w) => w.holdIps(NODE, 'eni-a2', [IP], 5),
      sent: [],
    },
    {
      title: 'registered on an ENI of no node, the IP now on another ENI is stale',
      baseline: { eniAtRegistration: 'eni-a' },
      now: (w) => w.holdIps(NODE_B, 'eni-b', [IP], 5),
      sent: [['stale-target', 'critical']],
    },
    {
      title: 'an IP its holder got after the registration is stale',
      baseline: { ipReassignedAt: time(4) },
      now: (w) => w.holdIps(NODE, 'eni-a', [IP], 4),
      sent: [['stale-target', 'critical']],
    },
  ])('$title', async ({ baseline, now, sent }) => {
    // Prepare
    const w = targetWorld();
    await registeredWith(w, baseline);
    await now(w);

    // Act
    await reviewTargetGroup(TG, w.deps, time(10));

    // Assess
    expect(w.notifier.sent.map((n) => [n.kind, n.severity])).toStrictEqual(sent);
  });
});

describe('reviewTargetGroup: whom it asks the IP ledger about', () => {
  const counting = (w: World) => {
    const asked: string[] = [];
    const network = {
      holdersOf: (vpcId: string, ips: readonly string[], orElseAt?: (ip: string) => string) => {
        asked.push(...ips);
        return w.network.holdersOf(vpcId, ips, orElseAt);
      },
    };
    return { asked, deps: { ...w.deps, network } };
  };

  test('a deregistered target is not looked up', async () => {
    // Prepare
    const w = targetWorld();
    await registeredWith(w, {});
    await w.targets.deregisterTargets(TG, [{ id: IP, port: 80 }], at(4));
    const { asked, deps } = counting(w);

    // Act
    await reviewTargetGroup(TG, deps, time(10), {
      targets: await w.targets.targetsOf(TG, { includeDeregistered: true }),
    });

    // Assess
    expect(asked).toStrictEqual([]);
  });

  test('the targets of a deleted group are not looked up', async () => {
    // Prepare
    const w = targetWorld();
    await registeredWith(w, {});
    const before = await w.targets.targetsOf(TG);
    await w.targets.deleteTargetGroup(TG, at(4));
    const { asked, deps } = counting(w);

    // Act
    await reviewTargetGroup(TG, deps, time(10), { targets: before });

    // Assess
    expect(asked).toStrictEqual([]);
  });

  test('a target with no VPC, in a group with none, is not looked up', async () => {
    // Prepare
    const w = targetWorld();
    const { vpcId: _vpc, ...withoutVpc } = TG_FACTS;
    await w.targets.putTargetGroup(withoutVpc, at(1));
    await w.targets.setTags('target-group', TG, LBC, at(1));
    await w.targets.registerTargets(TG, [{ id: IP, port: 80, kind: 'ip' }], at(3));
    const { asked, deps } = counting(w);

    // Act
    await reviewTargetGroup(TG, deps, time(10), { delay: false });

    // Assess
    expect(asked).toStrictEqual([]);
  });
});

describe('reviewTargetGroup: a deleted group', () => {
  test('resolves the stale alerts of the targets its deletion deregistered', async () => {
    // Prepare: a stale target (its IP on no ENI) alerted, then the group deleted
    const w = targetWorld();
    await registeredWith(w, { nodeAtRegistration: NODE, eniAtRegistration: 'eni-a' });
    await reviewTargetGroup(TG, w.deps, time(10));
    await w.targets.deleteTargetGroup(TG, at(11));

    // Act
    await reviewTargetGroup(TG, w.deps, time(12));

    // Assess
    expect(w.notifier.sent.map((n) => [n.kind, n.type])).toStrictEqual([
      ['stale-target', 'open'],
      ['stale-target', 'resolve'],
    ]);
  });
});

describe('reviewTargetGroup: what the notifications say', () => {
  test('a target ELBv2 no longer has is skipped under its own name', async () => {
    // Prepare: stale by the ledger, gone from ELBv2
    const w = targetWorld();
    await registeredWith(w, { nodeAtRegistration: NODE });
    w.elbv2.targetGroups.set(TG, TG_FACTS);

    // Act
    const review = await reviewTargetGroup(TG, w.deps, time(10));

    // Assess
    expect(review.skipped.map((s) => s.subject)).toStrictEqual([`${TG}|${IP}:80`]);
  });

  test('drift names the group, its cluster and stack, and who changed the delay', async () => {
    // Prepare
    const w = targetWorld();
    await w.targets.putTargetGroup({ ...TG_FACTS, name: 'k8s-default-web' }, at(1));
    await w.targets.setTags('target-group', TG, LBC, at(1));
    await w.targets.setAttributes(TG, { [DELAY]: '300' }, at(2), {
      by: 'alice (IAMUser, console)',
      at: time(2),
      seconds: 300,
    });

    // Act
    await reviewTargetGroup(TG, w.deps, time(10));

    // Assess
    const [drift] = w.notifier.sent;
    expect([drift?.cluster, drift?.facts]).toStrictEqual([
      'c1',
      {
        targetGroupArn: TG,
        targetGroupName: 'k8s-default-web',
        actualSeconds: 300,
        actualSource: 'set',
        desiredSeconds: 60,
        desiredSource: 'default',
        stack: 'default/web',
        changedBy: 'alice (IAMUser, console)',
        changedAt: time(2),
      },
    ]);
  });

  test('a remediation says what it set, then that the delay is back', async () => {
    // Prepare
    const w = targetWorld({ remediate: true });
    await registeredWith(w, {});
    await w.targets.setAttributes(TG, { [DELAY]: '300' }, at(4));
    await w.targets.deregisterTargets(TG, [{ id: IP, port: 80 }], at(4));
    w.elbv2.attributes.set(TG, { [DELAY]: '300' });

    // Act
    await reviewTargetGroup(TG, w.deps, time(10));

    // Assess
    expect(w.notifier.sent.map((n) => [n.type, n.summary])).toStrictEqual([
      ['open', 'default/web: actual 300 s, desired 60 s (from default policy); remediated to 60 s'],
      ['resolve', 'remediated: set back to 60 s by netledger'],
    ]);
  });
});
