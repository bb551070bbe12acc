import { compareStamps, type EventStamp } from '#core/events/event-envelope.ts';
import { outOfScope, type Scope, scopeProblem } from '#core/events/scope.ts';
import type { Ec2Change, Ec2Event } from '#core/network/ec2-event.ts';
import {
  classifyEni,
  clusterOf,
  cniOwner,
  eniAddresses,
  eniCluster,
} from '#core/network/eni-classify.ts';
import type {
  AddressFacts,
  EniFacts,
  InstanceFacts,
  InstanceState,
} from '#core/network/network.ts';
import type {
  AuditEntry,
  Ec2Reader,
  EniEntry,
  EniRecord,
  NetworkLedger,
  WriteOutcome,
} from '#core/network/network-ports.ts';

export type EventStatus = 'applied' | 'duplicate' | 'stale' | 'ignored';

export interface EventOutcome {
  readonly status: EventStatus;
  readonly eventId?: string;
  readonly name?: string;
  /** One line: why it was ignored, or what changed. */
  readonly reason: string;
  readonly audit: readonly AuditEntry[];
  /** Nodes and subnets whose capacity may have changed, for the evaluators that follow. */
  readonly affected?: Affected;
}

export interface Affected {
  readonly nodes: readonly string[];
  readonly subnets: readonly string[];
  /** Nodes that gave addresses back (terminated, ENI detached or deleted): their targets may be stale. */
  readonly releasedFrom?: readonly string[];
  /** Addresses assigned or released by the event: a target registered with one may now point elsewhere. */
  readonly addresses?: readonly { readonly vpcId: string; readonly ips: readonly string[] }[];
}

export interface Ec2Deps {
  readonly ledger: NetworkLedger;
  readonly ec2: Ec2Reader;
  readonly scope: Scope;
}

/** Intermediate result of one change: writes done, or why none could be. */
type Step =
  | { writes: WriteOutcome[]; audit: AuditEntry[]; note?: string; before?: EniRecord }
  | { ignored: string };

/**
 * Applies one parsed EC2 event to the ledger. An event that could not be
 * applied (unknown ENI, out of scope) is not marked processed, so a redelivery
 * after its context arrives still counts.
 */
