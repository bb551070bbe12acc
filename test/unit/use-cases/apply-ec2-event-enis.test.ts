import { describe, expect, test } from 'vitest';
import { MemoryEc2 } from '#adapters/memory/memory-ec2.ts';
import { MemoryNetworkLedger } from '#adapters/memory/memory-network-ledger.ts';
import { applyEc2Event } from '#core/network/apply-ec2-event.ts';
import type { Ec2Change, Ec2Event } from '#core/network/ec2-event.ts';
import type { EniFacts } from '#core/network/network.ts';
import type { EniRecord } from '#core/network/network-ports.ts';
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
  SCOPE,
  SUBNET,
  SUBNET_FACTS,
  VPC,
  worldAfterEvents,
} from '#test/unit/use-cases/network-world.ts';

/**
 * ENI lifecycle on the memory ledger: CreateNetworkInterface, AttachNetworkInterface,
 * DetachNetworkInterface and DeleteNetworkInterface, in order, late, twice, for ENIs that are
 * not ours, and for attachments the ledger only learns about later. Each case gives the whole
 * outcome and the ENI as the ledger holds it afterwards.
 */

const launch = (m: number, node = NODE, ip = '10.0.0.10') =>
  event(m, {
    type: 'instances-launched',
    instances: [instance(node, { privateIp: ip })],
    enis: [primaryEni(`eni-p${node.slice(-1)}`, node, ip)],
  });
const created = (m: number, eni: EniFacts) => event(m, { type: 'eni-created', eni });
const attach = (m: number, eniId: string, node: string, extra: Partial<AttachChange> = {}) =>
  event(m, { type: 'eni-attached', eniId, instanceId: node, ...extra });
const detach = (m: number, attachmentId: string) =>
  event(m, { type: 'eni-detached', attachmentId });
const deleted = (m: number, eniId: string) => event(m, { type: 'eni-deleted', eniId });
const terminated = (m: number, node = NODE) =>
  event(m, { type: 'instance-state', instanceId: node, state: 'terminated' });

type AttachChange = Extract<Ec2Change, { type: 'eni-attached' }>;

/** eni-c as the ledger files a CNI ENI made for NODE, with these changes. */
const eniC = (over: Partial<EniRecord> = {}): EniRecord => ({
  eniId: 'eni-c',
  vpcId: VPC,
  subnetId: SUBNET,
  description: `aws-K8S-${NODE}`,
  kind: 'vpc-cni',
  cluster: CLUSTER,
  instanceId: NODE,
  deleted: false,
  ...over,
});

/** What the ledger holds for an ENI it only ever saw deleted. */
const tombstone = (eniId: string): EniRecord => ({
  eniId,
  vpcId: '',
  subnetId: '',
  description: '',
  kind: 'other',
  deleted: true,
});

interface Case extends ApplyCase {
  /** The ENI as the ledger holds it afterwards (eni-c unless `eniId` says otherwise). */
  readonly eni?: EniRecord | undefined;
  readonly eniId?: string;
}

