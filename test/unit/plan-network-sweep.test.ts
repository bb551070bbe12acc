import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Scope } from '#core/events/scope.ts';
import type { EniFacts, InstanceFacts } from '#core/network/network.ts';
import type { AddressRecord, EniRecord, NodeRecord } from '#core/network/network-ports.ts';
import {
  type Ec2State,
  type LedgerState,
  planNetworkSweep,
  type Repair,
  touchedByRepairs,
} from '#core/network/plan-network-sweep.ts';

const VPC = 'vpc-0a1b2c3d4e5f60718';
const SCOPE: Scope = { clusters: ['myeks'], vpcIds: [VPC] };
const STAMP = { eventId: 'e', eventTime: '2026-11-21T10:00:00.000Z' };

const instance = (id: string, state: InstanceFacts['state'] = 'running'): InstanceFacts => ({
  instanceId: id,
  instanceType: 't3.medium',
  vpcId: VPC,
  state,
  tags: { 'eks:cluster-name': 'myeks' },
  cluster: 'myeks',
});
const eni = (
  id: string,
  node: string | undefined,
  secondaries: string[],
  deviceIndex = 1,
): EniFacts => ({
  eniId: id,
  vpcId: VPC,
  subnetId: 'subnet-a',
  description: node ? `aws-K8S-${node}` : 'ELB net/x',
  tags: {},
  primaryIp: `10.0.${id.length}.1`,
  secondaryIps: secondaries,
  prefixes: [],
  ...(node ? { attachment: { instanceId: node, deviceIndex } } : {}),
});
const nodeRecord = (id: string, state: InstanceFacts['state'] = 'running'): NodeRecord => ({
  instanceId: id,
  instanceType: 't3.medium',
  cluster: 'myeks',
  state,
});
const eniRecord = (e: EniFacts): EniRecord => ({
  eniId: e.eniId,
  vpcId: e.vpcId,
  subnetId: e.subnetId,
  description: e.description,
  kind: 'vpc-cni',
  deleted: false,
  ...(e.attachment ? { attachment: e.attachment, instanceId: e.attachment.instanceId } : {}),
});
const addressRecords = (e: EniFacts): AddressRecord[] =>
  [e.primaryIp ?? '', ...e.secondaryIps].map((address, i) => ({
    address,
    kind: i === 0 ? 'primary' : 'secondary',
    consumer: 'vpc-cni',
    eniId: e.eniId,
    subnetId: e.subnetId,
    vpcId: e.vpcId,
    stamp: STAMP,
  }));
const inSync = (instances: InstanceFacts[], enis: EniFacts[]): [LedgerState, Ec2State] => [
  {
    nodes: instances.map((i) => nodeRecord(i.instanceId, i.state)),
    enis: enis.map(eniRecord),
    addresses: enis.flatMap(addressRecords),
    subnets: [{ subnetId: 'subnet-a', vpcId: VPC, cidr: '10.0.0.0/16', reservations: [] }],
  },
  {
    instances,
    enis,
    subnets: [{ subnetId: 'subnet-a', vpcId: VPC, cidr: '10.0.0.0/16', reservations: [] }],
  },
];

