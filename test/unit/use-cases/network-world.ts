import { MemoryEc2 } from '#adapters/memory/memory-ec2.ts';
import { MemoryNetworkLedger } from '#adapters/memory/memory-network-ledger.ts';
import type { EventStamp } from '#core/events/event-envelope.ts';
import type { Scope } from '#core/events/scope.ts';
import { applyEc2Event, type EventOutcome } from '#core/network/apply-ec2-event.ts';
import type { Ec2Change, Ec2Event } from '#core/network/ec2-event.ts';
import type { EniFacts, InstanceFacts, SubnetFacts } from '#core/network/network.ts';
import type { NetworkLedger } from '#core/network/network-ports.ts';

/**
 * Data for the network use-case tests: one VPC, one cluster, nodes and ENIs made from a few
 * fields, EC2 events at minute `m` of the story, and the memory adapters to run them on.
 */
export const VPC = 'vpc-1';
export const SUBNET = 'subnet-a';
export const CLUSTER = 'c1';
export const NODE = 'i-0000000000000000a';
export const NODE_B = 'i-0000000000000000b';
export const SCOPE: Scope = { clusters: [CLUSTER], vpcIds: [VPC] };

export const at = (m: number, id = `ev-${m}`): EventStamp => ({
  eventTime: `2026-11-21T10:${String(m).padStart(2, '0')}:00Z`,
  eventId: id,
});

export const event = (m: number, change: Ec2Change, name = change.type): Ec2Event => ({
  stamp: at(m),
  name,
  change,
});

export function instance(instanceId = NODE, extra: Partial<InstanceFacts> = {}): InstanceFacts {
  return {
    instanceId,
    instanceType: 't3.medium',
    vpcId: VPC,
    subnetId: SUBNET,
    privateIp: '10.0.0.10',
    state: 'running',
    tags: { 'eks:cluster-name': CLUSTER },
    ...extra,
  };
}

/** A CNI ENI made for `node` (description `aws-K8S-<node>`), not attached unless asked. */
export function cniEni(eniId: string, node = NODE, extra: Partial<EniFacts> = {}): EniFacts {
  return {
    eniId,
    vpcId: VPC,
    subnetId: SUBNET,
    description: `aws-K8S-${node}`,
    tags: { 'cluster.k8s.amazonaws.com/name': CLUSTER },
    secondaryIps: [],
    prefixes: [],
    ...extra,
  };
}

/** A node's primary ENI (eth0), attached, with the node's own address. */
export function primaryEni(eniId: string, node = NODE, primaryIp = '10.0.0.10'): EniFacts {
  return {
    eniId,
    vpcId: VPC,
    subnetId: SUBNET,
    description: '',
    tags: {},
    attachment: { instanceId: node, attachmentId: `attach-${eniId}`, deviceIndex: 0 },
    primaryIp,
    secondaryIps: [],
    prefixes: [],
  };
}

export const SUBNET_FACTS: SubnetFacts = {
  subnetId: SUBNET,
  vpcId: VPC,
  cidr: '10.0.0.0/24',
  availabilityZone: 'az-a',
  reservations: [],
};

export function networkWorld() {
  const ledger = new MemoryNetworkLedger();
  const ec2 = new MemoryEc2();
  ec2.subnets.set(SUBNET, SUBNET_FACTS);
  return { ledger, ec2, deps: { ledger, ec2, scope: SCOPE } };
}

/** What a node's view holds, one line per ENI and per address, for comparing. */
export async function nodeLines(ledger: NetworkLedger, instanceId = NODE) {
  const view = await ledger.nodeView(instanceId);
  const n = view.node;
  return {
    state: n?.state,
    /** Type, VPC and cluster; `?` where the ledger does not know it (yet). */
    facts: n ? [n.instanceType, n.vpcId, n.cluster].map((f) => f ?? '?').join(' ') : undefined,
    enis: view.enis.map((e) => `${e.eniId} ${e.kind} ${e.attachment ? 'attached' : 'detached'}`),
    addresses: view.addresses.map((a) => `${a.eniId} ${a.address} ${a.kind}`),
  };
}

/** What EC2 answers in a test, beyond subnet-a's facts (which `networkWorld` always has). */
export interface Ec2Answers {
  readonly instances?: readonly InstanceFacts[];
  readonly enis?: readonly EniFacts[];
}

/** A world whose EC2 answers `ec2`, after `given` were applied in order. */
export async function worldAfterEvents(given: readonly Ec2Event[], ec2: Ec2Answers = {}) {
  const world = networkWorld();
  for (const i of ec2.instances ?? []) world.ec2.instances.set(i.instanceId, i);
  for (const e of ec2.enis ?? []) world.ec2.enis.set(e.eniId, e);
  for (const e of given) await applyEc2Event(e, world.deps);
  // The reads the test's own event makes are the ones worth asserting.
  world.ec2.calls.length = 0;
  return world;
}

/** What EC2 reports when a sweep reads it. */
export interface Ec2Now {
  readonly instances?: readonly InstanceFacts[];
  readonly enis?: readonly EniFacts[];
  readonly subnets?: readonly SubnetFacts[];
}

/** The memory ledger after `events` (applied while EC2 knew only subnet-a), with EC2 now reporting `now`. */
export async function sweepWorld(events: readonly Ec2Event[], now: Ec2Now) {
  const world = networkWorld();
  for (const e of events) await applyEc2Event(e, world.deps);
  world.ec2.subnets.clear();
  for (const i of now.instances ?? []) world.ec2.instances.set(i.instanceId, i);
  for (const e of now.enis ?? []) world.ec2.enis.set(e.eniId, e);
  for (const s of now.subnets ?? []) world.ec2.subnets.set(s.subnetId, s);
  return world;
}

/** The fields every outcome of event `e` has. */
export const answerTo = (e: Ec2Event) => ({ eventId: e.stamp.eventId, name: e.name });

/**
 * One applyEc2Event case: the events applied before (`worldAfterEvents`), what EC2 answers,
 * the event, and the whole outcome it must give; `reads`, when given, the EC2 reads it made.
 */
export interface ApplyCase {
  readonly name: string;
  readonly given?: readonly Ec2Event[];
  readonly ec2?: Ec2Answers;
  readonly when: Ec2Event;
  readonly outcome: EventOutcome;
  readonly reads?: readonly string[];
}
