import type {
  DesiredDnsRecord,
  DnsChangeGroup,
  DnsConflict,
  DnsPlan,
  DnsPolicy,
  DnsRecord,
  DnsRecordType,
  HostedZoneRef,
  PlannedRecord,
  RecordChange,
  RecordSet,
  ZoneSnapshot,
} from '#core/dns/dns-record.ts';
import { DNS_RECORD_TYPES } from '#core/dns/dns-record.ts';
import {
  aliasCnameTxtName,
  encodeOwnership,
  legacyTxtName,
  ownershipOwner,
  ownershipTxtName,
} from '#core/dns/dns-registry.ts';
import {
  bareZoneId,
  normalizeAliasTarget,
  normalizeDnsName,
  sameAliasTarget,
  zoneSelector,
} from '#core/dns/dns-zone.ts';

export interface DnsPlanOptions {
  readonly ownerId: string;
  /** Configured zones; desired hostnames go to the longest-suffix match among them. */
  readonly zones: readonly HostedZoneRef[];
  readonly policy?: DnsPolicy;
  readonly txtPrefix?: string;
  /** TTL for TXT and plain (non-alias) records; aliases have none. */
  readonly ttl?: number;
  readonly evaluateTargetHealth?: boolean;
}

export interface DnsPlanInput {
  /** What Route53 holds, one snapshot per zone that was read. */
  readonly snapshots: readonly ZoneSnapshot[];
  readonly desired: readonly DesiredDnsRecord[];
  /** Conflicts found while computing `desired` (e.g. two LBs for one hostname), carried into the plan. */
  readonly conflicts?: readonly DnsConflict[];
}

const DEFAULT_TTL = 300;

const NO_CLUSTER: { readonly cluster?: string } = {};

/** Where an ownership TXT for a name may live: per type, the old `cname-` one, the legacy one. */
type TxtKind = DnsRecordType | 'cname' | 'legacy';
/** The TXTs a plan writes: the old `cname-` one is only read. */
type EditedTxtKind = Exclude<TxtKind, 'cname'>;
const TXT_KINDS: readonly TxtKind[] = ['A', 'AAAA', 'cname', 'legacy'];

/**
 * Everything one zone's plan knows about one name, in one flat object: what is desired, the
 * address record sets held, the types routed by policy, and the ownership TXTs that speak for
 * it (a TXT named `<prefix of its kind><host>` is filed under `host` while the zone is read).
 * The plan looks each host up once; joined `name + type` keys or TXT names built per host cost
 * a string build and hash per lookup, and an object per type per name kept the scavenger busy,
 * which was most of the plan's time at 100,000 hostnames.
 */
interface HostSlot {
  readonly name: string;
  wantA: DesiredDnsRecord | undefined;
  wantAAAA: DesiredDnsRecord | undefined;
  heldA: RecordSet | undefined;
  heldAAAA: RecordSet | undefined;
  routedA: boolean;
  routedAAAA: boolean;
  txtA: RecordSet | undefined;
  txtAAAA: RecordSet | undefined;
  txtCname: RecordSet | undefined;
  txtLegacy: RecordSet | undefined;
  /** In the plan's host list: something is desired or held (not only routed or TXT). */
  listed: boolean;
}

/** The names of one zone and the hosts to plan there (desired or held), in arrival order. */
interface ZoneWork {
  readonly slots: Map<string, HostSlot>;
  readonly hosts: HostSlot[];
}

function newZoneWork(): ZoneWork {
  return { slots: new Map(), hosts: [] };
}

function slotOf(work: ZoneWork, name: string): HostSlot {
  let slot = work.slots.get(name);
  if (!slot) {
    slot = {
      name,
      wantA: undefined,
      wantAAAA: undefined,
      heldA: undefined,
      heldAAAA: undefined,
      routedA: false,
      routedAAAA: false,
      txtA: undefined,
      txtAAAA: undefined,
      txtCname: undefined,
      txtLegacy: undefined,
      listed: false,
    };
    work.slots.set(name, slot);
  }
  return slot;
}

