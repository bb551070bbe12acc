import pMap from 'p-map';
import type { EventStamp } from '#core/events/event-envelope.ts';
import { type Subject, subject, takeSuperseded } from '#core/events/parking.ts';
import type { Scope } from '#core/events/scope.ts';
import type { UnitOfWork } from '#core/events/unit-of-work.ts';
import { applyEc2Event } from '#core/network/apply-ec2-event.ts';
import { applyParkedEc2Changes } from '#core/network/apply-parked-ec2-changes.ts';
import { discardParkedEc2Changes } from '#core/network/discard-parked-ec2-changes.ts';
import { cniOwner } from '#core/network/eni-classify.ts';
import type { EniFacts } from '#core/network/network.ts';
import type { Ec2Reader, NetworkLedger, WriteOutcome } from '#core/network/network-ports.ts';
import {
  type LedgerState,
  planNetworkSweep,
  type Repair,
  touchedByRepairs,
} from '#core/network/plan-network-sweep.ts';

export interface SweepDeps {
  readonly ledger: NetworkLedger;
  readonly ec2: Ec2Reader;
  readonly scope: Scope;
  /** Ledger writes in flight at once (default SWEEP_CONCURRENCY). */
  readonly concurrency?: number;
  /**
   * A unit of work per repaired node (with its ENIs) or other subject, so its repairs (a new
   * node's facts and state, its ENIs, attachments and addresses) write each item once, in one
   * request; without it, write by write.
   */
  readonly unitOfWork?:
    | (() => UnitOfWork<{ readonly network: NetworkLedger }, SweepFiling>)
    | undefined;
  /**
   * Asked before each node's (or other subject's) repairs: true once the invocation must stop
   * starting more (Lambda's remaining time). What is left still differs, so the next sweep
   * plans it again and goes on from there: a sweep too big for one invocation converges over
   * several.
   */
  readonly outOfTime?: (() => boolean) | undefined;
}

/**
 * Nodes and ENIs a unit files that the sweep's read of the ledger did not find: the unit takes
 * their items as absent instead of reading them (and still guards them at commit).
 */
export interface SweepFiling {
  readonly unread: { readonly nodes: readonly string[]; readonly enis: readonly string[] };
}

/**
 * Subjects repaired at once. Each repair is one to a few conditional writes; at 5,000 nodes
 * (about 180,000 items into an empty ledger) one at a time is most of the sweep's time.
 */
export const SWEEP_CONCURRENCY = 16;

export interface NetworkSweepReport {
  readonly repairs: number;
  readonly byType: Readonly<Record<string, number>>;
  readonly affected: { readonly nodes: string[]; readonly subnets: string[] };
  /**
   * Parked events whose subject the sweep filed, applied now when newer than its read; and
   * those dropped: ended by a delete, or older than the read (superseded by it).
   */
  readonly parked: { readonly applied: number; readonly discarded: number };
  /** Repairs left for the next sweep when `outOfTime` said stop (absent when none). */
  readonly deferred?: number;
}

/**
 * Anti-entropy: re-read EC2, compare with the ledger, write only what differs.
 * Writes carry the sweep's start time as their stamp, so an event that happened
 * after the sweep began still wins when it arrives later.
 */
