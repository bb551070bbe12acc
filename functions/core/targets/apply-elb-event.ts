import type { EventStamp } from '#core/events/event-envelope.ts';
import { applyParked, type ParkedChange, type Subject, subject } from '#core/events/parking.ts';
import { scopeProblem } from '#core/events/scope.ts';
import type { EventOutcome } from '#core/network/apply-ec2-event.ts';
import type { AuditEntry, WriteOutcome } from '#core/network/network-ports.ts';
import {
  DEREGISTRATION_DELAY_ATTRIBUTE,
  delayChangeOf,
} from '#core/targets/deregistration-delay.ts';
import { discardParkedElbChanges } from '#core/targets/discard-parked-elb-changes.ts';
import type { ElbChange, ElbChangeKind } from '#core/targets/elb-event.ts';
import { DescribeBudget, knownTargetGroup } from '#core/targets/known-target-group.ts';
import {
  holdersOfIps,
  reviewTargetGroup,
  type TargetReview,
  type TargetReviewDeps,
} from '#core/targets/review-targets.ts';
import { type IpHolder, registrationBaseline } from '#core/targets/stale-target.ts';
import { clusterOf, type Tags, type TargetRef } from '#core/targets/target-group.ts';
import type {
  KeyChanges,
  TargetGroupRecord,
  TargetId,
  TargetRegistrationInput,
} from '#core/targets/target-ports.ts';

export type ElbDeps = TargetReviewDeps;

export type ElbEventOutcome = EventOutcome & {
  readonly review?: TargetReview;
  /** The parsed change, so what follows (DNS sync) never parses the event again. */
  readonly change?: ElbChange;
};

const EVENT_NAME: Record<ElbChangeKind, string> = {
  'targets-registered': 'RegisterTargets',
  'targets-deregistered': 'DeregisterTargets',
  'target-group-created': 'CreateTargetGroup',
  'target-group-deleted': 'DeleteTargetGroup',
  'target-group-attributes-modified': 'ModifyTargetGroupAttributes',
  'load-balancer-created': 'CreateLoadBalancer',
  'load-balancer-deleted': 'DeleteLoadBalancer',
  'tags-added': 'AddTags',
  'tags-removed': 'RemoveTags',
};

type Step =
  | {
      writes: WriteOutcome[];
      audit: AuditEntry[];
      note?: string;
      /** Target group to review afterwards, with which targets and whether the delay too. */
      review?: {
        tgArn: string;
        targets?: readonly TargetId[];
        delay: boolean;
        /** Holders the step read for these targets' IPs, so the review does not read them again. */
        holders?: ReadonlyMap<string, IpHolder | undefined>;
      };
      /** Subjects this change filed: their parked changes can apply now. */
      filed?: Subject[];
      /** Subjects this change ended (deleted, out of scope): their parked changes never will. */
      ended?: Subject[];
      /** Parts of the change (one ARN of a tag call) that wait for their subject. */
      parked?: ParkedChange<ElbChange>[];
    }
  | { ignored: string; ended?: Subject[] }
  | { park: Subject; reason: string };

/**
 * Applies one parsed ELB change to the target ledger, then reviews the target group it touched
 * (stale targets, delay drift). The event is marked processed last, so a failed review (a
 * throttled describe, an undelivered alert) fails the invocation and Lambda retries the whole.
 */
