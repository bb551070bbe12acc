import pMap from 'p-map';
import type { SettledAlert } from '#core/alerts/settle-alert.ts';
import type { EventStamp } from '#core/events/event-envelope.ts';
import { scopeProblem } from '#core/events/scope.ts';
import type { UnitOfWork } from '#core/events/unit-of-work.ts';
import type { AuditEntry } from '#core/network/network-ports.ts';
import type { RemediationPlan } from '#core/targets/deregistration-delay.ts';
import { DEREGISTRATION_DELAY_ATTRIBUTE } from '#core/targets/deregistration-delay.ts';
import type { Elbv2Port } from '#core/targets/elbv2-port.ts';
import {
  holdersOfIps,
  reviewTargetGroup,
  type TargetReview,
  type TargetReviewDeps,
} from '#core/targets/review-targets.ts';
import {
  type ParkedElbSettlement,
  settleParkedElbChanges,
} from '#core/targets/settle-parked-elb-changes.ts';
import {
  clusterOf,
  type LoadBalancer,
  type Tags,
  type TargetGroup,
  type TargetHealthDescription,
} from '#core/targets/target-group.ts';
import type {
  KeyChanges,
  LoadBalancerRecord,
  TargetGroupRecord,
  TargetId,
  TargetLedger,
  TargetRecord,
  TargetRegistrationInput,
} from '#core/targets/target-ports.ts';

export interface LoadBalancerSweepDeps extends TargetReviewDeps {
  /**
   * A unit of work per target group, so a group's repairs (the group, its tags, attributes and
   * targets) go in one request; without it, write by write.
   */
  readonly unitOfWork?: (() => UnitOfWork<{ readonly targets: TargetLedger }, never>) | undefined;
  /**
   * True once the invocation must keep its remaining time for the rest of the sweep: no more
   * target groups are started then, and the next sweep goes on where this one stopped (the
   * groups it repaired compare equal then, and cost reads only).
   */
  readonly outOfTime?: (() => boolean) | undefined;
}

/**
 * Target groups repaired at once. Each reads ELBv2 twice (attributes, health), whose
 * Describe* rate is low and account-wide, so fewer than the ledger alone would take.
 */
export const TARGET_GROUP_CONCURRENCY = 4;
/** Load balancers repaired at once: ledger writes only. */
export const LEDGER_CONCURRENCY = 8;
/** Target groups reviewed at once (ledger reads, alerts). */
export const REVIEW_CONCURRENCY = 8;

type Count = (type: string, entity: string, applied: boolean) => void;

export interface LoadBalancerSweepReport {
  /** Ledger writes that changed something. */
  readonly repaired: number;
  readonly byType: Readonly<Record<string, number>>;
  /** Target groups reviewed for stale targets and delay drift. */
  readonly reviewed: number;
  /** Alerts that changed (opened, reminded, resolved, updated). */
  readonly alerts: readonly SettledAlert[];
  readonly remediations: readonly RemediationPlan[];
  readonly skipped: readonly { readonly subject: string; readonly reason: string }[];
  /** Changes parked for a target group or load balancer, settled by this sweep. */
  readonly parked: ParkedElbSettlement;
  /** Target groups left unrepaired or unreviewed when `outOfTime` said stop (absent when none). */
  readonly deferred?: number;
}

/**
 * Anti-entropy for the target ledger: re-read load balancers, target groups, their tags,
 * attributes and targets (all pages) for the configured scope, write only what differs, then
 * review every target group. Writes carry the sweep's start time as their stamp, so an event
 * that happened after the sweep began still wins when it arrives later.
 */