function list(work: ZoneWork, slot: HostSlot): void {
  if (slot.listed) return;
  slot.listed = true;
  work.hosts.push(slot);
}

function wantOf(slot: HostSlot, type: DnsRecordType): DesiredDnsRecord | undefined {
  return type === 'A' ? slot.wantA : slot.wantAAAA;
}

function setWant(slot: HostSlot, type: DnsRecordType, d: DesiredDnsRecord): void {
  if (type === 'A') slot.wantA = d;
  else slot.wantAAAA = d;
}

function heldOf(slot: HostSlot, type: DnsRecordType): RecordSet | undefined {
  return type === 'A' ? slot.heldA : slot.heldAAAA;
}

function txtOf(slot: HostSlot, kind: EditedTxtKind): RecordSet | undefined {
  switch (kind) {
    case 'A':
      return slot.txtA;
    case 'AAAA':
      return slot.txtAAAA;
    default:
      return slot.txtLegacy;
  }
}

function setTxt(slot: HostSlot, kind: TxtKind, rs: RecordSet): void {
  if (kind === 'A') slot.txtA = rs;
  else if (kind === 'AAAA') slot.txtAAAA = rs;
  else if (kind === 'cname') slot.txtCname = rs;
  else slot.txtLegacy = rs;
}

function targetKey(r: DnsRecord): string {
  return r.aliasZoneId === undefined
    ? r.target
    : `${normalizeAliasTarget(r.target)}|${bareZoneId(r.aliasZoneId)}`;
}

function recordOf(rs: RecordSet, name: string, type: DnsRecordType): DnsRecord {
  if (rs.AliasTarget) {
    return {
      name,
      type,
      target: normalizeDnsName(rs.AliasTarget.DNSName),
      aliasZoneId: bareZoneId(rs.AliasTarget.HostedZoneId),
    };
  }
  return { name, type, target: (rs.ResourceRecords ?? []).map((r) => r.Value).join(',') };
}

function sameTarget(current: RecordSet, desired: DnsRecord): boolean {
  if (desired.aliasZoneId !== undefined) {
    return (
      current.AliasTarget !== undefined &&
      sameAliasTarget(current.AliasTarget.DNSName, desired.target) &&
      bareZoneId(current.AliasTarget.HostedZoneId) === bareZoneId(desired.aliasZoneId)
    );
  }
  // An alias record set holds no ResourceRecords, so it never matches a plain target.
  const values = current.ResourceRecords;
  return values?.length === 1 && values[0]?.Value === desired.target;
}

type OwnershipState =
  | { readonly state: 'ours' }
  | { readonly state: 'none' }
  | { readonly state: 'foreign'; readonly owners: readonly string[] };

const OURS: OwnershipState = { state: 'ours' };
const UNOWNED: OwnershipState = { state: 'none' };

/** The TXT name of `kind` for `host`: the registry's own naming, so both always agree. */
function txtNameOf(host: string, kind: TxtKind, prefix: string): string {
  if (kind === 'A' || kind === 'AAAA') return ownershipTxtName(host, kind, prefix);
  if (kind === 'cname') return aliasCnameTxtName(host, prefix);
  return legacyTxtName(host, prefix);
}

interface ZoneContext {
  readonly zoneId: string;
  readonly ownerId: string;
  readonly policy: DnsPolicy;
  readonly prefix: string;
  readonly ttl: number;
  readonly evaluateTargetHealth: boolean;
}

interface PlanSink {
  readonly create: PlannedRecord[];
  readonly update: PlannedRecord[];
  readonly delete: PlannedRecord[];
  readonly conflicts: DnsConflict[];
  readonly changes: DnsChangeGroup[];
}

function desiredRecordSet(d: DnsRecord, ctx: ZoneContext): RecordSet {
  if (d.aliasZoneId !== undefined) {
    return {
      Name: d.name,
      Type: d.type,
      AliasTarget: {
        DNSName: d.target,
        HostedZoneId: bareZoneId(d.aliasZoneId),
        EvaluateTargetHealth: ctx.evaluateTargetHealth,
      },
    };
  }
  return { Name: d.name, Type: d.type, TTL: ctx.ttl, ResourceRecords: [{ Value: d.target }] };
}