export async function applyElbEvent(
  change: ElbChange,
  deps: ElbDeps,
  now: string,
  /** A parked part of an event applies even though the rest of it was marked processed. */
  options: { parked?: boolean } = {},
): Promise<ElbEventOutcome> {
  const name = EVENT_NAME[change.kind];
  const stamp: EventStamp = { eventId: change.eventId, eventTime: change.eventTime };
  const base = { eventId: change.eventId, name, change };
  if (!options.parked && (await deps.targets.hasProcessed(change.eventId))) {
    return { ...base, status: 'duplicate', reason: 'already applied', audit: [] };
  }
  const budget = new DescribeBudget();
  const step = await applyChange(change, stamp, deps, budget, now);
  if ('ignored' in step) {
    const discarded = await discardParkedElbChanges(deps.targets, step.ended ?? [], stamp, name);
    return {
      ...base,
      status: 'ignored',
      reason: step.ignored,
      audit: [],
      ...(discarded ? { discarded } : {}),
    };
  }
  if ('park' in step) {
    await deps.targets.park({ subject: step.park, stamp, name, change });
    return { ...base, status: 'parked', reason: step.reason, parkedOn: step.park, audit: [] };
  }
  for (const part of step.parked ?? []) await deps.targets.park(part);
  const discarded = await discardParkedElbChanges(deps.targets, step.ended ?? [], stamp, name);

  let review: TargetReview | undefined;
  if (step.review) {
    const { tgArn, targets, delay, holders } = step.review;
    if (delay) await ensureDelayKnown(tgArn, deps, budget, now);
    const records = targets
      ? (await Promise.all(targets.map((t) => deps.targets.getTarget(tgArn, t)))).filter(
          (t) => t !== undefined,
        )
      : undefined;
    review = await reviewTargetGroup(tgArn, deps, now, {
      delay,
      ...(records ? { targets: records } : {}),
      ...(holders ? { holders } : {}),
    });
  }
  await deps.targets.markProcessed(stamp, name, step.audit);
  const later = await applyParked(deps.targets, step.filed ?? [], (p) =>
    applyElbEvent(p.change, deps, now, { parked: true }),
  );
  const extra = {
    ...(review ? { review } : {}),
    ...(later.length ? { later } : {}),
    ...(discarded ? { discarded } : {}),
  };
  const allStale = step.writes.length > 0 && step.writes.every((w) => w === 'stale');
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
  const parkedParts = (step.parked ?? []).map((p) => p.subject);
  return {
    ...base,
    status: 'applied',
    reason: [
      summary || 'no change',
      step.note,
      parkedParts.length ? `parked for ${parkedParts.join(', ')}` : undefined,
      later.length ? `${later.length} parked applied` : undefined,
    ]
      .filter(Boolean)
      .join('; '),
    audit: step.audit,
    ...extra,
  };
}

/** Context every case needs besides its change. */
interface Ctx {
  readonly stamp: EventStamp;
  readonly deps: ElbDeps;
  readonly budget: DescribeBudget;
  readonly now: string;
}

async function applyChange(
  change: ElbChange,
  stamp: EventStamp,
  deps: ElbDeps,
  budget: DescribeBudget,
  now: string,
): Promise<Step> {
  const ctx: Ctx = { stamp, deps, budget, now };
  switch (change.kind) {
    case 'load-balancer-created':
      return loadBalancerCreated(change, ctx);
    case 'load-balancer-deleted':
      return loadBalancerDeleted(change, ctx);
    case 'target-group-created':
      return targetGroupCreated(change, ctx);
    case 'target-group-deleted':
      return targetGroupDeleted(change, ctx);
    case 'target-group-attributes-modified':
      return attributesModified(change, ctx);
    case 'targets-registered':
    case 'targets-deregistered':
      return targetsChanged(change, ctx);
    case 'tags-added':
    case 'tags-removed':
      return tagsChanged(change, ctx);
  }
}

type ChangeOf<K extends ElbChangeKind> = Extract<ElbChange, { kind: K }>;