describe('planNetworkSweep', () => {
  test('a ledger that agrees with EC2 needs no repair', () => {
    const [ledger, ec2] = inSync([instance('i-1')], [eni('eni-1', 'i-1', ['10.0.0.5'])]);
    expect(planNetworkSweep(ledger, ec2, SCOPE)).toEqual([]);
  });

  test.each<[string, (l: LedgerState, e: Ec2State) => [LedgerState, Ec2State], string[]]>([
    ['a missed RunInstances', (l, e) => [{ ...l, nodes: [] }, e], ['put-node', 'node-state']],
    [
      'a missed state change',
      (l, e) => [{ ...l, nodes: [nodeRecord('i-1', 'pending')] }, e],
      ['node-state'],
    ],
    ['a vanished instance', (l, e) => [l, { ...e, instances: [] }], ['node-state']],
    [
      'a missed CreateNetworkInterface',
      (l, e) => [{ ...l, enis: [], addresses: [] }, e],
      ['put-eni'],
    ],
    ['a missed DeleteNetworkInterface', (l, e) => [l, { ...e, enis: [] }], ['delete-eni']],
    [
      'a missed AssignPrivateIpAddresses',
      (l, e) => [{ ...l, addresses: l.addresses.filter((a) => a.address !== '10.0.0.5') }, e],
      ['assign'],
    ],
    [
      'a missed UnassignPrivateIpAddresses',
      (l, e) => [l, { ...e, enis: [eni('eni-1', 'i-1', [])] }],
      ['unassign'],
    ],
    [
      'a missed DetachNetworkInterface',
      (l, e) => [
        l,
        { ...e, enis: [{ ...eni('eni-1', 'i-1', ['10.0.0.5']), attachment: undefined }] },
      ],
      ['attachment'],
    ],
    ['a subnet never seen', (l, e) => [{ ...l, subnets: [] }, e], ['put-subnet']],
    [
      'a node filed from its state alone, RunInstances still on its way',
      (l, e) => [{ ...l, nodes: [{ instanceId: 'i-1', state: 'running' }] }, e],
      ['put-node'],
    ],
    [
      'a node filed from its state alone that EC2 shows in another cluster',
      (l, e) => [
        { ...l, nodes: [...l.nodes, { instanceId: 'i-9', state: 'running' }] },
        {
          ...e,
          instances: [
            ...e.instances,
            { ...instance('i-9'), tags: { 'eks:cluster-name': 'other' }, cluster: 'other' },
          ],
        },
      ],
      ['forget-node'],
    ],
    [
      'a node filed from its state alone that EC2 no longer lists',
      (l, e) => [{ ...l, nodes: [...l.nodes, { instanceId: 'i-9', state: 'running' }] }, e],
      ['node-state'],
    ],
  ])('%s', (_, drift, expected) => {
    const [ledger, ec2] = drift(...inSync([instance('i-1')], [eni('eni-1', 'i-1', ['10.0.0.5'])]));
    expect(planNetworkSweep(ledger, ec2, SCOPE).map((r) => r.type)).toEqual(expected);
  });

  test('resources outside the configured clusters and VPCs are left alone', () => {
    const other = { ...instance('i-9'), tags: { 'eks:cluster-name': 'other' }, cluster: 'other' };
    const foreign = { ...eni('eni-9', undefined, []), vpcId: 'vpc-0fffffffffffffff0' };
    const [ledger, ec2] = inSync([instance('i-1')], [eni('eni-1', 'i-1', [])]);
    const plan = planNetworkSweep(
      ledger,
      { ...ec2, instances: [...ec2.instances, other], enis: [...ec2.enis, foreign] },
      SCOPE,
    );
    expect(plan).toEqual([]);
  });

  test('an ENI whose EC2 listing names an address twice is in sync: nothing to release', () => {
    const [ledger] = inSync([instance('i-1')], [eni('eni-1', 'i-1', ['10.0.0.5'])]);
    const [, ec2] = inSync([instance('i-1')], [eni('eni-1', 'i-1', ['10.0.0.5', '10.0.0.5'])]);
    expect(planNetworkSweep(ledger, ec2, SCOPE)).toStrictEqual([]);
  });
  // Equivalent: the shortcut `have.size !== addresses.length - missing.length` made true (the
  // extra addresses it spares computing are none, and none are planned).

  test('property: the plan touches exactly the addresses that differ', () => {
    const ips = fc.uniqueArray(
      fc.integer({ min: 2, max: 250 }).map((n) => `10.0.0.${n}`),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(ips, ips, (inLedger, inEc2) => {
        const [ledger] = inSync([instance('i-1')], [eni('eni-1', 'i-1', inLedger)]);
        const [, ec2] = inSync([instance('i-1')], [eni('eni-1', 'i-1', inEc2)]);
        const plan = planNetworkSweep(ledger, ec2, SCOPE);
        const assigned = plan.flatMap((r) =>
          r.type === 'assign' ? r.addresses.map((a) => a.address) : [],
        );
        const unassigned = plan.flatMap((r) => (r.type === 'unassign' ? r.addresses : []));
        expect(new Set(assigned)).toEqual(new Set(inEc2.filter((ip) => !inLedger.includes(ip))));
        expect(new Set(unassigned)).toEqual(new Set(inLedger.filter((ip) => !inEc2.includes(ip))));
      }),
    );
  });
});

