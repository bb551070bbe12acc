import type { CapacityLedger } from '#core/capacity/capacity-ports.ts';
import type {
  AddressRecord,
  EniRecord,
  NetworkLedger,
  NodeView,
  SubnetView,
} from '#core/network/network-ports.ts';
import type { LedgerState } from '#core/network/plan-network-sweep.ts';

/** What the sweep's capacity parts (usage sampling, the review) read of the ledger. */
export type SnapshotLedger = CapacityLedger & Pick<NetworkLedger, 'listNodes' | 'listSubnets'>;

/**
 * The node and subnet views (and lists) of a ledger already read in full (the sweep's read),
 * so usage sampling and the capacity review ask the table nothing more: each item read once
 * per sweep instead of three times (the read, then each node's and each subnet's query).
 */
export function snapshotCapacityLedger(state: LedgerState): SnapshotLedger {
  const nodes = new Map(state.nodes.map((n) => [n.instanceId, n]));
  const subnets = new Map(state.subnets.map((s) => [s.subnetId, s]));
  const enisByNode = new Map<string, EniRecord[]>();
  const enisBySubnet = new Map<string, EniRecord[]>();
  for (const eni of state.enis) {
    if (eni.deleted) continue;
    if (eni.instanceId) push(enisByNode, eni.instanceId, eni);
    push(enisBySubnet, eni.subnetId, eni);
  }
  const addressesByNode = new Map<string, AddressRecord[]>();
  const addressesBySubnet = new Map<string, AddressRecord[]>();
  for (const a of state.addresses) {
    if (a.instanceId) push(addressesByNode, a.instanceId, a);
    push(addressesBySubnet, a.subnetId, a);
  }
  return {
    listNodes: async () => [...state.nodes],
    listSubnets: async () => [...state.subnets],
    nodeView: async (instanceId: string): Promise<NodeView> => ({
      node: nodes.get(instanceId),
      enis: enisByNode.get(instanceId) ?? [],
      addresses: addressesByNode.get(instanceId) ?? [],
    }),
    subnetView: async (subnetId: string): Promise<SubnetView> => ({
      subnet: subnets.get(subnetId),
      enis: enisBySubnet.get(subnetId) ?? [],
      addresses: addressesBySubnet.get(subnetId) ?? [],
    }),
  };
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
