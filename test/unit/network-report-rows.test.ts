import { describe, expect, test } from 'vitest';
import { nodeRow, subnetRow } from '#core/capacity/network-report.ts';
import type { AddressKind, ConsumerKind } from '#core/network/network.ts';
import type {
  AddressRecord,
  EniRecord,
  NodeView,
  SubnetView,
} from '#core/network/network-ports.ts';

// The report's rows compared whole: what a row says when the ledger knows only part of a node
// or subnet, and how addresses and prefixes are counted without a capacity to lean on.

const STAMP = { eventId: 'e', eventTime: '2026-11-21T10:00:00.000Z' };

const eni = (eniId: string, vpcId: string, attachedTo?: string): EniRecord => ({
  eniId,
  vpcId,
  subnetId: 'subnet-a',
  description: '',
  kind: 'vpc-cni',
  deleted: false,
  ...(attachedTo ? { attachment: { instanceId: attachedTo, deviceIndex: 1 } } : {}),
});

const address = (
  eniId: string,
  ip: string,
  kind: AddressKind,
  consumer: ConsumerKind = 'vpc-cni',
): AddressRecord => ({
  eniId,
  address: ip,
  kind,
  consumer,
  subnetId: 'subnet-a',
  vpcId: 'vpc-1',
  stamp: STAMP,
});

const NO_CAPACITY = {
  maxPods: null,
  maxPodsAllowed: null,
  eniLimit: null,
  headroom: null,
};

describe('nodeRow without capacity', () => {
  test('a node the ledger has not filed: only what its ENIs say', () => {
    const view: NodeView = {
      node: undefined,
      enis: [eni('eni-1', 'vpc-1', 'i-1')],
      addresses: [address('eni-1', '10.0.0.5', 'secondary')],
    };
    expect(nodeRow(view, 'i-1')).toStrictEqual({
      instanceId: 'i-1',
      instanceType: null,
      cluster: null,
      availabilityZone: null,
      state: null,
      enis: 1,
      addresses: 1,
      prefixes: 0,
      ...NO_CAPACITY,
    });
  });

  test('a filed node: its facts, and secondaries and prefixes of its attached ENIs only', () => {
    const view: NodeView = {
      node: {
        instanceId: 'i-1',
        instanceType: 'm5.large',
        cluster: 'blue',
        availabilityZone: 'us-east-1a',
        state: 'running',
      },
      enis: [eni('eni-1', 'vpc-1', 'i-1'), eni('eni-2', 'vpc-1', 'i-1'), eni('eni-3', 'vpc-1')],
      addresses: [
        address('eni-1', '10.0.0.4', 'primary', 'node-primary'),
        address('eni-1', '10.0.0.5', 'secondary'),
        address('eni-1', '10.0.0.6', 'secondary'),
        address('eni-2', '10.0.1.0/28', 'prefix'),
        address('eni-2', '10.0.1.16/28', 'prefix'),
        address('eni-2', '10.0.0.7', 'secondary'),
        address('eni-3', '10.0.2.0/28', 'prefix'),
        address('eni-3', '10.0.0.8', 'secondary'),
      ],
    };
    expect(nodeRow(view, 'i-1')).toStrictEqual({
      instanceId: 'i-1',
      instanceType: 'm5.large',
      cluster: 'blue',
      availabilityZone: 'us-east-1a',
      state: 'running',
      enis: 2,
      addresses: 3,
      prefixes: 2,
      ...NO_CAPACITY,
    });
  });
});

describe('subnetRow without capacity', () => {
  const ZERO = {
    'vpc-cni': 0,
    'node-primary': 0,
    'eks-control-plane': 0,
    'load-balancer': 0,
    other: 0,
    'cidr-reservation': 0,
  };
  const CIDR_UNKNOWN = { total: null, free: null, freePrefixBlocks: null };

  test.each<[string, SubnetView, string]>([
    [
      'no subnet record: the VPC of its first ENI',
      { subnet: undefined, enis: [eni('eni-1', 'vpc-9'), eni('eni-2', 'vpc-8')], addresses: [] },
      'vpc-9',
    ],
    ['no subnet record and no ENI: no VPC', { subnet: undefined, enis: [], addresses: [] }, ''],
    [
      'a subnet record: its own VPC',
      {
        subnet: { subnetId: 'subnet-a', vpcId: 'vpc-1', reservations: [] },
        enis: [eni('eni-1', 'vpc-9')],
        addresses: [],
      },
      'vpc-1',
    ],
  ])('%s', (_title, view, vpcId) => {
    expect(subnetRow(view, 'subnet-a')).toStrictEqual({
      subnetId: 'subnet-a',
      vpcId,
      cidr: null,
      availabilityZone: null,
      enis: view.enis.length,
      used: 0,
      byKind: ZERO,
      ...CIDR_UNKNOWN,
    });
  });

  test('addresses count one each, prefixes by their size, by consumer', () => {
    const view: SubnetView = {
      subnet: {
        subnetId: 'subnet-a',
        vpcId: 'vpc-1',
        availabilityZone: 'us-east-1a',
        reservations: [],
      },
      enis: [eni('eni-1', 'vpc-1'), eni('eni-2', 'vpc-1')],
      addresses: [
        address('eni-1', '10.0.0.4', 'primary', 'node-primary'),
        address('eni-1', '10.0.0.5', 'secondary'),
        address('eni-1', '10.0.1.0/28', 'prefix'),
        address('eni-2', '10.0.2.0/27', 'prefix', 'other'),
        address('eni-2', '10.0.0.9', 'primary', 'load-balancer'),
        address('eni-2', '10.0.0.10', 'secondary', 'load-balancer'),
      ],
    };
    expect(subnetRow(view, 'subnet-a')).toStrictEqual({
      subnetId: 'subnet-a',
      vpcId: 'vpc-1',
      cidr: null,
      availabilityZone: 'us-east-1a',
      enis: 2,
      used: 1 + 1 + 16 + 32 + 1 + 1,
      byKind: { ...ZERO, 'node-primary': 1, 'vpc-cni': 17, other: 32, 'load-balancer': 2 },
      ...CIDR_UNKNOWN,
    });
  });
});

// Equivalent mutant left in network-report.ts: sizing every address by its mask, not only
// prefixes: an address without a mask counts as a /32, which is one.