export async function sweepNetwork(
  deps: SweepDeps,
  startedAt: string,
  /** The ledger as read for this sweep, when the caller read it (to reuse the read). */
  read?: LedgerState,
): Promise<NetworkSweepReport> {
  const stamp: EventStamp = { eventId: `sweep:${startedAt}`, eventTime: startedAt };
  const ec2 = {
    instances: await collect(deps.ec2.listInstances(deps.scope.vpcIds)),
    enis: await collect(deps.ec2.listNetworkInterfaces(deps.scope.vpcIds)),
    subnets: await collect(deps.ec2.listSubnets(deps.scope.vpcIds)),
  };
  const state = read ?? (await readLedger(deps.ledger));
  const all = planNetworkSweep(state, ec2, deps.scope);
  const outcomes = await applyAll(stamp, deps, groupsOf(all, state, ec2.enis));
  // Without `outOfTime`, or with time enough, every repair was attempted.
  const repairs = all.filter((r) => outcomes.has(r));
  const byType: Record<string, number> = {};
  const nodes = new Set<string>();
  const subnets = new Set<string>();
  const audit = [];
  for (const repair of repairs) {
    if (!outcomes.get(repair)?.includes('applied')) continue;
    byType[repair.type] = (byType[repair.type] ?? 0) + 1;
    audit.push({ entity: subjectOf(repair), action: `sweep ${repair.type}` });
    if (repair.type === 'put-node' || repair.type === 'node-state') nodes.add(nodeOf(repair));
  }
  const touched = touchedByRepairs(repairs, ec2.enis);
  for (const node of touched.nodes) nodes.add(node);
  for (const subnet of touched.subnets) subnets.add(subnet);
  // What the sweep filed lets parked events through; what it deleted ends theirs. Parked
  // events are few: one listing names the subjects worth asking about, instead of two queries
  // for every node, ENI and attachment filed (listed after the repairs, as those queries were).
  const waiting = new Set((await deps.ledger.listParked()).map((p) => p.subject));
  const filed = repairs.flatMap(filedBy).filter((s) => waiting.has(s));
  const ended = repairs.flatMap((r) => (r.type === 'delete-eni' ? [subject.eni(r.eniId)] : []));
  const dropped = await discardParkedEc2Changes(ended, deps.ledger);
  for (const p of await takeSuperseded(deps.ledger, filed, stamp)) {
    // Marked processed, so a redelivery of it is a duplicate rather than applied after all.
    await deps.ledger.markProcessed(p.stamp, p.name, []);
    dropped.push({
      entity: p.subject,
      action: `discarded parked ${p.name}`,
      detail: `${p.stamp.eventId} at ${p.stamp.eventTime}: superseded by the sweep's read at ${startedAt}`,
    });
  }
  const discarded = dropped.length;
  audit.push(...dropped);
  if (audit.length) await deps.ledger.markProcessed(stamp, 'Sweep', audit);
  const later = await applyParkedEc2Changes(deps.ledger, filed, undefined, (e) =>
    applyEc2Event(e, deps),
  );
  const deferred = all.length - repairs.length;
  return {
    repairs: audit.length - discarded,
    byType,
    affected: { nodes: [...nodes].sort(), subnets: [...subnets].sort() },
    parked: { applied: later.filter((o) => o.status !== 'parked').length, discarded },
    ...(deferred > 0 ? { deferred } : {}),
  };
}

function filedBy(repair: Repair): Subject[] {
  switch (repair.type) {
    case 'put-node':
      return [subject.instance(repair.instance.instanceId)];
    case 'put-eni': {
      const attachmentId = repair.entry.facts.attachment?.attachmentId;
      return [
        subject.eni(repair.entry.facts.eniId),
        ...(attachmentId ? [subject.attachment(attachmentId)] : []),
      ];
    }
    case 'attachment':
      return repair.attachment?.attachmentId
        ? [subject.attachment(repair.attachment.attachmentId)]
        : [];
    default:
      return [];
  }
}

/** Every node, subnet, live ENI and assigned address: one query per subnet plus two lists. */
export async function readLedger(ledger: NetworkLedger): Promise<LedgerState> {
  const nodes = await ledger.listNodes();
  const subnets = await ledger.listSubnets();
  const views = await Promise.all(subnets.map((s) => ledger.subnetView(s.subnetId)));
  return {
    nodes,
    subnets,
    enis: views.flatMap((v) => v.enis),
    addresses: views.flatMap((v) => v.addresses),
  };
}

/** Repairs applied together: in one unit of work, when there is one. */
interface RepairGroup {
  readonly repairs: Repair[];
  readonly unread: { nodes: string[]; enis: string[] };
}

/**
 * The repairs by node: a node's own with those of the ENIs attached to it or made for it (in
 * EC2 or, for an ENI EC2 no longer lists, in the ledger), so a new node is one request. Other
 * ENIs and subnets are groups of their own. Within a group the plan's order stands: an ENI's
 * attachment moves its addresses, so its assignments must not race it.
 */
