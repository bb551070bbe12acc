import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expiresAt, INDEX, keys, RETENTION_SECONDS } from '#adapters/dynamodb/ledger-keys.ts';
import { type Item, LedgerTable } from '#adapters/dynamodb/ledger-table.ts';
import type { EventStamp } from '#core/events/event-envelope.ts';
import type { ParkedChange, Subject } from '#core/events/parking.ts';
import type { AuditEntry } from '#core/network/network-ports.ts';

/**
 * What every ledger that applies events shares: its table, the processed-event markers that
 * make a redelivered event a no-op, and audit entries.
 */
export abstract class EventLedger<C = unknown> {
  protected readonly table: LedgerTable;
  /** Inside a unit of work, whose read-ahead holds the parked markers of the event's subjects. */
  readonly #inUnit: boolean;

  /** `table`: a LedgerSession, to run this ledger inside one event's unit of work. */
  constructor(db: DynamoDBDocumentClient, tableName: string, table?: LedgerTable) {
    this.table = table ?? new LedgerTable(db, tableName);
    this.#inUnit = table !== undefined;
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

  /**
   * One item per parked event under its subject; parking it again overwrites the same item. The
   * subject's marker goes first and keeps the latest expiry of its parked changes.
   */
  async park(parked: ParkedChange<C>): Promise<void> {
    const { subject, stamp } = parked;
    const expiry = expiresAt(stamp.eventTime, RETENTION_SECONDS.parked);
    await this.table.updateExpression(
      keys.parkedMarker(subject),
      'SET entity = :e, expiresAt = :x',
      {
        condition: 'attribute_not_exists(expiresAt) OR expiresAt < :x',
        values: { ':e': 'parked-marker', ':x': expiry },
      },
    );
    await this.table.put({
      ...keys.parked(subject, stamp.eventTime, stamp.eventId),
      ...keys.parkedIndex(subject, stamp.eventTime, stamp.eventId),
      entity: 'parked',
      subject,
      name: parked.name,
      eventId: stamp.eventId,
      eventTime: stamp.eventTime,
      // JSON text: a change may hold empty strings and nested lists DynamoDB maps handle poorly.
      change: JSON.stringify(parked.change),
      expiresAt: expiry,
    });
  }

  /**
   * Inside a unit of work, a subject without a marker has nothing parked: the marker was read
   * ahead with the event's other items, so no query is sent. Elsewhere (the sweep, an event
   * applied item by item) the partition is queried as it always was, so a change parked before
   * markers existed is still found there, by the next sweep at the latest.
   */
  async parkedFor(subject: Subject): Promise<ParkedChange<C>[]> {
    if (this.#inUnit && !(await this.table.get(keys.parkedMarker(subject)))) return [];
    const items = await this.table.query({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.parkedPartition(subject) },
    });
    // The sort key is <time>#<eventId>: query order is stamp order.
    return items.filter((i) => i.entity === 'parked').map((i) => toParked<C>(i));
  }

  async unpark(subject: Subject, eventId: string): Promise<void> {
    for (const p of await this.parkedFor(subject)) {
      if (p.stamp.eventId !== eventId) continue;
      await this.table.delete(keys.parked(subject, p.stamp.eventTime, eventId));
    }
  }

  async listParked(): Promise<ParkedChange<unknown>[]> {
    const items = await this.table.query({
      IndexName: INDEX.byNode,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.allParked },
    });
    return items.map((i) => toParked<unknown>(i));
  }
}

function toParked<C>(i: Item): ParkedChange<C> {
  return {
    subject: String(i.subject),
    stamp: { eventTime: String(i.eventTime), eventId: String(i.eventId) },
    name: String(i.name),
    change: JSON.parse(String(i.change)) as C,
  };
}