export async function applyEc2Event(event: Ec2Event, deps: Ec2Deps): Promise<EventOutcome> {
  const { stamp, name } = event;
  const base = { eventId: stamp.eventId, name };
  if (await deps.ledger.hasProcessed(stamp.eventId)) {
    return { ...base, status: 'duplicate', reason: 'already applied', audit: [] };
  }
  const step = await applyChange(event.change, stamp, deps);
  if ('ignored' in step) return { ...base, status: 'ignored', reason: step.ignored, audit: [] };
  const applied = step.writes.some((w) => w === 'applied');
  const allStale = step.writes.length > 0 && step.writes.every((w) => w === 'stale');
  await deps.ledger.markProcessed(stamp, name, step.audit);
  if (allStale) {
    return { ...base, status: 'stale', reason: 'the ledger already holds newer state', audit: [] };
  }
  const summary = step.audit.map((a) => `${a.action} ${a.entity}`).join(', ');
  return {
    ...base,
    affected: await affectedBy(event.change, deps.ledger, step.before),
    status: 'applied',
    reason: [applied ? summary || 'changed' : 'no change', step.note].filter(Boolean).join('; '),
    audit: step.audit,
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
      const eni = await deps.ledger.findEniByAttachment(change.attachmentId);
      if (!eni)
        return {
          ignored: `unknown attachment ${change.attachmentId}: no ENI in the ledger has it`,
        };
      const w = await deps.ledger.setEniAttachment(eni.eniId, undefined, stamp);
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
      };
    }
    case 'addresses-assigned':
      return assigned(change, stamp, deps);
    case 'addresses-unassigned': {
      const eni = await deps.ledger.getEni(change.eniId);
      if (!eni)
        return { ignored: `unknown ENI ${change.eniId}: not in the ledger, nothing to release` };
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
  let node = await deps.ledger.getNode(instanceId);
  const audit: AuditEntry[] = [];
  const writes: WriteOutcome[] = [];
  if (!node) {
    // The state-change event carries only id and state; the rest comes from EC2.
    const facts = await deps.ec2.describeInstance(instanceId);
    if (!facts)
      return { ignored: `unknown instance ${instanceId}: not in the ledger and not found in EC2` };
    const cluster = clusterOf(facts);
    const why = scopeProblem(
      deps.scope,
      facts.vpcId,
      cluster,
      `instance ${instanceId} belongs to no EKS cluster`,
    );
    if (why) return { ignored: why };
    writes.push(await deps.ledger.putNodeFacts(facts, cluster));
    node = await deps.ledger.getNode(instanceId);
  }
  const w = await deps.ledger.setNodeState(instanceId, state, stamp);
  writes.push(w);
  audit.push(...audited(w, instanceId, `state ${state}`));
  if (state === 'terminated' && w === 'applied') {
    // Terminating an instance deletes the ENIs attached to it (the CNI sets DeleteOnTermination).
    const view = await deps.ledger.nodeView(instanceId);
    for (const eni of view.enis) {
      if (eni.attachment?.instanceId !== instanceId) continue;
      const d = await deps.ledger.deleteEni(eni.eniId, stamp);
      writes.push(d);
      audit.push(...audited(d, eni.eniId, 'released'));
    }
  }
  return { writes, audit };
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
  for (const instance of instances) {
    const cluster = clusterOf(instance);
    const why = scopeProblem(deps.scope, instance.vpcId, cluster, 'belongs to no EKS cluster');
    if (why) {
      skipped.push(`${instance.instanceId}: ${why}`);
      continue;
    }
    const f = await deps.ledger.putNodeFacts(instance, cluster);
    const s = await deps.ledger.setNodeState(instance.instanceId, instance.state, stamp);
    writes.push(f, s);
    audit.push(...audited(f === 'applied' ? f : s, instance.instanceId, 'launched'));
    for (const eni of enis.filter((e) => e.attachment?.instanceId === instance.instanceId)) {
      const step = await putEniFacts(eni, stamp, deps, cluster);
      if ('writes' in step) {
        writes.push(...step.writes);
        audit.push(...step.audit);
      }
    }
  }
  if (writes.length === 0) return { ignored: skipped.join('; ') || 'no instances' };
  return { writes, audit, ...(skipped.length ? { note: `skipped ${skipped.join('; ')}` } : {}) };
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
  return { writes: [w], audit: [...audit, ...released] };
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
  if (!eni) return readBack(change.eniId, stamp, deps);
  const why = outOfScope(deps.scope, eni.vpcId, eni.cluster);
  if (why) return { ignored: why };
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
  const released =
    w === 'applied' ? await releaseIfNodeGone(change.eniId, change.instanceId, stamp, deps) : [];
  return {
    writes: [w],
    audit: [...audited(w, change.eniId, `attached to ${change.instanceId}`), ...released],
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
    if (!eni) return step;
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

async function affectedBy(
  change: Ec2Change,
  ledger: NetworkLedger,
  before: EniRecord | undefined,
): Promise<Affected> {
  const nodes = new Set<string>();
  const subnets = new Set<string>();
  const releasedFrom = new Set<string>();
  const addresses: { vpcId: string; ips: readonly string[] }[] = [];
  const eniIds: string[] = [];
  // The ENI as it was before a detach or delete names the node that lost it.
  const lost = before?.attachment?.instanceId ?? before?.instanceId;
  if (lost) {
    nodes.add(lost);
    releasedFrom.add(lost);
  }
  if (before?.subnetId) subnets.add(before.subnetId);
  switch (change.type) {
    case 'instance-state':
      nodes.add(change.instanceId);
      if (change.state === 'terminated' || change.state === 'shutting-down') {
        releasedFrom.add(change.instanceId);
      }
      break;
    case 'instances-launched':
      for (const i of change.instances) nodes.add(i.instanceId);
      for (const e of change.enis) subnets.add(e.subnetId);
      break;
    case 'eni-created':
      eniIds.push(change.eni.eniId);
      addresses.push({ vpcId: change.eni.vpcId, ips: change.eni.secondaryIps });
      break;
    case 'eni-attached':
      nodes.add(change.instanceId);
      eniIds.push(change.eniId);
      break;
    case 'eni-detached':
      break;
    case 'eni-deleted':
      eniIds.push(change.eniId);
      break;
    case 'addresses-assigned':
    case 'addresses-unassigned':
      eniIds.push(change.eniId);
      break;
  }
  for (const id of eniIds) {
    const eni = await ledger.getEni(id);
    if (eni?.instanceId) nodes.add(eni.instanceId);
    if (eni?.subnetId) subnets.add(eni.subnetId);
    if (eni && (change.type === 'addresses-assigned' || change.type === 'addresses-unassigned')) {
      addresses.push({ vpcId: eni.vpcId, ips: change.ips });
    }
  }
  return {
    nodes: [...nodes].sort(),
    subnets: [...subnets].sort(),
    ...(releasedFrom.size ? { releasedFrom: [...releasedFrom].sort() } : {}),
    ...(addresses.some((a) => a.ips.length)
      ? { addresses: addresses.filter((a) => a.ips.length) }
      : {}),
  };
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