function groupsOf(
  repairs: readonly Repair[],
  state: LedgerState,
  enis: readonly EniFacts[],
): RepairGroup[] {
  const nodeOfEni = new Map<string, string>();
  for (const e of state.enis) if (e.instanceId) nodeOfEni.set(e.eniId, e.instanceId);
  for (const e of enis) {
    const node = e.attachment?.instanceId || cniOwner(e);
    if (node) nodeOfEni.set(e.eniId, node);
  }
  const knownNodes = new Set(state.nodes.map((n) => n.instanceId));
  const knownEnis = new Set(state.enis.map((e) => e.eniId));
  const groups = new Map<string, RepairGroup>();
  for (const repair of repairs) {
    const id = subjectOf(repair);
    const eni = 'eniId' in repair || repair.type === 'put-eni';
    const node = eni ? nodeOfEni.get(id) : undefined;
    const key =
      repair.type === 'put-subnet'
        ? `subnet:${id}`
        : eni && !node
          ? `eni:${id}`
          : `node:${node ?? id}`;
    let group = groups.get(key);
    if (!group) {
      group = { repairs: [], unread: { nodes: [], enis: [] } };
      groups.set(key, group);
    }
    group.repairs.push(repair);
    if (repair.type === 'put-node' && !knownNodes.has(id)) group.unread.nodes.push(id);
    if (repair.type === 'put-eni' && !knownEnis.has(id)) group.unread.enis.push(id);
  }
  return [...groups.values()];
}

/** Applies the groups of repairs with bounded concurrency (p-map), each group in plan order. */
async function applyAll(
  stamp: EventStamp,
  { ledger, concurrency = SWEEP_CONCURRENCY, unitOfWork, outOfTime }: SweepDeps,
  groups: readonly RepairGroup[],
): Promise<Map<Repair, WriteOutcome[]>> {
  const outcomes = new Map<Repair, WriteOutcome[]>();
  await pMap(
    groups,
    async ({ repairs: list, unread }) => {
      if (outOfTime?.()) return;
      // A new ENI alone is a unit too: its facts, attachment and addresses in one request.
      if (unitOfWork && (list.length > 1 || list[0]?.type === 'put-eni')) {
        const unit = unitOfWork();
        await unit.prepare(stamp.eventId, { unread });
        const done = new Map<Repair, WriteOutcome[]>();
        for (const repair of list) done.set(repair, await apply(repair, stamp, unit.ports.network));
        if ((await unit.commit()).status === 'committed') {
          for (const [repair, outcome] of done) outcomes.set(repair, outcome);
          return;
        }
        // Another writer moved an item the unit read: nothing of it was written; item by item.
      }
      for (const repair of list) outcomes.set(repair, await apply(repair, stamp, ledger));
    },
    { concurrency },
  );
  return outcomes;
}

async function apply(
  repair: Repair,
  stamp: EventStamp,
  ledger: NetworkLedger,
): Promise<WriteOutcome[]> {
  switch (repair.type) {
    case 'put-node':
      return [await ledger.putNodeFacts(repair.instance, repair.cluster)];
    case 'node-state':
      return [await ledger.setNodeState(repair.instanceId, repair.state, stamp)];
    case 'forget-node':
      return [await ledger.forgetNode(repair.instanceId)];
    case 'put-eni':
      return [await ledger.putEni(repair.entry, stamp)];
    case 'attachment':
      return [await ledger.setEniAttachment(repair.eniId, repair.attachment, stamp)];
    case 'delete-eni':
      return [await ledger.deleteEni(repair.eniId, stamp)];
    case 'put-subnet':
      return [await ledger.putSubnet(repair.subnet)];
    case 'assign': {
      const eni = await ledger.getEni(repair.eniId);
      return eni ? ledger.assignAddresses(eni, repair.addresses, stamp) : ['missing'];
    }
    case 'unassign': {
      const eni = await ledger.getEni(repair.eniId);
      return eni ? ledger.unassignAddresses(eni, repair.addresses, stamp) : ['missing'];
    }
  }
}

function subjectOf(repair: Repair): string {
  switch (repair.type) {
    case 'put-node':
      return repair.instance.instanceId;
    case 'node-state':
    case 'forget-node':
      return repair.instanceId;
    case 'put-eni':
      return repair.entry.facts.eniId;
    case 'put-subnet':
      return repair.subnet.subnetId;
    default:
      return repair.eniId;
  }
}

function nodeOf(repair: Repair): string {
  return repair.type === 'put-node' ? repair.instance.instanceId : subjectOf(repair);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
