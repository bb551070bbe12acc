import type { EventStamp } from '#core/events/event-envelope.ts';
import { applyParked, subjectParts, takeSuperseded } from '#core/events/parking.ts';
import type { AuditEntry } from '#core/network/network-ports.ts';
import { applyElbEvent, type ElbDeps } from '#core/targets/apply-elb-event.ts';

/** What the load-balancer sweep did with changes parked for target groups and load balancers. */
export interface ParkedElbSettlement {
  /** Newer than the sweep's read of their subject, which it filed: applied now. */
  readonly applied: number;
  /** Older than that read (superseded), or their subject is gone or out of scope: dropped. */
  readonly discarded: number;
}

/** How ELBv2 listed an ARN in this sweep: in scope (the sweep filed it) or out of scope. */
export type Listed = ReadonlyMap<string, 'in-scope' | 'out-of-scope'>;

/**
 * After the load-balancer sweep's repairs, the changes parked for target groups and load
 * balancers (a RegisterTargets, ModifyTargetGroupAttributes or AddTags that overtook its
 * CreateTargetGroup or CreateLoadBalancer) are settled, subject by subject:
 * - listed in scope (the sweep has just filed it): changes newer than the sweep's start apply in
 *   stamp order through applyElbEvent. Older ones are superseded: the sweep's read already holds
 *   their effect, and applying them could only bring back what ELBv2 no longer has (a target
 *   registered at 10:04 and deregistered before the 12:00 read has no item the sweep's newer
 *   stamp could beat, so it would come back as a ghost that alerts as stale).
 * - not listed, or listed out of scope: changes older than the sweep's start are dropped. A newer
 *   one waits: the listing may predate its subject.
 * Every dropped change is audited under its subject and marked processed, so a redelivery of
 * it is a duplicate rather than parked again.
 */
export async function settleParkedElbChanges(
  deps: ElbDeps,
  listed: Listed,
  stamp: EventStamp,
): Promise<ParkedElbSettlement> {
  const subjects = new Set(
    (await deps.targets.listParked())
      .filter((p) => ['target-group', 'load-balancer'].includes(subjectParts(p.subject).kind))
      .map((p) => p.subject),
  );
  let applied = 0;
  const audit: AuditEntry[] = [];
  for (const s of [...subjects].sort()) {
    const seen = listed.get(subjectParts(s).id);
    const why =
      seen === 'in-scope'
        ? `superseded by the sweep's read at ${stamp.eventTime}`
        : seen
          ? 'ELBv2 lists it out of scope'
          : 'ELBv2 no longer lists it';
    for (const p of await takeSuperseded(deps.targets, [s], stamp)) {
      // Marked processed, so a redelivery of it is a duplicate rather than parked again.
      await deps.targets.markProcessed(p.stamp, p.name, []);
      audit.push({
        entity: s,
        action: `discarded parked ${p.name}`,
        detail: `${p.stamp.eventId} at ${p.stamp.eventTime}: ${why}`,
      });
    }
    // Newer than the read: applied once the subject is filed; otherwise it waits (the listing
    // may predate its subject).
    if (seen !== 'in-scope') continue;
    const outcomes = await applyParked(deps.targets, [s], (p) =>
      applyElbEvent(p.change, deps, stamp.eventTime, { parked: true }),
    );
    applied += outcomes.filter((o) => o.status !== 'parked').length;
  }
  if (audit.length > 0) await deps.targets.audit(stamp, 'sweep', audit);
  return { applied, discarded: audit.length };
}
