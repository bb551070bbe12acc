import { describe, expect, test } from 'vitest';
import type { EventStatus } from '#core/network/apply-ec2-event.ts';
import { applyEc2Event } from '#core/network/apply-ec2-event.ts';
import type { Ec2Event } from '#core/network/ec2-event.ts';
import type { EniFacts, InstanceFacts } from '#core/network/network.ts';
import {
  CLUSTER,
  cniEni,
  event,
  instance,
  NODE,
  NODE_B,
  networkWorld,
  nodeLines,
  primaryEni,
  SUBNET,
  VPC,
} from '#test/unit/use-cases/network-world.ts';

/**
 * applyEc2Event on the memory ledger: given the events already applied and what EC2 answers,
 * one more event gives this outcome and leaves the node's view like this.
 */
interface Case {
  readonly name: string;
  readonly given?: readonly Ec2Event[];
  readonly ec2?: { readonly instances?: InstanceFacts[]; readonly enis?: EniFacts[] };
  readonly when: Ec2Event;
  readonly status: EventStatus;
  readonly reason?: RegExp;
  readonly node?: Partial<Awaited<ReturnType<typeof nodeLines>>>;
}

const launch = (m: number, node = NODE, eni = primaryEni(`eni-p${node.slice(-1)}`, node)) =>
  event(m, { type: 'instances-launched', instances: [instance(node)], enis: [eni] });
const assign = (m: number, eniId: string, ips: string[], complete = true) =>
  event(m, { type: 'addresses-assigned', eniId, ips, prefixes: [], complete });
const created = (m: number, eni: EniFacts) => event(m, { type: 'eni-created', eni });
const state = (m: number, s: InstanceFacts['state'], node = NODE) =>
  event(m, { type: 'instance-state', instanceId: node, state: s });

