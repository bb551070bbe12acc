import type { EventStamp } from '#core/events/event-envelope.ts';
import type { AuditEntry } from '#core/network/network-ports.ts';

export interface MemoryAuditRecord extends AuditEntry {
  readonly eventId: string;
  readonly eventTime: string;
  readonly eventName: string;
}

/**
 * Processed-event markers and audit entries, shared by the memory ledgers the way the
 * DynamoDB ledgers share one table: an event the network ledger marked is processed for the
 * target ledger too.
 */
export class MemoryEventLog {
  readonly #processed = new Map<string, { name: string; eventTime: string }>();
  readonly #audit: MemoryAuditRecord[] = [];

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