async function loadBalancerCreated(
  change: ChangeOf<'load-balancer-created'>,
  { stamp, deps }: Ctx,
): Promise<Step> {
  const why = tagScopeProblem(deps, change.vpcId, change.tags);
  if (why) {
    return {
      ignored: `load balancer ${change.arn}: ${why}`,
      ended: [subject.loadBalancer(change.arn)],
    };
  }
  const w = await deps.targets.putLoadBalancer(
    {
      arn: change.arn,
      name: change.name,
      type: change.type,
      scheme: change.scheme,
      dnsName: change.dnsName,
      canonicalHostedZoneId: change.canonicalHostedZoneId,
      vpcId: change.vpcId,
      createdAt: change.createdAt,
      availabilityZones: change.availabilityZones,
      ...(change.ipAddressType ? { ipAddressType: change.ipAddressType } : {}),
    },
    stamp,
  );
  const t = await deps.targets.setTags('load-balancer', change.arn, change.tags, stamp);
  return {
    writes: [w, t],
    audit: audited(w, change.arn, `created ${change.type} LB`),
    filed: [subject.loadBalancer(change.arn)],
  };
}

async function loadBalancerDeleted(
  change: ChangeOf<'load-balancer-deleted'>,
  { stamp, deps }: Ctx,
): Promise<Step> {
  const known = await deps.targets.getLoadBalancer(change.arn);
  const w = await deps.targets.deleteLoadBalancer(change.arn, stamp);
  return {
    writes: [w],
    audit: audited(w, change.arn, 'deleted LB'),
    ended: [subject.loadBalancer(change.arn)],
    ...(known ? {} : { note: `LB ${change.arn} was not in the ledger; tombstone kept` }),
  };
}

async function targetGroupCreated(
  change: ChangeOf<'target-group-created'>,
  { stamp, deps }: Ctx,
): Promise<Step> {
  const why = tagScopeProblem(deps, change.vpcId, change.tags);
  if (why) {
    // Remembered, so later events for it are dropped without asking ELBv2 again.
    await deps.targets.ignoreTargetGroup(change.arn, why, stamp);
    return {
      ignored: `target group ${change.arn}: ${why}`,
      ended: [subject.targetGroup(change.arn)],
    };
  }
  const w = await deps.targets.putTargetGroup(
    {
      arn: change.arn,
      name: change.name,
      targetType: change.targetType,
      ...(change.protocol ? { protocol: change.protocol } : {}),
      ...(change.port !== undefined ? { port: change.port } : {}),
      ...(change.vpcId ? { vpcId: change.vpcId } : {}),
      ...(change.lbArns ? { loadBalancerArns: change.lbArns } : {}),
    },
    stamp,
  );
  const t = await deps.targets.setTags('target-group', change.arn, change.tags, stamp);
  return {
    writes: [w, t],
    audit: audited(w, change.arn, `created ${change.targetType} TG`),
    filed: [subject.targetGroup(change.arn)],
    // The delay arrives with the ModifyTargetGroupAttributes that follows, or the sweep.
    note: 'attributes follow in ModifyTargetGroupAttributes or the sweep',
  };
}

async function targetGroupDeleted(
  change: ChangeOf<'target-group-deleted'>,
  { stamp, deps }: Ctx,
): Promise<Step> {
  const known = await deps.targets.getTargetGroup(change.arn);
  const w = await deps.targets.deleteTargetGroup(change.arn, stamp);
  return {
    writes: [w],
    audit: audited(w, change.arn, 'deleted TG'),
    ended: [subject.targetGroup(change.arn)],
    ...(known?.name ? { review: { tgArn: change.arn, delay: true } } : {}),
    ...(known ? {} : { note: `TG ${change.arn} was not in the ledger; tombstone kept` }),
  };
}

