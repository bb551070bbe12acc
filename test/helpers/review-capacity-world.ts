// The world the capacity review's unit tests run in: one VPC, one subnet, nodes built from
// how many secondary IPs each ENI holds, and the review wired to in-memory ports.
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

export const limits = sampleLimits();

export const NODE = 'i-0a1b2c3d4e5f00001';
export const SUBNET = 'subnet-0aa1111111111111a';
export const VPC = 'vpc-0a1b2c3d4e5f60718';
export const T0 = Date.parse('2026-11-21T10:00:00Z');
export const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
export const stamp = { eventId: 'e-1', eventTime: at(0) };

export const settings: CapacitySettings = {
  clusters: { prefixDelegation: ['pd'], customNetworking: [], maxEnis: { capped: 2 } },
  thresholds: {
    // Alert under 3 free slots; clear only above 3 + 2.
    node: { minFreeSlots: 3, minFreePercent: 0, clearMarginSlots: 2 },
    subnetExhaustion: { minFreeAddresses: 8, minFreePercent: 0, clearMarginAddresses: 4 },
    subnetFragmentation: { minFreePrefixBlocks: 2, clearMarginBlocks: 1 },
  },
  alertPolicy: { remindAfterSeconds: 3600 },
};

export interface NodeSpec {
  readonly secondaries: readonly number[];
  readonly type?: string;
  readonly cluster?: string;
  readonly state?: InstanceState;
}

/** A node with one ENI per entry of `secondaries` (device index = position), each with that many secondary IPs. */
export function nodeView(id: string, spec: NodeSpec): NodeView {
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
export function subnetView(
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

export function world() {
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
