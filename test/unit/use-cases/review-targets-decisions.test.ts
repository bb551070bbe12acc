import { describe, expect, test } from 'vitest';
import {
  alertScopeProblem,
  holdersOfIps,
  holdersOfTargets,
  reviewTargetGroup,
  reviewTargetsForIps,
  reviewTargetsForNodes,
  targetAlertRefs,
} from '#core/targets/review-targets.ts';
import type { TargetGroupRecord, TargetRecord } from '#core/targets/target-ports.ts';
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
  time,
  VPC,
} from '#test/unit/use-cases/target-world.ts';

/**
 * The target review's decisions beyond the plain stale case: which targets and groups it
 * judges, which alerts it reads ahead, the scope it alerts in, how a remediation is recorded,
 * and how the EC2 hooks find the targets an IP or a node change touches.
 */
type World = ReturnType<typeof targetWorld>;
const IP = '10.0.0.20';
const TG2 = `${TG}-2`;

/** An IP group of the cluster with the given attributes and IP targets registered at minute 3. */
async function group(
  w: World,
  options: {
    arn?: string;
    attributes?: Record<string, string>;
    ips?: string[];
    node?: string;
    facts?: Partial<typeof TG_FACTS>;
    tags?: Record<string, string>;
  } = {},
) {
  const arn = options.arn ?? TG;
  await w.targets.putTargetGroup({ ...TG_FACTS, arn, ...options.facts }, at(1));
  await w.targets.setTags('target-group', arn, options.tags ?? LBC, at(1));
  await w.targets.setAttributes(arn, options.attributes ?? { [DELAY]: '60' }, at(2));
  await w.targets.registerTargets(
    arn,
    (options.ips ?? [IP]).map((id) => ({
      id,
      port: 80,
      kind: 'ip' as const,
      vpcId: VPC,
      ...(options.node ? { nodeAtRegistration: options.node, eniAtRegistration: 'eni-a' } : {}),
    })),
    at(3),
  );
}

const sent = (w: World) => w.notifier.sent.map((n) => [n.kind, n.type, n.subject]);

describe('holdersOfIps', () => {
  test('a holder on an unattached ENI is named without a node', async () => {
    // Prepare
    const w = targetWorld();
    await w.holdIps(NODE, 'eni-a', [IP], 1);
    await w.network.setEniAttachment('eni-a', undefined, at(2));

    // Act
    const holder = (await holdersOfIps(w.network, VPC, [IP])).get(IP);

    // Assess
    expect(holder).toStrictEqual({ eniId: 'eni-a', since: at(1) });
  });

  test.each(['10.0.1', '10.0.1.x', 'fd00::1'])(
    'an address %j that is no IPv4 address has no prefix to look in',
    async (ip) => {
      // Prepare: a prefix that a careless parse could match
      const w = targetWorld();
      await w.network.putEni(
        {
          facts: {
            eniId: 'eni-p',
            vpcId: VPC,
            subnetId: 'subnet-a',
            description: `aws-K8S-${NODE}`,
            tags: {},
            attachment: { instanceId: NODE },
            secondaryIps: [],
            prefixes: [],
          },
          kind: 'vpc-cni',
          instanceId: NODE,
          addresses: [{ address: '10.0.1.0/28', kind: 'prefix', consumer: 'vpc-cni' }],
        },
        at(1),
      );
      const asked: string[] = [];
      const network = {
        holdersOf: (
          vpcId: string,
          addresses: readonly string[],
          orElseAt?: (address: string) => string | undefined,
        ) => {
          asked.push(...addresses, ...addresses.flatMap((a) => orElseAt?.(a) ?? []));
          return w.network.holdersOf(vpcId, addresses, orElseAt);
        },
      };

      // Act
      const holder = (await holdersOfIps(network, VPC, [ip])).get(ip);

      // Assess
      expect([holder, asked]).toStrictEqual([undefined, [ip]]);
    },
  );
});