describe('touchedByRepairs', () => {
  const enis = [
    eni('eni-1', 'i-1', []),
    { ...eni('eni-2', 'i-2', []), subnetId: 'subnet-b' },
    { ...eni('eni-3', undefined, []), subnetId: 'subnet-c' },
  ];
  test.each<{ repairs: Repair[]; nodes: string[]; subnets: string[] }>([
    { repairs: [], nodes: [], subnets: [] },
    {
      repairs: [{ type: 'assign', eniId: 'eni-2', addresses: [] }],
      nodes: ['i-2'],
      subnets: ['subnet-b'],
    },
    {
      repairs: [
        { type: 'put-eni', entry: { facts: enis[2] as EniFacts, kind: 'other', addresses: [] } },
      ],
      nodes: [],
      subnets: ['subnet-c'],
    },
    {
      // A node repair names no ENI; an ENI EC2 no longer lists has no node or subnet to tell.
      repairs: [
        { type: 'node-state', instanceId: 'i-1', state: 'stopped' },
        { type: 'delete-eni', eniId: 'eni-gone' },
        { type: 'unassign', eniId: 'eni-1', addresses: ['10.0.0.9'] },
      ],
      nodes: ['i-1'],
      subnets: ['subnet-a'],
    },
  ])(
    '$repairs.length repairs touch nodes $nodes and subnets $subnets',
    ({ repairs, nodes, subnets }) => {
      const touched = touchedByRepairs(repairs, enis);
      expect([...touched.nodes].sort()).toEqual(nodes);
      expect([...touched.subnets].sort()).toEqual(subnets);
    },
  );
});