function planned(zoneId: string, r: DnsRecord, previous?: DnsRecord): PlannedRecord {
  const base: PlannedRecord =
    r.aliasZoneId === undefined
      ? { zoneId, name: r.name, type: r.type, target: r.target }
      : {
          zoneId,
          name: r.name,
          type: r.type,
          target: r.target,
          aliasZoneId: bareZoneId(r.aliasZoneId),
        };
  return previous === undefined ? base : { ...base, previous };
}

/**
 * Files the zone's record sets under their names. Only a name that is desired or holds an
 * address record is planned, so held records go first and routed sets and TXTs are then filed
 * only under names already there: a TXT's name is never a host itself in the usual zone, and
 * giving each its own slot was a third of the slots.
 */
function readZone(snapshot: ZoneSnapshot, prefix: string, work: ZoneWork): void {
  // The TXT name of each kind for host h is `<that kind's prefix>h`.
  const kindPrefixes = TXT_KINDS.map((kind) => ({ kind, prefix: txtNameOf('', kind, prefix) }));
  const laterNames: string[] = [];
  const laterSets: RecordSet[] = [];
  for (const rs of snapshot.recordSets) {
    const type = rs.Type;
    if (type !== 'A' && type !== 'AAAA' && type !== 'TXT') continue;
    const name = normalizeDnsName(rs.Name);
    if (rs.SetIdentifier !== undefined || type === 'TXT') {
      laterNames.push(name);
      laterSets.push(rs);
      continue;
    }
    const slot = slotOf(work, name);
    if (type === 'A') slot.heldA = rs;
    else slot.heldAAAA = rs;
    list(work, slot);
  }
  const slots = work.slots;
  for (let i = 0; i < laterSets.length; i++) {
    const rs = laterSets[i] as RecordSet;
    const name = laterNames[i] as string;
    if (rs.Type !== 'TXT') {
      // Weighted/latency/failover sets are someone's deliberate routing; never ours to rewrite.
      const slot = slots.get(name);
      if (!slot) continue;
      if (rs.Type === 'A') slot.routedA = true;
      else slot.routedAAAA = true;
    } else if (rs.SetIdentifier === undefined) {
      for (const k of kindPrefixes) {
        if (!name.startsWith(k.prefix)) continue;
        const slot = slots.get(name.slice(k.prefix.length));
        if (slot) setTxt(slot, k.kind, rs);
      }
    }
  }
}

/**
 * What one TXT says about ownership: unowned when it names no heritage owner, ours when every
 * owner it names is us, else foreign with the other owners once each, in order.
 */
function ownershipIn(rs: RecordSet | undefined, ownerId: string): OwnershipState {
  const values = rs?.ResourceRecords;
  if (!values) return UNOWNED;
  let owned = false;
  let foreign: string[] | undefined;
  for (const r of values) {
    const owner = ownershipOwner(r.Value);
    if (owner === undefined) continue;
    owned = true;
    if (owner === ownerId) continue;
    if (foreign) foreign.push(owner);
    else foreign = [owner];
  }
  if (!owned) return UNOWNED;
  return foreign ? { state: 'foreign', owners: [...new Set(foreign)] } : OURS;
}

function ownershipOf(
  slot: HostSlot,
  type: DnsRecordType,
  current: RecordSet | undefined,
  ownerId: string,
): OwnershipState {
  // ExternalDNS's order: the per-type TXT; for an existing A alias the `cname-` TXT older
  // versions wrote for it; then the legacy same-name TXT. Each speaks only when the one
  // before it names no owner.
  let own = ownershipIn(type === 'A' ? slot.txtA : slot.txtAAAA, ownerId);
  if (own === UNOWNED && type === 'A' && current?.AliasTarget !== undefined)
    own = ownershipIn(slot.txtCname, ownerId);
  if (own === UNOWNED) own = ownershipIn(slot.txtLegacy, ownerId);
  return own;
}

