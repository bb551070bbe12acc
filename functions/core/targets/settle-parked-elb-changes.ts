import { compareStamps, type EventStamp } from '#core/events/event-envelope.ts';
import { inStampOrder, type ParkedChange, subjectParts } from '#core/events/parking.ts';
import type { AuditEntry } from '#core/network/network-ports.ts';
import { applyElbEvent, type ElbDeps } from '#core/targets/apply-elb-event.ts';
import type { ElbChange } from '#core/targets/elb-event.ts';

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
  const drop = async (p: ParkedChange<ElbChange>, why: string) => {
    await deps.targets.unpark(p.subject, p.stamp.eventId);
    await deps.targets.markProcessed(p.stamp, p.name, []);
    audit.push({
      entity: p.subject,
      action: `discarded parked ${p.name}`,
      detail: `${p.stamp.eventId} at ${p.stamp.eventTime}: ${why}`,
    });
  };
  for (const s of [...subjects].sort()) {
    const seen = listed.get(subjectParts(s).id);
    for (const p of inStampOrder(await deps.targets.parkedFor(s))) {
      const older = compareStamps(p.stamp, stamp) < 0;
      if (seen === 'in-scope' && older) {
        await drop(p, `superseded by the sweep's read at ${stamp.eventTime}`);
      } else if (seen === 'in-scope') {
        await deps.targets.unpark(s, p.stamp.eventId);
        const outcome = await applyElbEvent(p.change, deps, stamp.eventTime, { parked: true });
        if (outcome.status !== 'parked') applied++;
      } else if (older) {
        await drop(p, seen ? 'ELBv2 lists it out of scope' : 'ELBv2 no longer lists it');
      }
    }
  }
  if (audit.length > 0) await deps.targets.audit(stamp, 'sweep', audit);
  return { applied, discarded: audit.length };
}
