import type { InstanceTypeLimits } from '#core/capacity/instance-type.ts';
import type { MaxPodsSettings } from '#core/capacity/max-pods.ts';
import {
  type AttachedEni,
  computeNodeCapacity,
  type NodeCapacity,
} from '#core/capacity/node-capacity.ts';
import { computeSubnetCapacity, type SubnetCapacity } from '#core/capacity/subnet-capacity.ts';
import type { NodeView, SubnetView } from '#core/network/network-ports.ts';

/** The ENIs attached to the node right now, with the address slots each one holds. */
export function attachedEnis(view: NodeView, instanceId: string): AttachedEni[] {
  return view.enis
    .filter((eni) => eni.attachment?.instanceId === instanceId)
    .map((eni) => {
      const held = view.addresses.filter((a) => a.eniId === eni.eniId);
      const deviceIndex = eni.attachment?.deviceIndex;
      return {
        eniId: eni.eniId,
        // A RunInstances record always gives the device index; fall back on the ENI's kind.
        primary: deviceIndex === undefined ? eni.kind === 'node-primary' : deviceIndex === 0,
        networkCardIndex: eni.attachment?.networkCardIndex,
        secondaryIpv4Count: held.filter((a) => a.kind === 'secondary').length,
        prefixCount: held.filter((a) => a.kind === 'prefix').length,
      };
    });
}

export function nodeCapacityFromView(
  view: NodeView,
  instanceId: string,
  limits: InstanceTypeLimits,
  settings: MaxPodsSettings,
): NodeCapacity {
  return computeNodeCapacity({
    nodeId: instanceId,
    cluster: view.node?.cluster ?? '',
    limits,
    settings,
    enis: attachedEnis(view, instanceId),
  });
}

/** Clusters whose ENIs sit in the subnet, sorted; a subnet can be shared. */
export function subnetClusters(view: SubnetView): string[] {
  const clusters = new Set<string>();
  for (const eni of view.enis) if (eni.cluster) clusters.add(eni.cluster);
  return [...clusters].sort();
}

/** Exact usage of a subnet from the ledger; `undefined` while its CIDR is unknown. */
export function subnetCapacityFromView(
  view: SubnetView,
  subnetId: string,
): SubnetCapacity | undefined {
  const cidr = view.subnet?.cidr;
  if (!cidr) return undefined;
  return computeSubnetCapacity({
    subnetId,
    cluster: subnetClusters(view).join(','),
    cidr,
    addresses: view.addresses
      .filter((a) => a.kind !== 'prefix')
      .map((a) => ({ address: a.address, kind: a.consumer })),
    prefixes: view.addresses
      .filter((a) => a.kind === 'prefix')
      .map((a) => ({ cidr: a.address, kind: a.consumer })),
    reservations: view.subnet?.reservations ?? [],
  });
}