function planZone(snapshot: ZoneSnapshot, work: ZoneWork, ctx: ZoneContext, out: PlanSink): void {
  readZone(snapshot, ctx.prefix, work);
  // By name, as a plain sort of the names would order them.
  const hosts = work.hosts.sort(byUniqueName);
  for (const slot of hosts) {
    const host = slot.name;
    const state: HostState = {
      host,
      slot,
      recordDeletes: undefined,
      recordWrites: undefined,
      edits: undefined,
      remainingA: false,
      remainingAAAA: false,
    };
    for (const type of DNS_RECORD_TYPES) {
      const d = wantOf(slot, type);
      const current = heldOf(slot, type);
      if (type === 'A' ? slot.routedA : slot.routedAAAA) {
        setRemaining(state, type, true);
        if (d) {
          conflict(state, type, ctx, out, {
            reason: 'routing-policy',
            detail: `${host} ${type} uses a routing policy (SetIdentifier); netledger leaves it alone`,
            ...(d.cluster === undefined ? {} : { cluster: d.cluster }),
          });
        }
        continue;
      }
      if (!d && !current) continue;
      if (current) setRemaining(state, type, true);
      planRecord(state, type, d, current, ownershipOf(slot, type, current, ctx.ownerId), ctx, out);
    }

    // The legacy TXT vouches for every type at the name, so it goes only with the last record.
    // (Nothing remains without a delete only where nothing changes: an edit with no record
    // change is never written, below.)
    if (!state.remainingA && !state.remainingAAAA) {
      dropOurs(editFor(state, 'legacy', ctx), ctx);
    }
    // Deletes, then writes, then TXT edits; most hosts have none of them.
    let changes = state.recordDeletes;
    if (state.recordWrites) {
      if (changes) for (const c of state.recordWrites) changes.push(c);
      else changes = state.recordWrites;
    }
    // Every record change comes with an edit of its TXT, and a TXT is edited only beside one.
    if (changes) {
      if (state.edits) txtChanges(state.edits.sort(byUniqueName), ctx, changes);
      out.changes.push({ zoneId: ctx.zoneId, hostname: host, changes });
    }
  }
}

interface HostState {
  readonly host: string;
  /** What the zone holds and what is desired for this host. */
  readonly slot: HostSlot;
  /** Created on a host's first change: most hosts have none. */
  recordDeletes: RecordChange[] | undefined;
  recordWrites: RecordChange[] | undefined;
  /** Ownership TXT edits, at most one per kind: one or two per host, so a list beats a Map. */
  edits: TxtEdit[] | undefined;
  /** Address types at the name once the plan is applied. */
  remainingA: boolean;
  remainingAAAA: boolean;
}

/** One ownership TXT of a host being edited: what the zone holds and the values it will hold. */
interface TxtEdit {
  readonly kind: EditedTxtKind;
  readonly name: string;
  readonly current: RecordSet | undefined;
  values: string[];
}

/**
 * Orders by name where no two names are equal (a zone's hosts, one host's TXT names), so
 * "not less" is "greater".
 */
function byUniqueName(a: { readonly name: string }, b: { readonly name: string }): number {
  return a.name < b.name ? -1 : 1;
}

function setRemaining(state: HostState, type: DnsRecordType, held: boolean): void {
  if (type === 'A') state.remainingA = held;
  else state.remainingAAAA = held;
}

function deleteRecord(state: HostState, change: RecordChange): void {
  if (state.recordDeletes) state.recordDeletes.push(change);
  else state.recordDeletes = [change];
}

function writeRecord(state: HostState, change: RecordChange): void {
  if (state.recordWrites) state.recordWrites.push(change);
  else state.recordWrites = [change];
}

/**
 * Starts the edit of the host's TXT of `kind`. Each kind is edited at most once per host: a
 * type's record is created, updated or deleted once, and the legacy TXT only after them.
 */
