import { describe, expect, test } from 'vitest';
import type { AuditEntry } from '#core/network/network-ports.ts';
import { applyElbEvent } from '#core/targets/apply-elb-event.ts';
import type { ElbChange } from '#core/targets/elb-event.ts';
import {
  applyAll,
  at,
  CLUSTER,
  DELAY,
  delaySet,
  deregistered,
  LB,
  LB_FACTS,
  LBC,
  lambdaTgCreated,
  lbCreated,
  lbDeleted,
  meta,
  NODE,
  registered,
  TG,
  TG_FACTS,
  targetWorld,
  tgCreated,
  tgDeleted,
  time,
  VPC,
} from '#test/unit/use-cases/target-world.ts';

/**
 * What each kind of ELB change leaves in the target ledger, and the audit lines it writes: the
 * records are compared whole, so a field the change should carry (or leave out) is seen.
 */
type World = ReturnType<typeof targetWorld>;

interface Case {
  readonly name: string;
  readonly given?: readonly ElbChange[];
  readonly when: ElbChange;
  readonly status: string;
  readonly audit: readonly AuditEntry[];
  readonly read: (w: World) => Promise<unknown>;
  readonly expected: unknown;
}

const lbRecord = (w: World) => w.targets.getLoadBalancer(LB);
const tgRecord = (w: World) => w.targets.getTargetGroup(TG);
const targets = async (w: World) =>
  (await w.targets.targetsOf(TG, { includeDeregistered: true })).map((t) => [
    t.id,
    t.port,
    t.kind,
    t.registered,
  ]);

const { availabilityZones: _zones, ...lbFacts } = LB_FACTS;
const { loadBalancerArns: _lbs, ...tgFacts } = TG_FACTS;

/** What the ledger files from lbCreated(1) and tgCreated(1): the facts, tags and their derivations. */
const LB_RECORD = {
  ...lbFacts,
  createdAt: time(1),
  tags: LBC,
  cluster: CLUSTER,
  stack: 'default/web',
  deleted: false,
};
const TG_RECORD = {
  ...tgFacts,
  lbArns: [],
  tags: LBC,
  cluster: CLUSTER,
  stack: 'default/web',
  attributes: {},
  deleted: false,
};