const createCases: Case[] = [
  {
    name: 'a CNI ENI made for a known node is filed under it with its warm pool',
    given: [launch(1)],
    when: created(
      2,
      cniEni('eni-c', NODE, { primaryIp: '10.0.0.20', secondaryIps: ['10.0.0.21'] }),
    ),
    outcome: {
      ...answerTo(created(2, cniEni('eni-c'))),
      status: 'applied',
      reason: expect.any(String),
      audit: [{ entity: 'eni-c', action: 'filed (vpc-cni, 2 addresses)' }],
      // Not attached yet: its node's capacity is unchanged, its subnet's is not.
      affected: {
        nodes: [],
        subnets: [SUBNET],
        addresses: [{ vpcId: VPC, ips: ['10.0.0.21'] }],
      },
    },
    eni: eniC(),
    reads: [],
  },
  {
    name: 'an ENI with no addresses besides its primary names no addresses as touched',
    given: [launch(1)],
    when: created(2, cniEni('eni-c', NODE, { primaryIp: '10.0.0.20' })),
    outcome: {
      ...answerTo(created(2, cniEni('eni-c'))),
      status: 'applied',
      reason: expect.any(String),
      audit: [{ entity: 'eni-c', action: 'filed (vpc-cni, 1 addresses)' }],
      affected: { nodes: [], subnets: [SUBNET] },
    },
    eni: eniC(),
  },
  {
    name: "an ENI's untagged cluster is its node's, as the ledger holds it",
    given: [launch(1)],
    when: created(2, { ...cniEni('eni-c'), tags: {} }),
    outcome: expect.objectContaining({ status: 'applied' }),
    eni: eniC(),
  },
  {
    name: 'an ENI that names neither a cluster nor a known node is filed with no cluster',
    when: created(2, { ...cniEni('eni-c'), tags: {} }),
    outcome: expect.objectContaining({ status: 'applied' }),
    eni: (({ cluster: _, ...rest }) => rest)(eniC()),
  },
  {
    name: 'an ENI whose attachment names no instance is filed under the node its description names',
    given: [launch(1)],
    when: created(
      2,
      cniEni('eni-c', NODE, { attachment: { instanceId: '', attachmentId: 'att-c' } }),
    ),
    outcome: expect.objectContaining({ status: 'applied' }),
    eni: eniC(),
  },
  {
    name: 'the first ENI of a subnet reads the subnet from EC2 once',
    when: created(2, cniEni('eni-c')),
    outcome: expect.objectContaining({ status: 'applied' }),
    eni: eniC(),
    reads: [`DescribeSubnets ${SUBNET}`],
  },
  {
    name: 'an ENI of another VPC is not ours: ignored, nothing filed, nothing read',
    when: created(2, { ...cniEni('eni-c'), vpcId: 'vpc-other' }),
    outcome: {
      ...answerTo(created(2, cniEni('eni-c'))),
      status: 'ignored',
      reason: expect.stringMatching(/^ENI eni-c: VPC vpc-other is not configured/),
      audit: [],
    },
    eni: undefined,
    reads: [],
  },
  {
    name: 'an ENI tagged for another cluster is not ours',
    when: created(2, cniEni('eni-c', NODE, { tags: { 'cluster.k8s.amazonaws.com/name': 'x' } })),
    outcome: {
      ...answerTo(created(2, cniEni('eni-c'))),
      status: 'ignored',
      reason: expect.stringMatching(/^ENI eni-c: cluster x is not configured/),
      audit: [],
    },
    eni: undefined,
  },
  {
    name: 'a late create of an ENI deleted since is stale and brings nothing back',
    given: [deleted(5, 'eni-c')],
    when: created(2, cniEni('eni-c', NODE, { secondaryIps: ['10.0.0.21'] })),
    outcome: {
      ...answerTo(created(2, cniEni('eni-c'))),
      status: 'stale',
      reason: expect.any(String),
      audit: [],
    },
    eni: tombstone('eni-c'),
  },
];