function editFor(state: HostState, kind: EditedTxtKind, ctx: ZoneContext): TxtEdit {
  const current = txtOf(state.slot, kind);
  const edit: TxtEdit = {
    kind,
    name: txtNameOf(state.host, kind, ctx.prefix),
    current,
    values: current?.ResourceRecords ? current.ResourceRecords.map((r) => r.Value) : [],
  };
  if (state.edits) state.edits.push(edit);
  else state.edits = [edit];
  return edit;
}

function dropOurs(edit: TxtEdit, ctx: ZoneContext): void {
  // Copy only when there is something of ours to drop (a new TXT has no values at all).
  if (edit.values.some((v) => ownershipOwner(v) === ctx.ownerId))
    edit.values = edit.values.filter((v) => ownershipOwner(v) !== ctx.ownerId);
}

function claim(
  state: HostState,
  type: DnsRecordType,
  resource: string | undefined,
  ctx: ZoneContext,
): void {
  const edit = editFor(state, type, ctx);
  dropOurs(edit, ctx);
  edit.values.push(encodeOwnership(ctx.ownerId, resource));
}

function conflict(
  state: HostState,
  type: DnsRecordType,
  ctx: ZoneContext,
  out: PlanSink,
  c: Omit<DnsConflict, 'name' | 'type' | 'zoneId'>,
): void {
  out.conflicts.push({ name: state.host, type, zoneId: ctx.zoneId, ...c });
}

function planRecord(
  state: HostState,
  type: DnsRecordType,
  d: DesiredDnsRecord | undefined,
  current: RecordSet | undefined,
  own: OwnershipState,
  ctx: ZoneContext,
  out: PlanSink,
): void {
  const host = state.host;
  const cluster = d?.cluster === undefined ? NO_CLUSTER : { cluster: d.cluster };
  if (d && !current) {
    if (own.state === 'foreign') {
      conflict(state, type, ctx, out, {
        reason: 'foreign-owner',
        detail: `ownership TXT for ${host} ${type} names owner ${own.owners.join(', ')}`,
        ...cluster,
      });
      return;
    }
    writeRecord(state, { Action: 'CREATE', ResourceRecordSet: desiredRecordSet(d, ctx) });
    claim(state, type, d.resource, ctx);
    setRemaining(state, type, true);
    out.create.push(planned(ctx.zoneId, d));
  } else if (d && current) {
    if (own.state !== 'ours') {
      conflict(state, type, ctx, out, {
        reason: own.state === 'foreign' ? 'foreign-owner' : 'unowned',
        detail:
          own.state === 'foreign'
            ? `${host} ${type} is owned by ${own.owners.join(', ')}`
            : `${host} ${type} exists without an ownership TXT; netledger will not take it over`,
        ...cluster,
      });
      return;
    }
    if (sameTarget(current, d) || ctx.policy === 'create-only') return;
    if ((current.AliasTarget !== undefined) !== (d.aliasZoneId !== undefined)) {
      // Route53 cannot UPSERT between alias and plain record sets.
      deleteRecord(state, { Action: 'DELETE', ResourceRecordSet: current });
      writeRecord(state, { Action: 'CREATE', ResourceRecordSet: desiredRecordSet(d, ctx) });
    } else {
      writeRecord(state, { Action: 'UPSERT', ResourceRecordSet: desiredRecordSet(d, ctx) });
    }
    claim(state, type, d.resource, ctx);
    out.update.push(planned(ctx.zoneId, d, recordOf(current, host, type)));
  } else if (current) {
    // Nothing desired for a record that is held.
    if (own.state !== 'ours' || ctx.policy !== 'sync') return;
    deleteRecord(state, { Action: 'DELETE', ResourceRecordSet: current });
    dropOurs(editFor(state, type, ctx), ctx);
    setRemaining(state, type, false);
    out.delete.push(planned(ctx.zoneId, recordOf(current, host, type)));
  }
}