const cases: Case[] = [
  {
    name: 'a created load balancer is filed with every fact the record gives',
    when: lbCreated(1, {
      ipAddressType: 'dualstack',
      availabilityZones: [{ zoneName: 'us-east-1a', subnetId: 'subnet-a' }],
    }),
    status: 'applied',
    audit: [{ entity: LB, action: 'created network LB' }],
    read: lbRecord,
    expected: { ...LB_RECORD, ipAddressType: 'dualstack' },
  },
  {
    name: 'a created load balancer without an address type is filed without one',
    when: lbCreated(1, { type: 'application' }),
    status: 'applied',
    audit: [{ entity: LB, action: 'created application LB' }],
    read: lbRecord,
    expected: { ...LB_RECORD, type: 'application' },
  },
  {
    name: 'a load balancer created again by an older record changes nothing',
    given: [lbCreated(5)],
    when: { ...lbCreated(1, { dnsName: 'old.elb.amazonaws.com' }), eventId: 'ev-old' },
    status: 'stale',
    audit: [],
    read: async (w) => (await lbRecord(w))?.dnsName,
    expected: 'web-1.elb.amazonaws.com',
  },
  {
    name: 'a deleted load balancer becomes a tombstone',
    given: [lbCreated(1)],
    when: lbDeleted(2),
    status: 'applied',
    audit: [{ entity: LB, action: 'deleted LB' }],
    read: async (w) => [(await lbRecord(w))?.deleted, await w.targets.listLoadBalancers()],
    expected: [true, []],
  },
  {
    name: 'a load balancer deleted twice is audited once',
    given: [lbCreated(1), lbDeleted(2)],
    when: { ...lbDeleted(3) },
    status: 'applied',
    audit: [],
    read: async (w) => (await lbRecord(w))?.deleted,
    expected: true,
  },
  {
    name: 'a created target group is filed with its facts, tags and load balancers',
    when: tgCreated(1, { lbArns: [LB] }),
    status: 'applied',
    audit: [{ entity: TG, action: 'created ip TG' }],
    read: tgRecord,
    expected: { ...TG_RECORD, lbArns: [LB] },
  },
  {
    name: 'a created lambda target group has no protocol, port or VPC',
    when: lambdaTgCreated(1),
    status: 'applied',
    audit: [{ entity: TG, action: 'created lambda TG' }],
    read: tgRecord,
    expected: {
      arn: TG,
      name: 'fn',
      targetType: 'lambda',
      lbArns: [],
      tags: { 'elbv2.k8s.aws/cluster': CLUSTER },
      cluster: CLUSTER,
      attributes: {},
      deleted: false,
    },
  },
  {
    name: 'a target group created again by an older record changes nothing',
    given: [tgCreated(5)],
    when: { ...tgCreated(1, { port: 8080 }), eventId: 'ev-old' },
    status: 'stale',
    audit: [],
    read: async (w) => (await tgRecord(w))?.port,
    expected: 80,
  },
  {
    name: 'a deleted target group takes its targets with it',
    given: [tgCreated(1), delaySet(2, 60), registered(3, '10.0.0.20')],
    when: tgDeleted(4),
    status: 'applied',
    audit: [{ entity: TG, action: 'deleted TG' }],
    read: async (w) => [(await tgRecord(w))?.deleted, await targets(w)],
    expected: [true, [['10.0.0.20', 80, 'ip', false]]],
  },
  {
    name: 'registered targets are audited with their count, in the order given',
    given: [tgCreated(1), delaySet(2, 60)],
    when: registered(3, '10.0.0.21', '10.0.0.20'),
    status: 'applied',
    audit: [{ entity: TG, action: 'registered 2', detail: '10.0.0.21:80 10.0.0.20:80' }],
    read: targets,
    expected: [
      ['10.0.0.20', 80, 'ip', true],
      ['10.0.0.21', 80, 'ip', true],
    ],
  },
  {
    name: 'only the registrations that applied are audited',
    given: [tgCreated(1), delaySet(2, 60), { ...registered(5, '10.0.0.20'), eventId: 'ev-5' }],
    when: registered(3, '10.0.0.20', '10.0.0.21'),
    status: 'applied',
    audit: [{ entity: TG, action: 'registered 1', detail: '10.0.0.21:80' }],
    read: targets,
    expected: [
      ['10.0.0.20', 80, 'ip', true],
      ['10.0.0.21', 80, 'ip', true],
    ],
  },
  {
    name: 'deregistered targets are audited as deregistered',
    given: [tgCreated(1), delaySet(2, 60), registered(3, '10.0.0.20', '10.0.0.21')],
    when: deregistered(4, '10.0.0.20', '10.0.0.21'),
    status: 'applied',
    audit: [{ entity: TG, action: 'deregistered 2', detail: '10.0.0.20:80 10.0.0.21:80' }],
    read: targets,
    expected: [
      ['10.0.0.20', 80, 'ip', false],
      ['10.0.0.21', 80, 'ip', false],
    ],
  },
  {
    name: 'a deregistration of targets already gone changes nothing and says so',
    given: [tgCreated(1), delaySet(2, 60), deregistered(5, '10.0.0.20')],
    when: deregistered(4, '10.0.0.20'),
    status: 'stale',
    audit: [],
    read: targets,
    expected: [['10.0.0.20', 80, 'ip', false]],
  },
  {
    name: 'instance and lambda targets are filed by their ids; an omitted port is the group’s',
    given: [tgCreated(1, { targetType: 'instance', port: 30080 }), delaySet(2, 60)],
    when: {
      ...meta(3),
      kind: 'targets-registered',
      tgArn: TG,
      targets: [
        { type: 'instance', instanceId: 'i-0123456789abcdef0' },
        { type: 'instance', instanceId: 'i-0123456789abcdef1', port: 31000 },
      ],
    },
    status: 'applied',
    audit: [
      {
        entity: TG,
        action: 'registered 2',
        detail: 'i-0123456789abcdef0:30080 i-0123456789abcdef1:31000',
      },
    ],
    read: targets,
    expected: [
      ['i-0123456789abcdef0', 30080, 'instance', true],
      ['i-0123456789abcdef1', 31000, 'instance', true],
    ],
  },
  {
    name: 'a lambda target of a group with no port is filed at port 0',
    given: [lambdaTgCreated(1)],
    when: {
      ...meta(3),
      kind: 'targets-registered',
      tgArn: TG,
      targets: [{ type: 'arn', arn: 'arn:aws:lambda:us-east-1:111122223333:function:fn' }],
    },
    status: 'applied',
    audit: [
      {
        entity: TG,
        action: 'registered 1',
        detail: 'arn:aws:lambda:us-east-1:111122223333:function:fn:0',
      },
    ],
    read: targets,
    expected: [['arn:aws:lambda:us-east-1:111122223333:function:fn', 0, 'arn', true]],
  },
];

