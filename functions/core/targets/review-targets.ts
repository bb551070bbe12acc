import pMap from 'p-map';
import type { AlertCondition } from '#core/alerts/alert.ts';
import type { AlertRef } from '#core/alerts/alert-store.ts';
import { prefetchedAlerts } from '#core/alerts/alerts-read-ahead.ts';
import {
  type AlertSettling,
  type SettledAlert,
  settleAlert,
  throwFailures,
} from '#core/alerts/settle-alert.ts';
import type { EventStamp } from '#core/events/event-envelope.ts';
import {
  clusterConfigured,
  lacksRequiredCluster,
  type Scope,
  UNKNOWN_CLUSTER,
} from '#core/events/scope.ts';
import type { AddressRecord, NetworkLedger } from '#core/network/network-ports.ts';
import {
  checkDeregistrationDelay,
  DEREGISTRATION_DELAY_ATTRIBUTE,
  type DeregistrationDelayPolicy,
  type RemediationPlan,
  remediationPlan,
} from '#core/targets/deregistration-delay.ts';
import type { Elbv2Port } from '#core/targets/elbv2-port.ts';
import { type IpHolder, staleTargetCondition } from '#core/targets/stale-target.ts';
import { ipTargetKey } from '#core/targets/target-group.ts';
import type {
  KeyChanges,
  TargetGroupRecord,
  TargetLedger,
  TargetRecord,
} from '#core/targets/target-ports.ts';

export interface TargetSettings {
  readonly delayPolicy: DeregistrationDelayPolicy;
  /** DRIFT_REMEDIATE: set the delay back to the desired value instead of only alerting. */
  readonly remediate: boolean;
}

export interface TargetReviewDeps {
  readonly targets: TargetLedger;
  readonly network: Pick<NetworkLedger, 'holdersOf'>;
  readonly elbv2: Elbv2Port;
  readonly scope: Scope;
  readonly settings: TargetSettings;
  /** Absent when no alert topic is configured (local mode, tests): nothing is alerted. */
  readonly alerting?: AlertSettling | undefined;
}

export interface TargetReview {
  readonly alerts: readonly SettledAlert[];
  /** Remediation done or, with DRIFT_REMEDIATE off, what would have been done (dry-run lines). */
  readonly remediations: readonly RemediationPlan[];
  readonly skipped: readonly { readonly subject: string; readonly reason: string }[];
}

/**
 * Who holds each IP now (undefined: nobody). With prefix delegation the IP ledger files /28
 * prefixes, not pod IPs, and VPC CNI prefixes are always /28-aligned, so the containing /28 is
 * the second place to look. One ask of the ledger, whatever the number of IPs.
 */
export async function holdersOfIps(
  network: Pick<NetworkLedger, 'holdersOf'>,
  vpcId: string,
  ips: readonly string[],
): Promise<Map<string, IpHolder | undefined>> {
  const held = await network.holdersOf(vpcId, ips, containingPrefix);
  return new Map(
    ips.map((ip) => {
      const found = held.get(ip);
      return [ip, found && ipHolder(found)];
    }),
  );
}

function ipHolder(found: AddressRecord): IpHolder {
  return {
    eniId: found.eniId,
    ...(found.instanceId ? { instanceId: found.instanceId } : {}),
    since: found.stamp,
  };
}

function containingPrefix(ip: string): string | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p))) return undefined;
  const last = (parts[3] as number) & 0xf0;
  return `${parts[0]}.${parts[1]}.${parts[2]}.${last}/28`;
}

/** Why a target group gets no alerts, or undefined when it does. */
export function alertScopeProblem(tg: TargetGroupRecord, scope: Scope): string | undefined {
  if (tg.cluster && !clusterConfigured(scope, tg.cluster)) {
    return `cluster ${tg.cluster} is not configured`;
  }
  if (lacksRequiredCluster(scope, tg.cluster)) {
    return 'no elbv2.k8s.aws/cluster tag known yet (the sweep reads tags)';
  }
  return undefined;
}

interface Collector {
  alerts: SettledAlert[];
  remediations: RemediationPlan[];
  skipped: { subject: string; reason: string }[];
  failures: unknown[];
}

const collector = (): Collector => ({ alerts: [], remediations: [], skipped: [], failures: [] });

