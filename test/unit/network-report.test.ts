import { describe, expect, test } from 'vitest';
import { nodeCapacityFromView, subnetCapacityFromView } from '#core/capacity/capacity-views.ts';
import { nodeRow, subnetRow } from '#core/capacity/network-report.ts';
import type {
  AddressRecord,
  EniRecord,
  NodeView,
  SubnetView,
} from '#core/network/network-ports.ts';
import { t3Medium } from '#test/helpers/instance-types.ts';

const NODE = 'i-0a1b2c3d4e5f00001';
const SUBNET = 'subnet-0aa1111111111111a';
const VPC = 'vpc-0a1b2c3d4e5f60718';
const stamp = { eventId: 'e', eventTime: '2026-11-21T10:00:00.000Z' };

function eni(eniId: string, deviceIndex: number | undefined, kind: EniRecord['kind']): EniRecord {
  return {
    eniId,
    vpcId: VPC,
    subnetId: SUBNET,
    description: '',
    kind,
    cluster: 'myeks',
    instanceId: NODE,
    deleted: false,
    ...(deviceIndex === undefined ? {} : { attachment: { instanceId: NODE, deviceIndex } }),
  };
}

function address(
  eniId: string,
  ip: string,
  kind: AddressRecord['kind'],
  consumer: AddressRecord['consumer'],
): AddressRecord {
  return {
    address: ip,
    kind,
    consumer,
    eniId,
    subnetId: SUBNET,
    vpcId: VPC,
    instanceId: NODE,
    stamp,
  };
}

// eth0 with the node's address and 5 pod IPs, eth1 with 2, and a CNI ENI created but not attached yet.
const view: NodeView = {
  node: { instanceId: NODE, instanceType: 't3.medium', cluster: 'myeks', state: 'running' },
  enis: [
    eni('eni-0', 0, 'node-primary'),
    eni('eni-1', 1, 'vpc-cni'),
    eni('eni-2', undefined, 'vpc-cni'),
  ],
  addresses: [
    address('eni-0', '10.0.0.10', 'primary', 'node-primary'),
    ...[21, 22, 23, 24, 25].map((n) => address('eni-0', `10.0.0.${n}`, 'secondary', 'vpc-cni')),
    address('eni-1', '10.0.0.40', 'primary', 'vpc-cni'),
    address('eni-1', '10.0.0.41', 'secondary', 'vpc-cni'),
    address('eni-1', '10.0.0.42', 'secondary', 'vpc-cni'),
    address('eni-2', '10.0.0.60', 'primary', 'vpc-cni'),
    address('eni-2', '10.0.0.61', 'secondary', 'vpc-cni'),
  ],
};

describe('nodeRow', () => {
  test('with capacity: max pods, ENI limit and headroom of the attached ENIs only', () => {
    // Act
    const capacity = nodeCapacityFromView(view, NODE, t3Medium, {
      prefixDelegation: false,
      customNetworking: false,
    });
    const row = nodeRow(view, NODE, capacity);

    // Assess: 7 of 3 x 5 slots used on the two attached ENIs
    expect(row).toMatchObject({
      enis: 2,
      addresses: 7,
      maxPods: 17,
      maxPodsAllowed: 17,
      eniLimit: 3,
      headroom: 15 - 7,
    });
  });

  test('without capacity (unknown instance type) the capacity columns are null', () => {
    expect(nodeRow(view, NODE)).toMatchObject({
      maxPods: null,
      maxPodsAllowed: null,
      eniLimit: null,
      headroom: null,
    });
  });
});

describe('subnetRow', () => {
  const subnet = (cidr?: string): SubnetView => ({
    subnet: {
      subnetId: SUBNET,
      vpcId: VPC,
      reservations: ['10.0.0.192/28'],
      ...(cidr ? { cidr } : {}),
    },
    enis: view.enis,
    addresses: [...view.addresses, address('eni-1', '10.0.0.64/28', 'prefix', 'vpc-cni')],
  });

  test('with a known CIDR: total, free, byKind with reservations, and free /28 blocks', () => {
    // Prepare
    const v = subnet('10.0.0.0/24');

    // Act
    const row = subnetRow(v, SUBNET, subnetCapacityFromView(v, SUBNET));

    // Assess: 11 addresses + one /28 prefix + one /28 reservation + 5 AWS-reserved
    expect(row).toMatchObject({ subnetId: SUBNET, cidr: '10.0.0.0/24', total: 256 });
    expect(row.byKind).toEqual({
      'vpc-cni': 10 + 16,
      'node-primary': 1,
      'eks-control-plane': 0,
      'load-balancer': 0,
      other: 0,
      'cidr-reservation': 16,
    });
    expect(row.free).toBe(256 - 5 - 11 - 16 - 16);
    // Taken /28 blocks: 0 (AWS-reserved, .10), 1 (.21-.25), 2 (.40-.42), 3 (.60-.61), 4 (prefix), 12 (reservation), 15 (AWS-reserved)
    expect(row.freePrefixBlocks).toBe(16 - 7);
  });

  test('without a CIDR: the per-ENI sums, and null for what needs the CIDR', () => {
    // Prepare
    const v = subnet();

    // Act
    const row = subnetRow(v, SUBNET, subnetCapacityFromView(v, SUBNET));

    // Assess
    expect(row).toMatchObject({
      cidr: null,
      total: null,
      free: null,
      freePrefixBlocks: null,
      used: 11 + 16,
    });
    expect(row.byKind['cidr-reservation']).toBe(0);
  });
});
