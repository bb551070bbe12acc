import {
  compareText,
  MemoryEventLog,
  notNewerThan,
  refill,
} from '#adapters/memory/memory-event-log.ts';
import type { EventStamp } from '#core/events/event-envelope.ts';
import type { ParkedChange, Subject } from '#core/events/parking.ts';
import type { AuditEntry, WriteOutcome } from '#core/network/network-ports.ts';
import type { DelayChange } from '#core/targets/deregistration-delay.ts';
import type { ElbChange } from '#core/targets/elb-event.ts';
import { clusterOf, type LoadBalancer, stackOf, type Tags } from '#core/targets/target-group.ts';
import {
  type AttributeWriteOptions,
  byGroupThenTarget,
  type KeyChanges,
  type LoadBalancerRecord,
  type TargetGroupFacts,
  type TargetGroupRecord,
  type TargetId,
  type TargetLedger,
  type TargetRecord,
  type TargetRegistrationInput,
} from '#core/targets/target-ports.ts';

/** What a load balancer and a target group item share: facts, stamped key maps, a tombstone. */
interface MetaItem {
  arn: string;
  facts: Record<string, unknown>;
  tags: Record<string, string>;
  tagStamps: Record<string, string>;
  attributes: Record<string, string>;
  attributeStamps: Record<string, string>;
  /** The stamp of the newest complete attribute set: an older change of any key loses to it. */
  attributesAsOf?: string;
  cluster?: string;
  stack?: string;
  lastDelayChange?: DelayChange;
  delayStamp?: EventStamp;
  ignoredReason?: string;
  metaStamp?: EventStamp;
  /** Listed by listLoadBalancers / listTargetGroups (set by a facts write, dropped by a delete). */
  listed: boolean;
  /** The load balancer a target group is found under (its first). */
  underLb?: string;
  deleted: boolean;
}

interface TargetItem {
  tgArn: string;
  id: string;
  port: number;
  fields: Record<string, unknown>;
  registered: boolean;
  stamp: EventStamp;
  /** `<vpc>#<ip>` while registered: found by targetsByIp. */
  byIp?: string;
  /** The node at registration while registered: found by targetsByNode. */
  byNode?: string;
}

/** Per-key stamps as `<time>|<eventId>`, compared as text, exactly as the DynamoDB ledger does. */
const stampText = (s: EventStamp) => `${s.eventTime}|${s.eventId}`;

export interface MemoryTargetState {
  readonly lbs: Map<string, MetaItem>;
  readonly tgs: Map<string, MetaItem>;
  readonly targets: Map<string, Map<string, TargetItem>>;
}

/**
 * The target ledger in memory: load balancers, target groups and registrations with the
 * DynamoDB ledger's contract (test/contract holds both to it): facts monotonic by stamp, tags
 * and attributes monotonic per key, one stamp per target, final tombstones for deleted load
 * balancers and target groups, answers in the order the table's indexes sort in.
 */
export class MemoryTargetLedger implements TargetLedger {
  readonly #lbs = new Map<string, MetaItem>();
  readonly #tgs = new Map<string, MetaItem>();
  /** By target group, then by `<id>#<port>`. */
  readonly #targets = new Map<string, Map<string, TargetItem>>();

  constructor(readonly events: MemoryEventLog = new MemoryEventLog()) {}

