import { compareStamps, type EventStamp } from '#core/events/event-envelope.ts';
import { type Subject, subject } from '#core/events/parking.ts';
import { outOfScope, type Scope, scopeProblem } from '#core/events/scope.ts';
import {
  applyParkedEc2Changes,
  withLaterAffected,
} from '#core/network/apply-parked-ec2-changes.ts';
import { discardParkedEc2Changes } from '#core/network/discard-parked-ec2-changes.ts';
import type { Ec2Change, Ec2Event } from '#core/network/ec2-event.ts';
import {
  classifyEni,
  clusterOf,
  cniOwner,
  eniAddresses,
  eniCluster,
} from '#core/network/eni-classify.ts';
import {
  type AddressFacts,
  type EniFacts,
  GONE_STATES,
  type InstanceFacts,
  type InstanceState,
} from '#core/network/network.ts';
import type {
  AuditEntry,
  Ec2Reader,
  EniEntry,
  EniRecord,
  NetworkLedger,
  NodeRecord,
  WriteOutcome,
} from '#core/network/network-ports.ts';

/** `parked`: the event's subject is not in the ledger yet; it is applied when the subject is filed. */
export type EventStatus = 'applied' | 'duplicate' | 'stale' | 'ignored' | 'parked';

export interface EventOutcome {
  readonly status: EventStatus;
  readonly eventId?: string;
  readonly name?: string;
  /** One line: why it was ignored, or what changed. */
  readonly reason: string;
  readonly audit: readonly AuditEntry[];
  /** Nodes and subnets whose capacity may have changed, for the evaluators that follow. */
  readonly affected?: Affected;
  /** For a parked event: the missing subject it waits for. */
  readonly parkedOn?: Subject;
  /** Parked events this one's filing let through, applied now (in stamp order). */
  readonly later?: readonly EventOutcome[];
  /** Parked events a terminal event ended: never applied, audited. */
  readonly discarded?: number;
}

export interface Affected {
  readonly nodes: readonly string[];
  readonly subnets: readonly string[];
  /** Nodes that gave addresses back (terminated, ENI detached or deleted): their targets may be stale. */
  readonly releasedFrom?: readonly string[];
  /** Addresses assigned or released by the event: a target registered with one may now point elsewhere. */
  readonly addresses?: readonly { readonly vpcId: string; readonly ips: readonly string[] }[];
  /**
   * The change only gave back (addresses unassigned, an ENI detached or deleted, a node gone):
   * the nodes and subnets it names can only be less pressed than before, so a review has
   * nothing to open for them and need not read one whose alerts are closed.
   */
  readonly onlyFreed?: boolean;
}

export interface Ec2Deps {
  readonly ledger: NetworkLedger;
  readonly ec2: Ec2Reader;
  readonly scope: Scope;
}

/** Intermediate result of one change: writes done, or why none could be. */
type Step =
  | {
      writes: WriteOutcome[];
      audit: AuditEntry[];
      note?: string;
      before?: EniRecord;
      /** For a state change: the node as it was before ('unfiled': the change filed it). */
      nodeBefore?: NodeRecord | 'unfiled';
      /** Subnets whose addresses this change released besides its own ENI's (a termination's). */
      releasedIn?: string[];
      /** Subjects this change filed: their parked changes can apply now. */
      filed?: Subject[];
      /** Subjects this change ended (deleted): their parked changes never will. */
      ended?: Subject[];
      /** The ENI of an attachment this change filed, for the detach that waited for it. */
      attached?: { attachmentId: string; eniId: string };
    }
  | { ignored: string }
  | { park: Subject; reason: string };

/**
 * Applies one parsed EC2 event to the ledger. An event that cannot be applied because its
 * subject (ENI, attachment, instance) is unknown and cannot be read back is parked under that
 * subject, and applied when the subject is filed. Ignored and parked events are not marked
 * processed, so a redelivery tries again.
 */
