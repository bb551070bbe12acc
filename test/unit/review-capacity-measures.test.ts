import { describe, expect, test } from 'vitest';
import type { CapacitySettings } from '#core/capacity/capacity-settings.ts';
import { reviewCapacity } from '#core/capacity/review-capacity.ts';
import type { InstanceState } from '#core/network/network.ts';
import type {
  AddressRecord,
  EniRecord,
  NodeView,
  SubnetView,
} from '#core/network/network-ports.ts';
import {
  InMemoryAlertStore,
  InMemoryCapacityLedger,
  RecordingNotifier,
  StaticInstanceTypeCatalog,
} from '#test/helpers/capacity-fakes.ts';
import { sampleLimits } from '#test/helpers/instance-types.ts';

// What a capacity review measures for the gauges (each node's headroom and cluster, each
// subnet's free addresses) and which nodes it cannot measure yet. The builders are those of
// review-capacity.test.ts.

const limits = sampleLimits();

const NODE = 'i-0a1b2c3d4e5f00001';
const SUBNET = 'subnet-0aa1111111111111a';
const VPC = 'vpc-0a1b2c3d4e5f60718';
const T0 = Date.parse('2026-11-21T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const stamp = { eventId: 'e-1', eventTime: at(0) };

const settings: CapacitySettings = {
  clusters: { prefixDelegation: ['pd'], customNetworking: [], maxEnis: { capped: 2 } },
  thresholds: {
    // Alert under 3 free slots; clear only above 3 + 2.
    node: { minFreeSlots: 3, minFreePercent: 0, clearMarginSlots: 2 },
    subnetExhaustion: { minFreeAddresses: 8, minFreePercent: 0, clearMarginAddresses: 4 },
    subnetFragmentation: { minFreePrefixBlocks: 2, clearMarginBlocks: 1 },
  },
  alertPolicy: { remindAfterSeconds: 3600 },
};

interface NodeSpec {
  readonly secondaries: readonly number[];
  readonly type?: string;
  readonly cluster?: string;
  readonly state?: InstanceState;
}

/** A node with one ENI per entry of `secondaries` (device index = position), each with that many secondary IPs. */
function nodeView(id: string, spec: NodeSpec): NodeView {
  const enis: EniRecord[] = [];
  const addresses: AddressRecord[] = [];
  spec.secondaries.forEach((count, device) => {
    const eniId = `eni-${id.slice(-5)}${device}`;
    enis.push({
      eniId,
      vpcId: VPC,
      subnetId: SUBNET,
      description: device === 0 ? '' : `aws-K8S-${id}`,
      kind: device === 0 ? 'node-primary' : 'vpc-cni',
      cluster: spec.cluster ?? 'myeks',
      instanceId: id,
      attachment: { instanceId: id, deviceIndex: device, networkCardIndex: 0 },
      deleted: false,
    });
    const ip = (n: number) => `192.168.${device}.${n}`;
    const base = { eniId, subnetId: SUBNET, vpcId: VPC, instanceId: id, stamp };
    addresses.push({ ...base, address: ip(10), kind: 'primary', consumer: 'node-primary' });
    for (let n = 0; n < count; n++) {
      addresses.push({ ...base, address: ip(20 + n), kind: 'secondary', consumer: 'vpc-cni' });
    }
  });
  return {
    node: {
      instanceId: id,
      instanceType: spec.type ?? 't3.medium',
      cluster: spec.cluster ?? 'myeks',
      state: spec.state ?? 'running',
    },
    enis,
    addresses,
  };
}

/** A subnet whose ENI holds the given addresses (one CNI ENI of `cluster`). */
function subnetView(
  cidr: string | undefined,
  used: readonly string[],
  cluster = 'myeks',
): SubnetView {
  const eniId = 'eni-0000000000000aaaa';
  return {
    subnet: { subnetId: SUBNET, vpcId: VPC, reservations: [], ...(cidr ? { cidr } : {}) },
    enis: [
      {
        eniId,
        vpcId: VPC,
        subnetId: SUBNET,
        description: '',
        kind: 'vpc-cni',
        cluster,
        deleted: false,
      },
    ],
    addresses: used.map((address) => ({
      address,
      kind: 'secondary' as const,
      consumer: 'vpc-cni' as const,
      eniId,
      subnetId: SUBNET,
      vpcId: VPC,
      stamp,
    })),
  };
}

function world() {
  const ledger = new InMemoryCapacityLedger();
  const alerts = new InMemoryAlertStore();
  const notifier = new RecordingNotifier();
  const catalog = new StaticInstanceTypeCatalog(limits);
  const review = (nodes: string[], subnets: string[], seconds: number) =>
    reviewCapacity(
      { nodes, subnets },
      { ledger, alerts, catalog, notifier, settings, now: at(seconds) },
    );
  return { ledger, alerts, notifier, catalog, review };
}

describe('reviewCapacity: measures', () => {
  test('headroom per measured node, free addresses per subnet; a node without a type is skipped', async () => {
    const { ledger, review } = world();
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 5, 3] }));
    const untyped = nodeView('i-0a1b2c3d4e5f00002', { secondaries: [1] });
    ledger.nodes.set('i-0a1b2c3d4e5f00002', {
      ...untyped,
      node: { instanceId: 'i-0a1b2c3d4e5f00002', cluster: 'myeks', state: 'running' },
    });
    const noCluster = nodeView('i-0a1b2c3d4e5f00003', { secondaries: [1] });
    ledger.nodes.set('i-0a1b2c3d4e5f00003', {
      ...noCluster,
      node: { instanceId: 'i-0a1b2c3d4e5f00003', instanceType: 't3.medium', state: 'running' },
    });
    ledger.subnets.set(
      SUBNET,
      subnetView('192.168.0.0/24', ['192.168.0.20', '192.168.0.21', '192.168.0.22']),
    );

    // Headroom: free slots of 3 ENIs x 5 secondary IPs (t3.medium), attached or attachable.
    const result = await review([NODE, 'i-0a1b2c3d4e5f00002', 'i-0a1b2c3d4e5f00003'], [SUBNET], 0);

    expect(result.measures).toStrictEqual({
      nodes: [
        { instanceId: NODE, cluster: 'myeks', headroom: 15 - 13 },
        { instanceId: 'i-0a1b2c3d4e5f00003', cluster: 'unknown', headroom: 15 - 1 },
      ],
      subnets: [{ subnetId: SUBNET, free: 256 - 5 - 3 }],
    });
    expect(result.skipped).toStrictEqual([
      { subject: 'i-0a1b2c3d4e5f00002', reason: 'instance type not known yet' },
    ]);
  });

  test('a node gone since it alerted: the resolve says its state, and it is not measured', async () => {
    const { ledger, notifier, review } = world();
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 5, 5] }));
    await review([NODE], [], 0);
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [], state: 'shutting-down' }));

    const result = await review([NODE], [], 60);

    expect(notifier.sent[1]).toMatchObject({ type: 'resolve', facts: { state: 'shutting-down' } });
    expect(notifier.sent[1]?.facts).toStrictEqual({ state: 'shutting-down' });
    expect(result.measures).toStrictEqual({ nodes: [], subnets: [] });
  });

  test('nothing reviewed, nothing measured', async () => {
    const { review } = world();
    const result = await review([], [], 0);
    expect(result.measures).toStrictEqual({ nodes: [], subnets: [] });
  });
});
