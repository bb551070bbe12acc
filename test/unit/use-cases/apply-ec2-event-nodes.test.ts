import { describe, expect, test } from 'vitest';
import { applyEc2Event } from '#core/network/apply-ec2-event.ts';
import type { InstanceFacts, InstanceState } from '#core/network/network.ts';
import {
  type ApplyCase,
  answerTo,
  at,
  auditTrailOf,
  CLUSTER,
  cniEni,
  event,
  expectedTrail,
  instance,
  NODE,
  NODE_B,
  nodeLines,
  primaryEni,
  SUBNET,
  VPC,
  worldAfterEvents,
} from '#test/unit/use-cases/network-world.ts';

/**
 * Node lifecycle on the memory ledger: state-change notifications (which carry only the
 * instance id and state) and RunInstances records (which carry the facts), in and out of
 * order, in and out of scope. Each case gives the whole outcome and what the ledger holds after.
 */

const state = (m: number, s: InstanceState, node = NODE) =>
  event(m, { type: 'instance-state', instanceId: node, state: s });
const launch = (m: number, instances: InstanceFacts[], enis = instances.map(primaryOf)) =>
  event(m, { type: 'instances-launched', instances, enis });
const primaryOf = (i: InstanceFacts) =>
  primaryEni(`eni-p${i.instanceId.slice(-1)}`, i.instanceId, i.privateIp);
const otherCluster = (node = NODE) => instance(node, { tags: { 'eks:cluster-name': 'other' } });

interface Case extends ApplyCase {
  /** The node's view afterwards (NODE unless `nodeOf` names another). */
  readonly node?: Awaited<ReturnType<typeof nodeLines>>;
  readonly nodeOf?: string;
}