export async function sweepLoadBalancers(
  deps: LoadBalancerSweepDeps,
  startedAt: string,
): Promise<LoadBalancerSweepReport> {
  const stamp: EventStamp = { eventId: `sweep:${startedAt}`, eventTime: startedAt };
  const byType: Record<string, number> = {};
  const audit: AuditEntry[] = [];
  const count = (type: string, entity: string, applied: boolean) => {
    if (!applied) return;
    byType[type] = (byType[type] ?? 0) + 1;
    audit.push({ entity, action: `sweep ${type}` });
  };

  const lbs = await deps.elbv2.describeLoadBalancers();
  const tgs = (await deps.elbv2.describeTargetGroups()) ?? [];
  const tags = await deps.elbv2.describeTags([...lbs.map((l) => l.arn), ...tgs.map((t) => t.arn)]);
  const tagsOf = (arn: string): Tags => tags.get(arn) ?? {};
  const inScope = (vpcId: string | undefined, arn: string) => {
    const cluster = clusterOf(tagsOf(arn));
    return scopeProblem(deps.scope, vpcId, cluster, 'no cluster') === undefined;
  };

  // What the ledger lists, read once: a load balancer or target group it does not list (none
  // yet, a tombstone, tags that came before the facts) is read on its own.
  const listedLbs = new Map((await deps.targets.listLoadBalancers()).map((l) => [l.arn, l]));
  const listedTgs = new Map((await deps.targets.listTargetGroups()).map((t) => [t.arn, t]));

  // Load balancers.
  const awsLbs = new Set(lbs.map((l) => l.arn));
  // Each load balancer's counts are replayed in list order, as the target groups' are below.
  const perLb = await pMap(
    lbs.filter((l) => inScope(l.vpcId, l.arn)),
    (lb) =>
      inUnit(deps, (targets, counted) =>
        repairLoadBalancer(lb, tagsOf(lb.arn), listedLbs.get(lb.arn), targets, stamp, counted),
      ),
    { concurrency: LEDGER_CONCURRENCY },
  );
  for (const { counted } of perLb) for (const c of counted) count(...c);
  for (const known of listedLbs.values()) {
    if (awsLbs.has(known.arn)) continue;
    const w = await deps.targets.deleteLoadBalancer(known.arn, stamp);
    count('delete-lb', known.arn, w === 'applied');
  }

  // Target groups, their attributes and targets.
  const awsTgs = new Set(tgs.map((t) => t.arn));
  const review: string[] = [];
  // Each target group's counts are replayed in list order, so the audit reads the same
  // whatever order the concurrent repairs finish in.
  const asRead = new Map<string, AsRepaired>();
  let deferred = 0;
  const outOfTime = () => {
    const out = deps.outOfTime?.() === true;
    if (out) deferred++;
    return out;
  };
  const perGroup = await pMap(
    tgs.filter((t) => inScope(t.vpcId, t.arn)),
    async (tg) => {
      if (outOfTime()) return { arn: tg.arn, counted: [], deferred: true };
      const aws = await describeTargetGroup(tg, deps.elbv2);
      const listed = listedTgs.get(tg.arn);
      return {
        arn: tg.arn,
        ...(await fileTargetGroup(tg, tagsOf(tg.arn), listed, aws, deps, stamp)),
      };
    },
    { concurrency: TARGET_GROUP_CONCURRENCY },
  );
  for (const group of perGroup) {
    for (const c of group.counted) count(...c);
    if ('deferred' in group) continue;
    review.push(group.arn);
    if (group.read) asRead.set(group.arn, group.read);
  }
  for (const known of listedTgs.values()) {
    if (awsTgs.has(known.arn)) continue;
    const w = await deps.targets.deleteTargetGroup(known.arn, stamp);
    count('delete-tg', known.arn, w === 'applied');
    review.push(known.arn);
  }
  if (audit.length > 0) await deps.targets.audit(stamp, 'sweep', audit);

  // What the sweep filed lets parked changes through; what ELBv2 no longer lists ends theirs.
  const listed = new Map<string, 'in-scope' | 'out-of-scope'>();
  for (const { arn, vpcId } of [...lbs, ...tgs]) {
    listed.set(arn, inScope(vpcId, arn) ? 'in-scope' : 'out-of-scope');
  }
  const parked = await settleParkedElbChanges(deps, listed, stamp);
  // A parked change applied now may have changed any group: then every review reads again.
  if (parked.applied > 0) asRead.clear();

  const failures: unknown[] = [];
  const reviewed = await pMap(
    review,
    async (arn) => {
      if (outOfTime()) return undefined;
      try {
        return await reviewTargetGroup(arn, deps, startedAt, asRead.get(arn) ?? {});
      } catch (error) {
        failures.push(error);
        return undefined;
      }
    },
    { concurrency: REVIEW_CONCURRENCY },
  );
  const reviews = reviewed.filter((r): r is TargetReview => r !== undefined);
  if (failures.length > 0) {
    throw failures.length === 1
      ? failures[0]
      : new AggregateError(failures, `${failures.length} target groups could not be reviewed`);
  }
  return {
    repaired: audit.length,
    byType,
    reviewed: reviews.length,
    alerts: reviews.flatMap((r) => r.alerts).filter((a) => a.outcome !== 'unchanged'),
    remediations: reviews.flatMap((r) => r.remediations),
    skipped: reviews.flatMap((r) => r.skipped),
    parked,
    ...(deferred > 0 ? { deferred } : {}),
  };
}

/**
 * A target group and its registered targets as the repair read them, when it wrote neither:
 * the review of the same sweep starts from them instead of reading them again (an event that
 * changes the group in between reviews it itself).
 */
interface AsRepaired {
  readonly group: TargetGroupRecord;
  readonly targets: readonly TargetRecord[];
}