async function attributesModified(
  change: ChangeOf<'target-group-attributes-modified'>,
  ctx: Ctx,
): Promise<Step> {
  const tg = await knownTargetGroup(change.arn, ctx.deps, ctx.budget, ctx.now);
  if (!('record' in tg)) return tg;
  // The response, when present, carries every attribute after the change.
  const attributes = change.resultingAttributes ?? change.attributes;
  const delay = delayChangeOf(change);
  // The response states the whole map: only the keys it changes need their own stamp.
  const complete = change.resultingAttributes !== undefined;
  const w = await ctx.deps.targets.setAttributes(change.arn, attributes, ctx.stamp, delay, {
    complete,
  });
  const delayText =
    attributes[DEREGISTRATION_DELAY_ATTRIBUTE] !== undefined
      ? ` (delay ${attributes[DEREGISTRATION_DELAY_ATTRIBUTE]} s by ${change.actor.label})`
      : '';
  return {
    writes: [w],
    audit: audited(w, change.arn, `attributes set${delayText}`),
    ...(tg.filed ? { filed: [subject.targetGroup(change.arn)] } : {}),
    review: { tgArn: change.arn, targets: [], delay: true },
  };
}

async function targetsChanged(
  change: ChangeOf<'targets-registered' | 'targets-deregistered'>,
  { stamp, deps, budget, now }: Ctx,
): Promise<Step> {
  const tg = await knownTargetGroup(change.tgArn, deps, budget, now);
  if (!('record' in tg)) return tg;
  const registered = change.kind === 'targets-registered';
  const ids = change.targets.map((t) => targetId(t, tg.record));
  const holders = new Map<string, IpHolder | undefined>();
  const writes = registered
    ? await deps.targets.registerTargets(
        change.tgArn,
        await registrations(change.targets, tg.record, deps, stamp.eventTime, holders),
        stamp,
      )
    : await deps.targets.deregisterTargets(change.tgArn, ids, stamp);
  const changed = ids.filter((_, i) => writes[i] === 'applied');
  return {
    writes,
    audit: changed.length
      ? [
          {
            entity: change.tgArn,
            action: `${registered ? 'registered' : 'deregistered'} ${changed.length}`,
            detail: changed.map((t) => `${t.id}:${t.port}`).join(' '),
          },
        ]
      : [],
    ...(tg.note ? { note: tg.note } : {}),
    ...(tg.filed ? { filed: [subject.targetGroup(change.tgArn)] } : {}),
    review: { tgArn: change.tgArn, targets: ids, delay: registered, holders },
  };
}

async function tagsChanged(
  change: ChangeOf<'tags-added' | 'tags-removed'>,
  { stamp, deps, budget, now }: Ctx,
): Promise<Step> {
  const changes: KeyChanges =
    change.kind === 'tags-added'
      ? change.tags
      : Object.fromEntries(change.keys.map((k) => [k, null]));
  const writes: WriteOutcome[] = [];
  const audit: AuditEntry[] = [];
  const skipped: string[] = [];
  const parked: ParkedChange<ElbChange>[] = [];
  const filed: Subject[] = [];
  // Each ARN whose resource is not filed yet waits on its own, with this event's stamp.
  const wait = (s: Subject, arn: string) =>
    parked.push({
      subject: s,
      stamp,
      name: EVENT_NAME[change.kind],
      change: { ...change, arns: [arn] },
    });
  let reviewArn: string | undefined;
  for (const arn of change.arns) {
    const resource = resourceOf(arn);
    if (resource === 'load-balancer') {
      const lb = await deps.targets.getLoadBalancer(arn);
      if (lb?.deleted) {
        skipped.push(`${arn}: deleted`);
        continue;
      }
      if (!lb) {
        wait(subject.loadBalancer(arn), arn);
        continue;
      }
    } else if (resource === 'target-group') {
      const tg = await knownTargetGroup(arn, deps, budget, now);
      if ('ignored' in tg) {
        skipped.push(tg.ignored);
        continue;
      }
      if ('park' in tg) {
        wait(tg.park, arn);
        continue;
      }
      if (tg.filed) filed.push(subject.targetGroup(arn));
      reviewArn ??= arn;
    } else {
      skipped.push(`${arn}: not a load balancer or target group`);
      continue;
    }
    const w = await deps.targets.setTags(resource, arn, changes, stamp);
    writes.push(w);
    audit.push(...audited(w, arn, `${change.kind} ${Object.keys(changes).join(',')}`));
  }
  if (writes.length === 0 && parked.length === 1 && skipped.length === 0) {
    const only = parked[0] as ParkedChange<ElbChange>;
    return {
      park: only.subject,
      reason: `${only.subject} is not in the ledger yet; parked until it is filed`,
    };
  }
  if (writes.length === 0 && parked.length === 0) return { ignored: skipped.join('; ') };
  return {
    writes,
    audit,
    parked,
    filed,
    ...(skipped.length ? { note: `skipped ${skipped.join('; ')}` } : {}),
    // A delay tag or a stack tag changes what the delay should be.
    ...(reviewArn ? { review: { tgArn: reviewArn, targets: [], delay: true } } : {}),
  };
}