export async function applyEc2Event(event: Ec2Event, deps: Ec2Deps): Promise<EventOutcome> {
  const { stamp, name } = event;
  const base = { eventId: stamp.eventId, name };
  if (await deps.ledger.hasProcessed(stamp.eventId)) {
    // What it touched, all the same: a redelivery after a crash or a failed review must review
    // again (reviews settle alerts idempotently), or an alert the first delivery would have
    // raised is never raised. Without the ENI as it was before, a detach or delete names only
    // what the ledger still knows.
    const affected = await affectedBy(event.change, deps.ledger, {});
    return { ...base, status: 'duplicate', reason: 'already applied', audit: [], affected };
  }
  const step = await applyChange(event.change, stamp, deps);
  if ('ignored' in step) return { ...base, status: 'ignored', reason: step.ignored, audit: [] };
  if ('park' in step) {
    await deps.ledger.park({ subject: step.park, stamp, name, change: event.change });
    return { ...base, status: 'parked', reason: step.reason, parkedOn: step.park, audit: [] };
  }
  const discarded = await discardParkedEc2Changes(step.ended ?? [], deps.ledger);
  const audit = [...step.audit, ...discarded];
  const applied = step.writes.some((w) => w === 'applied');
  const allStale = step.writes.length > 0 && step.writes.every((w) => w === 'stale');
  await deps.ledger.markProcessed(stamp, name, audit);
  const later = await applyParkedEc2Changes(deps.ledger, step.filed ?? [], step.attached, (e) =>
    applyEc2Event(e, deps),
  );
  const extra = {
    ...(later.length ? { later } : {}),
    ...(discarded.length ? { discarded: discarded.length } : {}),
  };
  if (allStale) {
    return {
      ...base,
      status: 'stale',
      reason: 'the ledger already holds newer state',
      audit: [],
      ...extra,
    };
  }
  const summary = step.audit.map((a) => `${a.action} ${a.entity}`).join(', ');
  const affected = await affectedBy(event.change, deps.ledger, step);
  return {
    ...base,
    affected: withLaterAffected(affected, later),
    status: 'applied',
    reason: [
      applied ? summary || 'changed' : 'no change',
      step.note,
      later.length ? `${later.length} parked applied` : undefined,
    ]
      .filter(Boolean)
      .join('; '),
    audit,
    ...extra,
  };
}

async function applyChange(change: Ec2Change, stamp: EventStamp, deps: Ec2Deps): Promise<Step> {
  switch (change.type) {
    case 'instance-state':
      return instanceState(change.instanceId, change.state, stamp, deps);
    case 'instances-launched':
      return launched(change.instances, change.enis, stamp, deps);
    case 'eni-created':
      return putEniFacts(change.eni, stamp, deps);
    case 'eni-attached':
      return attached(change, stamp, deps);
    case 'eni-detached': {
      // A detach that waited for its attach knows the ENI; a fresh one only the attachment id.
      const eni = change.eniId
        ? await deps.ledger.getEni(change.eniId)
        : await deps.ledger.findEniByAttachment(change.attachmentId);
      if (!eni) {
        return {
          park: subject.attachment(change.attachmentId),
          reason: `unknown attachment ${change.attachmentId}: no ENI in the ledger has it; parked until its attach is filed`,
        };
      }
      const current = eni.attachment?.attachmentId;
      const w = await deps.ledger.setEniAttachment(eni.eniId, undefined, stamp);
      // A newer detach of another attachment (a read-back showed where the ENI went) also ended
      // the one the ledger held: remembered, so that one's own late detach finds the ENI.
      if (w === 'applied' && current && current !== change.attachmentId) {
        await deps.ledger.recordPastAttachment(current, eni.eniId);
      }
      return { writes: [w], audit: audited(w, eni.eniId, 'detached', eni.instanceId), before: eni };
    }
    case 'eni-deleted': {
      const known = await deps.ledger.getEni(change.eniId);
      const w = await deps.ledger.deleteEni(change.eniId, stamp);
      return {
        writes: [w],
        audit: audited(w, change.eniId, 'deleted'),
        ...(known ? { before: known } : {}),
        // A tombstone for an ENI we never saw keeps a late CreateNetworkInterface from resurrecting it.
        ...(known ? {} : { note: `ENI ${change.eniId} was not in the ledger; tombstone kept` }),
        ended: [subject.eni(change.eniId)],
      };
    }
    case 'addresses-assigned':
      return assigned(change, stamp, deps);
    case 'addresses-unassigned': {
      const eni = await deps.ledger.getEni(change.eniId);
      if (!eni) {
        return {
          park: subject.eni(change.eniId),
          reason: `unknown ENI ${change.eniId}: not in the ledger yet; parked until it is filed`,
        };
      }
      const addresses = [...change.ips, ...change.prefixes];
      const writes = await deps.ledger.unassignAddresses(eni, addresses, stamp);
      return { writes, audit: auditedMany(writes, addresses, eni.eniId, 'unassigned') };
    }
  }
}