/** What ELBv2 says of one target group beyond its listing: attributes and targets. */
interface DescribedGroup {
  readonly attributes: Record<string, string> | undefined;
  readonly health: readonly TargetHealthDescription[] | undefined;
}

async function describeTargetGroup(tg: TargetGroup, elbv2: Elbv2Port): Promise<DescribedGroup> {
  const attributes =
    tg.targetType === 'lambda' ? undefined : await elbv2.describeTargetGroupAttributes(tg.arn);
  return { attributes, health: await elbv2.describeTargetHealth(tg.arn) };
}

/**
 * Repairs one target group in a unit of work when there is one (one request for the group, its
 * tags, attributes and targets); when the unit loses a condition (another writer moved an item it
 * read), nothing of it was written and the group is repaired again write by write. The counts are
 * those of the attempt that reached the ledger.
 */
async function fileTargetGroup(
  tg: TargetGroup,
  tags: Tags,
  listed: TargetGroupRecord | undefined,
  aws: DescribedGroup,
  deps: LoadBalancerSweepDeps,
  stamp: EventStamp,
): Promise<{ counted: Parameters<Count>[]; read: AsRepaired | undefined }> {
  const { counted, result } = await inUnit(deps, (targets, count) =>
    repairTargetGroup(tg, tags, listed, aws, { ...deps, targets }, stamp, count),
  );
  return { counted, read: result };
}

/**
 * Runs one subject's repairs in a unit of work when there is one (one request); when the unit
 * loses a condition (another writer moved an item it read), nothing of it was written and the
 * repairs run again write by write. The counts are those of the attempt that reached the ledger.
 */
async function inUnit<T>(
  deps: LoadBalancerSweepDeps,
  repair: (targets: TargetLedger, count: Count) => Promise<T>,
): Promise<{ counted: Parameters<Count>[]; result: T }> {
  const attempt = async (targets: TargetLedger) => {
    const counted: Parameters<Count>[] = [];
    const result = await repair(targets, (...c) => counted.push(c));
    return { counted, result };
  };
  if (deps.unitOfWork) {
    const unit = deps.unitOfWork();
    const done = await attempt(unit.ports.targets);
    if ((await unit.commit()).status === 'committed') return done;
  }
  return attempt(deps.targets);
}

async function repairLoadBalancer(
  lb: LoadBalancer,
  tags: Tags,
  /** The load balancer as the ledger's listing gave it, if it lists it. */
  listed: LoadBalancerRecord | undefined,
  targets: TargetLedger,
  stamp: EventStamp,
  count: Count,
): Promise<void> {
  const known = listed ?? (await targets.getLoadBalancer(lb.arn));
  if (!known || known.deleted || lbDiffers(known, lb)) {
    count('put-lb', lb.arn, (await targets.putLoadBalancer(lb, stamp)) === 'applied');
  }
  const changes = tagChanges(known?.tags ?? {}, tags);
  if (changes) {
    const w = await targets.setTags('load-balancer', lb.arn, changes, stamp);
    count('lb-tags', lb.arn, w === 'applied');
  }
}

async function repairTargetGroup(
  tg: TargetGroup,
  tags: Tags,
  /** The group as the ledger's listing gave it, if it lists it. */
  listed: TargetGroupRecord | undefined,
  aws: DescribedGroup,
  deps: LoadBalancerSweepDeps,
  stamp: EventStamp,
  count: Count,
): Promise<AsRepaired | undefined> {
  const known = listed ?? (await deps.targets.getTargetGroup(tg.arn));
  // Any write, applied or not (a newer one won), leaves the group to be read again.
  let wrote = false;
  if (!known?.name || known.deleted || tgDiffers(known, tg)) {
    wrote = true;
    count('put-tg', tg.arn, (await deps.targets.putTargetGroup(tg, stamp)) === 'applied');
  }
  const tagDiff = tagChanges(known?.tags ?? {}, tags);
  if (tagDiff) {
    wrote = true;
    const w = await deps.targets.setTags('target-group', tg.arn, tagDiff, stamp);
    count('tg-tags', tg.arn, w === 'applied');
  }
  if (tg.targetType !== 'lambda') {
    const { attributes } = aws;
    if (attributes) {
      // A successful read without the delay key means unset, recorded explicitly as such.
      const actual = { [DEREGISTRATION_DELAY_ATTRIBUTE]: '', ...attributes };
      const diff = valueChanges(known?.attributes ?? {}, actual);
      if (diff) {
        wrote = true;
        const w = await deps.targets.setAttributes(tg.arn, diff, stamp);
        count('tg-attributes', tg.arn, w === 'applied');
      }
    }
  }
  const { health } = aws;
  if (!health) return undefined;
  const record = wrote ? ((await deps.targets.getTargetGroup(tg.arn)) ?? known) : known;
  if (!record) return undefined;
  const targets = await repairTargets(record, health, deps, stamp, count);
  return wrote || !targets ? undefined : { group: record, targets };
}

