import type { EventStamp } from '#core/events/event-envelope.ts';
import { discardParked, type Subject } from '#core/events/parking.ts';
import type { TargetLedger } from '#core/targets/target-ports.ts';

/**
 * Changes parked for a target group or load balancer that an event deleted (or showed out of
 * scope) never apply: dropped, each audited under its subject with the ending event's stamp.
 * Answers how many were dropped.
 */
export async function discardParkedElbChanges(
  targets: TargetLedger,
  subjects: readonly Subject[],
  stamp: EventStamp,
  name: string,
): Promise<number> {
  let count = 0;
  for (const s of subjects) {
    const dropped = await discardParked(targets, s);
    if (dropped.length === 0) continue;
    count += dropped.length;
    await targets.audit(
      stamp,
      name,
      dropped.map((p) => ({
        entity: s,
        action: `discarded parked ${p.name}`,
        detail: `${p.stamp.eventId} at ${p.stamp.eventTime}: its subject was deleted or is out of scope`,
      })),
    );
  }
  return count;
}
