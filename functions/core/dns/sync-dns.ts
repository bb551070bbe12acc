import type { AlertCondition } from '#core/alerts/alert.ts';
import type { AlertPolicy, AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import type { AlertStore } from '#core/alerts/alert-store.ts';
import type { Notifier } from '#core/alerts/notifier.ts';
import { dnsConflictAlert, dnsFailureAlert, dnsInvalidAlert } from '#core/dns/dns-alerts.ts';
import {
  type DesiredDns,
  type DnsLoadBalancer,
  desiredFromLoadBalancers,
  hostnamesClaimedBy,
  type StaticDnsEntry,
} from '#core/dns/dns-desired.ts';
import type { ToAscii } from '#core/dns/dns-hostname.ts';
import { planDns } from '#core/dns/dns-plan.ts';
import type {
  DnsApplyReport,
  DnsChangeApplier,
  DnsRecordCache,
  DnsZoneReader,
  LoadBalancerSource,
} from '#core/dns/dns-ports.ts';
import type {
  DnsChangeGroup,
  DnsPlan,
  DnsPolicy,
  HostedZoneRef,
  RecordSet,
  ZoneSnapshot,
} from '#core/dns/dns-record.ts';
import { namesForHostname } from '#core/dns/dns-registry.ts';
import {
  alertName,
  DNS_ALERT_KINDS,
  type DnsAlertResult,
  settleDnsAlerts,
} from '#core/dns/dns-sync-alerts.ts';
import { bareZoneId, normalizeDnsName, selectZones } from '#core/dns/dns-zone.ts';
import { UNKNOWN_CLUSTER } from '#core/events/scope.ts';

/** Everything, or only the hostnames these load balancers have or had. */
export type DnsSyncScope = { readonly loadBalancerArns?: readonly string[] } | 'all';

export interface DnsSyncConfig {
  readonly ownerId: string;
  readonly zones: readonly HostedZoneRef[];
  readonly policy: DnsPolicy;
  readonly txtPrefix: string;
  readonly statics: readonly StaticDnsEntry[];
  /** Plan and report, but write nothing: no Route53 change, no cache update, no alert. */
  readonly dryRun: boolean;
  readonly alertPolicy: AlertPolicy;
  /** Named on alerts that no load balancer tag attributes to a cluster. */
  readonly cluster?: string;
  /**
   * IDNA ToASCII (`url.domainToASCII`) for internationalised hostnames, which go to Route53 as
   * punycode. Without it every non-ASCII hostname is refused as invalid.
   */
  readonly toAscii?: ToAscii;
}

export interface SyncDnsDeps {
  readonly lbs: LoadBalancerSource;
  readonly cache: DnsRecordCache;
  readonly applier: DnsChangeApplier;
  readonly alerts: AlertStore;
  readonly notifier: Notifier;
  readonly config: DnsSyncConfig;
  /** ISO-8601; the caller reads the clock. */
  readonly now: string;
  readonly log?: (message: string, data?: Readonly<Record<string, unknown>>) => void;
}

export interface RefreshZonesDeps extends SyncDnsDeps {
  readonly reader: DnsZoneReader;
}

export interface DnsSyncResult {
  readonly scope: 'all' | 'load-balancers';
  readonly dryRun: boolean;
  /** Hostnames the sync looked at: every desired or cached one for `all`, else the affected ones. */
  readonly hostnames: readonly string[];
  readonly plan: DnsPlan;
  /** Undefined for a dry run or when there was nothing to change. */
  readonly apply?: DnsApplyReport;
  /** Zones whose cache was never filled by a sweep: their names wait for the next sweep. */
  readonly deferredZones: readonly string[];
  readonly alerts: readonly DnsAlertResult[];
  /** Conditions a dry run would have raised. */
  readonly wouldAlert: readonly AlertCondition[];
}

/** A sweep could not read some zones; the others were synced, and `result` says how. */
export class DnsZoneRefreshError extends Error {
  override readonly name = 'DnsZoneRefreshError';
  constructor(
    message: string,
    readonly result: DnsSyncResult,
    readonly failures: readonly { readonly zoneId: string; readonly error: unknown }[],
  ) {
    super(message);
  }
}

interface Gathered {
  readonly desired: DesiredDns;
  readonly snapshots: readonly ZoneSnapshot[];
  readonly deferredZones: ReadonlySet<string>;
  /** Names whose alerts this sync may resolve; `undefined` means all. */
  readonly affected?: ReadonlySet<string>;
  readonly loadBalancers: readonly DnsLoadBalancer[];
  /** The LBs of an event-triggered sync, with the hostnames they claimed before it. */
  readonly arns: readonly string[];
  readonly claims: ReadonlyMap<string, readonly string[]>;
}

/**
 * Makes Route53 match the load balancers for `scope`: plans from the cached current state,
 * applies the changes, records what Route53 accepted in the cache, and opens or resolves
 * `dns-conflict` and `dns-failure` alerts. An event-triggered sync reads only the cached
 * names its load balancers have or had; desired state is still computed from every LB, so
 * two LBs claiming one hostname get the same winner as in the sweep.
 */
export async function syncDns(scope: DnsSyncScope, deps: SyncDnsDeps): Promise<DnsSyncResult> {
  const gathered =
    scope === 'all'
      ? await gatherAll(deps, undefined)
      : await gatherForLoadBalancers(scope.loadBalancerArns ?? [], deps);
  return reconcile(scope === 'all' ? 'all' : 'load-balancers', gathered, deps);
}

/** Hook for the elb-activity handler after LB create/delete and tag events. */
export function syncDnsForLoadBalancers(
  arns: readonly string[],
  deps: SyncDnsDeps,
): Promise<DnsSyncResult> {
  return syncDns({ loadBalancerArns: arns }, deps);
}

/**
 * Hook for the sweep: reads every configured zone from Route53 (paged), replaces the cached
 * copy, and syncs everything against those fresh reads. Zones that cannot be read are left
 * out (their names are neither changed nor cleared); the error comes after the rest is done.
 */
export async function refreshZonesAndSync(deps: RefreshZonesDeps): Promise<DnsSyncResult> {
  const snapshots: ZoneSnapshot[] = [];
  const failures: { zoneId: string; error: unknown }[] = [];
  for (const zone of uniqueZones(deps.config.zones)) {
    const zoneId = bareZoneId(zone.id);
    try {
      const recordSets = await deps.reader.readZone(zoneId);
      await deps.cache.replaceZone(zoneId, recordSets, deps.now);
      snapshots.push({ zone, recordSets });
    } catch (error) {
      failures.push({ zoneId, error });
      deps.log?.('dns zone refresh failed', { zoneId, error: (error as Error).message });
    }
  }
  const gathered = await gatherAll(deps, snapshots);
  const result = await reconcile('all', gathered, deps);
  if (failures.length > 0) {
    throw new DnsZoneRefreshError(
      `could not read hosted zone(s) ${failures.map((f) => f.zoneId).join(', ')}`,
      result,
      failures,
    );
  }
  return result;
}

function uniqueZones(zones: readonly HostedZoneRef[]): HostedZoneRef[] {
  const byId = new Map<string, HostedZoneRef>();
  for (const z of zones) if (!byId.has(bareZoneId(z.id))) byId.set(bareZoneId(z.id), z);
  return [...byId.values()];
}

async function gatherAll(
  deps: SyncDnsDeps,
  fresh: readonly ZoneSnapshot[] | undefined,
): Promise<Gathered> {
  const loadBalancers = await deps.lbs.listLoadBalancers();
  const desired = desiredFromLoadBalancers(loadBalancers, deps.config.statics, deps.config.toAscii);
  const deferredZones = new Set<string>();
  let snapshots: ZoneSnapshot[];
  if (fresh) {
    snapshots = [...fresh];
  } else {
    snapshots = [];
    for (const zone of uniqueZones(deps.config.zones)) {
      const cached = await deps.cache.readZone(bareZoneId(zone.id));
      if (cached.refreshedAt === undefined) deferredZones.add(bareZoneId(zone.id));
      else snapshots.push({ zone, recordSets: cached.recordSets });
    }
  }
  const read = new Set(snapshots.map((s) => bareZoneId(s.zone.id)));
  // Zones not read (deferred or failed) are neither changed nor cleared.
  for (const zone of deps.config.zones) {
    if (!read.has(bareZoneId(zone.id))) deferredZones.add(bareZoneId(zone.id));
  }
  return { desired, snapshots, deferredZones, loadBalancers, arns: [], claims: new Map() };
}

async function gatherForLoadBalancers(
  arns: readonly string[],
  deps: SyncDnsDeps,
): Promise<Gathered> {
  const { config } = deps;
  if (arns.length === 0) {
    return {
      desired: { records: [], conflicts: [], invalid: [] },
      snapshots: [],
      deferredZones: new Set(),
      affected: new Set(),
      loadBalancers: [],
      arns: [],
      claims: new Map(),
    };
  }
  // An account holds at most a few hundred LBs (ELBv2 quotas), so all of them are one cheap
  // ledger read; the expensive side, Route53 records, is read only for the affected names.
  const [loadBalancers, claims] = await Promise.all([
    deps.lbs.listLoadBalancers(),
    deps.cache.claimedHostnames(arns),
  ]);
  const byArn = new Map(loadBalancers.map((lb) => [lb.arn, lb]));
  const affected = new Set<string>();
  for (const arn of arns) {
    for (const h of claims.get(arn) ?? []) affected.add(normalizeDnsName(h));
    const lb = byArn.get(arn);
    if (lb) for (const h of hostnamesClaimedBy(lb, config.statics, config.toAscii)) affected.add(h);
  }
  const all = desiredFromLoadBalancers(loadBalancers, config.statics, config.toAscii);
  const desired: DesiredDns = {
    records: all.records.filter((r) => affected.has(r.name)),
    conflicts: all.conflicts.filter((c) => affected.has(c.name)),
    invalid: (all.invalid ?? []).filter((i) => arns.includes(i.loadBalancerArn)),
  };

  const snapshots: ZoneSnapshot[] = [];
  const deferredZones = new Set<string>();
  for (const zone of uniqueZones(config.zones)) {
    const zoneId = bareZoneId(zone.id);
    const hosts = [...affected].filter((h) =>
      selectZones(h, config.zones).some((z) => bareZoneId(z.id) === zoneId),
    );
    if (hosts.length === 0) continue;
    const names = hosts.flatMap((h) => namesForHostname(h, config.txtPrefix));
    const cached = await deps.cache.readNames(zoneId, names);
    if (cached.refreshedAt === undefined) {
      deferredZones.add(zoneId);
      continue;
    }
    snapshots.push({ zone, recordSets: onlyHosts(cached.recordSets, new Set(hosts)) });
  }
  return { desired, snapshots, deferredZones, affected, loadBalancers, arns, claims };
}

/**
 * A partial snapshot must not show address records of names outside the scope: an ownership
 * TXT name (`a-web...`) can itself be a hostname, and a plan that saw its records without its
 * desired state would delete them.
 */
function onlyHosts(recordSets: readonly RecordSet[], hosts: ReadonlySet<string>): RecordSet[] {
  return recordSets.filter((rs) => rs.Type === 'TXT' || hosts.has(normalizeDnsName(rs.Name)));
}

function inDeferredZone(
  name: string,
  zones: readonly HostedZoneRef[],
  deferred: ReadonlySet<string>,
): boolean {
  return selectZones(name, zones).some((z) => deferred.has(bareZoneId(z.id)));
}

async function reconcile(
  scope: DnsSyncResult['scope'],
  gathered: Gathered,
  deps: SyncDnsDeps,
): Promise<DnsSyncResult> {
  const { config } = deps;
  const plan = planDns(
    {
      snapshots: gathered.snapshots,
      desired: gathered.desired.records,
      conflicts: gathered.desired.conflicts,
    },
    {
      ownerId: config.ownerId,
      zones: config.zones,
      policy: config.policy,
      txtPrefix: config.txtPrefix,
    },
  );
  const hostnames = gathered.affected
    ? [...gathered.affected].sort()
    : [
        ...new Set([
          ...gathered.desired.records.map((r) => r.name),
          ...plan.changes.map((g) => g.hostname),
        ]),
      ].sort();
  const deferredZones = [...gathered.deferredZones].sort();
  const clusterOf = clusterLookup(gathered.desired, config.cluster);
  const conflictConditions = plan.conflicts
    // A zone nobody has read yet is a matter of time, not a conflict worth paging about.
    .filter((c) => c.reason !== 'zone-not-read')
    .map((c) => dnsConflictAlert(c, clusterOf(c.name)));
  const invalidConditions = (gathered.desired.invalid ?? []).map((i) =>
    dnsInvalidAlert(i, config.cluster || UNKNOWN_CLUSTER),
  );
  if (invalidConditions.length > 0) {
    deps.log?.('dns: hostnames refused, no record for them', {
      refused: invalidConditions.map((c) => `${c.facts.loadBalancer}: ${c.summary}`),
    });
  }

  if (config.dryRun) {
    deps.log?.('dns dry run: nothing changed', {
      scope,
      create: plan.create.length,
      update: plan.update.length,
      delete: plan.delete.length,
      conflicts: plan.conflicts.length,
      changes: plan.changes.flatMap(describeGroup),
    });
    return {
      scope,
      dryRun: true,
      hostnames,
      plan,
      deferredZones,
      alerts: [],
      wouldAlert: [...conflictConditions, ...invalidConditions],
    };
  }

  let apply: DnsApplyReport | undefined;
  if (plan.changes.length > 0) {
    apply = await deps.applier.apply(plan.changes);
    await recordApplied(apply.applied, deps);
  }
  const failedHosts = new Set((apply?.failed ?? []).map((f) => f.group.hostname));

  if (scope === 'load-balancers') {
    await rememberClaims(gathered, failedHosts, deps);
  }

  const failureConditions = (apply?.failed ?? []).map((f) =>
    dnsFailureAlert(f, clusterOf(f.group.hostname)),
  );
  const evaluated = (name: string): boolean =>
    (gathered.affected === undefined || gathered.affected.has(normalizeDnsName(name))) &&
    !inDeferredZone(name, config.zones, gathered.deferredZones);
  // A dns-invalid alert is about a load balancer's tag, not a name.
  const evaluatedTag = (r: AlertRecord): boolean =>
    gathered.affected === undefined || gathered.arns.includes(String(r.facts.loadBalancer));
  const open = (await deps.alerts.listOpen()).filter(
    (r: AlertRecord) =>
      DNS_ALERT_KINDS.includes(r.kind) &&
      (r.kind === 'dns-invalid' ? evaluatedTag(r) : evaluated(alertName(r))),
  );
  const active = [...conflictConditions, ...failureConditions, ...invalidConditions];
  const alerts = await settleDnsAlerts(active, open, {
    alerts: deps.alerts,
    notifier: deps.notifier,
    policy: config.alertPolicy,
    now: deps.now,
  });
  return {
    scope,
    dryRun: false,
    hostnames,
    plan,
    ...(apply === undefined ? {} : { apply }),
    deferredZones,
    alerts,
    wouldAlert: [],
  };
}

async function recordApplied(applied: readonly DnsChangeGroup[], deps: SyncDnsDeps): Promise<void> {
  const byZone = new Map<string, DnsChangeGroup['changes'][number][]>();
  for (const group of applied) {
    const list = byZone.get(group.zoneId) ?? [];
    list.push(...group.changes);
    byZone.set(group.zoneId, list);
  }
  for (const [zoneId, changes] of byZone) await deps.cache.applyChanges(zoneId, changes, deps.now);
}

/**
 * Remembers each LB's hostnames for its next event (above all its delete). Names whose
 * changes failed or whose zone waits for a sweep stay remembered until they are settled.
 */
async function rememberClaims(
  gathered: Gathered,
  failedHosts: ReadonlySet<string>,
  deps: SyncDnsDeps,
): Promise<void> {
  const { config } = deps;
  const byArn = new Map(gathered.loadBalancers.map((lb) => [lb.arn, lb]));
  for (const arn of new Set(gathered.arns)) {
    const previous = (gathered.claims.get(arn) ?? []).map(normalizeDnsName);
    const lb = byArn.get(arn);
    const keep = previous.filter(
      (h) => failedHosts.has(h) || inDeferredZone(h, config.zones, gathered.deferredZones),
    );
    const current = lb ? hostnamesClaimedBy(lb, config.statics, config.toAscii) : [];
    const next = [...new Set([...current, ...keep])].sort();
    const before = [...previous].sort();
    if (next.length === before.length && next.every((h, i) => h === before[i])) continue;
    await deps.cache.setClaimedHostnames(arn, next, deps.now);
  }
}

function clusterLookup(desired: DesiredDns, fallback: string | undefined) {
  const byName = new Map<string, string>();
  for (const r of desired.records) if (r.cluster) byName.set(r.name, r.cluster);
  for (const c of desired.conflicts)
    if (c.cluster && !byName.has(c.name)) byName.set(c.name, c.cluster);
  return (name: string): string =>
    byName.get(normalizeDnsName(name)) ?? (fallback || UNKNOWN_CLUSTER);
}

function describeGroup(group: DnsChangeGroup): string[] {
  return group.changes.map(
    (c) => `${c.Action} ${c.ResourceRecordSet.Type} ${c.ResourceRecordSet.Name} (${group.zoneId})`,
  );
}
