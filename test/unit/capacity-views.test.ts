import { describe, expect, test } from 'vitest';
import {
  attachedEnis,
  nodeCapacityFromView,
  subnetCapacityFromView,
  subnetClusters,
} from '#core/capacity/capacity-views.ts';
import { computeNodeCapacity } from '#core/capacity/node-capacity.ts';
import { computeSubnetCapacity } from '#core/capacity/subnet-capacity.ts';
import type { AddressKind, ConsumerKind, EniAttachment } from '#core/network/network.ts';
import type {
  AddressRecord,
  EniRecord,
  NodeView,
  SubnetView,
} from '#core/network/network-ports.ts';
import { t3Medium } from '#test/helpers/instance-types.ts';

// How the ledger's views become the inputs of the node and subnet capacity rules: which ENIs
// count as the node's, which is its primary, and which addresses are slots or prefixes.

const STAMP = { eventId: 'e1', eventTime: '2026-11-21T10:00:00Z' };

const eni = (
  eniId: string,
  extra: { kind?: ConsumerKind; cluster?: string; attachment?: EniAttachment } = {},
): EniRecord => ({
  eniId,
  vpcId: 'vpc-1',
  subnetId: 'subnet-a',
  description: '',
  kind: extra.kind ?? 'vpc-cni',
  deleted: false,
  ...(extra.cluster ? { cluster: extra.cluster } : {}),
  ...(extra.attachment ? { attachment: extra.attachment } : {}),
});

const address = (
  eniId: string,
  addr: string,
  kind: AddressKind,
  consumer: ConsumerKind = 'vpc-cni',
): AddressRecord => ({
  eniId,
  address: addr,
  kind,
  consumer,
  subnetId: 'subnet-a',
  vpcId: 'vpc-1',
  instanceId: 'i-1',
  stamp: STAMP,
});

describe('attachedEnis', () => {
  test.each<[string, EniAttachment | undefined, ConsumerKind, boolean | undefined]>([
    ['device index 0 is the primary', { instanceId: 'i-1', deviceIndex: 0 }, 'vpc-cni', true],
    ['device index 1 is not', { instanceId: 'i-1', deviceIndex: 1 }, 'node-primary', false],
    ['no device index: the node-primary kind is', { instanceId: 'i-1' }, 'node-primary', true],
    ['no device index: another kind is not', { instanceId: 'i-1' }, 'vpc-cni', false],
    [
      'attached to another node: not listed',
      { instanceId: 'i-2', deviceIndex: 0 },
      'vpc-cni',
      undefined,
    ],
    ['not attached: not listed', undefined, 'node-primary', undefined],
  ])('%s', (_title, attachment, kind, primary) => {
    const view: NodeView = {
      node: undefined,
      enis: [eni('eni-1', { kind, ...(attachment ? { attachment } : {}) })],
      addresses: [],
    };
    const listed = attachedEnis(view, 'i-1');
    if (primary === undefined) expect(listed).toStrictEqual([]);
    else expect(listed.map((e) => e.primary)).toStrictEqual([primary]);
  });

  test('each ENI counts its own secondary addresses and prefixes, not its primary address', () => {
    const view: NodeView = {
      node: undefined,
      enis: [
        eni('eni-1', { attachment: { instanceId: 'i-1', deviceIndex: 0, networkCardIndex: 0 } }),
        eni('eni-2', { attachment: { instanceId: 'i-1', deviceIndex: 1, networkCardIndex: 1 } }),
      ],
      addresses: [
        address('eni-1', '10.0.0.10', 'primary', 'node-primary'),
        address('eni-1', '10.0.0.11', 'secondary'),
        address('eni-1', '10.0.0.12', 'secondary'),
        address('eni-2', '10.0.0.20', 'primary'),
        address('eni-2', '10.0.1.0/28', 'prefix'),
        address('eni-3', '10.0.0.30', 'secondary'),
      ],
    };
    expect(attachedEnis(view, 'i-1')).toStrictEqual([
      { eniId: 'eni-1', primary: true, networkCardIndex: 0, secondaryIpv4Count: 2, prefixCount: 0 },
      {
        eniId: 'eni-2',
        primary: false,
        networkCardIndex: 1,
        secondaryIpv4Count: 0,
        prefixCount: 1,
      },
    ]);
  });
});

