import { lacksRequiredCluster, outOfScope, type Scope } from '#core/events/scope.ts';
import {
  classifyEni,
  clusterOf,
  cniOwner,
  eniAddresses,
  eniCluster,
} from '#core/network/eni-classify.ts';
import type {
  AddressFacts,
  EniAttachment,
  EniFacts,
  InstanceFacts,
  SubnetFacts,
} from '#core/network/network.ts';
import type {
  AddressRecord,
  EniEntry,
  EniRecord,
  NodeRecord,
  SubnetRecord,
} from '#core/network/network-ports.ts';
import { awaitsFacts } from '#core/network/node-awaiting-facts.ts';

/** What the ledger holds, as the sweep compares it. */
export interface LedgerState {
  readonly nodes: readonly NodeRecord[];
  readonly enis: readonly EniRecord[];
  readonly addresses: readonly AddressRecord[];
  readonly subnets: readonly SubnetRecord[];
}

/** What EC2 reports right now for the configured VPCs. */
export interface Ec2State {
  readonly instances: readonly InstanceFacts[];
  readonly enis: readonly EniFacts[];
  readonly subnets: readonly SubnetFacts[];
}

export type Repair =
  | { type: 'put-node'; instance: InstanceFacts; cluster: string | undefined }
  | { type: 'node-state'; instanceId: string; state: InstanceFacts['state'] }
  /** A node filed from its state alone (awaitsFacts) that EC2 shows is out of scope. */
  | { type: 'forget-node'; instanceId: string }
  | { type: 'put-eni'; entry: EniEntry }
  | { type: 'attachment'; eniId: string; attachment: EniAttachment | undefined }
  | { type: 'delete-eni'; eniId: string }
  | { type: 'assign'; eniId: string; addresses: AddressFacts[] }
  | { type: 'unassign'; eniId: string; addresses: string[] }
  | { type: 'put-subnet'; subnet: SubnetFacts };

/**
 * The smallest set of writes that makes the ledger agree with EC2. Pure: the
 * sweep reads both sides, this decides, the ledger applies.
 */
