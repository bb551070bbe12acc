import { describe, expect, test } from 'vitest';
import { applyEc2Event } from '#core/network/apply-ec2-event.ts';
import type { Ec2Event } from '#core/network/ec2-event.ts';
import type { EniFacts } from '#core/network/network.ts';
import {
  type ApplyCase,
  answerTo,
  auditTrailOf,
  cniEni,
  event,
  expectedTrail,
  instance,
  NODE,
  primaryEni,
  SUBNET,
  VPC,
  worldAfterEvents,
} from '#test/unit/use-cases/network-world.ts';

/**
 * AssignPrivateIpAddresses (addresses named, or only counted) and UnassignPrivateIpAddresses
 * on the memory ledger: which addresses the ledger counts afterwards, of which kind and for
 * which consumer, and the outcome, including when the record is late, names too little, or is
 * for an ENI the ledger does not have yet.
 */

const launch = (m: number) =>
  event(m, { type: 'instances-launched', instances: [instance()], enis: [primaryEni('eni-pa')] });
const created = (m: number, eni: EniFacts) => event(m, { type: 'eni-created', eni });
const assign = (
  m: number,
  eniId: string,
  ips: string[],
  prefixes: string[] = [],
  complete = true,
) => event(m, { type: 'addresses-assigned', eniId, ips, prefixes, complete });
const unassign = (m: number, eniId: string, ips: string[], prefixes: string[] = []) =>
  event(m, { type: 'addresses-unassigned', eniId, ips, prefixes });
/** An EKS control-plane ENI in the node's subnet (the cluster's private endpoint). */
const eksEni: EniFacts = {
  ...cniEni('eni-e'),
  description: 'Amazon EKS c1',
  tags: {},
  primaryIp: '10.0.0.40',
};

/** The subnet's assigned addresses: `<eni> <address> <kind> <consumer>`. */
async function subnetLines(ledger: Awaited<ReturnType<typeof worldAfterEvents>>['ledger']) {
  const view = await ledger.subnetView(SUBNET);
  return view.addresses.map((a) => `${a.eniId} ${a.address} ${a.kind} ${a.consumer}`);
}

interface Case extends ApplyCase {
  readonly subnet?: readonly string[];
}