async function instanceState(
  instanceId: string,
  state: InstanceState,
  stamp: EventStamp,
  deps: Ec2Deps,
): Promise<Step> {
  const node = await deps.ledger.getNode(instanceId);
  const audit: AuditEntry[] = [];
  const writes: WriteOutcome[] = [];
  const filed: Subject[] = [];
  const releasedIn: string[] = [];
  let note: string | undefined;
  if (!node) {
    // The state-change event carries only id and state; the rest comes from EC2.
    const facts = await deps.ec2.describeInstance(instanceId);
    if (facts) {
      const cluster = clusterOf(facts);
      const why = scopeProblem(
        deps.scope,
        facts.vpcId,
        cluster,
        `instance ${instanceId} belongs to no EKS cluster`,
      );
      if (why) return { ignored: why };
      writes.push(await deps.ledger.putNodeFacts(facts, cluster));
    } else {
      // Filed from its state alone (see awaitsFacts): the state shows at once, and a
      // termination wins whatever arrives after it. RunInstances or the sweep completes it.
      note = `instance ${instanceId} not found in EC2: filed from its state; type, VPC and cluster follow`;
    }
    // Changes parked under the instance by an earlier version of this rule apply now.
    filed.push(subject.instance(instanceId));
  }
  const w = await deps.ledger.setNodeState(instanceId, state, stamp);
  writes.push(w);
  audit.push(...audited(w, instanceId, `state ${state}`));
  if (state === 'terminated' && w === 'applied') {
    // Terminating an instance deletes the ENIs attached to it (the CNI sets DeleteOnTermination).
    const view = await deps.ledger.nodeView(instanceId);
    for (const eni of view.enis) {
      // AWS sends no detach for these, so there is no attachment to remember.
      if (eni.attachment?.instanceId !== instanceId) continue;
      const d = await deps.ledger.deleteEni(eni.eniId, stamp);
      writes.push(d);
      audit.push(...audited(d, eni.eniId, 'released'));
      if (d === 'applied') releasedIn.push(eni.subnetId);
    }
  }
  return {
    writes,
    audit,
    filed,
    nodeBefore: node ?? 'unfiled',
    releasedIn,
    ...(note ? { note } : {}),
  };
}

