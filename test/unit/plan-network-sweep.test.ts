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