const cases: Case[] = [
  {
    name: 'a launched node is filed with its primary ENI and its own address',
    when: launch(1),
    status: 'applied',
    node: {
      state: 'running',
      enis: ['eni-pa node-primary attached'],
      addresses: ['eni-pa 10.0.0.10 primary'],
    },
  },
  {
    name: 'a node of another cluster is ignored with the reason',
    when: event(1, {
      type: 'instances-launched',
      instances: [instance(NODE, { tags: { 'eks:cluster-name': 'other' } })],
      enis: [],
    }),
    status: 'ignored',
    reason: /cluster other is not configured/,
    node: { state: undefined, enis: [] },
  },
  {
    name: 'the same event delivered twice is a duplicate the second time',
    given: [launch(1)],
    when: launch(1),
    status: 'duplicate',
    reason: /already applied/,
  },
  {
    name: 'a state change for an unknown node is read from EC2 and filed',
    ec2: { instances: [instance(NODE, { state: 'pending' })] },
    when: state(2, 'running'),
    status: 'applied',
    node: { state: 'running', enis: [] },
  },
  {
    name: 'a state change for a node EC2 does not know files it from its state, facts unknown',
    when: state(2, 'running'),
    status: 'applied',
    reason: /state running .*not found in EC2: filed from its state; type, VPC and cluster follow/,
    node: { state: 'running', facts: '? ? ?', enis: [] },
  },
  {
    name: 'RunInstances completes a node filed from its state; the newer state stays',
    given: [state(3, 'running')],
    when: launch(1),
    status: 'applied',
    node: {
      state: 'running',
      facts: `t3.medium ${VPC} ${CLUSTER}`,
      enis: ['eni-pa node-primary attached'],
    },
  },
  {
    name: 'a termination that overtook RunInstances wins: the late launch leaves it terminated',
    given: [state(4, 'shutting-down'), state(5, 'terminated')],
    when: launch(1),
    status: 'applied',
    reason: /released \(.* already terminated\)/,
    node: { state: 'terminated', facts: `t3.medium ${VPC} ${CLUSTER}`, enis: [], addresses: [] },
  },
  {
    name: 'a node filed from its state is forgotten when RunInstances shows another cluster',
    given: [state(3, 'running')],
    when: event(1, {
      type: 'instances-launched',
      instances: [instance(NODE, { tags: { 'eks:cluster-name': 'other' } })],
      enis: [],
    }),
    status: 'applied',
    reason: /forgotten .*; skipped .*cluster other is not configured/,
    node: { state: undefined, facts: undefined, enis: [] },
  },
  {
    name: 'a state change older than the one the ledger holds is stale',
    given: [launch(1), state(5, 'stopped')],
    when: state(3, 'running'),
    status: 'stale',
    node: { state: 'stopped' },
  },
  {
    name: 'termination releases the ENIs attached to the node',
    given: [launch(1), assign(2, 'eni-pa', ['10.0.0.11'])],
    when: state(9, 'terminated'),
    status: 'applied',
    reason: /state terminated .*released eni-pa/,
    node: { state: 'terminated', enis: [], addresses: [] },
  },
  {
    name: 'a CNI ENI created before its attachment is filed under its node with its warm pool',
    given: [launch(1)],
    when: created(
      2,
      cniEni('eni-c', NODE, { primaryIp: '10.0.0.20', secondaryIps: ['10.0.0.21'] }),
    ),
    status: 'applied',
    node: {
      enis: ['eni-c vpc-cni detached', 'eni-pa node-primary attached'],
      addresses: [
        'eni-c 10.0.0.20 primary',
        'eni-c 10.0.0.21 secondary',
        'eni-pa 10.0.0.10 primary',
      ],
    },
  },
  {
    name: 'an attachment for an ENI nobody knows, not even EC2, is parked under the ENI',
    when: event(2, { type: 'eni-attached', eniId: 'eni-x', instanceId: NODE }),
    status: 'parked',
    reason: /unknown ENI eni-x.*parked until it is filed/,
  },
  {
    name: 'an attachment for an unknown ENI is read back from EC2',
    given: [launch(1)],
    ec2: { enis: [cniEni('eni-c', NODE, { attachment: { instanceId: NODE, deviceIndex: 1 } })] },
    when: event(2, { type: 'eni-attached', eniId: 'eni-c', instanceId: NODE, deviceIndex: 1 }),
    status: 'applied',
    node: { enis: ['eni-c vpc-cni attached', 'eni-pa node-primary attached'] },
  },
  {
    name: 'an ENI attached to a node already terminated is released with the termination',
    given: [launch(1), created(2, cniEni('eni-c')), state(5, 'terminated')],
    when: event(3, {
      type: 'eni-attached',
      eniId: 'eni-c',
      instanceId: NODE,
      attachmentId: 'att-c',
    }),
    status: 'applied',
    reason: /released \(.* already terminated\)/,
    node: { enis: [], addresses: [] },
  },
  {
    name: 'a detach of an attachment nobody knows is parked under the attachment',
    when: event(2, { type: 'eni-detached', attachmentId: 'att-x' }),
    status: 'parked',
    reason: /unknown attachment att-x.*parked until its attach is filed/,
  },
  {
    name: 'a detached CNI ENI stays filed under its node, detached',
    given: [
      launch(1),
      created(2, cniEni('eni-c')),
      event(3, { type: 'eni-attached', eniId: 'eni-c', instanceId: NODE, attachmentId: 'att-c' }),
    ],
    when: event(4, { type: 'eni-detached', attachmentId: 'att-c' }),
    status: 'applied',
    node: { enis: ['eni-c vpc-cni detached', 'eni-pa node-primary attached'] },
  },
  {
    name: 'deleting an ENI the ledger never saw keeps a tombstone',
    when: event(2, { type: 'eni-deleted', eniId: 'eni-ghost' }),
    status: 'applied',
    reason: /tombstone kept/,
  },
  {
    name: 'a late create of a deleted ENI is stale',
    given: [event(5, { type: 'eni-deleted', eniId: 'eni-c' })],
    when: created(2, cniEni('eni-c', NODE, { secondaryIps: ['10.0.0.21'] })),
    status: 'stale',
    node: { enis: [], addresses: [] },
  },
  {
    name: 'assigned addresses join the node',
    given: [launch(1)],
    when: assign(2, 'eni-pa', ['10.0.0.12', '10.0.0.11']),
    status: 'applied',
    reason: /assigned 2 eni-pa/,
    node: {
      addresses: [
        'eni-pa 10.0.0.10 primary',
        'eni-pa 10.0.0.11 secondary',
        'eni-pa 10.0.0.12 secondary',
      ],
    },
  },
  {
    name: 'an assignment to a deleted ENI is stale',
    given: [launch(1), event(3, { type: 'eni-deleted', eniId: 'eni-pa' })],
    when: assign(4, 'eni-pa', ['10.0.0.11']),
    status: 'stale',
    node: { addresses: [] },
  },
  {
    name: 'an assignment that names only some addresses, with EC2 unreadable, applies what it names',
    given: [launch(1)],
    when: assign(2, 'eni-pa', ['10.0.0.11'], false),
    status: 'applied',
    reason: /partial: record names only 1 addresses/,
    node: { addresses: ['eni-pa 10.0.0.10 primary', 'eni-pa 10.0.0.11 secondary'] },
  },
  {
    name: 'an incomplete assignment is completed from EC2 when it can be read back',
    given: [launch(1)],
    ec2: { enis: [{ ...primaryEni('eni-pa'), secondaryIps: ['10.0.0.11', '10.0.0.12'] }] },
    when: assign(2, 'eni-pa', [], false),
    status: 'applied',
    node: {
      addresses: [
        'eni-pa 10.0.0.10 primary',
        'eni-pa 10.0.0.11 secondary',
        'eni-pa 10.0.0.12 secondary',
      ],
    },
  },
  {
    name: 'a release for an unknown ENI is parked under the ENI',
    when: event(2, {
      type: 'addresses-unassigned',
      eniId: 'eni-x',
      ips: ['10.0.0.11'],
      prefixes: [],
    }),
    status: 'parked',
    reason: /unknown ENI eni-x.*parked until it is filed/,
  },
  {
    name: 'a release older than the assignment is stale and the address stays',
    given: [launch(1), assign(5, 'eni-pa', ['10.0.0.11'])],
    when: event(3, {
      type: 'addresses-unassigned',
      eniId: 'eni-pa',
      ips: ['10.0.0.11'],
      prefixes: [],
    }),
    status: 'stale',
    node: { addresses: ['eni-pa 10.0.0.10 primary', 'eni-pa 10.0.0.11 secondary'] },
  },
];