const assignCases: Case[] = [
  {
    name: "addresses assigned to a node's primary ENI are pod addresses of the VPC CNI",
    given: [launch(1)],
    when: assign(2, 'eni-pa', ['10.0.0.12', '10.0.0.11']),
    outcome: {
      ...answerTo(assign(2, 'eni-pa', [])),
      status: 'applied',
      reason: expect.any(String),
      audit: [{ entity: 'eni-pa', action: 'assigned 2', detail: '10.0.0.12 10.0.0.11' }],
      affected: {
        nodes: [NODE],
        subnets: [SUBNET],
        addresses: [{ vpcId: VPC, ips: ['10.0.0.12', '10.0.0.11'] }],
      },
    },
    subnet: [
      'eni-pa 10.0.0.10 primary node-primary',
      'eni-pa 10.0.0.11 secondary vpc-cni',
      'eni-pa 10.0.0.12 secondary vpc-cni',
    ],
    reads: [],
  },
  {
    name: "addresses assigned to another kind of ENI are that kind's",
    given: [created(1, eksEni)],
    when: assign(2, 'eni-e', ['10.0.0.41']),
    outcome: expect.objectContaining({ status: 'applied' }),
    subnet: [
      'eni-e 10.0.0.40 primary eks-control-plane',
      'eni-e 10.0.0.41 secondary eks-control-plane',
    ],
  },
  {
    name: 'a prefix is assigned as a prefix, and names no address as touched',
    given: [launch(1)],
    when: assign(2, 'eni-pa', [], ['10.0.0.32/28']),
    outcome: {
      ...answerTo(assign(2, 'eni-pa', [])),
      status: 'applied',
      reason: expect.any(String),
      audit: [{ entity: 'eni-pa', action: 'assigned 1', detail: '10.0.0.32/28' }],
      affected: { nodes: [NODE], subnets: [SUBNET] },
    },
    subnet: ['eni-pa 10.0.0.10 primary node-primary', 'eni-pa 10.0.0.32/28 prefix vpc-cni'],
  },
  {
    name: 'of a record partly older than the ledger, only the newer addresses are audited',
    given: [launch(1), assign(5, 'eni-pa', ['10.0.0.11'])],
    when: assign(3, 'eni-pa', ['10.0.0.11', '10.0.0.12']),
    outcome: expect.objectContaining({
      status: 'applied',
      audit: [{ entity: 'eni-pa', action: 'assigned 1', detail: '10.0.0.12' }],
    }),
    subnet: [
      'eni-pa 10.0.0.10 primary node-primary',
      'eni-pa 10.0.0.11 secondary vpc-cni',
      'eni-pa 10.0.0.12 secondary vpc-cni',
    ],
  },
  {
    name: 'a record wholly older than the ledger is stale',
    given: [launch(1), assign(5, 'eni-pa', ['10.0.0.11'])],
    when: assign(3, 'eni-pa', ['10.0.0.11']),
    outcome: {
      ...answerTo(assign(3, 'eni-pa', [])),
      status: 'stale',
      reason: expect.any(String),
      audit: [],
    },
    subnet: ['eni-pa 10.0.0.10 primary node-primary', 'eni-pa 10.0.0.11 secondary vpc-cni'],
  },
  {
    name: 'an assign to a deleted ENI is stale, even one that names too little, and reads nothing',
    given: [launch(1), event(3, { type: 'eni-deleted', eniId: 'eni-pa' })],
    ec2: { enis: [{ ...primaryEni('eni-pa'), secondaryIps: ['10.0.0.11'] }] },
    when: assign(4, 'eni-pa', [], [], false),
    outcome: {
      ...answerTo(assign(4, 'eni-pa', [])),
      status: 'stale',
      reason: expect.any(String),
      audit: [],
    },
    subnet: [],
    reads: [],
  },
  {
    name: 'an assign for an ENI the ledger lacks files the ENI as EC2 describes it',
    given: [launch(1)],
    ec2: {
      enis: [
        cniEni('eni-c', NODE, { primaryIp: '10.0.0.20', secondaryIps: ['10.0.0.21', '10.0.0.22'] }),
      ],
    },
    when: assign(3, 'eni-c', ['10.0.0.22']),
    outcome: {
      ...answerTo(assign(3, 'eni-c', [])),
      status: 'applied',
      reason: expect.any(String),
      audit: [{ entity: 'eni-c', action: 'filed (vpc-cni, 3 addresses)' }],
      // Not attached: its node's capacity is unchanged.
      affected: {
        nodes: [],
        subnets: [SUBNET],
        addresses: [{ vpcId: VPC, ips: ['10.0.0.22'] }],
      },
    },
    subnet: [
      'eni-pa 10.0.0.10 primary node-primary',
      'eni-c 10.0.0.20 primary vpc-cni',
      'eni-c 10.0.0.21 secondary vpc-cni',
      'eni-c 10.0.0.22 secondary vpc-cni',
    ],
    reads: ['DescribeNetworkInterfaces eni-c'],
  },
  {
    name: 'an assign for an ENI neither the ledger nor EC2 knows is parked under the ENI',
    when: assign(3, 'eni-x', ['10.0.0.22']),
    outcome: {
      ...answerTo(assign(3, 'eni-x', [])),
      status: 'parked',
      reason: expect.stringMatching(/^unknown ENI eni-x: .*; parked until it is filed$/),
      parkedOn: 'eni:eni-x',
      audit: [],
    },
    reads: ['DescribeNetworkInterfaces eni-x'],
  },
  {
    name: 'a count-only assign is completed by reading the ENI back',
    given: [launch(1)],
    ec2: { enis: [{ ...primaryEni('eni-pa'), secondaryIps: ['10.0.0.11', '10.0.0.12'] }] },
    when: assign(2, 'eni-pa', [], [], false),
    outcome: {
      ...answerTo(assign(2, 'eni-pa', [])),
      status: 'applied',
      reason: expect.any(String),
      audit: [{ entity: 'eni-pa', action: 'filed (node-primary, 3 addresses)' }],
      affected: { nodes: [NODE], subnets: [SUBNET] },
    },
    subnet: [
      'eni-pa 10.0.0.10 primary node-primary',
      'eni-pa 10.0.0.11 secondary vpc-cni',
      'eni-pa 10.0.0.12 secondary vpc-cni',
    ],
    reads: ['DescribeNetworkInterfaces eni-pa'],
  },
  {
    name: 'a count-only assign that cannot be read back is ignored: it names nothing to apply',
    given: [launch(1)],
    when: assign(2, 'eni-pa', [], [], false),
    outcome: {
      ...answerTo(assign(2, 'eni-pa', [])),
      status: 'ignored',
      reason: expect.stringMatching(/names none of the addresses .* could not be read back/),
      audit: [],
    },
    subnet: ['eni-pa 10.0.0.10 primary node-primary'],
    reads: ['DescribeNetworkInterfaces eni-pa'],
  },
  {
    name: 'an assign naming only some addresses, unreadable, applies those it names and says so',
    given: [launch(1)],
    when: assign(2, 'eni-pa', ['10.0.0.11'], ['10.0.0.32/28'], false),
    outcome: {
      ...answerTo(assign(2, 'eni-pa', [])),
      status: 'applied',
      reason: expect.stringMatching(
        /; partial: record names only 2 addresses and ENI eni-pa could not be read back/,
      ),
      audit: [{ entity: 'eni-pa', action: 'assigned 2', detail: '10.0.0.11 10.0.0.32/28' }],
      affected: {
        nodes: [NODE],
        subnets: [SUBNET],
        addresses: [{ vpcId: VPC, ips: ['10.0.0.11'] }],
      },
    },
    subnet: [
      'eni-pa 10.0.0.10 primary node-primary',
      'eni-pa 10.0.0.11 secondary vpc-cni',
      'eni-pa 10.0.0.32/28 prefix vpc-cni',
    ],
  },
];