const stateCases: Case[] = [
  {
    name: 'an unknown node is read from EC2 and filed with its facts and the new state',
    ec2: { instances: [instance(NODE, { state: 'pending' })] },
    when: state(2, 'running'),
    outcome: {
      ...answerTo(state(2, 'running')),
      status: 'applied',
      reason: expect.any(String),
      audit: [{ entity: NODE, action: 'state running' }],
      affected: { nodes: [NODE], subnets: [] },
    },
    node: {
      state: 'running',
      facts: `t3.medium ${VPC} ${CLUSTER}`,
      enis: [],
      addresses: [],
    },
    reads: [`DescribeInstances ${NODE}`],
  },
  {
    name: 'a known node is not read from EC2 again',
    given: [launch(1, [instance()])],
    when: state(2, 'stopping'),
    outcome: {
      ...answerTo(state(2, 'stopping')),
      status: 'applied',
      reason: expect.any(String),
      audit: [{ entity: NODE, action: 'state stopping' }],
      // Stopping keeps its ENIs and addresses: nothing its capacity review reads has changed.
      affected: { nodes: [], subnets: [] },
    },
    node: {
      state: 'stopping',
      facts: `t3.medium ${VPC} ${CLUSTER}`,
      enis: ['eni-pa node-primary attached'],
      addresses: ['eni-pa 10.0.0.10 primary'],
    },
    reads: [],
  },
  {
    name: 'an unknown node EC2 places in another cluster is ignored, and nothing is filed',
    ec2: { instances: [otherCluster()] },
    when: state(2, 'running'),
    outcome: {
      ...answerTo(state(2, 'running')),
      status: 'ignored',
      reason: expect.stringMatching(/cluster other is not configured/),
      audit: [],
    },
    node: { state: undefined, facts: undefined, enis: [], addresses: [] },
  },
  {
    name: 'an unknown node EC2 places in another VPC is ignored',
    ec2: { instances: [instance(NODE, { vpcId: 'vpc-other' })] },
    when: state(2, 'running'),
    outcome: {
      ...answerTo(state(2, 'running')),
      status: 'ignored',
      reason: expect.stringMatching(/VPC vpc-other is not configured/),
      audit: [],
    },
    node: { state: undefined, facts: undefined, enis: [], addresses: [] },
  },
  {
    name: 'an unknown node that EC2 shows in no cluster at all is ignored',
    ec2: { instances: [instance(NODE, { tags: {} })] },
    when: state(2, 'running'),
    outcome: {
      ...answerTo(state(2, 'running')),
      status: 'ignored',
      reason: expect.stringMatching(/belongs to no EKS cluster/),
      audit: [],
    },
    node: { state: undefined, facts: undefined, enis: [], addresses: [] },
  },
  {
    name: 'a state older than the one held is stale and names nothing it touched',
    given: [launch(1, [instance()]), state(5, 'stopped')],
    when: state(3, 'running'),
    outcome: {
      ...answerTo(state(3, 'running')),
      status: 'stale',
      reason: expect.any(String),
      audit: [],
    },
    node: {
      state: 'stopped',
      facts: `t3.medium ${VPC} ${CLUSTER}`,
      enis: ['eni-pa node-primary attached'],
      addresses: ['eni-pa 10.0.0.10 primary'],
    },
  },
  {
    name: 'termination releases the ENIs attached to the node; a detached CNI ENI made for it stays',
    given: [launch(1, [instance()]), event(2, { type: 'eni-created', eni: cniEni('eni-c') })],
    when: state(9, 'terminated'),
    outcome: {
      ...answerTo(state(9, 'terminated')),
      status: 'applied',
      reason: expect.any(String),
      audit: [
        { entity: NODE, action: 'state terminated' },
        { entity: 'eni-pa', action: 'released' },
      ],
      // The released primary ENI's addresses leave its subnet.
      affected: { nodes: [NODE], subnets: [SUBNET], releasedFrom: [NODE], onlyFreed: true },
    },
    node: {
      state: 'terminated',
      facts: `t3.medium ${VPC} ${CLUSTER}`,
      enis: ['eni-c vpc-cni detached'],
      addresses: [],
    },
  },
  {
    name: 'a termination older than the state held releases nothing',
    given: [launch(1, [instance()]), state(6, 'running')],
    when: state(4, 'terminated'),
    outcome: {
      ...answerTo(state(4, 'terminated')),
      status: 'stale',
      reason: expect.any(String),
      audit: [],
    },
    node: {
      state: 'running',
      facts: `t3.medium ${VPC} ${CLUSTER}`,
      enis: ['eni-pa node-primary attached'],
      addresses: ['eni-pa 10.0.0.10 primary'],
    },
  },
  {
    name: 'shutting down names the node for its capacity only: its ENIs and addresses stay until it is terminated',
    given: [launch(1, [instance()])],
    when: state(4, 'shutting-down'),
    outcome: {
      ...answerTo(state(4, 'shutting-down')),
      status: 'applied',
      reason: expect.any(String),
      audit: [{ entity: NODE, action: 'state shutting-down' }],
      affected: { nodes: [NODE], subnets: [], onlyFreed: true },
    },
    node: {
      state: 'shutting-down',
      facts: `t3.medium ${VPC} ${CLUSTER}`,
      enis: ['eni-pa node-primary attached'],
      addresses: ['eni-pa 10.0.0.10 primary'],
    },
  },
];