  /** A deep copy of the ELB items (not the shared event log), for a unit of work. */
  snapshot(): MemoryTargetState {
    return structuredClone({ lbs: this.#lbs, tgs: this.#tgs, targets: this.#targets });
  }

  restore(state: MemoryTargetState): void {
    const copy = structuredClone(state);
    refill(this.#lbs, copy.lbs);
    refill(this.#tgs, copy.tgs);
    refill(this.#targets, copy.targets);
  }

  hasProcessed(eventId: string): Promise<boolean> {
    return this.events.hasProcessed(eventId);
  }

  markProcessed(stamp: EventStamp, name: string, audit: readonly AuditEntry[]): Promise<void> {
    return this.events.markProcessed(stamp, name, audit);
  }

  park(parked: ParkedChange<ElbChange>): Promise<void> {
    return this.events.park(parked);
  }

  parkedFor(subject: Subject): Promise<ParkedChange<ElbChange>[]> {
    return this.events.parkedFor<ElbChange>(subject);
  }

  unpark(subject: Subject, eventId: string): Promise<void> {
    return this.events.unpark(subject, eventId);
  }

  listParked(): Promise<ParkedChange<unknown>[]> {
    return this.events.listParked();
  }

  audit(stamp: EventStamp, name: string, entries: readonly AuditEntry[]): Promise<void> {
    return this.events.audit(stamp, name, entries);
  }

  // --- load balancers ---------------------------------------------------------------------

  async getLoadBalancer(arn: string): Promise<LoadBalancerRecord | undefined> {
    const item = this.#lbs.get(arn);
    return item && item.facts.name !== undefined ? toLoadBalancer(item) : undefined;
  }

  async putLoadBalancer(lb: LoadBalancer, stamp: EventStamp): Promise<WriteOutcome> {
    return this.#putMeta(this.#lbs, lb.arn, stamp, (item) => {
      Object.assign(item.facts, {
        name: lb.name,
        type: lb.type,
        dnsName: lb.dnsName,
        canonicalHostedZoneId: lb.canonicalHostedZoneId,
        vpcId: lb.vpcId,
        scheme: lb.scheme,
        ...present({ ipAddressType: lb.ipAddressType, createdAt: lb.createdAt }),
      });
    });
  }

  async deleteLoadBalancer(arn: string, stamp: EventStamp): Promise<WriteOutcome> {
    return tombstone(this.#lbs, arn, stamp);
  }

  async listLoadBalancers(): Promise<LoadBalancerRecord[]> {
    return sortedByArn(this.#lbs)
      .filter((i) => i.listed && i.facts.name !== undefined)
      .map(toLoadBalancer);
  }

  // --- target groups ----------------------------------------------------------------------

  async getTargetGroup(arn: string): Promise<TargetGroupRecord | undefined> {
    const item = this.#tgs.get(arn);
    return item ? toTargetGroup(item) : undefined;
  }

  async putTargetGroup(tg: TargetGroupFacts, stamp: EventStamp): Promise<WriteOutcome> {
    const lbArns = tg.loadBalancerArns;
    return this.#putMeta(this.#tgs, tg.arn, stamp, (item) => {
      Object.assign(item.facts, {
        name: tg.name,
        targetType: tg.targetType,
        ...present({ protocol: tg.protocol, port: tg.port, vpcId: tg.vpcId }),
      });
      // A create record lists no load balancer yet (a listener attaches it later): keep what is known.
      if (lbArns && lbArns.length > 0) {
        item.facts.lbArns = [...lbArns];
        item.underLb = lbArns[0];
      } else if (lbArns) {
        delete item.facts.lbArns;
        delete item.underLb;
      }
    });
  }

  async ignoreTargetGroup(arn: string, reason: string, stamp: EventStamp): Promise<WriteOutcome> {
    const existing = this.#tgs.get(arn);
    // A target group filed as in scope stays so.
    if (existing?.deleted || existing?.facts.targetType !== undefined) return 'stale';
    const item = existing ?? newMeta(arn);
    this.#tgs.set(arn, item);
    item.ignoredReason = reason;
    item.metaStamp = { ...stamp };
    return 'applied';
  }

  async deleteTargetGroup(arn: string, stamp: EventStamp): Promise<WriteOutcome> {
    const w = tombstone(this.#tgs, arn, stamp);
    if (w !== 'applied') return w;
    await this.deregisterTargets(arn, await this.targetsOf(arn), stamp);
    return w;
  }

  async listTargetGroups(): Promise<TargetGroupRecord[]> {
    return sortedByArn(this.#tgs)
      .filter((i) => i.listed)
      .map(toTargetGroup);
  }

  async targetGroupsOf(lbArn: string): Promise<TargetGroupRecord[]> {
    return sortedByArn(this.#tgs)
      .filter((i) => !i.deleted && i.underLb === lbArn)
      .map(toTargetGroup);
  }

  // --- tags and attributes ----------------------------------------------------------------

  async setTags(
    resource: 'load-balancer' | 'target-group',
    arn: string,
    changes: KeyChanges,
    stamp: EventStamp,
  ): Promise<WriteOutcome> {
    const items = resource === 'load-balancer' ? this.#lbs : this.#tgs;
    const w = setStampedKeys(items, arn, 'tags', 'tagStamps', changes, stamp);
    if (w !== 'applied') return w;
    // The cluster and stack are derived from the tags, so recompute them from what is stored now.
    const item = items.get(arn) as MetaItem;
    const cluster = clusterOf(item.tags);
    const stack = stackOf(item.tags);
    if (cluster) item.cluster = cluster;
    else delete item.cluster;
    if (stack) item.stack = stack;
    else delete item.stack;
    return w;
  }

  async setAttributes(
    tgArn: string,
    changes: KeyChanges,
    stamp: EventStamp,
    delayChange?: DelayChange,
    options: AttributeWriteOptions = {},
  ): Promise<WriteOutcome> {
    const w = setStampedKeys(
      this.#tgs,
      tgArn,
      'attributes',
      'attributeStamps',
      changes,
      stamp,
      options.complete === true,
    );
    const item = this.#tgs.get(tgArn);
    if (w === 'applied' && delayChange && item && notNewerThan(item.delayStamp, stamp)) {
      item.lastDelayChange = present({ ...delayChange }) as unknown as DelayChange;
      item.delayStamp = { ...stamp };
    }
    return w;
  }

  // --- targets ----------------------------------------------------------------------------

  async registerTargets(
    tgArn: string,
    targets: readonly TargetRegistrationInput[],
    stamp: EventStamp,
  ): Promise<WriteOutcome[]> {
    return this.#writeTargets(tgArn, targets, stamp, (item, t) => {
      const ip = t.kind === 'ip' ? t.id : undefined;
      const node = t.nodeAtRegistration;
      item.registered = true;
      delete item.fields.deregisteredAt;
      if (!node) delete item.fields.nodeAtRegistration;
      if (!t.eniAtRegistration) delete item.fields.eniAtRegistration;
      if (!t.ipReassignedAt) delete item.fields.ipReassignedAt;
      Object.assign(item.fields, {
        kind: t.kind,
        registeredAt: stamp.eventTime,
        ...present({
          ip,
          instanceId: t.kind === 'instance' ? t.id : undefined,
          az: t.az,
          vpcId: t.vpcId,
          nodeAtRegistration: node,
          eniAtRegistration: t.eniAtRegistration,
          ipReassignedAt: t.ipReassignedAt,
        }),
      });
      if (ip && t.vpcId) item.byIp = `${t.vpcId}#${ip}`;
      if (ip && node) item.byNode = node;
      else if (!node) delete item.byNode;
    });
  }

  async deregisterTargets(
    tgArn: string,
    targets: readonly TargetId[],
    stamp: EventStamp,
  ): Promise<WriteOutcome[]> {
    return this.#writeTargets(tgArn, targets, stamp, (item) => {
      item.registered = false;
      item.fields.deregisteredAt = stamp.eventTime;
      delete item.byIp;
      delete item.byNode;
    });
  }

  async targetsOf(
    tgArn: string,
    options: { includeDeregistered?: boolean } = {},
  ): Promise<TargetRecord[]> {
    return [...(this.#targets.get(tgArn)?.values() ?? [])]
      .filter((t) => options.includeDeregistered || t.registered)
      .sort((a, b) => compareText(`${a.id}#${a.port}`, `${b.id}#${b.port}`))
      .map(toTarget);
  }

  async getTarget(tgArn: string, target: TargetId): Promise<TargetRecord | undefined> {
    const item = this.#targets.get(tgArn)?.get(`${target.id}#${target.port}`);
    return item ? toTarget(item) : undefined;
  }

  async targetsByIp(vpcId: string, ip: string): Promise<TargetRecord[]> {
    return this.#allTargets()
      .filter((t) => t.registered && t.byIp === `${vpcId}#${ip}`)
      .map(toTarget);
  }

  async targetsByIps(vpcId: string, ips: readonly string[]): Promise<TargetRecord[]> {
    const wanted = new Set(ips.map((ip) => `${vpcId}#${ip}`));
    return this.#allTargets()
      .filter((t) => t.registered && t.byIp !== undefined && wanted.has(t.byIp))
      .map(toTarget)
      .sort(byGroupThenTarget);
  }

  async targetsByNode(instanceId: string): Promise<TargetRecord[]> {
    return this.#allTargets()
      .filter((t) => t.registered && t.byNode === instanceId)
      .sort((a, b) => compareText(`${a.tgArn}#${a.id}#${a.port}`, `${b.tgArn}#${b.id}#${b.port}`))
      .map(toTarget);
  }

  // --- helpers ----------------------------------------------------------------------------

  /** Facts of a live load balancer or target group, newer stamps winning. */
  #putMeta(
    items: Map<string, MetaItem>,
    arn: string,
    stamp: EventStamp,
    write: (item: MetaItem) => void,
  ): WriteOutcome {
    const existing = items.get(arn);
    if (existing?.deleted || !notNewerThan(existing?.metaStamp, stamp)) return 'stale';
    const item = existing ?? newMeta(arn);
    items.set(arn, item);
    write(item);
    item.metaStamp = { ...stamp };
    item.listed = true;
    return 'applied';
  }

  /** One write per target, each guarded by that target's own stamp. */
  #writeTargets<T extends TargetId>(
    tgArn: string,
    targets: readonly T[],
    stamp: EventStamp,
    write: (item: TargetItem, target: T) => void,
  ): WriteOutcome[] {
    let group = this.#targets.get(tgArn);
    if (!group) {
      group = new Map();
      this.#targets.set(tgArn, group);
    }
    const out: WriteOutcome[] = [];
    for (const t of targets) {
      const key = `${t.id}#${t.port}`;
      const existing = group.get(key);
      if (!notNewerThan(existing?.stamp, stamp)) {
        out.push('stale');
        continue;
      }
      const item: TargetItem = existing ?? {
        tgArn,
        id: t.id,
        port: t.port,
        fields: {},
        registered: false,
        stamp,
      };
      group.set(key, item);
      write(item, t);
      item.stamp = { ...stamp };
      out.push('applied');
    }
    return out;
  }

  #allTargets(): TargetItem[] {
    return [...this.#targets.values()].flatMap((group) => [...group.values()]);
  }
}

function newMeta(arn: string): MetaItem {
  return {
    arn,
    facts: {},
    tags: {},
    tagStamps: {},
    attributes: {},
    attributeStamps: {},
    listed: false,
    deleted: false,
  };
}

/** A final tombstone: nothing is written to a deleted load balancer or target group again. */
function tombstone(items: Map<string, MetaItem>, arn: string, _stamp: EventStamp): WriteOutcome {
  const existing = items.get(arn);
  if (existing?.deleted) return 'unchanged';
  const item = existing ?? newMeta(arn);
  items.set(arn, item);
  item.deleted = true;
  item.listed = false;
  delete item.underLb;
  return 'applied';
}

/**
 * Each key is guarded by its own stamp and by the stamp of the newest complete attribute set,
 * so an older AddTags arriving late cannot undo a newer RemoveTags of the same key, yet still
 * adds the keys nobody touched since. A complete set takes the map's stamp and stamps only the
 * keys it changes. 'applied' when any key changed (or there was none to change); a tombstone
 * takes no keys.
 */
function setStampedKeys(
  items: Map<string, MetaItem>,
  arn: string,
  map: 'tags' | 'attributes',
  stamps: 'tagStamps' | 'attributeStamps',
  changes: KeyChanges,
  stamp: EventStamp,
  complete = false,
): WriteOutcome {
  const existing = items.get(arn);
  if (existing?.deleted) return 'stale';
  const item = existing ?? newMeta(arn);
  items.set(arn, item);
  const st = stampText(stamp);
  const asOf = map === 'attributes' ? item.attributesAsOf : undefined;
  if (asOf !== undefined && asOf > st) {
    return Object.keys(changes).length === 0 ? 'applied' : 'stale';
  }
  if (complete) item.attributesAsOf = st;
  const outcomes: WriteOutcome[] = [];
  for (const [k, v] of Object.entries(changes)) {
    if (complete && (v === null ? item[map][k] === undefined : item[map][k] === v)) continue;
    const seen = item[stamps][k];
    if (seen !== undefined && seen > st) {
      outcomes.push('stale');
      continue;
    }
    item[stamps][k] = st;
    if (v === null) delete item[map][k];
    else item[map][k] = v;
    outcomes.push('applied');
  }
  return outcomes.includes('applied') || outcomes.length === 0 ? 'applied' : 'stale';
}

function sortedByArn(items: Map<string, MetaItem>): MetaItem[] {
  return [...items.values()].sort((a, b) => compareText(a.arn, b.arn));
}

/** Like the DynamoDB adapter's `compact`: absent and empty values are not written. */
function present<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined && v !== ''),
  ) as Partial<T>;
}