describe('holdersOfTargets', () => {
  test("asks per VPC for registered targets' IPs only, and answers the known ones from the caller", async () => {
    // Prepare: .20 held, .21 in a peered VPC, .22 deregistered, .23 known by the caller
    const w = targetWorld();
    await group(w, { ips: ['10.0.0.20', '10.0.0.22', '10.0.0.23'] });
    await w.targets.registerTargets(
      TG,
      [{ id: '10.0.0.21', port: 80, kind: 'ip', vpcId: 'vpc-peer' }],
      at(3),
    );
    await w.targets.deregisterTargets(TG, [{ id: '10.0.0.22', port: 80 }], at(4));
    await w.holdIps(NODE, 'eni-a', ['10.0.0.20', '10.0.0.22'], 1);
    const tg = await w.targets.getTargetGroup(TG);
    if (!tg) throw new Error('group not filed');
    const targets = await w.targets.targetsOf(TG, { includeDeregistered: true });
    const known = new Map([
      ['10.0.0.22', { eniId: 'eni-k', since: at(1) }],
      ['10.0.0.23', { eniId: 'eni-k', since: at(1) }],
    ]);
    const asked: string[] = [];
    const network = {
      holdersOf: (vpcId: string, addresses: readonly string[]) => {
        asked.push(`${vpcId}: ${addresses.join(' ')}`);
        return w.network.holdersOf(vpcId, addresses);
      },
    };

    // Act
    const holderOf = await holdersOfTargets(tg, targets, network, known);

    // Assess
    expect(asked).toEqual([`${VPC}: 10.0.0.20`, 'vpc-peer: 10.0.0.21']);
    expect(targets.map((t) => `${t.id} ${holderOf(t)?.eniId ?? '-'}`)).toEqual([
      '10.0.0.20 eni-a',
      '10.0.0.21 -',
      '10.0.0.22 -',
      '10.0.0.23 eni-k',
    ]);
  });
});

describe('alertScopeProblem', () => {
  const tg = (cluster?: string): TargetGroupRecord => ({
    arn: TG,
    lbArns: [],
    tags: {},
    attributes: {},
    deleted: false,
    ...(cluster ? { cluster } : {}),
  });
  test.each<{ title: string; cluster?: string; clusters: string[] | 'all'; problem?: string }>([
    { title: 'a configured cluster', cluster: CLUSTER, clusters: [CLUSTER] },
    {
      title: 'another cluster',
      cluster: 'other',
      clusters: [CLUSTER],
      problem: 'cluster other is not configured',
    },
    { title: 'any cluster with CLUSTERS=all', cluster: 'other', clusters: 'all' },
    {
      title: 'no cluster while clusters are named',
      clusters: [CLUSTER],
      problem: 'no elbv2.k8s.aws/cluster tag known yet (the sweep reads tags)',
    },
    { title: 'no cluster with CLUSTERS=all', clusters: 'all' },
  ])('$title', ({ cluster, clusters, problem }) => {
    expect(alertScopeProblem(tg(cluster), { clusters, vpcIds: [VPC] })).toBe(problem);
  });
});

describe('targetAlertRefs', () => {
  const record = (extra: Partial<TargetGroupRecord>): TargetGroupRecord => ({
    arn: TG,
    targetType: 'ip',
    lbArns: [],
    tags: {},
    attributes: { [DELAY]: '60' },
    deleted: false,
    ...extra,
  });
  const target = (id: string, kind: TargetRecord['kind'] = 'ip'): TargetRecord => ({
    tgArn: TG,
    id,
    port: 80,
    kind,
    registered: true,
    stamp: at(3),
  });
  test.each<{ title: string; tg: TargetGroupRecord; delay: boolean; refs: string[] }>([
    {
      title: 'an IP group: each IP target and the delay',
      tg: record({}),
      delay: true,
      refs: [`stale-target ${TG}|${IP}:80`, `deregistration-delay-drift ${TG}`],
    },
    {
      title: 'without the delay check: the targets only',
      tg: record({}),
      delay: false,
      refs: [`stale-target ${TG}|${IP}:80`],
    },
    {
      title: 'a delay not known yet: no drift alert to read',
      tg: record({ attributes: {} }),
      delay: true,
      refs: [`stale-target ${TG}|${IP}:80`],
    },
    {
      title: 'a deleted group with no known delay: its drift alert, to resolve',
      tg: record({ attributes: {}, deleted: true }),
      delay: true,
      refs: [`stale-target ${TG}|${IP}:80`, `deregistration-delay-drift ${TG}`],
    },
    {
      title: 'an instance group: no stale-target alerts',
      tg: record({ targetType: 'instance' }),
      delay: true,
      refs: [`deregistration-delay-drift ${TG}`],
    },
  ])('$title', ({ tg, delay, refs }) => {
    // Act
    const out = targetAlertRefs(tg, [target(IP), target('i-0000000000000000a', 'instance')], delay);

    // Assess
    expect(out.map((r) => `${r.kind} ${r.subject}`)).toStrictEqual(refs);
  });
});

