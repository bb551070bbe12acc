import type { EventStamp } from '#core/events/event-envelope.ts';
import type { ParkedChange, Subject } from '#core/events/parking.ts';
import type { AuditEntry } from '#core/network/network-ports.ts';

export interface MemoryAuditRecord extends AuditEntry {
  readonly eventId: string;
  readonly eventTime: string;
  readonly eventName: string;
}

export interface MemoryEventLogState {
  readonly processed: Map<string, { name: string; eventTime: string }>;
  readonly audit: MemoryAuditRecord[];
  readonly parked: Map<Subject, Map<string, string>>;
}

/** Empties `target` and fills it with `source`'s entries (the fields are readonly maps). */
export function refill<K, V>(target: Map<K, V>, source: ReadonlyMap<K, V>): void {
  target.clear();
  for (const [k, v] of source) target.set(k, v);
}

/**
 * Processed-event markers and audit entries, shared by the memory ledgers the way the
 * DynamoDB ledgers share one table: an event the network ledger marked is processed for the
 * target ledger too.
 */
export class MemoryEventLog {
  readonly #processed = new Map<string, { name: string; eventTime: string }>();
  readonly #audit: MemoryAuditRecord[] = [];
  /** Parked changes by subject, then by `<time>#<eventId>` (the table's partition and sort key). */
  readonly #parked = new Map<Subject, Map<string, string>>();

  /** A deep copy of everything held, for a unit of work to fork from and commit back. */
  snapshot(): MemoryEventLogState {
    return structuredClone({
      processed: this.#processed,
      audit: this.#audit,
      parked: this.#parked,
    });
  }

  restore(state: MemoryEventLogState): void {
    const copy = structuredClone(state);
    refill(this.#processed, copy.processed);
    this.#audit.splice(0, this.#audit.length, ...copy.audit);
    refill(this.#parked, copy.parked);
  }

  /** Parking keeps a JSON copy, as the table does: a later edit of the change cannot leak in. */
  async park(parked: ParkedChange<unknown>): Promise<void> {
    const bySort = this.#parked.get(parked.subject) ?? new Map<string, string>();
    bySort.set(`${parked.stamp.eventTime}#${parked.stamp.eventId}`, JSON.stringify(parked));
    this.#parked.set(parked.subject, bySort);
  }

  async parkedFor<C>(subject: Subject): Promise<ParkedChange<C>[]> {
    const bySort = this.#parked.get(subject);
    if (!bySort) return [];
    return [...bySort.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([, json]) => JSON.parse(json) as ParkedChange<C>);
  }

  async unpark(subject: Subject, eventId: string): Promise<void> {
    const bySort = this.#parked.get(subject);
    if (!bySort) return;
    for (const [key, json] of bySort) {
      if ((JSON.parse(json) as ParkedChange<unknown>).stamp.eventId === eventId) bySort.delete(key);
    }
    if (bySort.size === 0) this.#parked.delete(subject);
  }

  /** Every parked change, by subject then stamp (the GSI1 PARKED sort order). */
  async listParked(): Promise<ParkedChange<unknown>[]> {
    const subjects = [...this.#parked.keys()].sort(compareText);
    const out: ParkedChange<unknown>[] = [];
    for (const s of subjects) out.push(...(await this.parkedFor(s)));
    return out;
  }

  async hasProcessed(eventId: string): Promise<boolean> {
    return this.#processed.has(eventId);
  }

  async markProcessed(
    stamp: EventStamp,
    name: string,
    audit: readonly AuditEntry[],
  ): Promise<void> {
    this.#processed.set(stamp.eventId, { name, eventTime: stamp.eventTime });
    await this.audit(stamp, name, audit);
  }

  async audit(stamp: EventStamp, name: string, entries: readonly AuditEntry[]): Promise<void> {
    for (const entry of entries) {
      this.#audit.push({
        entity: entry.entity,
        action: entry.action,
        ...(entry.detail ? { detail: entry.detail } : {}),
        eventId: stamp.eventId,
        eventTime: stamp.eventTime,
        eventName: name,
      });
    }
  }

  /** An entity's audit trail, oldest first (the DynamoDB partition's sort order). */
  auditOf(entity: string): MemoryAuditRecord[] {
    return this.#audit
      .filter((a) => a.entity === entity)
      .sort((a, b) => compareText(`${a.eventTime}#${a.eventId}`, `${b.eventTime}#${b.eventId}`));
  }
}

/** DynamoDB orders string keys by their bytes; for the ASCII keys the ledger uses, this agrees. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The ledger's write guard: no stamp yet, or one older than or equal to the new stamp. */
export function notNewerThan(stored: EventStamp | undefined, stamp: EventStamp): boolean {
  if (!stored) return true;
  if (stored.eventTime !== stamp.eventTime) return stored.eventTime < stamp.eventTime;
  return stored.eventId <= stamp.eventId;
}