/** Appends the TXT changes of a host's edits (in TXT name order) to `changes`. */
function txtChanges(edits: readonly TxtEdit[], ctx: ZoneContext, changes: RecordChange[]): void {
  for (const edit of edits) {
    const current = edit.current;
    const before = current?.ResourceRecords ?? [];
    if (before.length === edit.values.length && before.every((v, i) => v.Value === edit.values[i]))
      continue;
    const resourceRecords = edit.values.map((Value) => ({ Value }));
    // Values that differ from none are some: a TXT that did not exist is created, never deleted.
    if (!current) {
      changes.push({
        Action: 'CREATE',
        ResourceRecordSet: {
          Name: edit.name,
          Type: 'TXT',
          TTL: ctx.ttl,
          ResourceRecords: resourceRecords,
        },
      });
    } else if (edit.values.length === 0) {
      changes.push({ Action: 'DELETE', ResourceRecordSet: current });
    } else {
      changes.push({
        Action: 'UPSERT',
        ResourceRecordSet: { ...current, ResourceRecords: resourceRecords },
      });
    }
  }
}

/**
 * The whole reconciliation decision, pure: what to create, update and delete in each zone
 * so that Route53 matches `desired` for the names this owner holds, and what it must not
 * touch (conflicts). Records without our ownership TXT are never changed.
 */
export function planDns(input: DnsPlanInput, options: DnsPlanOptions): DnsPlan {
  const policy = options.policy ?? 'sync';
  const out: PlanSink = {
    create: [],
    update: [],
    delete: [],
    conflicts: [...(input.conflicts ?? [])],
    changes: [],
  };

  const snapshots = new Map<string, ZoneSnapshot>();
  for (const s of input.snapshots) snapshots.set(bareZoneId(s.zone.id), s);

  const zonesOf = zoneSelector(options.zones);
  const workByZone = new Map<string, ZoneWork>();
  for (const raw of input.desired) {
    const name = normalizeDnsName(raw.name);
    const d: DesiredDnsRecord = name === raw.name ? raw : { ...raw, name };
    const matched = zonesOf(d.name);
    if (matched.length === 0) {
      out.conflicts.push({
        name: d.name,
        type: d.type,
        reason: 'no-zone',
        detail: `no configured hosted zone is a suffix of ${d.name}`,
        ...(d.cluster === undefined ? {} : { cluster: d.cluster }),
      });
      continue;
    }
    for (const zone of matched) {
      const zoneId = bareZoneId(zone.id);
      if (!snapshots.has(zoneId)) {
        out.conflicts.push({
          name: d.name,
          type: d.type,
          zoneId,
          reason: 'zone-not-read',
          detail: `${d.name} belongs in zone ${zoneId} (${zone.name}), whose records were not read`,
          ...(d.cluster === undefined ? {} : { cluster: d.cluster }),
        });
        continue;
      }
      let work = workByZone.get(zoneId);
      if (!work) {
        work = newZoneWork();
        workByZone.set(zoneId, work);
      }
      const slot = slotOf(work, d.name);
      list(work, slot);
      const existing = wantOf(slot, d.type);
      if (!existing) {
        setWant(slot, d.type, d);
      } else if (targetKey(existing) !== targetKey(d)) {
        const [winner, loser] = targetKey(existing) < targetKey(d) ? [existing, d] : [d, existing];
        setWant(slot, d.type, winner);
        out.conflicts.push({
          name: d.name,
          type: d.type,
          zoneId,
          reason: 'duplicate-claim',
          detail: `${d.name} ${d.type} wanted as ${winner.target} and ${loser.target}; ${winner.target} wins`,
          ...(d.cluster === undefined ? {} : { cluster: d.cluster }),
        });
      }
    }
  }

  const zoneIds = [...snapshots.keys()].sort();
  for (const zoneId of zoneIds) {
    const snapshot = snapshots.get(zoneId);
    if (!snapshot) continue;
    planZone(
      snapshot,
      workByZone.get(zoneId) ?? newZoneWork(),
      {
        zoneId,
        ownerId: options.ownerId,
        policy,
        prefix: options.txtPrefix ?? '',
        ttl: options.ttl ?? DEFAULT_TTL,
        evaluateTargetHealth: options.evaluateTargetHealth ?? true,
      },
      out,
    );
  }
  return out;
}