async function launched(
  instances: readonly InstanceFacts[],
  enis: readonly EniFacts[],
  stamp: EventStamp,
  deps: Ec2Deps,
): Promise<Step> {
  const writes: WriteOutcome[] = [];
  const audit: AuditEntry[] = [];
  const skipped: string[] = [];
  const filed: Subject[] = [];
  for (const instance of instances) {
    const cluster = clusterOf(instance);
    const why = scopeProblem(deps.scope, instance.vpcId, cluster, 'belongs to no EKS cluster');
    if (why) {
      skipped.push(`${instance.instanceId}: ${why}`);
      // Its state came first and filed it with no facts: now we know it is not ours.
      const forgot = await deps.ledger.forgetNode(instance.instanceId);
      if (forgot === 'applied') {
        writes.push(forgot);
        audit.push({ entity: instance.instanceId, action: 'forgotten', detail: why });
      }
      continue;
    }
    const f = await deps.ledger.putNodeFacts(instance, cluster);
    const s = await deps.ledger.setNodeState(instance.instanceId, instance.state, stamp);
    writes.push(f, s);
    filed.push(subject.instance(instance.instanceId));
    audit.push(...audited(f === 'applied' ? f : s, instance.instanceId, 'launched'));
    for (const eni of enis.filter((e) => e.attachment?.instanceId === instance.instanceId)) {
      const step = await putEniFacts(eni, stamp, deps, cluster);
      if ('writes' in step) {
        writes.push(...step.writes);
        audit.push(...step.audit);
        filed.push(...(step.filed ?? []));
      }
    }
  }
  if (writes.length === 0) return { ignored: skipped.join('; ') || 'no instances' };
  return {
    writes,
    audit,
    filed,
    ...(skipped.length ? { note: `skipped ${skipped.join('; ')}` } : {}),
  };
}

async function putEniFacts(
  eni: EniFacts,
  stamp: EventStamp,
  deps: Ec2Deps,
  nodeCluster?: string,
): Promise<Step> {
  const entry = await eniEntry(eni, deps, nodeCluster);
  const why = outOfScope(deps.scope, eni.vpcId, entry.cluster);
  if (why) return { ignored: `ENI ${eni.eniId}: ${why}` };
  await ensureSubnet(eni, deps);
  const w = await deps.ledger.putEni(entry, stamp);
  const audit = audited(w, eni.eniId, `filed (${entry.kind}, ${entry.addresses.length} addresses)`);
  const node = eni.attachment?.instanceId;
  const released = node ? await releaseIfNodeGone(eni.eniId, node, stamp, deps) : [];
  const attachmentId = eni.attachment?.attachmentId;
  return {
    writes: [w],
    audit: [...audit, ...released],
    filed: [subject.eni(eni.eniId), ...(attachmentId ? [subject.attachment(attachmentId)] : [])],
  };
}

/**
 * State-change notifications arrive in seconds, CloudTrail records minutes
 * later: an ENI can be filed or attached to a node whose termination the ledger
 * already knows. Termination deletes attached ENIs, so release it with the
 * termination's own stamp, exactly as the in-order termination would have.
 */
async function releaseIfNodeGone(
  eniId: string,
  instanceId: string,
  stamp: EventStamp,
  deps: Ec2Deps,
): Promise<AuditEntry[]> {
  const node = await deps.ledger.getNode(instanceId);
  const terminated = node?.state === 'terminated' ? node.stateStamp : undefined;
  if (!terminated || compareStamps(stamp, terminated) > 0) return [];
  const w = await deps.ledger.deleteEni(eniId, terminated);
  return audited(w, eniId, `released (${instanceId} already terminated)`);
}

async function eniEntry(eni: EniFacts, deps: Ec2Deps, nodeCluster?: string): Promise<EniEntry> {
  const instanceId = eni.attachment?.instanceId || cniOwner(eni);
  let cluster = eniCluster(eni) ?? nodeCluster;
  if (!cluster && instanceId) cluster = (await deps.ledger.getNode(instanceId))?.cluster;
  return {
    facts: eni,
    kind: classifyEni(eni),
    addresses: eniAddresses(eni),
    ...(cluster ? { cluster } : {}),
    ...(instanceId ? { instanceId } : {}),
  };
}