describe('reviewTargetGroup: which targets it judges', () => {
  test('an instance target in an IP group is not judged', async () => {
    // Prepare
    const w = targetWorld();
    await group(w, { ips: [] });
    await w.targets.registerTargets(
      TG,
      [{ id: 'i-0000000000000000c', port: 80, kind: 'instance', vpcId: VPC }],
      at(3),
    );

    // Act
    await reviewTargetGroup(TG, w.deps, time(10));

    // Assess
    expect(sent(w)).toStrictEqual([]);
  });

  test('IP targets of an instance group are not judged', async () => {
    // Prepare
    const w = targetWorld();
    await group(w, { facts: { targetType: 'instance' } });

    // Act
    await reviewTargetGroup(TG, w.deps, time(10));

    // Assess
    expect(sent(w)).toStrictEqual([]);
  });

  test('a target filed without a VPC is looked up in its group’s VPC', async () => {
    // Prepare: the IP is held on the node it was registered on
    const w = targetWorld();
    await w.holdIps(NODE, 'eni-a', [IP], 1);
    await group(w, { ips: [] });
    await w.targets.registerTargets(
      TG,
      [{ id: IP, port: 80, kind: 'ip', nodeAtRegistration: NODE, eniAtRegistration: 'eni-a' }],
      at(3),
    );

    // Act
    await reviewTargetGroup(TG, w.deps, time(10));

    // Assess
    expect(sent(w)).toStrictEqual([]);
  });

  test('holders the caller read are trusted, including "nobody"', async () => {
    // Prepare: the ledger says node A holds the IP, the caller read that nobody did
    const w = targetWorld();
    await w.holdIps(NODE, 'eni-a', [IP], 1);
    await group(w, { node: NODE });

    // Act
    await reviewTargetGroup(TG, w.deps, time(10), { holders: new Map([[IP, undefined]]) });

    // Assess
    expect(sent(w)).toStrictEqual([['stale-target', 'open', `${TG}|${IP}:80`]]);
  });

  test('holders the caller did not read are looked up', async () => {
    // Prepare
    const w = targetWorld();
    await w.holdIps(NODE, 'eni-a', [IP], 1);
    await group(w, { node: NODE });

    // Act
    await reviewTargetGroup(TG, w.deps, time(10), { holders: new Map([['10.0.0.99', undefined]]) });

    // Assess
    expect(sent(w)).toStrictEqual([]);
  });

  test('the alert names the stack of the group', async () => {
    // Prepare
    const w = targetWorld();
    await group(w, { node: NODE });

    // Act
    await reviewTargetGroup(TG, w.deps, time(10));

    // Assess
    expect(w.notifier.sent.map((n) => [n.kind, n.cluster, n.facts.stack])).toStrictEqual([
      ['stale-target', CLUSTER, 'default/web'],
    ]);
  });

  test('without an alert topic nothing is alerted, and the review still runs', async () => {
    // Prepare
    const w = targetWorld();
    await group(w, { node: NODE, attributes: { [DELAY]: '300' } });

    // Act
    const review = await reviewTargetGroup(TG, { ...w.deps, alerting: undefined }, time(10));

    // Assess
    expect([review.alerts, review.remediations.map((r) => r.action), sent(w)]).toStrictEqual([
      [],
      ['dry-run'],
      [],
    ]);
  });
});

describe('reviewTargetGroup: ELBv2 confirms by IP and port', () => {
  test.each<{ title: string; port?: number; state: string; alerts: boolean }>([
    {
      title: 'the same IP on another port is not this target',
      port: 8080,
      state: 'healthy',
      alerts: false,
    },
    { title: 'the same IP and port is this target', port: 80, state: 'healthy', alerts: true },
    {
      title: 'a target draining after failing health checks is on its way out',
      port: 80,
      state: 'unhealthy.draining',
      alerts: false,
    },
  ])('$title', async ({ port, state, alerts }) => {
    // Prepare: registered on node A, the IP now on node B
    const w = targetWorld();
    await group(w, { node: NODE });
    await w.holdIps(NODE_B, 'eni-b', [IP], 5);
    w.elbv2.targetGroups.set(TG, TG_FACTS);
    w.elbv2.health.set(TG, [
      { target: { type: 'ip', ip: IP, ...(port ? { port } : {}) }, state: state as 'healthy' },
      { target: { type: 'instance', instanceId: IP, port: 80 }, state: 'healthy' },
    ]);

    // Act
    const review = await reviewTargetGroup(TG, w.deps, time(10));

    // Assess
    expect(review.alerts.some((a) => a.kind === 'stale-target' && a.active)).toBe(alerts);
  });
});