const attachCases: Case[] = [
  {
    name: 'an attach files the attachment with every index it names',
    given: [launch(1), created(2, cniEni('eni-c'))],
    when: attach(3, 'eni-c', NODE_B, {
      attachmentId: 'att-c',
      deviceIndex: 1,
      networkCardIndex: 0,
    }),
    outcome: {
      ...answerTo(attach(3, 'eni-c', NODE)),
      status: 'applied',
      reason: expect.any(String),
      audit: [{ entity: 'eni-c', action: `attached to ${NODE_B}` }],
      // Its addresses move to the node; none come into or leave the subnet.
      affected: { nodes: [NODE_B], subnets: [] },
    },
    eni: eniC({
      instanceId: NODE_B,
      attachment: {
        instanceId: NODE_B,
        attachmentId: 'att-c',
        deviceIndex: 1,
        networkCardIndex: 0,
      },
    }),
    reads: [],
  },
  {
    name: 'an attach that names no indexes files none',
    given: [launch(1), created(2, cniEni('eni-c'))],
    when: attach(3, 'eni-c', NODE, { attachmentId: 'att-c' }),
    outcome: expect.objectContaining({ status: 'applied' }),
    eni: eniC({ attachment: { instanceId: NODE, attachmentId: 'att-c' } }),
  },
  {
    name: 'an attach older than the attachment held is stale',
    given: [
      launch(1),
      created(2, cniEni('eni-c')),
      attach(5, 'eni-c', NODE, { attachmentId: 'att-2' }),
    ],
    when: attach(3, 'eni-c', NODE_B, { attachmentId: 'att-1' }),
    outcome: {
      ...answerTo(attach(3, 'eni-c', NODE)),
      status: 'stale',
      reason: expect.any(String),
      audit: [],
    },
    eni: eniC({ attachment: { instanceId: NODE, attachmentId: 'att-2' } }),
  },
  {
    name: 'an attach of a deleted ENI is stale',
    given: [launch(1), created(2, cniEni('eni-c')), deleted(5, 'eni-c')],
    when: attach(3, 'eni-c', NODE, { attachmentId: 'att-c' }),
    outcome: {
      ...answerTo(attach(3, 'eni-c', NODE)),
      status: 'stale',
      reason: expect.any(String),
      audit: [],
    },
    eni: eniC({ deleted: true }),
  },
  {
    name: 'an attach to a node already terminated releases the ENI with the termination',
    given: [launch(1), created(2, cniEni('eni-c')), terminated(5)],
    when: attach(3, 'eni-c', NODE, { attachmentId: 'att-c' }),
    outcome: {
      ...answerTo(attach(3, 'eni-c', NODE)),
      status: 'applied',
      reason: expect.any(String),
      audit: [
        { entity: 'eni-c', action: `attached to ${NODE}` },
        { entity: 'eni-c', action: `released (${NODE} already terminated)` },
      ],
      affected: { nodes: [NODE], subnets: [SUBNET] },
    },
    eni: eniC({ deleted: true, attachment: { instanceId: NODE, attachmentId: 'att-c' } }),
  },
  {
    name: 'an attach to a node that stopped, not terminated, keeps the ENI',
    given: [
      launch(1),
      created(2, cniEni('eni-c')),
      event(5, { type: 'instance-state', instanceId: NODE, state: 'stopped' }),
    ],
    when: attach(3, 'eni-c', NODE, { attachmentId: 'att-c' }),
    outcome: expect.objectContaining({
      status: 'applied',
      audit: [{ entity: 'eni-c', action: `attached to ${NODE}` }],
    }),
    eni: eniC({ attachment: { instanceId: NODE, attachmentId: 'att-c' } }),
  },
  {
    name: 'an attach that lost to a newer one releases nothing, though its node has terminated since',
    given: [
      launch(1),
      launch(0, NODE_B, '10.0.0.30'),
      created(2, cniEni('eni-c')),
      attach(4, 'eni-c', NODE_B, { attachmentId: 'att-2' }),
      terminated(6),
    ],
    when: attach(3, 'eni-c', NODE, { attachmentId: 'att-1' }),
    outcome: expect.objectContaining({ status: 'stale', audit: [] }),
    eni: eniC({ instanceId: NODE_B, attachment: { instanceId: NODE_B, attachmentId: 'att-2' } }),
  },
  {
    name: 'an attach newer than the termination of its node is left for the sweep to judge',
    given: [launch(1), created(2, cniEni('eni-c')), terminated(5)],
    when: attach(7, 'eni-c', NODE, { attachmentId: 'att-c' }),
    outcome: expect.objectContaining({
      status: 'applied',
      audit: [{ entity: 'eni-c', action: `attached to ${NODE}` }],
    }),
    eni: eniC({ attachment: { instanceId: NODE, attachmentId: 'att-c' } }),
  },
  {
    name: 'an attach of an unknown ENI reads it back from EC2 and files it',
    given: [launch(1)],
    ec2: {
      enis: [cniEni('eni-c', NODE, { attachment: { instanceId: NODE, attachmentId: 'att-c' } })],
    },
    when: attach(3, 'eni-c', NODE, { attachmentId: 'att-c' }),
    outcome: {
      ...answerTo(attach(3, 'eni-c', NODE)),
      status: 'applied',
      reason: expect.any(String),
      audit: [{ entity: 'eni-c', action: 'filed (vpc-cni, 0 addresses)' }],
      affected: { nodes: [NODE], subnets: [SUBNET] },
    },
    eni: eniC({ attachment: { instanceId: NODE, attachmentId: 'att-c' } }),
    reads: ['DescribeNetworkInterfaces eni-c'],
  },
  {
    name: 'an attach of an unknown ENI that EC2 shows outside the scope is parked, not filed',
    ec2: { enis: [{ ...cniEni('eni-c'), vpcId: 'vpc-other' }] },
    when: attach(3, 'eni-c', NODE, { attachmentId: 'att-c' }),
    outcome: {
      ...answerTo(attach(3, 'eni-c', NODE)),
      status: 'parked',
      reason: expect.stringMatching(/VPC vpc-other is not configured.*; parked until it is filed/),
      parkedOn: 'eni:eni-c',
      audit: [],
    },
    eni: undefined,
  },
];