const launchCases: Case[] = [
  {
    name: 'a launch names its nodes and subnets in id order, whatever order the record lists them in',
    when: launch(
      1,
      [instance(NODE_B), instance()],
      [
        { ...primaryEni('eni-pb', NODE_B, '10.0.1.10'), subnetId: 'subnet-b' },
        primaryEni('eni-pa'),
      ],
    ),
    outcome: {
      ...answerTo(launch(1, [instance()])),
      status: 'applied',
      // What changed, one line: each audit line as its action and entity.
      reason: `launched ${NODE_B}, filed (node-primary, 1 addresses) eni-pb, launched ${NODE}, filed (node-primary, 1 addresses) eni-pa`,
      audit: [
        { entity: NODE_B, action: 'launched' },
        { entity: 'eni-pb', action: 'filed (node-primary, 1 addresses)' },
        { entity: NODE, action: 'launched' },
        { entity: 'eni-pa', action: 'filed (node-primary, 1 addresses)' },
      ],
      affected: { nodes: [NODE, NODE_B], subnets: [SUBNET, 'subnet-b'] },
    },
  },
  {
    name: 'a launched instance in no EKS cluster is skipped',
    when: launch(1, [instance(NODE, { tags: {} })]),
    outcome: {
      ...answerTo(launch(1, [instance()])),
      status: 'ignored',
      reason: expect.stringMatching(new RegExp(`^${NODE}: belongs to no EKS cluster`)),
      audit: [],
    },
    node: { state: undefined, facts: undefined, enis: [], addresses: [] },
  },
  {
    name: 'a launch files only the ENIs attached to the instance it launched',
    when: launch(1, [instance()], [primaryEni('eni-pa'), cniEni('eni-c')]),
    outcome: expect.objectContaining({
      status: 'applied',
      audit: [
        { entity: NODE, action: 'launched' },
        { entity: 'eni-pa', action: 'filed (node-primary, 1 addresses)' },
      ],
    }),
    node: {
      state: 'running',
      facts: `t3.medium ${VPC} ${CLUSTER}`,
      enis: ['eni-pa node-primary attached'],
      addresses: ['eni-pa 10.0.0.10 primary'],
    },
  },
  {
    name: "a launched node's ENI in another VPC is skipped; the node is filed",
    when: launch(1, [instance()], [{ ...primaryEni('eni-pa'), vpcId: 'vpc-other' }]),
    outcome: expect.objectContaining({
      status: 'applied',
      audit: [{ entity: NODE, action: 'launched' }],
    }),
    node: { state: 'running', facts: `t3.medium ${VPC} ${CLUSTER}`, enis: [], addresses: [] },
  },
  {
    name: 'a launch files each node in scope with its own ENIs; one of another cluster is skipped',
    when: launch(1, [instance(), otherCluster(NODE_B)]),
    outcome: {
      ...answerTo(launch(1, [instance()])),
      status: 'applied',
      reason: expect.stringMatching(
        new RegExp(`; skipped ${NODE_B}: cluster other is not configured`),
      ),
      audit: [
        { entity: NODE, action: 'launched' },
        { entity: 'eni-pa', action: 'filed (node-primary, 1 addresses)' },
      ],
      affected: { nodes: [NODE, NODE_B], subnets: [SUBNET] },
    },
    node: {
      state: 'running',
      facts: `t3.medium ${VPC} ${CLUSTER}`,
      enis: ['eni-pa node-primary attached'],
      addresses: ['eni-pa 10.0.0.10 primary'],
    },
  },
  {
    name: 'the skipped node is not filed, nor its ENI under the node that was',
    when: launch(1, [instance(), otherCluster(NODE_B)]),
    outcome: expect.objectContaining({ status: 'applied' }),
    nodeOf: NODE_B,
    node: { state: undefined, facts: undefined, enis: [], addresses: [] },
  },
  {
    name: 'a launch of only nodes out of scope is ignored with why each was skipped',
    when: launch(1, [otherCluster(), instance(NODE_B, { vpcId: 'vpc-other' })]),
    outcome: {
      ...answerTo(launch(1, [instance()])),
      status: 'ignored',
      reason: expect.stringMatching(
        new RegExp(`^${NODE}: cluster other .*; ${NODE_B}: VPC vpc-other is not configured`),
      ),
      audit: [],
    },
    node: { state: undefined, facts: undefined, enis: [], addresses: [] },
  },
  {
    name: 'a node filed from its state alone is forgotten when its launch shows another cluster',
    given: [state(3, 'running')],
    when: launch(1, [otherCluster()]),
    outcome: {
      ...answerTo(launch(1, [instance()])),
      status: 'applied',
      reason: expect.any(String),
      audit: [
        {
          entity: NODE,
          action: 'forgotten',
          detail: expect.stringMatching(/cluster other is not configured/),
        },
      ],
      affected: { nodes: [NODE], subnets: [SUBNET] },
    },
    node: { state: undefined, facts: undefined, enis: [], addresses: [] },
  },
  {
    name: 'a node filed with its facts is not forgotten by a record that places it elsewhere',
    given: [launch(1, [instance()])],
    when: event(2, {
      type: 'instances-launched',
      instances: [otherCluster()],
      enis: [primaryEni('eni-pa')],
    }),
    outcome: {
      ...answerTo(event(2, { type: 'instances-launched', instances: [], enis: [] })),
      status: 'ignored',
      reason: expect.stringMatching(/cluster other is not configured/),
      audit: [],
    },
    node: {
      state: 'running',
      facts: `t3.medium ${VPC} ${CLUSTER}`,
      enis: ['eni-pa node-primary attached'],
      addresses: ['eni-pa 10.0.0.10 primary'],
    },
  },
  {
    name: 'a late launch completes a node its termination filed, and releases its ENI at once',
    given: [state(4, 'shutting-down'), state(5, 'terminated')],
    when: launch(1, [instance()]),
    outcome: {
      ...answerTo(launch(1, [instance()])),
      status: 'applied',
      reason: expect.any(String),
      audit: [
        { entity: NODE, action: 'launched' },
        { entity: 'eni-pa', action: 'filed (node-primary, 1 addresses)' },
        { entity: 'eni-pa', action: `released (${NODE} already terminated)` },
      ],
      affected: { nodes: [NODE], subnets: [SUBNET] },
    },
    node: { state: 'terminated', facts: `t3.medium ${VPC} ${CLUSTER}`, enis: [], addresses: [] },
  },
  {
    name: 'a launch newer than a termination held does not release the ENI it files',
    given: [state(5, 'terminated')],
    when: launch(7, [instance()]),
    outcome: {
      ...answerTo(launch(7, [instance()])),
      status: 'applied',
      // Nothing was skipped, so the reason says nothing of skipping.
      reason: expect.not.stringMatching(/skipped/),
      audit: [
        { entity: NODE, action: 'launched' },
        { entity: 'eni-pa', action: 'filed (node-primary, 1 addresses)' },
      ],
      affected: { nodes: [NODE], subnets: [SUBNET] },
    },
    node: {
      state: 'running',
      facts: `t3.medium ${VPC} ${CLUSTER}`,
      enis: ['eni-pa node-primary attached'],
      addresses: ['eni-pa 10.0.0.10 primary'],
    },
  },
];