/** Subnet usage needs the subnet's CIDR; read it once when an ENI shows a new subnet. */
async function ensureSubnet(eni: EniFacts, deps: Ec2Deps): Promise<void> {
  if (await deps.ledger.getSubnet(eni.subnetId)) return;
  const facts = await deps.ec2.describeSubnet(eni.subnetId);
  await deps.ledger.putSubnet(
    facts ?? {
      subnetId: eni.subnetId,
      vpcId: eni.vpcId,
      reservations: [],
      ...(eni.availabilityZone ? { availabilityZone: eni.availabilityZone } : {}),
    },
  );
}

async function attached(
  change: Extract<Ec2Change, { type: 'eni-attached' }>,
  stamp: EventStamp,
  deps: Ec2Deps,
): Promise<Step> {
  const eni = await deps.ledger.getEni(change.eniId);
  if (!eni) {
    const step = await readBack(change.eniId, stamp, deps);
    if ('writes' in step) return readBackAttached(change, step, deps);
    if ('park' in step) return step;
    return {
      park: subject.eni(change.eniId),
      reason: `${step.ignored}; parked until it is filed`,
    };
  }
  const why = outOfScope(deps.scope, eni.vpcId, eni.cluster);
  if (why) return { ignored: why };
  const attachment = change.attachmentId ? subject.attachment(change.attachmentId) : undefined;
  if (eni.deleted) {
    // The ENI is gone: a detach of this attachment never applies, now or when it comes.
    if (change.attachmentId) await deps.ledger.recordPastAttachment(change.attachmentId, eni.eniId);
    return { writes: ['stale'], audit: [], ...(attachment ? { ended: [attachment] } : {}) };
  }
  const previous = eni.attachment?.attachmentId;
  const w = await deps.ledger.setEniAttachment(
    change.eniId,
    {
      instanceId: change.instanceId,
      ...(change.attachmentId ? { attachmentId: change.attachmentId } : {}),
      ...(change.deviceIndex !== undefined ? { deviceIndex: change.deviceIndex } : {}),
      ...(change.networkCardIndex !== undefined
        ? { networkCardIndex: change.networkCardIndex }
        : {}),
    },
    stamp,
  );
  // An attachment replaced before its detach was applied (or this one, if it lost to a newer
  // attach) has ended: remember it, so its late detach finds the ENI and loses by stamp.
  // In order, an attach follows a detach and none of this writes anything.
  const ended = w === 'applied' ? previous : change.attachmentId;
  if (ended && ended !== (w === 'applied' ? change.attachmentId : previous)) {
    await deps.ledger.recordPastAttachment(ended, eni.eniId);
  }
  const released =
    w === 'applied' ? await releaseIfNodeGone(change.eniId, change.instanceId, stamp, deps) : [];
  return {
    writes: [w],
    audit: [...audited(w, change.eniId, `attached to ${change.instanceId}`), ...released],
    // Whether this attach won or lost to a newer one, a detach of it can now be judged by stamp.
    ...(attachment && change.attachmentId
      ? { filed: [attachment], attached: { attachmentId: change.attachmentId, eniId: eni.eniId } }
      : {}),
  };
}

/**
 * The ENI read back now may already be attached anew: then this event's attachment has ended,
 * and its detach (waiting or still to come) must find the ENI and lose by stamp.
 */
async function readBackAttached(
  change: Extract<Ec2Change, { type: 'eni-attached' }>,
  step: Extract<Step, { writes: WriteOutcome[] }>,
  deps: Ec2Deps,
): Promise<Step> {
  const { attachmentId } = change;
  if (!attachmentId) return step;
  const eni = await deps.ledger.getEni(change.eniId);
  if (!eni || eni.attachment?.attachmentId === attachmentId) return step;
  await deps.ledger.recordPastAttachment(attachmentId, eni.eniId);
  return {
    ...step,
    filed: [...(step.filed ?? []), subject.attachment(attachmentId)],
    attached: { attachmentId, eniId: eni.eniId },
  };
}