const detachDeleteCases: Case[] = [
  {
    name: 'a detach frees the ENI from its node; a CNI ENI stays filed under the node it was made for',
    given: [
      launch(1),
      created(2, cniEni('eni-c')),
      attach(3, 'eni-c', NODE_B, { attachmentId: 'att-c' }),
    ],
    when: detach(4, 'att-c'),
    outcome: {
      ...answerTo(detach(4, 'att-c')),
      status: 'applied',
      reason: expect.any(String),
      audit: [{ entity: 'eni-c', action: 'detached', detail: NODE_B }],
      affected: { nodes: [NODE_B], subnets: [], releasedFrom: [NODE_B], onlyFreed: true },
    },
    eni: eniC({ instanceId: NODE_B }),
  },
  {
    name: 'a detach older than the attachment held is stale and keeps it',
    given: [
      launch(1),
      created(2, cniEni('eni-c')),
      attach(5, 'eni-c', NODE, { attachmentId: 'att-c' }),
    ],
    when: {
      ...detach(4, 'att-c'),
      change: { type: 'eni-detached', attachmentId: 'att-c', eniId: 'eni-c' },
    },
    outcome: {
      ...answerTo(detach(4, 'att-c')),
      status: 'stale',
      reason: expect.any(String),
      audit: [],
    },
    eni: eniC({ attachment: { instanceId: NODE, attachmentId: 'att-c' } }),
  },
  {
    name: 'a delete tombstones a known ENI and names the node it was taken from',
    given: [launch(1), created(2, cniEni('eni-c', NODE, { secondaryIps: ['10.0.0.21'] }))],
    when: deleted(4, 'eni-c'),
    outcome: {
      ...answerTo(deleted(4, 'eni-c')),
      status: 'applied',
      reason: expect.stringMatching(/^deleted eni-c/),
      audit: [{ entity: 'eni-c', action: 'deleted' }],
      // Never attached: no node's capacity changes, though the node it was made for held its
      // addresses (targets registered there are reviewed).
      affected: { nodes: [], subnets: [SUBNET], releasedFrom: [NODE], onlyFreed: true },
    },
    eni: eniC({ deleted: true }),
  },
  {
    name: 'a delete of an ENI the ledger never saw keeps a tombstone and names nothing touched',
    when: deleted(4, 'eni-c'),
    outcome: {
      ...answerTo(deleted(4, 'eni-c')),
      status: 'applied',
      reason: expect.stringMatching(/ENI eni-c was not in the ledger; tombstone kept/),
      audit: [{ entity: 'eni-c', action: 'deleted' }],
      affected: { nodes: [], subnets: [], onlyFreed: true },
    },
  },
  {
    name: 'a second delete of a deleted ENI changes nothing',
    given: [launch(1), created(2, cniEni('eni-c')), deleted(4, 'eni-c')],
    when: deleted(6, 'eni-c'),
    outcome: {
      ...answerTo(deleted(6, 'eni-c')),
      status: 'applied',
      reason: 'no change',
      audit: [],
      affected: { nodes: [], subnets: [SUBNET], releasedFrom: [NODE], onlyFreed: true },
    },
    eni: eniC({ deleted: true }),
  },
];

describe('applyEc2Event: ENIs created, attached, detached and deleted', () => {
  test.each([...createCases, ...attachCases, ...detachDeleteCases])('$name', async (c) => {
    // Prepare
    const { ledger, ec2, deps } = await worldAfterEvents(c.given ?? [], c.ec2);

    // Act
    const outcome = await applyEc2Event(c.when, deps);

    // Assess
    expect(outcome).toStrictEqual(c.outcome);
    if ('eni' in c) expect(await ledger.getEni(c.eniId ?? 'eni-c')).toStrictEqual(c.eni);
    if (c.reads) expect(ec2.calls).toStrictEqual(c.reads);
    // A stale event leaves no audit line; an applied one, the lines its outcome names.
    expect(auditTrailOf(ledger, c.when.stamp.eventId)).toStrictEqual(expectedTrail(outcome));
  });
});