describe('applyEc2Event: node state changes and launches', () => {
  test.each([...stateCases, ...launchCases])('$name', async (c) => {
    // Prepare
    const { ledger, ec2, deps } = await worldAfterEvents(c.given ?? [], c.ec2);

    // Act
    const outcome = await applyEc2Event(c.when, deps);

    // Assess
    expect(outcome).toStrictEqual(c.outcome);
    if (c.node) expect(await nodeLines(ledger, c.nodeOf ?? NODE)).toStrictEqual(c.node);
    if (c.reads) expect(ec2.calls).toStrictEqual(c.reads);
    // Only what was applied (or found stale) counts as processed; ignored events may come again.
    expect(await ledger.hasProcessed(c.when.stamp.eventId)).toBe(outcome.status !== 'ignored');
    // A stale event leaves no audit line; an applied one, the lines its outcome names.
    expect(auditTrailOf(ledger, c.when.stamp.eventId)).toStrictEqual(expectedTrail(outcome));
  });

  test('a node filed from EC2 keeps the stamp of the state change that filed it', async () => {
    // Prepare
    const { ledger, deps } = await worldAfterEvents([], { instances: [instance()] });

    // Act
    await applyEc2Event(state(2, 'running'), deps);

    // Assess
    expect(await ledger.getNode(NODE)).toStrictEqual({
      instanceId: NODE,
      instanceType: 't3.medium',
      vpcId: VPC,
      subnetId: SUBNET,
      privateIp: '10.0.0.10',
      cluster: CLUSTER,
      state: 'running',
      stateStamp: at(2),
    });
  });
});