describe('reviewTargetGroup: the deregistration delay', () => {
  test('a delay ELBv2 would refuse is skipped with its problem', async () => {
    // Prepare
    const w = targetWorld();
    await group(w, { ips: [], attributes: { [DELAY]: 'soon' } });

    // Act
    const review = await reviewTargetGroup(TG, w.deps, time(10));

    // Assess
    expect(review.skipped).toStrictEqual([
      { subject: TG, reason: 'invalid delay: "soon" is not a whole number of seconds' },
    ]);
    expect(sent(w)).toStrictEqual([]);
  });

  test('a lambda group has no delay to judge', async () => {
    // Prepare
    const w = targetWorld();
    await group(w, { ips: [], facts: { targetType: 'lambda' }, attributes: { [DELAY]: '300' } });

    // Act
    const review = await reviewTargetGroup(TG, w.deps, time(10));

    // Assess
    expect([review.skipped, review.remediations, review.alerts]).toStrictEqual([[], [], []]);
  });

  test('a deleted group resolves its drift alert and is not remediated', async () => {
    // Prepare
    const w = targetWorld({ remediate: true });
    await group(w, { ips: [], attributes: { [DELAY]: '300' } });
    w.elbv2.attributes.set(TG, { [DELAY]: '300' });
    await reviewTargetGroup(
      TG,
      { ...w.deps, settings: { ...w.deps.settings, remediate: false } },
      time(10),
    );
    await w.targets.deleteTargetGroup(TG, at(11));

    // Act
    const review = await reviewTargetGroup(TG, w.deps, time(12));

    // Assess
    expect([review.remediations, w.elbv2.calls]).toStrictEqual([[], []]);
    expect(sent(w)).toStrictEqual([
      ['deregistration-delay-drift', 'open', TG],
      ['deregistration-delay-drift', 'resolve', TG],
    ]);
  });

  test('a remediation is recorded with who made it and audited', async () => {
    // Prepare
    const w = targetWorld({ remediate: true });
    await group(w, { ips: [], attributes: { [DELAY]: '300' } });
    w.elbv2.attributes.set(TG, { [DELAY]: '300' });

    // Act
    const review = await reviewTargetGroup(TG, w.deps, time(10));

    // Assess
    expect(review.remediations.map((r) => [r.action, 'to' in r ? r.to : undefined])).toStrictEqual([
      ['apply', 60],
    ]);
    expect((await w.targets.getTargetGroup(TG))?.lastDelayChange).toStrictEqual({
      by: 'netledger (DRIFT_REMEDIATE)',
      at: time(10),
      seconds: 60,
    });
    expect(w.events.auditOf(TG).map((a) => [a.action, a.eventName, a.eventId])).toStrictEqual([
      ['remediated deregistration delay', 'ModifyTargetGroupAttributes', `remediation:${time(10)}`],
    ]);
    expect(review.alerts.map((a) => [a.outcome, a.active])).toStrictEqual([
      ['opened', true],
      ['resolved', false],
    ]);
  });

  test('a group gone before its remediation is skipped, its alert left open', async () => {
    // Prepare: ELBv2 no longer has the group's attributes
    const w = targetWorld({ remediate: true });
    await group(w, { ips: [], attributes: { [DELAY]: '300' } });

    // Act
    const review = await reviewTargetGroup(TG, w.deps, time(10));

    // Assess
    expect(review.skipped).toStrictEqual([
      { subject: TG, reason: 'target group gone before remediation' },
    ]);
    expect((await w.targets.getTargetGroup(TG))?.attributes[DELAY]).toBe('300');
    expect(sent(w)).toStrictEqual([]);
  });

  test('a delay in sync settles nothing new', async () => {
    // Prepare
    const w = targetWorld({ remediate: true });
    await group(w, { ips: [] });

    // Act
    const review = await reviewTargetGroup(TG, w.deps, time(10));

    // Assess
    expect([review.remediations, review.alerts, w.elbv2.calls]).toStrictEqual([[], [], []]);
  });
});

describe('the EC2 hooks', () => {
  test('an IP named twice is looked up once, and each group is reviewed with its own targets', async () => {
    // Prepare: the IP is a target of two groups, and on no ENI
    const w = targetWorld();
    await group(w, { node: NODE });
    await group(w, { arn: TG2, node: NODE });

    // Act
    const review = await reviewTargetsForIps(VPC, [IP, IP], w.deps, time(10));

    // Assess
    expect(review.alerts.map((a) => [a.subject, a.outcome])).toStrictEqual([
      [`${TG}|${IP}:80`, 'opened'],
      [`${TG2}|${IP}:80`, 'opened'],
    ]);
  });

  test('the node hook judges only the targets registered on the node, and not the delay', async () => {
    // Prepare: a drifted delay, and two targets on node A whose IPs are on no ENI now
    const w = targetWorld();
    await group(w, { node: NODE, ips: [IP, '10.0.0.21'], attributes: { [DELAY]: '300' } });

    // Act
    const review = await reviewTargetsForNodes([NODE, NODE], w.deps, time(10));

    // Assess
    expect(review.alerts.map((a) => [a.kind, a.subject])).toStrictEqual([
      ['stale-target', `${TG}|10.0.0.20:80`],
      ['stale-target', `${TG}|10.0.0.21:80`],
    ]);
  });

  test('a failed alert delivery fails the hook', async () => {
    // Prepare
    const w = targetWorld();
    await group(w, { node: NODE });
    w.notifier.failNext = new Error('SNS is down');

    // Act
    const reviewing = reviewTargetsForIps(VPC, [IP], w.deps, time(10));

    // Assess
    await expect(reviewing).rejects.toThrow();
  });
});
