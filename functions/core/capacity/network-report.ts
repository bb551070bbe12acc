import type { NodeCapacity } from '#core/capacity/node-capacity.ts';
import type { SubnetCapacity, SubnetUsageKind } from '#core/capacity/subnet-capacity.ts';
import type { ConsumerKind } from '#core/network/network.ts';
import type { NodeView, SubnetView } from '#core/network/network-ports.ts';

export interface NodeReportRow {
  readonly instanceId: string;
  readonly instanceType: string | null;
  readonly cluster: string | null;
  readonly availabilityZone: string | null;
  readonly state: string | null;
  /** ENIs attached to the node right now. */
  readonly enis: number;
  /** Secondary IPv4 addresses in use across its attached ENIs. */
  readonly addresses: number;
  /** IPv4 /28 prefixes (prefix delegation) across its attached ENIs. */
  readonly prefixes: number;
  /** The kubelet's max pods (capped at 110/250); null while the instance type is unknown. */
  readonly maxPods: number | null;
  /** The ceiling the addresses allow, uncapped. */
  readonly maxPodsAllowed: number | null;
  /** ENIs the node may attach (default card, MAX_ENI). */
  readonly eniLimit: number | null;
  /** Pod addresses the node can still obtain from EC2 (see NodeCapacity.headroom). */
  readonly headroom: number | null;
}

/** `capacity` is left out when the node's instance type is not known. */
export function nodeRow(
  view: NodeView,
  instanceId: string,
  capacity?: NodeCapacity | undefined,
): NodeReportRow {
  const attached = new Set(
    view.enis.filter((e) => e.attachment?.instanceId === instanceId).map((e) => e.eniId),
  );
  const onAttached = view.addresses.filter((a) => attached.has(a.eniId));
  const node = view.node;
  return {
    instanceId,
    instanceType: node?.instanceType ?? null,
    cluster: node?.cluster ?? null,
    availabilityZone: node?.availabilityZone ?? null,
    state: node?.state ?? null,
    enis: attached.size,
    addresses: onAttached.filter((a) => a.kind === 'secondary').length,
    prefixes: onAttached.filter((a) => a.kind === 'prefix').length,
    maxPods: capacity?.maxPods.recommended ?? null,
    maxPodsAllowed: capacity?.maxPods.maxAllowed ?? null,
    eniLimit: capacity?.eniLimit ?? null,
    headroom: capacity?.headroom ?? null,
  };
}

export interface SubnetReportRow {
  readonly subnetId: string;
  readonly vpcId: string;
  readonly cidr: string | null;
  readonly availabilityZone: string | null;
  readonly enis: number;
  /** Addresses held by ENIs (a /28 prefix counts as 16). */
  readonly used: number;
  /**
   * Addresses by consumer. With a known CIDR these are exact (an address counts once,
   * CIDR reservations included); otherwise the sum over ENIs.
   */
  readonly byKind: Record<SubnetUsageKind, number>;
  /** Addresses in the CIDR; null while the CIDR is unknown, like the two below. */
  readonly total: number | null;
  /** Neither AWS-reserved, held by an ENI nor reserved. */
  readonly free: number | null;
  /** /28-aligned blocks wholly free: where a new prefix (prefix delegation) fits. */
  readonly freePrefixBlocks: number | null;
}

/** `capacity` is left out when the subnet's CIDR is not known. */
export function subnetRow(
  view: SubnetView,
  subnetId: string,
  capacity?: SubnetCapacity | undefined,
): SubnetReportRow {
  const byKind: Record<ConsumerKind, number> = {
    'vpc-cni': 0,
    'node-primary': 0,
    'eks-control-plane': 0,
    'load-balancer': 0,
    other: 0,
  };
  let used = 0;
  for (const a of view.addresses) {
    const size = a.kind === 'prefix' ? prefixSize(a.address) : 1;
    byKind[a.consumer] += size;
    used += size;
  }
  return {
    subnetId,
    vpcId: view.subnet?.vpcId ?? view.enis[0]?.vpcId ?? '',
    cidr: view.subnet?.cidr ?? null,
    availabilityZone: view.subnet?.availabilityZone ?? null,
    enis: view.enis.length,
    used,
    byKind: capacity ? { ...capacity.byKind } : { ...byKind, 'cidr-reservation': 0 },
    total: capacity?.total ?? null,
    free: capacity?.free ?? null,
    freePrefixBlocks: capacity?.freePrefixBlocks ?? null,
  };
}

function prefixSize(cidr: string): number {
  const bits = Number(cidr.split('/')[1] ?? 32);
  return 2 ** (32 - bits);
}