const unassignCases: Case[] = [
  {
    name: 'released addresses and prefixes no longer count',
    given: [launch(1), assign(2, 'eni-pa', ['10.0.0.11', '10.0.0.12'], ['10.0.0.32/28'])],
    when: unassign(3, 'eni-pa', ['10.0.0.11'], ['10.0.0.32/28']),
    outcome: {
      ...answerTo(unassign(3, 'eni-pa', [])),
      status: 'applied',
      reason: expect.any(String),
      audit: [{ entity: 'eni-pa', action: 'unassigned 2', detail: '10.0.0.11 10.0.0.32/28' }],
      affected: {
        onlyFreed: true,
        nodes: [NODE],
        subnets: [SUBNET],
        addresses: [{ vpcId: VPC, ips: ['10.0.0.11'] }],
      },
    },
    subnet: ['eni-pa 10.0.0.10 primary node-primary', 'eni-pa 10.0.0.12 secondary vpc-cni'],
  },
  {
    name: 'a release older than the assignment is stale and the address stays',
    given: [launch(1), assign(5, 'eni-pa', ['10.0.0.11'])],
    when: unassign(3, 'eni-pa', ['10.0.0.11']),
    outcome: {
      ...answerTo(unassign(3, 'eni-pa', [])),
      status: 'stale',
      reason: expect.any(String),
      audit: [],
    },
    subnet: ['eni-pa 10.0.0.10 primary node-primary', 'eni-pa 10.0.0.11 secondary vpc-cni'],
  },
  {
    name: 'a release that overtook its assignment wins when the assignment comes',
    given: [launch(1), unassign(5, 'eni-pa', ['10.0.0.11'])],
    when: assign(3, 'eni-pa', ['10.0.0.11']),
    outcome: expect.objectContaining({ status: 'stale' }),
    subnet: ['eni-pa 10.0.0.10 primary node-primary'],
  },
  {
    name: 'a release for an ENI the ledger lacks is parked under the ENI, without reading EC2',
    when: unassign(3, 'eni-x', ['10.0.0.11']),
    outcome: {
      ...answerTo(unassign(3, 'eni-x', [])),
      status: 'parked',
      reason: expect.stringMatching(
        /^unknown ENI eni-x: not in the ledger yet; parked until it is filed$/,
      ),
      parkedOn: 'eni:eni-x',
      audit: [],
    },
    reads: [],
  },
];