/** Registers and deregisters what differs; answers the targets read when nothing did. */
async function repairTargets(
  tg: TargetGroupRecord,
  health: readonly TargetHealthDescription[],
  deps: LoadBalancerSweepDeps,
  stamp: EventStamp,
  count: Count,
): Promise<TargetRecord[] | undefined> {
  // A draining target was deregistered; it only lingers for the deregistration delay.
  const live = health.filter((h) => h.state !== 'draining' && h.state !== 'unhealthy.draining');
  const idOf = (h: TargetHealthDescription): TargetId => {
    const t = h.target;
    const id = t.type === 'ip' ? t.ip : t.type === 'instance' ? t.instanceId : t.arn;
    return { id, port: t.port ?? tg.port ?? 0 };
  };
  const key = (t: TargetId) => `${t.id}#${t.port}`;
  const known = new Map<string, TargetRecord>();
  for (const t of await deps.targets.targetsOf(tg.arn)) known.set(key(t), t);
  const inAws = new Set<string>();

  const unfiled: TargetHealthDescription[] = [];
  for (const h of live) {
    inAws.add(key(idOf(h)));
    if (!known.has(key(idOf(h)))) unfiled.push(h);
  }
  // The baseline of a registration the events missed is who holds the IP now.
  const ips = unfiled.flatMap((h) => (h.target.type === 'ip' ? [h.target.ip] : []));
  const holders =
    tg.targetType === 'ip' && tg.vpcId && ips.length
      ? await holdersOfIps(deps.network, tg.vpcId, ips)
      : undefined;
  const missing: TargetRegistrationInput[] = unfiled.map((h) => {
    const holder = h.target.type === 'ip' ? holders?.get(h.target.ip) : undefined;
    return {
      ...idOf(h),
      kind: h.target.type,
      ...(h.target.az ? { az: h.target.az } : {}),
      ...(tg.vpcId ? { vpcId: tg.vpcId } : {}),
      ...(holder?.instanceId ? { nodeAtRegistration: holder.instanceId } : {}),
      ...(holder ? { eniAtRegistration: holder.eniId } : {}),
    };
  });
  if (missing.length > 0) {
    const writes = await deps.targets.registerTargets(tg.arn, missing, stamp);
    missing.forEach((t, i) => {
      count('register-target', `${tg.arn}|${t.id}:${t.port}`, writes[i] === 'applied');
    });
  }
  const extra = [...known.values()].filter((t) => !inAws.has(key(t)));
  if (extra.length > 0) {
    const writes = await deps.targets.deregisterTargets(tg.arn, extra, stamp);
    extra.forEach((t, i) => {
      count('deregister-target', `${tg.arn}|${t.id}:${t.port}`, writes[i] === 'applied');
    });
  }
  return missing.length === 0 && extra.length === 0 ? [...known.values()] : undefined;
}

function lbDiffers(known: Parameters<typeof lbFields>[0], lb: LoadBalancer): boolean {
  return JSON.stringify(lbFields(known)) !== JSON.stringify(lbFields(lb));
}

function lbFields(lb: {
  name: string;
  type: string;
  dnsName: string;
  canonicalHostedZoneId: string;
  vpcId: string;
  scheme: string;
}) {
  const { name, type, dnsName, canonicalHostedZoneId, vpcId, scheme } = lb;
  return [name, type, dnsName, canonicalHostedZoneId, vpcId, scheme];
}

function tgDiffers(known: TargetGroupRecord, tg: TargetGroup): boolean {
  const a = [known.name, known.targetType, known.protocol, known.port, known.vpcId, known.lbArns];
  const b = [tg.name, tg.targetType, tg.protocol, tg.port, tg.vpcId, tg.loadBalancerArns];
  return JSON.stringify(a) !== JSON.stringify(b);
}

/** Keys to set or (null) remove so `known` becomes `actual`; undefined when they agree. */
function tagChanges(known: Tags, actual: Tags): KeyChanges | undefined {
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(actual)) if (known[k] !== v) out[k] = v;
  for (const k of Object.keys(known)) if (!(k in actual)) out[k] = null;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Like tagChanges, but never removes: a read that lacks a key says nothing about it. */
function valueChanges(
  known: Readonly<Record<string, string>>,
  actual: Readonly<Record<string, string>>,
): KeyChanges | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(actual)) if (known[k] !== v) out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}