describe('planNetworkSweep: what a new ENI is filed with', () => {
  // The put-eni entry carries the node and cluster the ledger files the ENI under, and decides
  // which clusters' capacity it counts in. Entries are compared whole.
  const lbEni: EniFacts = {
    eniId: 'eni-lb',
    vpcId: VPC,
    subnetId: 'subnet-a',
    description: 'ELB net/web/50dc6c495c0c9188',
    interfaceType: 'network_load_balancer',
    tags: {},
    primaryIp: '10.0.9.9',
    secondaryIps: [],
    prefixes: [],
  };
  const controlPlane: EniFacts = {
    ...lbEni,
    eniId: 'eni-eks',
    description: 'Amazon EKS myeks',
    interfaceType: 'interface',
    primaryIp: '10.0.9.8',
  };
  const primary: EniFacts = {
    ...lbEni,
    eniId: 'eni-p1',
    description: '',
    interfaceType: 'interface',
    attachment: { instanceId: 'i-1', deviceIndex: 0 },
    primaryIp: '10.0.9.7',
  };
  const unattachedCni: EniFacts = {
    ...lbEni,
    eniId: 'eni-c1',
    description: 'aws-K8S-i-1',
    interfaceType: 'interface',
    primaryIp: '10.0.9.6',
  };
  const addressesOf = (e: EniFacts, consumer: string) => [
    { address: e.primaryIp, kind: 'primary', consumer },
  ];

  test.each<{
    title: string;
    ledgerNodes: NodeRecord[];
    instances: InstanceFacts[];
    eni: EniFacts;
    entry: unknown;
  }>([
    {
      title:
        "a node's primary ENI: under the instance it is attached to, in that instance's cluster",
      ledgerNodes: [],
      instances: [instance('i-1')],
      eni: primary,
      entry: {
        facts: primary,
        kind: 'node-primary',
        addresses: addressesOf(primary, 'node-primary'),
        cluster: 'myeks',
        instanceId: 'i-1',
      },
    },
    {
      title: 'an unattached CNI ENI: under the node its description names',
      ledgerNodes: [],
      instances: [instance('i-1')],
      eni: unattachedCni,
      entry: {
        facts: unattachedCni,
        kind: 'vpc-cni',
        addresses: addressesOf(unattachedCni, 'vpc-cni'),
        cluster: 'myeks',
        instanceId: 'i-1',
      },
    },
    {
      title: "the ledger's cluster for a node EC2 no longer lists",
      ledgerNodes: [nodeRecord('i-1', 'terminated')],
      instances: [],
      eni: primary,
      entry: {
        facts: primary,
        kind: 'node-primary',
        addresses: addressesOf(primary, 'node-primary'),
        cluster: 'myeks',
        instanceId: 'i-1',
      },
    },
    {
      title: "a ledger node without a cluster does not hide the instance's",
      ledgerNodes: [{ instanceId: 'i-1', instanceType: 't3.medium', state: 'running' }],
      instances: [instance('i-1')],
      eni: primary,
      entry: {
        facts: primary,
        kind: 'node-primary',
        addresses: addressesOf(primary, 'node-primary'),
        cluster: 'myeks',
        instanceId: 'i-1',
      },
    },
    {
      title: 'the EKS control plane: its cluster from its description, no node',
      ledgerNodes: [],
      instances: [],
      eni: controlPlane,
      entry: {
        facts: controlPlane,
        kind: 'eks-control-plane',
        addresses: addressesOf(controlPlane, 'eks-control-plane'),
        cluster: 'myeks',
      },
    },
    {
      title: 'a load balancer ENI in a configured VPC: no cluster and no node, still swept',
      ledgerNodes: [],
      instances: [],
      eni: lbEni,
      entry: {
        facts: lbEni,
        kind: 'load-balancer',
        addresses: addressesOf(lbEni, 'load-balancer'),
      },
    },
  ])('$title', ({ ledgerNodes, instances, eni: facts, entry }) => {
    const ledger: LedgerState = { nodes: ledgerNodes, enis: [], addresses: [], subnets: [] };
    const plan = planNetworkSweep(ledger, { instances, enis: [facts], subnets: [] }, SCOPE);
    expect(plan.filter((r) => r.type === 'put-eni')).toStrictEqual([{ type: 'put-eni', entry }]);
  });
});