describe('applyEc2Event: attachments that ended out of order', () => {
  // CloudTrail delivers minutes late and in any order: a detach can come after the attach that
  // replaced its attachment, or before its own attach. Each story ends as the in-order one would.
  const story = [launch(1), launch(0, NODE_B, '10.0.0.30'), created(2, cniEni('eni-c'))];
  const attachedTo = (node: string, attachmentId: string) =>
    eniC({ instanceId: node, attachment: { instanceId: node, attachmentId } });

  test.each<{ name: string; given: Ec2Event[]; when: Ec2Event; status: string; eni: EniRecord }>([
    {
      name: 'the late detach of an attachment an attach replaced finds the ENI and loses',
      given: [
        ...story,
        attach(3, 'eni-c', NODE, { attachmentId: 'att-1' }),
        attach(5, 'eni-c', NODE_B, { attachmentId: 'att-2' }),
      ],
      when: detach(4, 'att-1'),
      status: 'stale',
      eni: attachedTo(NODE_B, 'att-2'),
    },
    {
      name: 'the late detach of an attach that lost to a newer one finds the ENI and loses',
      given: [
        ...story,
        attach(5, 'eni-c', NODE_B, { attachmentId: 'att-2' }),
        attach(3, 'eni-c', NODE, { attachmentId: 'att-1' }),
      ],
      when: detach(4, 'att-1'),
      status: 'stale',
      eni: attachedTo(NODE_B, 'att-2'),
    },
    {
      name: 'a newer detach of a replaced attachment ends the current one too: its late detach loses',
      given: [
        ...story,
        attach(3, 'eni-c', NODE, { attachmentId: 'att-1' }),
        attach(4, 'eni-c', NODE_B, { attachmentId: 'att-2' }),
        detach(6, 'att-1'),
      ],
      when: detach(5, 'att-2'),
      status: 'stale',
      eni: eniC({ instanceId: NODE_B }),
    },
    {
      name: 'a detach of an attachment of a deleted ENI finds the tombstone and loses',
      given: [...story, attach(3, 'eni-c', NODE, { attachmentId: 'att-c' }), deleted(6, 'eni-c')],
      when: detach(4, 'att-c'),
      status: 'stale',
      eni: eniC({ deleted: true, attachment: { instanceId: NODE, attachmentId: 'att-c' } }),
    },
  ])('$name', async ({ given, when, status, eni }) => {
    // Prepare
    const { ledger, deps } = await worldAfterEvents(given);

    // Act
    const outcome = await applyEc2Event(when, deps);

    // Assess
    expect(outcome.status).toBe(status);
    expect(await ledger.getEni('eni-c')).toStrictEqual(eni);
    expect(await ledger.listParked()).toStrictEqual([]);
  });

  test('a detach that came before its attach waits, and applies when the attach files the attachment', async () => {
    // Prepare
    const { ledger, deps } = await worldAfterEvents(story);
    expect((await applyEc2Event(detach(4, 'att-c'), deps)).status).toBe('parked');

    // Act
    const outcome = await applyEc2Event(
      attach(3, 'eni-c', NODE_B, { attachmentId: 'att-c' }),
      deps,
    );

    // Assess
    expect(outcome).toStrictEqual({
      ...answerTo(attach(3, 'eni-c', NODE)),
      status: 'applied',
      reason: expect.stringMatching(/; 1 parked applied$/),
      audit: [{ entity: 'eni-c', action: `attached to ${NODE_B}` }],
      affected: { nodes: [NODE_B], subnets: [], releasedFrom: [NODE_B] },
      later: [expect.objectContaining({ eventId: 'ev-4', status: 'applied' })],
    });
    expect(await ledger.getEni('eni-c')).toStrictEqual(eniC({ instanceId: NODE_B }));
    expect(await ledger.listParked()).toStrictEqual([]);
  });

  test('a detach waiting for an attach that lost to a newer one is applied, and loses too', async () => {
    // Prepare
    const { ledger, deps } = await worldAfterEvents([
      ...story,
      attach(5, 'eni-c', NODE_B, { attachmentId: 'att-2' }),
    ]);
    expect((await applyEc2Event(detach(4, 'att-1'), deps)).status).toBe('parked');

    // Act
    const outcome = await applyEc2Event(attach(3, 'eni-c', NODE, { attachmentId: 'att-1' }), deps);

    // Assess
    expect(outcome).toStrictEqual({
      ...answerTo(attach(3, 'eni-c', NODE)),
      status: 'stale',
      reason: expect.any(String),
      audit: [],
      later: [expect.objectContaining({ eventId: 'ev-4', status: 'stale' })],
    });
    expect(await ledger.getEni('eni-c')).toStrictEqual(attachedTo(NODE_B, 'att-2'));
    expect(await ledger.listParked()).toStrictEqual([]);
  });

  test('an attach of a deleted ENI ends the detach waiting for it, audited under the attachment', async () => {
    // Prepare
    const { ledger, deps } = await worldAfterEvents([...story, deleted(6, 'eni-c')]);
    expect((await applyEc2Event(detach(4, 'att-c'), deps)).status).toBe('parked');

    // Act
    const outcome = await applyEc2Event(attach(3, 'eni-c', NODE, { attachmentId: 'att-c' }), deps);
    const redelivered = await applyEc2Event(
      { ...detach(4, 'att-c'), stamp: at(4, 'ev-4-again') },
      deps,
    );

    // Assess
    expect(outcome).toStrictEqual({
      ...answerTo(attach(3, 'eni-c', NODE)),
      status: 'stale',
      reason: expect.any(String),
      audit: [],
      discarded: 1,
    });
    expect(
      ledger.events.auditOf('attachment:att-c').map((a) => [a.eventId, a.action]),
    ).toStrictEqual([['ev-3', 'discarded parked eni-detached']]);
    expect(redelivered.status).toBe('stale');
    expect(await ledger.listParked()).toStrictEqual([]);
  });

  test('an attach read back from EC2 already attached anew lets its waiting detach through; the newer attach wins', async () => {
    // Prepare: EC2 shows eni-c attached to NODE_B (att-2) by the time the attach to NODE (att-1)
    // is applied; the detach of att-1 came first, the attach of att-2 comes last.
    const { ledger, deps } = await worldAfterEvents([launch(1), launch(0, NODE_B, '10.0.0.30')], {
      enis: [cniEni('eni-c', NODE, { attachment: { instanceId: NODE_B, attachmentId: 'att-2' } })],
    });
    expect((await applyEc2Event(detach(4, 'att-1'), deps)).status).toBe('parked');

    // Act
    const outcome = await applyEc2Event(attach(3, 'eni-c', NODE, { attachmentId: 'att-1' }), deps);
    await applyEc2Event(attach(5, 'eni-c', NODE_B, { attachmentId: 'att-2' }), deps);

    // Assess
    expect(outcome.status).toBe('applied');
    expect(outcome.later?.map((o) => [o.eventId, o.status])).toStrictEqual([['ev-4', 'applied']]);
    expect(await ledger.listParked()).toStrictEqual([]);
    expect(await ledger.getEni('eni-c')).toStrictEqual(attachedTo(NODE_B, 'att-2'));
  });
});