function finish(c: Collector): TargetReview {
  throwFailures(c.failures, 'target alerts could not be settled');
  return { alerts: c.alerts, remediations: c.remediations, skipped: c.skipped };
}

async function settle(
  c: Collector,
  deps: TargetReviewDeps,
  condition: AlertCondition,
  now: string,
) {
  if (!deps.alerting) return;
  try {
    const settled = await settleAlert(condition, deps.alerting, now);
    if (settled) c.alerts.push(settled);
  } catch (error) {
    c.failures.push(error);
  }
}

/** Stale-target alerts for some targets of one target group (all its targets when omitted). */
async function reviewStale(
  c: Collector,
  tg: TargetGroupRecord,
  targets: readonly TargetRecord[],
  deps: TargetReviewDeps,
  now: string,
  known?: ReadonlyMap<string, IpHolder | undefined>,
) {
  const cluster = tg.cluster ?? UNKNOWN_CLUSTER;
  const elb = registrationCheck(tg.arn, deps.elbv2);
  const holderOf = await holdersOfTargets(tg, targets, deps.network, known);
  for (const t of targets) {
    // Instance targets carry node IPs whose ownership does not follow pods: not joined.
    if (t.kind !== 'ip' || tg.targetType !== 'ip') continue;
    const registration = {
      tgArn: tg.arn,
      ip: t.id,
      port: t.port,
      registeredAt: t.registeredAt ?? t.stamp.eventTime,
      targetType: tg.targetType,
      ...(t.nodeAtRegistration ? { nodeAtRegistration: t.nodeAtRegistration } : {}),
      ...(t.eniAtRegistration ? { eniAtRegistration: t.eniAtRegistration } : {}),
      ...(t.ipReassignedAt ? { ipReassignedAt: t.ipReassignedAt } : {}),
    };
    const holder = holderOf(t);
    const facts = { cluster, ...(tg.stack ? { stack: tg.stack } : {}) };
    let condition = staleTargetCondition(registration, holder, {
      ...facts,
      deregistered: !t.registered || tg.deleted,
    });
    if (condition.active && !(await elb.stillRegistered(t))) {
      // CloudTrail delivers DeregisterTargets minutes late: a node that terminates right after
      // its pods were deregistered would otherwise raise an alert for every one of them.
      c.skipped.push({
        subject: `${tg.arn}|${t.id}:${t.port}`,
        reason:
          'not registered at the load balancer any more (its DeregisterTargets is on the way)',
      });
      condition = staleTargetCondition(registration, holder, { ...facts, deregistered: true });
    }
    await settle(c, deps, condition, now);
  }
}

/**
 * Who holds the IPs of a group's registered IP targets, asked of the ledger together (per
 * VPC) except those the caller already knows. A deregistered target or a deleted group has no
 * holder to judge by.
 */
export async function holdersOfTargets(
  tg: TargetGroupRecord,
  targets: readonly TargetRecord[],
  network: Pick<NetworkLedger, 'holdersOf'>,
  known?: ReadonlyMap<string, IpHolder | undefined>,
): Promise<(t: TargetRecord) => IpHolder | undefined> {
  const vpcOf = (t: TargetRecord) =>
    t.registered && !tg.deleted ? (t.vpcId ?? tg.vpcId) : undefined;
  const ipsByVpc = new Map<string, string[]>();
  for (const t of targets) {
    const vpcId = vpcOf(t);
    if (t.kind !== 'ip' || tg.targetType !== 'ip' || !vpcId || known?.has(t.id)) continue;
    ipsByVpc.set(vpcId, [...(ipsByVpc.get(vpcId) ?? []), t.id]);
  }
  const looked = new Map<string, Map<string, IpHolder | undefined>>();
  for (const [vpcId, ips] of ipsByVpc) looked.set(vpcId, await holdersOfIps(network, vpcId, ips));
  return (t) => {
    const vpcId = vpcOf(t);
    if (!vpcId) return undefined;
    return known?.has(t.id) ? known.get(t.id) : looked.get(vpcId)?.get(t.id);
  };
}

/**
 * Asks ELBv2 once per group, and only when a target looks stale, whether it is still
 * registered. When ELBv2 cannot say (the group is gone, local replay has no account, the read
 * failed) the ledger's view stands, so an alert is never lost to a failed confirmation.
 */