function tagScopeProblem(deps: ElbDeps, vpcId: string | undefined, tags: Tags): string | undefined {
  return scopeProblem(
    deps.scope,
    vpcId,
    clusterOf(tags),
    'belongs to no configured EKS cluster (no elbv2.k8s.aws/cluster tag)',
  );
}

function resourceOf(arn: string): 'load-balancer' | 'target-group' | undefined {
  if (/:loadbalancer\/(app|net|gwy)\//.test(arn)) return 'load-balancer';
  if (arn.includes(':targetgroup/')) return 'target-group';
  return undefined;
}

/** Before checking drift after a registration, learn the delay once if the ledger lacks it. */
async function ensureDelayKnown(tgArn: string, deps: ElbDeps, budget: DescribeBudget, now: string) {
  const tg = await deps.targets.getTargetGroup(tgArn);
  if (!tg || tg.deleted || tg.targetType === 'lambda') return;
  if (tg.attributes[DEREGISTRATION_DELAY_ATTRIBUTE] !== undefined) return;
  if (!budget.take()) return;
  // Throttling and other failures throw: a failed read must never be recorded as "unset".
  const attributes = await deps.elbv2.describeTargetGroupAttributes(tgArn);
  if (!attributes) return;
  // A successful read without the key means unset (AWS's 300): recorded as such, explicitly.
  const changes: KeyChanges = { [DEREGISTRATION_DELAY_ATTRIBUTE]: '', ...attributes };
  await deps.targets.setAttributes(tgArn, changes, { eventTime: now, eventId: `describe:${now}` });
}

function targetId(t: TargetRef, tg: TargetGroupRecord): TargetId {
  const id = t.type === 'ip' ? t.ip : t.type === 'instance' ? t.instanceId : t.arn;
  // Lambda targets have no port; an omitted port means the target group's.
  return { id, port: t.port ?? tg.port ?? 0 };
}

async function registrations(
  targets: readonly TargetRef[],
  tg: TargetGroupRecord,
  deps: ElbDeps,
  registeredAt: string,
  holders: Map<string, IpHolder | undefined>,
): Promise<TargetRegistrationInput[]> {
  const { vpcId } = tg;
  const joined = (t: TargetRef): t is Extract<TargetRef, { type: 'ip' }> =>
    t.type === 'ip' && tg.targetType === 'ip' && vpcId !== undefined;
  // Who holds the IPs now, which is minutes after the call: see registrationBaseline.
  const ips = targets.filter(joined).map((t) => t.ip);
  if (vpcId && ips.length) {
    for (const [ip, holder] of await holdersOfIps(deps.network, vpcId, ips))
      holders.set(ip, holder);
  }
  return targets.map((t) => {
    const { id, port } = targetId(t, tg);
    const base = {
      id,
      port,
      kind: t.type,
      ...(t.az ? { az: t.az } : {}),
      ...(vpcId ? { vpcId } : {}),
    };
    return joined(t) ? { ...base, ...registrationBaseline(holders.get(t.ip), registeredAt) } : base;
  });
}

function audited(w: WriteOutcome, entity: string, action: string): AuditEntry[] {
  return w === 'applied' ? [{ entity, action }] : [];
}