describe('applyEc2Event: the subnet of a new ENI', () => {
  // Subnet usage needs the subnet's CIDR: the first ENI seen in a subnet files the subnet, from
  // EC2 when it answers, else from what the ENI says of it (no CIDR yet; the sweep adds it).
  test.each<{ name: string; eni: EniFacts; subnet: unknown }>([
    {
      name: 'as EC2 describes it',
      eni: cniEni('eni-c'),
      subnet: SUBNET_FACTS,
    },
    {
      name: "from the ENI's VPC and zone when EC2 does not know it",
      eni: { ...cniEni('eni-c'), subnetId: 'subnet-z', availabilityZone: 'az-z' },
      subnet: { subnetId: 'subnet-z', vpcId: VPC, reservations: [], availabilityZone: 'az-z' },
    },
    {
      name: 'from the ENI with no zone when the ENI names none',
      eni: { ...cniEni('eni-c'), subnetId: 'subnet-z' },
      subnet: { subnetId: 'subnet-z', vpcId: VPC, reservations: [] },
    },
  ])('is filed $name', async ({ eni, subnet }) => {
    // Prepare
    const { ledger, ec2, deps } = await worldAfterEvents([]);

    // Act
    await applyEc2Event(created(2, eni), deps);
    await applyEc2Event(created(3, { ...eni, eniId: 'eni-d' }), deps);

    // Assess
    expect(await ledger.getSubnet(eni.subnetId)).toStrictEqual(subnet);
    expect(ec2.calls).toStrictEqual([`DescribeSubnets ${eni.subnetId}`]);
  });

  test("an ENI's addresses count in its subnet at once", async () => {
    // Prepare
    const { ledger, deps } = await worldAfterEvents([]);

    // Act
    await applyEc2Event(
      created(2, cniEni('eni-c', NODE, { primaryIp: '10.0.0.20', secondaryIps: ['10.0.0.21'] })),
      deps,
    );

    // Assess
    const view = await ledger.subnetView(SUBNET);
    expect(view.addresses.map((a) => [a.address, a.kind, a.consumer])).toStrictEqual([
      ['10.0.0.20', 'primary', 'vpc-cni'],
      ['10.0.0.21', 'secondary', 'vpc-cni'],
    ]);
    expect((await nodeLines(ledger)).enis).toStrictEqual(['eni-c vpc-cni detached']);
  });
});