// Mutants of apply-elb-event.ts left alive because nothing observable tells them apart:
// - `step.ended ?? []`, `step.filed ?? []`, `const filed: Subject[] = []` and the `targets: []`
//   of the attribute and tag reviews, made non-empty: a subject or target named "Stryker was
//   here" has nothing parked under it and no record, so the same nothing is discarded, applied
//   or reviewed.
// - The filter of the targets read back for the review: every target the change names has a
//   record by then (a registration or deregistration writes one, applied or stale).
// - `writes: [w]` of the deletes, emptied: a tombstone write is never 'stale', so the outcome
//   is 'applied' either way.
// - `change.port !== undefined` forced true and `'target-group'` emptied in setTags: the ledger
//   drops an undefined port, and any resource but 'load-balancer' is a target group to it.
// - `t.type !== 'ip'` forced false: an instance id or ARN is no address, so asking the IP
//   ledger who holds it finds nobody and records no baseline either way.
// - The describe stamp's event id emptied: it only breaks ties between writes of the same
//   second.
describe('applyElbEvent: what each change files', () => {
  test.each(cases)('$name', async (c) => {
    // Prepare
    const w = targetWorld();
    await applyAll(w, c.given ?? []);

    // Act
    const outcome = await applyElbEvent(c.when, w.deps, c.when.eventTime);

    // Assess
    expect([outcome.status, outcome.audit]).toStrictEqual([c.status, c.audit]);
    expect(await c.read(w)).toStrictEqual(c.expected);
  });

  test('a registration keeps the zone and the VPC with the target', async () => {
    // Prepare
    const w = targetWorld();
    await applyAll(w, [tgCreated(1), delaySet(2, 60)]);

    // Act
    await applyElbEvent(
      {
        ...meta(3),
        kind: 'targets-registered',
        tgArn: TG,
        targets: [{ type: 'ip', ip: '10.0.0.20', port: 80, az: 'us-east-1a' }],
      },
      w.deps,
      time(3),
    );

    // Assess
    const [target] = await w.targets.targetsOf(TG);
    expect([target?.az, target?.vpcId, target?.registeredAt]).toStrictEqual([
      'us-east-1a',
      VPC,
      time(3),
    ]);
  });

  test('an IP target is looked up in the IP ledger only in an IP target group with a VPC', async () => {
    // Prepare: the IP is on node A, and both groups register it
    const w = targetWorld();
    await w.holdIps('i-0000000000000000a', 'eni-a', ['10.0.0.20'], 0);
    await applyAll(w, [tgCreated(1, { targetType: 'instance' }), delaySet(2, 60)]);

    // Act
    await applyElbEvent(registered(3, '10.0.0.20'), w.deps, time(3));

    // Assess: an instance group's IP target is no pod's, so no holder is recorded
    const [target] = await w.targets.targetsOf(TG);
    expect([target?.nodeAtRegistration, target?.eniAtRegistration]).toStrictEqual([
      undefined,
      undefined,
    ]);
  });

  test('every change is marked processed under its API name with its audit', async () => {
    // Prepare
    const w = targetWorld();

    // Act
    await applyAll(w, [lbCreated(1), tgCreated(2), delaySet(3, 60), registered(4, '10.0.0.20')]);

    // Assess
    expect(w.events.auditOf(LB).map((a) => [a.eventName, a.eventId])).toStrictEqual([
      ['CreateLoadBalancer', 'ev-1'],
    ]);
    expect(w.events.auditOf(TG).map((a) => [a.eventName, a.action])).toStrictEqual([
      ['CreateTargetGroup', 'created ip TG'],
      ['ModifyTargetGroupAttributes', `attributes set (delay 60 s by alice (AssumedRole, api))`],
      ['RegisterTargets', 'registered 1'],
    ]);
    expect(await w.targets.hasProcessed('ev-4')).toBe(true);
    expect(await w.targets.getTargetGroup(TG)).toMatchObject({ attributes: { [DELAY]: '60' } });
  });

  test.each<{ title: string; given: ElbChange[]; when: ElbChange; reason: string }>([
    {
      title: 'a created load balancer',
      given: [],
      when: lbCreated(1),
      reason: `created network LB ${LB}`,
    },
    {
      title: 'a created target group',
      given: [],
      when: tgCreated(1),
      reason: `created ip TG ${TG}; attributes follow in ModifyTargetGroupAttributes or the sweep`,
    },
    {
      title: 'a target group deleted that the ledger never saw',
      given: [],
      when: tgDeleted(4),
      reason: `deleted TG ${TG}; TG ${TG} was not in the ledger; tombstone kept`,
    },
    {
      title: 'a known target group deleted',
      given: [tgCreated(1)],
      when: tgDeleted(4),
      reason: `deleted TG ${TG}`,
    },
  ])('the outcome of $title says what changed in one line', async ({ given, when, reason }) => {
    // Prepare
    const w = targetWorld();
    await applyAll(w, given);

    // Act
    const outcome = await applyElbEvent(when, w.deps, when.eventTime);

    // Assess
    expect(outcome.reason).toBe(reason);
  });

  test('a change delivered again is a duplicate that writes nothing', async () => {
    // Prepare
    const w = targetWorld();
    await applyAll(w, [tgCreated(1), delaySet(2, 60)]);
    const audited = w.events.snapshot().audit.length;

    // Act
    const outcome = await applyElbEvent(delaySet(2, 60), w.deps, time(2));

    // Assess
    expect(outcome).toStrictEqual({
      eventId: 'ev-2',
      name: 'ModifyTargetGroupAttributes',
      change: delaySet(2, 60),
      status: 'duplicate',
      reason: 'already applied',
      audit: [],
    });
    expect(w.events.snapshot().audit).toHaveLength(audited);
  });

  test('a change that lost to newer state writes no audit line', async () => {
    // Prepare
    const w = targetWorld();
    await applyAll(w, [tgCreated(1), delaySet(2, 60), deregistered(5, '10.0.0.20')]);
    const audited = w.events.snapshot().audit.length;

    // Act
    const outcome = await applyElbEvent(deregistered(4, '10.0.0.20'), w.deps, time(4));

    // Assess
    expect(outcome.status).toBe('stale');
    expect(w.events.snapshot().audit).toHaveLength(audited);
  });
});