export function planNetworkSweep(ledger: LedgerState, ec2: Ec2State, scope: Scope): Repair[] {
  const repairs: Repair[] = [];
  const instances = ec2.instances.filter((i) => inScope(scope, i.vpcId, clusterOf(i), true));
  const clusterByNode = new Map(instances.map((i) => [i.instanceId, clusterOf(i)]));
  for (const n of ledger.nodes) if (n.cluster) clusterByNode.set(n.instanceId, n.cluster);

  const ledgerNodes = new Map(ledger.nodes.map((n) => [n.instanceId, n]));
  const seenNodes = new Set<string>();
  for (const instance of instances) {
    seenNodes.add(instance.instanceId);
    const known = ledgerNodes.get(instance.instanceId);
    if (!known || known.instanceType !== instance.instanceType) {
      repairs.push({ type: 'put-node', instance, cluster: clusterOf(instance) });
    }
    if (known?.state !== instance.state) {
      repairs.push({ type: 'node-state', instanceId: instance.instanceId, state: instance.state });
    }
  }
  const listed = new Set(ec2.instances.map((i) => i.instanceId));
  for (const node of ledger.nodes) {
    if (seenNodes.has(node.instanceId)) continue;
    // Listed but out of scope: a node filed from its state alone turned out not to be ours.
    if (listed.has(node.instanceId) && awaitsFacts(node)) {
      repairs.push({ type: 'forget-node', instanceId: node.instanceId });
      continue;
    }
    // An instance EC2 no longer lists at all has been terminated long enough to vanish.
    if (node.state !== 'terminated') {
      repairs.push({ type: 'node-state', instanceId: node.instanceId, state: 'terminated' });
    }
  }

  const ledgerEnis = new Map(ledger.enis.filter((e) => !e.deleted).map((e) => [e.eniId, e]));
  const held = new Map<string, Set<string>>();
  for (const a of ledger.addresses) {
    const set = held.get(a.eniId) ?? new Set<string>();
    set.add(a.address);
    held.set(a.eniId, set);
  }
  const seenEnis = new Set<string>();
  for (const eni of ec2.enis) {
    const owner = eni.attachment?.instanceId || cniOwner(eni);
    const cluster = eniCluster(eni) ?? (owner ? clusterByNode.get(owner) : undefined);
    if (!inScope(scope, eni.vpcId, cluster, false)) continue;
    seenEnis.add(eni.eniId);
    const known = ledgerEnis.get(eni.eniId);
    const addresses = eniAddresses(eni);
    if (!known) {
      repairs.push({
        type: 'put-eni',
        entry: {
          facts: eni,
          kind: classifyEni(eni),
          addresses,
          ...(cluster ? { cluster } : {}),
          ...(owner ? { instanceId: owner } : {}),
        },
      });
      continue;
    }
    if (!sameAttachment(known.attachment, eni.attachment)) {
      repairs.push({ type: 'attachment', eniId: eni.eniId, attachment: eni.attachment });
    }
    const have = held.get(eni.eniId);
    const missing = have ? addresses.filter((a) => !have.has(a.address)) : addresses;
    if (missing.length) repairs.push({ type: 'assign', eniId: eni.eniId, addresses: missing });
    // Only when the ledger holds more than EC2's addresses matched is there anything extra:
    // an ENI in sync allocates nothing more.
    if (have && have.size !== addresses.length - missing.length) {
      const want = new Set(addresses.map((a) => a.address));
      const extra = [...have].filter((a) => !want.has(a)).sort();
      if (extra.length) repairs.push({ type: 'unassign', eniId: eni.eniId, addresses: extra });
    }
  }
  for (const eni of ledgerEnis.values()) {
    if (!seenEnis.has(eni.eniId)) repairs.push({ type: 'delete-eni', eniId: eni.eniId });
  }

  const ledgerSubnets = new Map(ledger.subnets.map((s) => [s.subnetId, s]));
  for (const subnet of ec2.subnets) {
    if (!inScope(scope, subnet.vpcId, undefined, false)) continue;
    const known = ledgerSubnets.get(subnet.subnetId);
    if (
      !known ||
      known.cidr !== subnet.cidr ||
      [...known.reservations].sort().join() !== [...subnet.reservations].sort().join()
    ) {
      repairs.push({ type: 'put-subnet', subnet });
    }
  }
  return repairs;
}

/**
 * The nodes and subnets whose capacity a plan may change: those of every EC2 ENI that a
 * repair touches. One pass over the repairs and one over the ENIs (the sweep's old loop
 * matched every repair against every ENI: quadratic, 24 s at 10,000 nodes).
 */
export function touchedByRepairs(
  repairs: readonly Repair[],
  enis: readonly EniFacts[],
): { nodes: Set<string>; subnets: Set<string> } {
  const touched = new Set<string>();
  for (const r of repairs) {
    if ('eniId' in r) touched.add(r.eniId);
    else if (r.type === 'put-eni') touched.add(r.entry.facts.eniId);
  }
  const nodes = new Set<string>();
  const subnets = new Set<string>();
  for (const eni of enis) {
    if (!touched.has(eni.eniId)) continue;
    if (eni.attachment?.instanceId) nodes.add(eni.attachment.instanceId);
    subnets.add(eni.subnetId);
  }
  return { nodes, subnets };
}

/** Nodes must belong to a configured cluster; other ENIs only to a configured VPC. */
function inScope(
  scope: Scope,
  vpcId: string | undefined,
  cluster: string | undefined,
  isNode: boolean,
) {
  if (outOfScope(scope, vpcId, cluster)) return false;
  return !(isNode && lacksRequiredCluster(scope, cluster));
}

function sameAttachment(a: EniAttachment | undefined, b: EniAttachment | undefined): boolean {
  if (!a?.instanceId || !b?.instanceId) return !a?.instanceId && !b?.instanceId;
  return a.instanceId === b.instanceId && (a.deviceIndex ?? 0) === (b.deviceIndex ?? 0);
}