async function assigned(
  change: Extract<Ec2Change, { type: 'addresses-assigned' }>,
  stamp: EventStamp,
  deps: Ec2Deps,
): Promise<Step> {
  const eni = await deps.ledger.getEni(change.eniId);
  // A deleted ENI is final: nothing assigned to it can still count, whatever the record names.
  if (eni?.deleted) return { writes: ['stale'], audit: [] };
  if (!eni || !change.complete) {
    const step = await readBack(change.eniId, stamp, deps);
    if (!('ignored' in step)) return step;
    if (!eni) {
      return {
        park: subject.eni(change.eniId),
        reason: `${step.ignored}; parked until it is filed`,
      };
    }
    const named = change.ips.length + change.prefixes.length;
    const unread = `ENI ${change.eniId} could not be read back from EC2`;
    if (named === 0)
      return { ignored: `record names none of the addresses it assigned and ${unread}` };
    const writes = await assign(eni, change, stamp, deps);
    return { ...writes, note: `partial: record names only ${named} addresses and ${unread}` };
  }
  if (eni.deleted) return { writes: ['stale'], audit: [] };
  return assign(eni, change, stamp, deps);
}

async function assign(
  eni: EniRecord,
  change: { ips: readonly string[]; prefixes: readonly string[] },
  stamp: EventStamp,
  deps: Ec2Deps,
): Promise<{ writes: WriteOutcome[]; audit: AuditEntry[] }> {
  const consumer = eni.kind === 'node-primary' ? 'vpc-cni' : eni.kind;
  const addresses: AddressFacts[] = [
    ...change.ips.map((address) => ({ address, kind: 'secondary' as const, consumer })),
    ...change.prefixes.map((address) => ({ address, kind: 'prefix' as const, consumer })),
  ];
  const writes = await deps.ledger.assignAddresses(eni, addresses, stamp);
  return {
    writes,
    audit: auditedMany(
      writes,
      addresses.map((a) => a.address),
      eni.eniId,
      'assigned',
    ),
  };
}

/** When an event does not carry the whole answer, read that one ENI back rather than guess. */
async function readBack(eniId: string, stamp: EventStamp, deps: Ec2Deps): Promise<Step> {
  const facts = await deps.ec2.describeNetworkInterface(eniId);
  if (!facts) return { ignored: `unknown ENI ${eniId}: not in the ledger and not found in EC2` };
  return putEniFacts(facts, stamp, deps);
}

/**
 * What the event changed that the reviews evaluate: a node whose attached ENIs, addresses on
 * them, or gone-ness changed; a subnet whose addresses were filed or released (a termination
 * releases those of the node's ENIs); the nodes that gave addresses back and the addresses that
 * moved (for the target reviews). An attach or detach moves addresses between nodes but not in
 * or out of a subnet, and a state change between two live states changes no input of any
 * review, so neither reads what it cannot change. Without what the change found (a duplicate),
 * the node of a state change is reviewed.
 */