describe('applyElbEvent: the review after the change', () => {
  test('a registration reviews the targets it registered, not the rest of the group', async () => {
    // Prepare: .20 is registered and on no ENI (stale, not alerted yet); .21 is on node A
    const w = targetWorld();
    await w.holdIps(NODE, 'eni-a', ['10.0.0.21'], 0);
    await applyAll(w, [tgCreated(1), delaySet(2, 60)]);
    await w.targets.registerTargets(
      TG,
      [{ id: '10.0.0.20', port: 80, kind: 'ip', vpcId: VPC }],
      at(3),
    );

    // Act
    const outcome = await applyElbEvent(registered(4, '10.0.0.21'), w.deps, time(4));

    // Assess
    expect([outcome.review?.alerts, w.notifier.sent]).toStrictEqual([[], []]);
  });

  test('deleting a target group resolves its delay drift', async () => {
    // Prepare
    const w = targetWorld();
    await applyAll(w, [tgCreated(1), delaySet(2, 300)]);

    // Act
    const outcome = await applyElbEvent(tgDeleted(4), w.deps, time(4));

    // Assess
    expect(outcome.review?.alerts.map((a) => [a.kind, a.outcome])).toStrictEqual([
      ['deregistration-delay-drift', 'resolved'],
    ]);
  });

  test('a delay read from ELBv2 is as of the event, so a later change still applies', async () => {
    // Prepare: the registration at minute 3 reads the delay (300 s)
    const w = targetWorld();
    await w.holdIps(NODE, 'eni-a', ['10.0.0.20'], 0);
    await applyAll(w, [tgCreated(1)]);
    w.elbv2.attributes.set(TG, { [DELAY]: '300' });
    await applyElbEvent(registered(3, '10.0.0.20'), w.deps, time(3));

    // Act
    const later = await applyElbEvent(delaySet(5, 60), w.deps, time(5));
    const earlier = await applyElbEvent(
      { ...delaySet(2, 30), eventId: 'ev-early' },
      w.deps,
      time(2),
    );

    // Assess
    expect([later.status, earlier.status]).toStrictEqual(['applied', 'stale']);
    expect((await w.targets.getTargetGroup(TG))?.attributes[DELAY]).toBe('60');
  });
});