describe('planNetworkSweep: drift it repairs and drift it leaves', () => {
  const base = () => inSync([instance('i-1')], [eni('eni-1', 'i-1', ['10.0.0.5'])]);
  const subnet = { subnetId: 'subnet-a', vpcId: VPC, cidr: '10.0.0.0/16', reservations: [] };

  test.each<{
    title: string;
    drift: (l: LedgerState, e: Ec2State) => [LedgerState, Ec2State];
    repairs: Repair[];
  }>([
    {
      title: 'a node whose instance type changed is put again, with its cluster',
      drift: (l, e) => [{ ...l, nodes: [{ ...nodeRecord('i-1'), instanceType: 't3.small' }] }, e],
      repairs: [{ type: 'put-node', instance: instance('i-1'), cluster: 'myeks' }],
    },
    {
      title: 'a node EC2 no longer lists that is already terminated needs nothing',
      drift: (l, e) => [{ ...l, nodes: [...l.nodes, nodeRecord('i-2', 'terminated')] }, e],
      repairs: [],
    },
    {
      title: 'a node in no cluster is not ours while CLUSTERS names clusters',
      drift: (l, e) => [
        l,
        {
          ...e,
          instances: [...e.instances, { ...instance('i-3'), tags: {}, cluster: undefined }],
        },
      ],
      repairs: [],
    },
    {
      title: 'an ENI the ledger holds as deleted is not deleted again',
      drift: (l, e) => [
        {
          ...l,
          enis: [...l.enis, { ...eniRecord(eni('eni-old', 'i-1', [])), deleted: true }],
        },
        e,
      ],
      repairs: [],
    },
    {
      title: 'an ENI detached on both sides is in sync',
      drift: (l, e) => {
        const detached = { ...eni('eni-1', 'i-1', ['10.0.0.5']), attachment: undefined };
        return [
          { ...l, enis: [eniRecord(detached)] },
          { ...e, enis: [detached] },
        ];
      },
      repairs: [],
    },
    {
      title: 'an ENI moved to another instance gets its new attachment',
      drift: (l, e) => [l, { ...e, enis: [eni('eni-1', 'i-2', ['10.0.0.5'])] }],
      repairs: [
        { type: 'attachment', eniId: 'eni-1', attachment: { instanceId: 'i-2', deviceIndex: 1 } },
      ],
    },
    {
      title: 'an ENI moved to another device index of the same instance gets its new attachment',
      drift: (l, e) => [l, { ...e, enis: [eni('eni-1', 'i-1', ['10.0.0.5'], 2)] }],
      repairs: [
        { type: 'attachment', eniId: 'eni-1', attachment: { instanceId: 'i-1', deviceIndex: 2 } },
      ],
    },
    {
      title: 'a subnet whose CIDR changed is put again',
      drift: (l, e) => [l, { ...e, subnets: [{ ...subnet, cidr: '10.0.0.0/17' }] }],
      repairs: [{ type: 'put-subnet', subnet: { ...subnet, cidr: '10.0.0.0/17' } }],
    },
    {
      title: 'a subnet whose reservations changed is put again',
      drift: (l, e) => [
        { ...l, subnets: [{ ...subnet, reservations: ['10.0.0.16/28'] }] },
        { ...e, subnets: [{ ...subnet, reservations: ['10.0.0.32/28'] }] },
      ],
      repairs: [{ type: 'put-subnet', subnet: { ...subnet, reservations: ['10.0.0.32/28'] } }],
    },
    {
      title: 'the same reservations in another order are in sync',
      drift: (l, e) => [
        {
          ...l,
          subnets: [{ ...subnet, reservations: ['10.0.0.32/28', '10.0.0.16/28', '10.0.0.48/28'] }],
        },
        {
          ...e,
          subnets: [{ ...subnet, reservations: ['10.0.0.48/28', '10.0.0.16/28', '10.0.0.32/28'] }],
        },
      ],
      repairs: [],
    },
    {
      title: 'a subnet in a VPC that is not configured is left alone',
      drift: (l, e) => [
        l,
        {
          ...e,
          subnets: [
            ...e.subnets,
            { ...subnet, subnetId: 'subnet-x', vpcId: 'vpc-0fffffffffffffff0' },
          ],
        },
      ],
      repairs: [],
    },
  ])('$title', ({ drift, repairs }) => {
    const [ledger, ec2] = drift(...base());
    expect(planNetworkSweep(ledger, ec2, SCOPE)).toStrictEqual(repairs);
  });

  test('the plan does not depend on the order the ledger lists addresses in', () => {
    const [ledger, ec2] = inSync(
      [instance('i-1')],
      [eni('eni-1', 'i-1', ['10.0.0.9', '10.0.0.7'])],
    );
    const drifted: Ec2State = { ...ec2, enis: [eni('eni-1', 'i-1', [])] };
    const reversed: LedgerState = { ...ledger, addresses: [...ledger.addresses].reverse() };

    const plan = planNetworkSweep(ledger, drifted, SCOPE);

    expect(plan.map((r) => r.type)).toStrictEqual(['unassign']);
    expect(planNetworkSweep(reversed, drifted, SCOPE)).toStrictEqual(plan);
  });
  // Equivalent: the `have.size !== ...` shortcut before computing extra addresses made always
  // true, and `extra.length` made always true behind it. The shortcut holds exactly when some
  // ledger address is not in EC2's list, so the extra list is never empty there.
});