function registrationCheck(tgArn: string, elbv2: Elbv2Port) {
  let registered: Promise<Set<string> | undefined> | undefined;
  const read = async () => {
    try {
      const health = await elbv2.describeTargetHealth(tgArn);
      if (!health) return undefined;
      const live = new Set<string>();
      for (const { target, state } of health) {
        // Draining is on its way out: DeregisterTargets was called.
        if (target.type === 'ip' && !state.includes('draining')) {
          live.add(`${target.ip}:${target.port ?? ''}`);
        }
      }
      return live;
    } catch {
      return undefined;
    }
  };
  return {
    async stillRegistered(t: TargetRecord): Promise<boolean> {
      registered ??= read();
      const live = await registered;
      return live === undefined || live.has(`${t.id}:${t.port ?? ''}`);
    },
  };
}

/**
 * Deregistration-delay drift of one target group, with remediation or its dry-run line. Does
 * nothing while the actual delay is unknown: a guess of "unset" would raise false drift.
 */
async function reviewDelay(
  c: Collector,
  tg: TargetGroupRecord,
  deps: TargetReviewDeps,
  now: string,
) {
  if (tg.attributes[DEREGISTRATION_DELAY_ATTRIBUTE] === undefined && !tg.deleted) {
    c.skipped.push({ subject: tg.arn, reason: 'deregistration delay not known yet' });
    return;
  }
  const check = checkDeregistrationDelay({
    tgArn: tg.arn,
    ...(tg.name ? { tgName: tg.name } : {}),
    ...(tg.targetType ? { targetType: tg.targetType } : {}),
    cluster: tg.cluster ?? UNKNOWN_CLUSTER,
    ...(tg.stack ? { stack: tg.stack } : {}),
    tags: tg.tags,
    attributes: tg.attributes,
    policy: deps.settings.delayPolicy,
    ...(tg.lastDelayChange ? { lastChange: tg.lastDelayChange } : {}),
  });
  if (check.status === 'not-applicable') return;
  if (check.status === 'invalid-actual') {
    c.skipped.push({ subject: tg.arn, reason: `invalid delay: ${check.actual.problem}` });
    return;
  }
  if (tg.deleted) {
    await settle(c, deps, { ...check.condition, active: false }, now);
    return;
  }
  const plan = remediationPlan(check, deps.settings.remediate);
  if (plan.action === 'none') {
    await settle(c, deps, check.condition, now);
    return;
  }
  c.remediations.push(plan);
  if (plan.action === 'dry-run') {
    await settle(c, deps, check.condition, now);
    return;
  }
  const after = await deps.elbv2.setDeregistrationDelay(plan.tgArn, plan.to);
  if (!after) {
    c.skipped.push({ subject: tg.arn, reason: 'target group gone before remediation' });
    return;
  }
  const stamp: EventStamp = { eventTime: now, eventId: `remediation:${now}` };
  const changes: KeyChanges = { [DEREGISTRATION_DELAY_ATTRIBUTE]: String(plan.to) };
  await deps.targets.setAttributes(tg.arn, changes, stamp, {
    by: 'netledger (DRIFT_REMEDIATE)',
    at: now,
    seconds: plan.to,
  });
  await deps.targets.audit(stamp, 'ModifyTargetGroupAttributes', [
    { entity: tg.arn, action: 'remediated deregistration delay', detail: plan.description },
  ]);
  // Tell what drifted and who did it, then that it is fixed.
  const drifted = check.condition;
  await settle(
    c,
    deps,
    { ...drifted, summary: `${drifted.summary}; remediated to ${plan.to} s` },
    now,
  );
  await settle(
    c,
    deps,
    { ...drifted, active: false, summary: `remediated: set back to ${plan.to} s by netledger` },
    now,
  );
}

export interface TargetGroupReviewOptions {
  /** The group as the caller has just read it (default: read from the ledger). */
  readonly group?: TargetGroupRecord;
  /** Only these targets (default: every registered target of the group). */
  readonly targets?: readonly TargetRecord[];
  /** Check the deregistration delay too (default true). */
  readonly delay?: boolean;
  /** Who holds these IPs, as the caller read it in the same unit of work (not read again). */
  readonly holders?: ReadonlyMap<string, IpHolder | undefined>;
}

/** Stale targets and delay drift of one target group, after an event or in the sweep. */
export async function reviewTargetGroup(
  tgArn: string,
  deps: TargetReviewDeps,
  now: string,
  options: TargetGroupReviewOptions = {},
): Promise<TargetReview> {
  const c = collector();
  await reviewGroupInto(c, tgArn, deps, now, options);
  return finish(c);
}