describe('applyEc2Event: what else an ENI event settles', () => {
  test('a delete discards the changes waiting for the ENI, and audits each with the delete', async () => {
    // Prepare: an attach waits for eni-c, and a detach for that attach
    const { ledger, deps } = await worldAfterEvents([launch(1)]);
    for (const e of [attach(3, 'eni-c', NODE, { attachmentId: 'att-c' }), detach(4, 'att-c')]) {
      expect((await applyEc2Event(e, deps)).status).toBe('parked');
    }

    // Act
    const outcome = await applyEc2Event(deleted(5, 'eni-c'), deps);

    // Assess
    expect(outcome).toStrictEqual({
      ...answerTo(deleted(5, 'eni-c')),
      status: 'applied',
      reason: expect.any(String),
      audit: [
        { entity: 'eni-c', action: 'deleted' },
        {
          entity: 'eni:eni-c',
          action: 'discarded parked eni-attached',
          detail: expect.any(String),
        },
        {
          entity: 'attachment:att-c',
          action: 'discarded parked eni-detached',
          detail: expect.any(String),
        },
      ],
      affected: { nodes: [], subnets: [], onlyFreed: true },
      discarded: 2,
    });
    expect(await ledger.listParked()).toStrictEqual([]);
    expect(ledger.events.auditOf('eni:eni-c').map((a) => a.eventId)).toStrictEqual(['ev-5']);
  });

  test('a detach that overtook RunInstances applies once the launch files its attachment', async () => {
    // Prepare: the node's eth0 (attach-eni-pa) is detached before its launch record arrives
    const { ledger, deps } = await worldAfterEvents([]);
    expect((await applyEc2Event(detach(4, 'attach-eni-pa'), deps)).status).toBe('parked');

    // Act
    const outcome = await applyEc2Event(launch(1), deps);

    // Assess
    expect(outcome.later?.map((o) => [o.eventId, o.status])).toStrictEqual([['ev-4', 'applied']]);
    expect(outcome.affected?.releasedFrom).toStrictEqual([NODE]);
    expect(await ledger.listParked()).toStrictEqual([]);
    expect((await nodeLines(ledger)).enis).toStrictEqual([]);
  });

  test('a known ENI outside the scope (filed before it was narrowed) ignores its attach', async () => {
    // Prepare: filed while every cluster was in scope
    const { ledger, deps } = await worldAfterEvents([]);
    const foreign = cniEni('eni-c', NODE, { tags: { 'cluster.k8s.amazonaws.com/name': 'x' } });
    await applyEc2Event(created(2, foreign), {
      ...deps,
      scope: { clusters: 'all', vpcIds: 'all' },
    });

    // Act
    const outcome = await applyEc2Event(attach(3, 'eni-c', NODE, { attachmentId: 'att-c' }), deps);

    // Assess
    expect(outcome).toStrictEqual({
      ...answerTo(attach(3, 'eni-c', NODE)),
      status: 'ignored',
      reason: expect.stringMatching(/^cluster x is not configured/),
      audit: [],
    });
    expect((await ledger.getEni('eni-c'))?.attachment).toBeUndefined();
  });

  test('a redelivered attach names the node it named and the node the ENI is on now', async () => {
    // Prepare
    const { deps } = await worldAfterEvents([
      launch(1),
      launch(0, NODE_B, '10.0.0.30'),
      created(2, cniEni('eni-c')),
      attach(3, 'eni-c', NODE_B, { attachmentId: 'att-1' }),
      attach(5, 'eni-c', NODE, { attachmentId: 'att-2' }),
    ]);

    // Act
    const outcome = await applyEc2Event(
      attach(3, 'eni-c', NODE_B, { attachmentId: 'att-1' }),
      deps,
    );

    // Assess: in id order, whichever was named first
    expect([outcome.status, outcome.affected]).toStrictEqual([
      'duplicate',
      { nodes: [NODE, NODE_B], subnets: [] },
    ]);
  });
});

describe('applyEc2Event: ENIs in a configured VPC that are not the VPC CNI’s', () => {
  // Subnet usage counts every ENI in the subnet: a load balancer's, or one of an instance that
  // is no EKS node, is filed too, as what it is, and its addresses count for that consumer.
  test.each<{ name: string; eni: EniFacts; record: EniRecord; consumer: string }>([
    {
      name: "a network load balancer's, under no node",
      eni: {
        ...cniEni('eni-l'),
        description: 'ELB net/web/0123456789abcdef',
        interfaceType: 'network_load_balancer',
        tags: {},
        primaryIp: '10.0.0.50',
      },
      record: {
        eniId: 'eni-l',
        vpcId: VPC,
        subnetId: SUBNET,
        description: 'ELB net/web/0123456789abcdef',
        interfaceType: 'network_load_balancer',
        kind: 'load-balancer',
        deleted: false,
      },
      consumer: 'load-balancer',
    },
    {
      name: 'an instance’s that is no EKS node, as other',
      eni: {
        ...cniEni('eni-o'),
        description: 'bastion',
        tags: {},
        primaryIp: '10.0.0.50',
        attachment: { instanceId: 'i-0000000000000bad1', attachmentId: 'att-o', deviceIndex: 1 },
      },
      record: {
        eniId: 'eni-o',
        vpcId: VPC,
        subnetId: SUBNET,
        description: 'bastion',
        kind: 'other',
        instanceId: 'i-0000000000000bad1',
        attachment: { instanceId: 'i-0000000000000bad1', attachmentId: 'att-o', deviceIndex: 1 },
        deleted: false,
      },
      consumer: 'other',
    },
  ])('$name', async ({ eni, record, consumer }) => {
    // Prepare
    const { ledger, deps } = await worldAfterEvents([]);

    // Act
    const outcome = await applyEc2Event(created(2, eni), deps);

    // Assess
    expect(outcome.status).toBe('applied');
    expect(await ledger.getEni(eni.eniId)).toStrictEqual(record);
    const view = await ledger.subnetView(SUBNET);
    expect(view.addresses.map((a) => [a.address, a.consumer])).toStrictEqual([
      ['10.0.0.50', consumer],
    ]);
  });
});