describe('applyEc2Event: which state changes the capacity review re-reads', () => {
  // A review reads the node's whole view (and the subnet's): a state change that changes none
  // of what it evaluates names nothing, and a redelivery, which cannot know, names the node.
  test.each<{ name: string; given: InstanceState[]; when: InstanceState; nodes: string[] }>([
    { name: 'running to stopping: nothing', given: [], when: 'stopping', nodes: [] },
    { name: 'stopped to pending: nothing', given: ['stopped'], when: 'pending', nodes: [] },
    { name: 'running to shutting-down: the node', given: [], when: 'shutting-down', nodes: [NODE] },
    {
      name: 'stopped to terminated: the node',
      given: ['stopped'],
      when: 'terminated',
      nodes: [NODE],
    },
    {
      name: 'shutting-down to terminated: reviewed as gone already',
      given: ['shutting-down'],
      when: 'terminated',
      nodes: [],
    },
  ])('$name', async ({ given, when, nodes }) => {
    // Prepare
    const before = given.map((s, i) => state(2 + i, s));
    const { deps } = await worldAfterEvents([launch(1, [instance()]), ...before]);

    // Act
    const outcome = await applyEc2Event(state(5, when), deps);

    // Assess
    expect([outcome.status, outcome.affected?.nodes]).toStrictEqual(['applied', nodes]);
  });

  test('a redelivered state change names its node: it cannot tell what it changed', async () => {
    // Prepare
    const { deps } = await worldAfterEvents([launch(1, [instance()]), state(2, 'stopping')]);

    // Act
    const outcome = await applyEc2Event(state(2, 'stopping'), deps);

    // Assess
    expect([outcome.status, outcome.affected?.nodes]).toStrictEqual(['duplicate', [NODE]]);
  });
});

describe('applyEc2Event: changes parked under an instance', () => {
  // An earlier version of the instance-state rule parked changes under the instance they
  // waited for; they still apply when a state change files that instance.
  const parkedStop = {
    subject: `instance:${NODE}`,
    stamp: at(3),
    name: 'InstanceStateChange',
    change: { type: 'instance-state' as const, instanceId: NODE, state: 'stopping' as const },
  };

  test('apply once a state change files the instance, and are reported with it', async () => {
    // Prepare
    const { ledger, deps } = await worldAfterEvents([]);
    await ledger.park(parkedStop);

    // Act
    const outcome = await applyEc2Event(state(2, 'running'), deps);

    // Assess
    expect(outcome.later?.map((o) => [o.eventId, o.status])).toStrictEqual([['ev-3', 'applied']]);
    expect(outcome.reason).toMatch(/1 parked applied/);
    expect(await ledger.listParked()).toStrictEqual([]);
    expect((await nodeLines(ledger)).state).toBe('stopping');
  });

  test('stay parked when the state change is for a node the ledger already had', async () => {
    // Prepare
    const { ledger, deps } = await worldAfterEvents([launch(1, [instance()])]);
    await ledger.park(parkedStop);

    // Act
    const outcome = await applyEc2Event(state(2, 'running'), deps);

    // Assess
    expect(outcome.later).toBeUndefined();
    expect(await ledger.listParked()).toStrictEqual([parkedStop]);
    expect((await nodeLines(ledger)).state).toBe('running');
  });
});

// Equivalent survivors in applyEc2Event around nodes: the `filed` lists of instanceState and
// launched starting as `['Stryker was here']`, and the `?? []` fallbacks of `step.filed` and
// `step.ended` made so, as well as putEniFacts' `: []` for an ENI with no attachment id (a
// subject nothing is parked under; launched's and readBackAttached's `step.filed ?? []` are
// not even reached: a filed ENI's step always names what it filed); `allStale`'s
// `step.writes.length > 0` made `>= 0` or true (every step that gets there has written at
// least once); launched's `f === 'applied' ? f : s` made true (instance facts are written as
// they come: putNodeFacts always answers 'applied'). Not reached: the reason 'changed' (an
// applied write always leaves an audit line, so the summary is never empty; only a race
// between reading a node and setting its state could make it so).