async function reviewGroupInto(
  c: Collector,
  tgArn: string,
  deps: TargetReviewDeps,
  now: string,
  options: TargetGroupReviewOptions,
) {
  const tg = options.group ?? (await deps.targets.getTargetGroup(tgArn));
  if (!tg) {
    c.skipped.push({ subject: tgArn, reason: 'target group not in the ledger' });
    return;
  }
  const problem = alertScopeProblem(tg, deps.scope);
  if (problem) {
    c.skipped.push({ subject: tgArn, reason: problem });
    return;
  }
  const targets =
    options.targets ?? (await deps.targets.targetsOf(tgArn, { includeDeregistered: tg.deleted }));
  const delay = options.delay !== false;
  const ahead = withAlertsAhead(deps, targetAlertRefs(tg, targets, delay));
  await reviewStale(c, tg, targets, ahead, now, options.holders);
  if (delay) await reviewDelay(c, tg, ahead, now);
}

/** The alerts a review of these targets (and of the group's delay) settles. */
export function targetAlertRefs(
  tg: TargetGroupRecord,
  targets: readonly TargetRecord[],
  delay: boolean,
): AlertRef[] {
  const refs: AlertRef[] = [];
  if (tg.targetType === 'ip') {
    for (const t of targets) {
      if (t.kind === 'ip')
        refs.push({ kind: 'stale-target', subject: ipTargetKey(tg.arn, t.id, t.port) });
    }
  }
  const delayKnown = tg.attributes[DEREGISTRATION_DELAY_ATTRIBUTE] !== undefined || tg.deleted;
  if (delay && delayKnown) refs.push({ kind: 'deregistration-delay-drift', subject: tg.arn });
  return refs;
}

/** The review's alerts read ahead in one request (see `prefetchedAlerts`). */
function withAlertsAhead(deps: TargetReviewDeps, refs: readonly AlertRef[]): TargetReviewDeps {
  if (!deps.alerting) return deps;
  const alerts = prefetchedAlerts(deps.alerting.alerts, refs);
  return { ...deps, alerting: { ...deps.alerting, alerts } };
}

/** Node lookups of one review in flight at once. */
const LOOKUPS_AT_ONCE = 8;

/**
 * The hook for EC2 changes: addresses were released, or assigned to another node, so the
 * targets registered with those IPs may now be stale. The ledger finds them for all the IPs at
 * once (see `targetsByIps`), unless the caller found them already (`found`, as the event's unit
 * of work read them with its own items).
 */
export async function reviewTargetsForIps(
  vpcId: string,
  ips: readonly string[],
  deps: TargetReviewDeps,
  now: string,
  found?: readonly TargetRecord[],
): Promise<TargetReview> {
  const targets = found ?? (await deps.targets.targetsByIps(vpcId, ips));
  return reviewGroups(byGroupOf([targets]), deps, now);
}

/**
 * The hook for node changes (terminated, ENI detached or deleted): every target whose IP was on
 * one of these nodes at registration. One GSI2 query per node, several at once.
 */
export async function reviewTargetsForNodes(
  instanceIds: readonly string[],
  deps: TargetReviewDeps,
  now: string,
): Promise<TargetReview> {
  const found = await pMap(new Set(instanceIds), (id) => deps.targets.targetsByNode(id), {
    concurrency: LOOKUPS_AT_ONCE,
  });
  return reviewGroups(byGroupOf(found), deps, now);
}

/** Targets by group, in the order they were asked for (pMap keeps it). */
function byGroupOf(found: readonly (readonly TargetRecord[])[]): Map<string, TargetRecord[]> {
  const byGroup = new Map<string, TargetRecord[]>();
  for (const t of found.flat()) byGroup.set(t.tgArn, [...(byGroup.get(t.tgArn) ?? []), t]);
  return byGroup;
}

async function reviewGroups(
  byGroup: Map<string, TargetRecord[]>,
  deps: TargetReviewDeps,
  now: string,
): Promise<TargetReview> {
  const c = collector();
  for (const [tgArn, targets] of byGroup) {
    await reviewGroupInto(c, tgArn, deps, now, { targets, delay: false });
  }
  return finish(c);
}