describe('applyEc2Event: a detach that waited, when the attachment lookup lags', () => {
  /**
   * The memory ledger as DynamoDB behaves: its lookup by attachment id is a secondary index,
   * read eventually consistently, so just after an attach it may not find the ENI; a past
   * attachment is an item of its own, read consistently.
   */
  class LaggingLookupLedger extends MemoryNetworkLedger {
    readonly #past = new Map<string, string>();
    override async recordPastAttachment(attachmentId: string, eniId: string) {
      this.#past.set(attachmentId, eniId);
      await super.recordPastAttachment(attachmentId, eniId);
    }
    override async findEniByAttachment(attachmentId: string) {
      const eniId = this.#past.get(attachmentId);
      return eniId ? this.getEni(eniId) : undefined;
    }
  }

  test('learns its ENI from the attach that filed its attachment, and applies', async () => {
    // Prepare
    const ledger = new LaggingLookupLedger();
    const ec2 = new MemoryEc2();
    ec2.subnets.set(SUBNET, SUBNET_FACTS);
    const deps = { ledger, ec2, scope: SCOPE };
    for (const e of [launch(1), created(2, cniEni('eni-c'))]) await applyEc2Event(e, deps);
    expect((await applyEc2Event(detach(4, 'att-c'), deps)).status).toBe('parked');

    // Act
    const outcome = await applyEc2Event(attach(3, 'eni-c', NODE, { attachmentId: 'att-c' }), deps);

    // Assess
    expect(outcome.later?.map((o) => [o.eventId, o.status])).toStrictEqual([['ev-4', 'applied']]);
    expect(await ledger.getEni('eni-c')).toStrictEqual(eniC());
    expect(await ledger.listParked()).toStrictEqual([]);
  });
});

describe('applyEc2Event: an attach read back from EC2 already attached anew', () => {
  test('lets through what waited for the ENI as well as for its own attachment', async () => {
    // Prepare: an assign for eni-c came when EC2 could not show eni-c yet
    const { ledger, ec2, deps } = await worldAfterEvents([
      launch(1),
      launch(0, NODE_B, '10.0.0.30'),
    ]);
    const assign = event(4, {
      type: 'addresses-assigned',
      eniId: 'eni-c',
      ips: ['10.0.0.21'],
      prefixes: [],
      complete: true,
    });
    expect((await applyEc2Event(assign, deps)).status).toBe('parked');
    ec2.enis.set(
      'eni-c',
      cniEni('eni-c', NODE, { attachment: { instanceId: NODE_B, attachmentId: 'att-2' } }),
    );

    // Act
    const outcome = await applyEc2Event(attach(3, 'eni-c', NODE, { attachmentId: 'att-1' }), deps);

    // Assess
    expect(outcome.later?.map((o) => [o.eventId, o.status])).toStrictEqual([['ev-4', 'applied']]);
    expect(await ledger.listParked()).toStrictEqual([]);
    expect((await nodeLines(ledger, NODE_B)).addresses).toStrictEqual([
      'eni-c 10.0.0.21 secondary',
      'eni-pb 10.0.0.30 primary',
    ]);
  });
});

// Equivalent survivors in applyEc2Event around ENIs:
// - recording a past attachment more often than needed: the detach's
//   `w === 'applied' && current && current !== change.attachmentId`, the attach's
//   `ended && ended !== ...`, and the deleted ENI's `if (change.attachmentId)` made true or
//   loosened. The extra record names an attachment whose own detach has been applied already
//   (AWS detaches an attachment once), or none at all, so no event can tell it is there.
// - releaseIfNodeGone's `compareStamps(...) > 0` made `>= 0`: two stamps compare equal only
//   for the same event, and a termination and an ENI event are never the same event.
// - `if ('park' in step) return step;` after a read-back: a read-back files or ignores, it
//   never parks.
// - the attach's `deviceIndex` / `networkCardIndex` always spread: an absent index spread as
//   undefined is not stored (the ledgers drop absent values), so the record is the same.
// - `attachment && change.attachmentId` made true or `||`: both are set together, or neither.
// - readBackAttached's early returns (no attachment id; the ENI read back with the event's
//   own attachment) made false, and its `attached`: it records the attachment as past first,
//   which a waiting detach finds by a consistent read, so the ENI it is handed adds nothing.
// - affectedBy: `eni-detached` and `eni-deleted` cases falling through to the next (a detach
//   names its ENI through `before`, which already adds its node and subnet); `eni?.` without
//   `?.` (an applied or duplicate ENI event always leaves the ENI, a tombstone at least);
//   the sort of `releasedFrom` (it holds one node at most) and the filter of `addresses`
//   (one ENI's list at most, and only when it names any); `eniIds` starting as
//   `['Stryker was here']` (no such ENI).