describe('applyEc2Event', () => {
  test.each(cases)('$name', async (c) => {
    // Prepare
    const { ledger, ec2, deps } = networkWorld();
    for (const i of c.ec2?.instances ?? []) ec2.instances.set(i.instanceId, i);
    for (const e of c.ec2?.enis ?? []) ec2.enis.set(e.eniId, e);
    for (const e of c.given ?? []) await applyEc2Event(e, deps);

    // Act
    const outcome = await applyEc2Event(c.when, deps);

    // Assess
    expect(outcome.status).toBe(c.status);
    if (c.reason) expect(outcome.reason).toMatch(c.reason);
    if (c.node) expect(await nodeLines(ledger)).toMatchObject(c.node);
  });

  test('an applied event names the nodes, subnets and addresses it touched', async () => {
    // Prepare
    const { deps } = networkWorld();
    await applyEc2Event(launch(1), deps);

    // Act
    const outcome = await applyEc2Event(assign(2, 'eni-pa', ['10.0.0.11']), deps);

    // Assess
    expect(outcome.affected).toEqual({
      nodes: [NODE],
      subnets: [SUBNET],
      addresses: [{ vpcId: VPC, ips: ['10.0.0.11'] }],
    });
  });

  test('a terminated node is named as having released its addresses', async () => {
    // Prepare
    const { deps } = networkWorld();
    await applyEc2Event(launch(1), deps);
    await applyEc2Event(launch(2, NODE_B, primaryEni('eni-pb', NODE_B, '10.0.0.30')), deps);

    // Act
    const outcome = await applyEc2Event(state(5, 'terminated'), deps);

    // Assess
    expect(outcome.affected?.releasedFrom).toEqual([NODE]);
    expect(await nodeLines(deps.ledger, NODE_B)).toMatchObject({
      enis: ['eni-pb node-primary attached'],
    });
  });

  test('an event that was parked is not marked processed, so a redelivery can still apply', async () => {
    // Prepare
    const { ec2, deps } = networkWorld();
    const attach = event(2, { type: 'eni-attached', eniId: 'eni-c', instanceId: NODE });
    const first = await applyEc2Event(attach, deps);
    ec2.enis.set('eni-c', cniEni('eni-c', NODE, { attachment: { instanceId: NODE } }));

    // Act
    const redelivered = await applyEc2Event(attach, deps);

    // Assess
    expect([first.status, redelivered.status]).toEqual(['parked', 'applied']);
  });
});
