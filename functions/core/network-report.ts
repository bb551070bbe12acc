import type { ConsumerKind } from './network.ts';
import type { NodeView, SubnetView } from './ports.ts';

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
}

export function nodeRow(view: NodeView, instanceId: string): NodeReportRow {
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
  readonly byKind: Record<ConsumerKind, number>;
}

export function subnetRow(view: SubnetView, subnetId: string): SubnetReportRow {
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
    byKind,
  };
}

function prefixSize(cidr: string): number {
  const bits = Number(cidr.split('/')[1] ?? 32);
  return 2 ** (32 - bits);
}
