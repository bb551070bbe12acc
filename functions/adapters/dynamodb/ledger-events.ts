import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expiresAt, keys, RETENTION_SECONDS } from '#adapters/dynamodb/ledger-keys.ts';
import { LedgerTable } from '#adapters/dynamodb/ledger-table.ts';
import type { EventStamp } from '#core/events/event-envelope.ts';
import type { AuditEntry } from '#core/network/network-ports.ts';

/**
 * What every ledger that applies events shares: its table, the processed-event markers that
 * make a redelivered event a no-op, and audit entries.
 */
export abstract class EventLedger {
  protected readonly table: LedgerTable;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.table = new LedgerTable(db, tableName);
  }

  async hasProcessed(eventId: string): Promise<boolean> {
    return (await this.table.get(keys.event(eventId))) !== undefined;
  }

  /** Marks the event done (expiring with its retention) and records its audit entries. */
  async markProcessed(
    stamp: EventStamp,
    name: string,
    audit: readonly AuditEntry[],
  ): Promise<void> {
    await this.table.put({
      ...keys.event(stamp.eventId),
      entity: 'event',
      name,
      eventTime: stamp.eventTime,
      expiresAt: expiresAt(stamp.eventTime, RETENTION_SECONDS.processedEvent),
    });
    await this.audit(stamp, name, audit);
  }

  /**
   * One item per entry, under the audited entity, numbered so one event can audit it twice;
   * written in BatchWriteItem requests (new items, no condition to keep).
   */
  async audit(stamp: EventStamp, name: string, entries: readonly AuditEntry[]): Promise<void> {
    await this.table.batchPut(
      entries.map((entry, n) => ({
        ...keys.audit(entry.entity, stamp.eventTime, stamp.eventId, n),
        entity: 'audit',
        subject: entry.entity,
        action: entry.action,
        ...(entry.detail ? { detail: entry.detail } : {}),
        eventId: stamp.eventId,
        eventTime: stamp.eventTime,
        eventName: name,
        expiresAt: expiresAt(stamp.eventTime, RETENTION_SECONDS.audit),
      })),
    );
  }
}