async function affectedBy(
  change: Ec2Change,
  ledger: NetworkLedger,
  found: Pick<
    Extract<Step, { writes: WriteOutcome[] }>,
    'before' | 'nodeBefore' | 'filed' | 'releasedIn'
  >,
): Promise<Affected> {
  const { before } = found;
  const nodes = new Set<string>();
  const subnets = new Set<string>(found.releasedIn);
  const releasedFrom = new Set<string>();
  const addresses: { vpcId: string; ips: readonly string[] }[] = [];
  const eniIds: string[] = [];
  // The ENI as it was before a detach or delete names the node that lost it: its attachment
  // changes that node's capacity, and whichever node it was made for held the addresses.
  const lost = before?.attachment?.instanceId ?? before?.instanceId;
  if (before?.attachment?.instanceId) nodes.add(before.attachment.instanceId);
  if (lost) releasedFrom.add(lost);
  switch (change.type) {
    case 'instance-state': {
      if (stateChangeCounts(change.state, found.nodeBefore)) nodes.add(change.instanceId);
      // Shutting down gives nothing back: its ENIs hold their addresses until it is terminated,
      // so who holds a target's IP (all a stale-target review judges) has not changed yet.
      if (change.state === 'terminated') releasedFrom.add(change.instanceId);
      break;
    }
    case 'instances-launched':
      for (const i of change.instances) nodes.add(i.instanceId);
      for (const e of change.enis) subnets.add(e.subnetId);
      break;
    case 'eni-created':
      eniIds.push(change.eni.eniId);
      addresses.push({ vpcId: change.eni.vpcId, ips: change.eni.secondaryIps });
      break;
    case 'eni-attached': {
      nodes.add(change.instanceId);
      const eni = await ledger.getEni(change.eniId);
      // A redelivered attach may find the ENI on another node since: that one is reviewed too.
      if (eni?.attachment?.instanceId) nodes.add(eni.attachment.instanceId);
      // Filed by this attach (read back from EC2), or released by it (its node had terminated):
      // either way its addresses came into or left the subnet.
      const filed = found.filed?.some((s) => s === subject.eni(change.eniId));
      if ((filed || eni?.deleted) && eni?.subnetId) subnets.add(eni.subnetId);
      break;
    }
    case 'eni-detached':
      break;
    case 'eni-deleted':
      // Its tombstone keeps its subnet: the addresses it released leave that subnet.
      eniIds.push(change.eniId);
      break;
    case 'addresses-assigned':
    case 'addresses-unassigned':
      eniIds.push(change.eniId);
      break;
  }
  for (const id of eniIds) {
    const eni = await ledger.getEni(id);
    if (eni?.attachment?.instanceId) nodes.add(eni.attachment.instanceId);
    if (eni?.subnetId) subnets.add(eni.subnetId);
    if (eni && (change.type === 'addresses-assigned' || change.type === 'addresses-unassigned')) {
      addresses.push({ vpcId: eni.vpcId, ips: change.ips });
    }
  }
  return {
    nodes: [...nodes].sort(),
    subnets: [...subnets].sort(),
    ...(onlyFrees(change) ? { onlyFreed: true } : {}),
    ...(releasedFrom.size ? { releasedFrom: [...releasedFrom].sort() } : {}),
    ...(addresses.some((a) => a.ips.length)
      ? { addresses: addresses.filter((a) => a.ips.length) }
      : {}),
  };
}

/**
 * Whether the change can only lower the pressure on what it names: it takes addresses or an
 * ENI off a node and out of a subnet, or takes a node out of service, and adds nothing. (An
 * attach that released its ENI, its node having terminated, also adds it to a node: not this.)
 */
function onlyFrees(change: Ec2Change): boolean {
  switch (change.type) {
    case 'addresses-unassigned':
    case 'eni-detached':
    case 'eni-deleted':
      return true;
    case 'instance-state':
      return GONE_STATES.has(change.state);
    default:
      return false;
  }
}

/**
 * Whether a state change can change the node's capacity review: the node leaves or returns
 * from a gone state, or is new to the ledger. Unknown (a duplicate): assume it can.
 */
function stateChangeCounts(state: InstanceState, before: NodeRecord | 'unfiled' | undefined) {
  if (before === undefined || before === 'unfiled') return true;
  const wasGone = before.state !== undefined && GONE_STATES.has(before.state);
  return wasGone !== GONE_STATES.has(state);
}

function audited(w: WriteOutcome, entity: string, action: string, detail?: string): AuditEntry[] {
  if (w !== 'applied') return [];
  return [{ entity, action, ...(detail ? { detail } : {}) }];
}

function auditedMany(
  writes: readonly WriteOutcome[],
  addresses: readonly string[],
  eniId: string,
  action: string,
): AuditEntry[] {
  const changed = addresses.filter((_, i) => writes[i] === 'applied');
  if (changed.length === 0) return [];
  return [{ entity: eniId, action: `${action} ${changed.length}`, detail: changed.join(' ') }];
}
