import { compareStamps, type EventStamp } from '#core/events/event-envelope.ts';

/**
 * Park, don't drop. Events are delivered at least once and in any order: an assign can overtake
 * the CreateNetworkInterface of its ENI, a RegisterTargets the CreateTargetGroup of its group.
 * When such an event's subject is not in the ledger and cannot be read back, the change is
 * parked under the missing subject; when the subject is filed (its creating event, a read-back
 * or the sweep), its parked changes are applied in stamp order through the same stamp rules, so
 * duplicates and older events still lose. A terminal event (delete, terminate) discards them.
 */

/** What a change waits for, as `<kind>:<id>`. */
export type Subject = string;

export const subject = {
  eni: (eniId: string): Subject => `eni:${eniId}`,
  attachment: (attachmentId: string): Subject => `attachment:${attachmentId}`,
  instance: (instanceId: string): Subject => `instance:${instanceId}`,
  targetGroup: (arn: string): Subject => `target-group:${arn}`,
  loadBalancer: (arn: string): Subject => `load-balancer:${arn}`,
} as const;

/** A subject's kind (`eni`, `target-group`, ...) and id (an ARN may hold colons itself). */
export function subjectParts(s: Subject): { kind: string; id: string } {
  const at = s.indexOf(':');
  return at < 0 ? { kind: '', id: s } : { kind: s.slice(0, at), id: s.slice(at + 1) };
}

export interface ParkedChange<C> {
  readonly subject: Subject;
  readonly stamp: EventStamp;
  /** The API call or notification, for logs and reports. */
  readonly name: string;
  readonly change: C;
}

/**
 * Where parked changes wait (the ledger table, expiring after a day: CloudTrail delivers within
 * minutes, the sweep covers the rest). Parking the same event twice keeps one copy.
 */
export interface ParkingLot<C> {
  park(parked: ParkedChange<C>): Promise<void>;
  /** A subject's parked changes, oldest stamp first. */
  parkedFor(subject: Subject): Promise<ParkedChange<C>[]>;
  unpark(subject: Subject, eventId: string): Promise<void>;
  /** Every change still parked, of any kind, for reports. */
  listParked(): Promise<ParkedChange<unknown>[]>;
}

export function inStampOrder<C>(parked: readonly ParkedChange<C>[]): ParkedChange<C>[] {
  return [...parked].sort((a, b) => compareStamps(a.stamp, b.stamp));
}

/**
 * Applies the changes parked for subjects that were just filed, oldest first, each through
 * `apply` (the use case itself, so its stamp rules and processed markers hold). Each is
 * unparked before it is applied: if it still cannot apply, the use case parks it again.
 */
export async function applyParked<C, O>(
  lot: ParkingLot<C>,
  subjects: readonly Subject[],
  apply: (parked: ParkedChange<C>) => Promise<O>,
): Promise<O[]> {
  const out: O[] = [];
  for (const s of new Set(subjects)) {
    for (const parked of inStampOrder(await lot.parkedFor(s))) {
      await lot.unpark(s, parked.stamp.eventId);
      out.push(await apply(parked));
    }
  }
  return out;
}

/** Drops the changes parked for a subject that a terminal event (delete, terminate) ended. */
export async function discardParked<C>(lot: ParkingLot<C>, s: Subject): Promise<ParkedChange<C>[]> {
  const parked = await lot.parkedFor(s);
  for (const p of parked) await lot.unpark(s, p.stamp.eventId);
  return parked;
}

/**
 * Takes out the changes parked for subjects a sweep just filed that are older than the sweep's
 * read: the read already holds their effect, and applying them could only bring back what AWS
 * no longer has (an address assigned at 10:04 and released before the 10:10 read has no item
 * the sweep's newer stamp could beat). Newer ones stay, for the caller to apply.
 */
export async function takeSuperseded<C>(
  lot: ParkingLot<C>,
  subjects: readonly Subject[],
  readAt: EventStamp,
): Promise<ParkedChange<C>[]> {
  const out: ParkedChange<C>[] = [];
  for (const s of new Set(subjects)) {
    for (const parked of inStampOrder(await lot.parkedFor(s))) {
      if (compareStamps(parked.stamp, readAt) >= 0) continue;
      await lot.unpark(s, parked.stamp.eventId);
      out.push(parked);
    }
  }
  return out;
}