describe('nodeCapacityFromView', () => {
  const limits = t3Medium;
  const settings = { prefixDelegation: false, customNetworking: false };
  const attachment = { instanceId: 'i-1', deviceIndex: 0 };

  test('the node of the view, its cluster and its attached ENIs', () => {
    const view: NodeView = {
      node: { instanceId: 'i-1', cluster: 'blue' },
      enis: [eni('eni-1', { attachment })],
      addresses: [address('eni-1', '10.0.0.11', 'secondary')],
    };
    expect(nodeCapacityFromView(view, 'i-1', limits, settings)).toStrictEqual(
      computeNodeCapacity({
        nodeId: 'i-1',
        cluster: 'blue',
        limits,
        settings,
        enis: [
          {
            eniId: 'eni-1',
            primary: true,
            networkCardIndex: undefined,
            secondaryIpv4Count: 1,
            prefixCount: 0,
          },
        ],
      }),
    );
  });

  test('a node the ledger has not filed yet belongs to no cluster', () => {
    const view: NodeView = { node: undefined, enis: [], addresses: [] };
    expect(nodeCapacityFromView(view, 'i-1', limits, settings).cluster).toBe('');
  });
});

describe('subnetClusters', () => {
  test('each cluster once, sorted; ENIs of no cluster add none', () => {
    const view: SubnetView = {
      subnet: undefined,
      enis: [
        eni('eni-1', { cluster: 'green' }),
        eni('eni-2'),
        eni('eni-3', { cluster: 'blue' }),
        eni('eni-4', { cluster: 'green' }),
      ],
      addresses: [],
    };
    expect(subnetClusters(view)).toStrictEqual(['blue', 'green']);
  });
});

describe('subnetCapacityFromView', () => {
  const subnet = { subnetId: 'subnet-a', vpcId: 'vpc-1', reservations: ['10.0.0.64/28'] };

  test.each([
    ['no subnet record', undefined],
    ['a subnet whose CIDR is unknown', subnet],
    ['an empty CIDR', { ...subnet, cidr: '' }],
  ])('%s: no capacity yet', (_title, record) => {
    expect(
      subnetCapacityFromView({ subnet: record, enis: [], addresses: [] }, 'subnet-a'),
    ).toBeUndefined();
  });

  test('addresses by consumer, prefixes apart, clusters joined, reservations kept', () => {
    const view: SubnetView = {
      subnet: { ...subnet, cidr: '10.0.0.0/24' },
      enis: [eni('eni-1', { cluster: 'green' }), eni('eni-2', { cluster: 'blue' })],
      addresses: [
        address('eni-1', '10.0.0.10', 'primary', 'node-primary'),
        address('eni-1', '10.0.0.11', 'secondary'),
        address('eni-2', '10.0.0.128/28', 'prefix'),
        address('eni-2', '10.0.0.20', 'primary', 'load-balancer'),
      ],
    };
    expect(subnetCapacityFromView(view, 'subnet-a')).toStrictEqual(
      computeSubnetCapacity({
        subnetId: 'subnet-a',
        cluster: 'blue,green',
        cidr: '10.0.0.0/24',
        addresses: [
          { address: '10.0.0.10', kind: 'node-primary' },
          { address: '10.0.0.11', kind: 'vpc-cni' },
          { address: '10.0.0.20', kind: 'load-balancer' },
        ],
        prefixes: [{ cidr: '10.0.0.128/28', kind: 'vpc-cni' }],
        reservations: ['10.0.0.64/28'],
      }),
    );
  });
});

// Equivalent mutants left in capacity-views.ts: `eni.attachment?.deviceIndex` and
// `?.networkCardIndex` unguarded (only ENIs attached to the node pass the filter above them),
// and `view.subnet?.reservations` unguarded or with another fallback (a subnet without a CIDR,
// which includes no subnet record at all, returns before it).