function optional(item: MetaItem): Record<string, unknown> {
  return present({
    cluster: item.cluster,
    stack: item.stack,
    ...(item.lastDelayChange ? { lastDelayChange: { ...item.lastDelayChange } } : {}),
    ignoredReason: item.ignoredReason,
  });
}

function toLoadBalancer(i: MetaItem): LoadBalancerRecord {
  const f = i.facts;
  return {
    arn: i.arn,
    name: String(f.name),
    type: f.type as LoadBalancerRecord['type'],
    dnsName: String(f.dnsName),
    canonicalHostedZoneId: String(f.canonicalHostedZoneId),
    vpcId: String(f.vpcId),
    scheme: String(f.scheme),
    tags: { ...i.tags } as Tags,
    deleted: i.deleted,
    ...present({ ipAddressType: f.ipAddressType, createdAt: f.createdAt }),
    ...present({ cluster: i.cluster, stack: i.stack }),
  } as LoadBalancerRecord;
}

function toTargetGroup(i: MetaItem): TargetGroupRecord {
  const f = i.facts;
  return {
    arn: i.arn,
    lbArns: [...((f.lbArns as string[] | undefined) ?? [])],
    tags: { ...i.tags },
    attributes: { ...i.attributes },
    deleted: i.deleted,
    ...present({
      name: f.name,
      targetType: f.targetType,
      protocol: f.protocol,
      port: f.port,
      vpcId: f.vpcId,
    }),
    ...optional(i),
  } as TargetGroupRecord;
}

function toTarget(t: TargetItem): TargetRecord {
  return {
    tgArn: t.tgArn,
    id: t.id,
    port: t.port,
    kind: (t.fields.kind ?? 'ip') as TargetRecord['kind'],
    registered: t.registered,
    stamp: { ...t.stamp },
    ...t.fields,
  } as TargetRecord;
}