describe('applyEc2Event: addresses assigned and released', () => {
  test.each([...assignCases, ...unassignCases])('$name', async (c) => {
    // Prepare
    const { ledger, ec2, deps } = await worldAfterEvents(c.given ?? [], c.ec2);

    // Act
    const outcome = await applyEc2Event(c.when, deps);

    // Assess
    expect(outcome).toStrictEqual(c.outcome);
    if (c.subnet) expect(await subnetLines(ledger)).toStrictEqual(c.subnet);
    if (c.reads) expect(ec2.calls).toStrictEqual(c.reads);
    // A stale event leaves no audit line; an applied one, the lines its outcome names.
    expect(auditTrailOf(ledger, c.when.stamp.eventId)).toStrictEqual(expectedTrail(outcome));
  });
});

describe('applyEc2Event: a redelivery', () => {
  // A duplicate changes nothing, but names what its first delivery touched, so the reviews that
  // follow run again (a crash between applying and reviewing must not lose an alert).
  test.each<{ name: string; given: Ec2Event[]; again: Ec2Event; affected: unknown }>([
    {
      name: 'of an assign names its ENI, node, subnet and addresses',
      given: [launch(1), assign(2, 'eni-pa', ['10.0.0.11'])],
      again: assign(2, 'eni-pa', ['10.0.0.11']),
      affected: {
        nodes: [NODE],
        subnets: [SUBNET],
        addresses: [{ vpcId: VPC, ips: ['10.0.0.11'] }],
      },
    },
    {
      name: 'of a termination names the node as releasing',
      given: [
        launch(1),
        event(4, { type: 'instance-state', instanceId: NODE, state: 'terminated' }),
      ],
      again: event(4, { type: 'instance-state', instanceId: NODE, state: 'terminated' }),
      affected: { nodes: [NODE], subnets: [], releasedFrom: [NODE], onlyFreed: true },
    },
    {
      name: 'of a detach names only what the ledger still knows: nothing',
      given: [
        launch(1),
        created(2, cniEni('eni-c')),
        event(3, { type: 'eni-attached', eniId: 'eni-c', instanceId: NODE, attachmentId: 'att-c' }),
        event(4, { type: 'eni-detached', attachmentId: 'att-c' }),
      ],
      again: event(4, { type: 'eni-detached', attachmentId: 'att-c' }),
      affected: { nodes: [], subnets: [], onlyFreed: true },
    },
  ])('$name', async ({ given, again, affected }) => {
    // Prepare
    const { ledger, deps } = await worldAfterEvents(given);
    const before = await subnetLines(ledger);

    // Act
    const outcome = await applyEc2Event(again, deps);

    // Assess
    expect(outcome).toStrictEqual({
      ...answerTo(again),
      status: 'duplicate',
      reason: 'already applied',
      audit: [],
      affected,
    });
    expect(await subnetLines(ledger)).toStrictEqual(before);
  });
});

// Not reached, equivalent: assigned's second `if (eni.deleted) return stale` (an ENI found
// deleted returned stale at the top already; its five mutants are dead code's).
