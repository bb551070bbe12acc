import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expiresAt, INDEX, keys } from '#adapters/dynamodb/ledger-keys.ts';
import { type Guard, type Item, LedgerTable } from '#adapters/dynamodb/ledger-table.ts';
import type { AlertKind, Severity } from '#core/alerts/alert.ts';
import type { AlertNotification, AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import {
  type AlertRef,
  type AlertStore,
  AlertWriteConflictError,
} from '#core/alerts/alert-store.ts';

/** Resolved alerts stay visible (and recognisable on a quick re-open) for a month, then expire. */
export const RESOLVED_ALERT_RETENTION_SECONDS = 30 * 86_400;

/** The alert lifecycle's records in the ledger table; open ones are listed through GSI1. */
export class DynamoAlertStore implements AlertStore {
  private readonly table: LedgerTable;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.table = new LedgerTable(db, tableName);
  }

  async get(kind: AlertKind, subject: string): Promise<AlertRecord | undefined> {
    const item = await this.table.get(keys.alert(kind, subject));
    return item ? toRecord(item) : undefined;
  }

  async getMany(refs: readonly AlertRef[]): Promise<AlertRecord[]> {
    const items = await this.table.getMany(refs.map((r) => keys.alert(r.kind, r.subject)));
    return items.map(toRecord);
  }

  async put(record: AlertRecord, expected?: AlertRecord | null): Promise<void> {
    if ((await this.table.put(toItem(record), unchangedSince(expected))) === 'stale') {
      throw new AlertWriteConflictError(
        `alert ${record.kind}#${record.subject} changed since it was read`,
      );
    }
  }

  async listOpen(): Promise<AlertRecord[]> {
    const items = await this.table.query({
      IndexName: INDEX.byNode,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.openAlerts },
    });
    return items.map(toRecord);
  }

  async listPending(): Promise<AlertRecord[]> {
    const items = await this.table.query({
      IndexName: INDEX.lookup,
      KeyConditionExpression: 'GSI3PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.pendingAlerts },
    });
    return items.map(toRecord);
  }
}

/**
 * Optimistic concurrency without a version attribute: an alert's status, notification
 * time, count and opening time together change on every notification.
 */
function unchangedSince(expected: AlertRecord | null | undefined): Guard {
  if (expected === undefined) return {};
  if (expected === null) return { condition: 'attribute_not_exists(PK)' };
  return {
    condition:
      '#status = :status AND lastNotifiedAt = :last AND notifyCount = :count AND openedAt = :opened',
    names: { '#status': 'status' },
    values: {
      ':status': expected.status,
      ':last': expected.lastNotifiedAt,
      ':count': expected.notifyCount,
      ':opened': expected.openedAt,
    },
  };
}

function toItem(record: AlertRecord): Item {
  const open = record.status === 'open';
  return {
    ...keys.alert(record.kind, record.subject),
    entity: 'alert',
    kind: record.kind,
    subject: record.subject,
    cluster: record.cluster,
    status: record.status,
    severity: record.severity,
    title: record.title,
    summary: record.summary,
    facts: storableFacts(record.facts),
    openedAt: record.openedAt,
    lastNotifiedAt: record.lastNotifiedAt,
    notifyCount: record.notifyCount,
    ...(record.resolvedAt !== undefined ? { resolvedAt: record.resolvedAt } : {}),
    ...(record.notifiedSeverity !== undefined ? { notifiedSeverity: record.notifiedSeverity } : {}),
    ...(record.pending
      ? {
          pending: { ...record.pending, facts: storableFacts(record.pending.facts) },
          ...keys.pendingAlertIndex,
        }
      : {}),
    // A whole-item put: an open record carries the index keys, a resolved one a TTL instead.
    ...(open
      ? keys.openAlertIndex(record.kind, record.subject)
      : {
          expiresAt: expiresAt(
            record.resolvedAt ?? record.lastNotifiedAt,
            RESOLVED_ALERT_RETENTION_SECONDS,
          ),
        }),
  };
}

/** DynamoDB numbers cannot be NaN or Infinity; keep such facts as text, as the SNS message does. */
function storableFacts(facts: AlertRecord['facts']): Record<string, string | number | boolean> {
  return Object.fromEntries(
    Object.entries(facts).map(([k, v]) => [
      k,
      typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
    ]),
  );
}

export function toRecord(item: Item): AlertRecord {
  return {
    kind: item.kind as AlertKind,
    subject: String(item.subject),
    cluster: String(item.cluster),
    status: item.status === 'open' ? 'open' : 'resolved',
    severity: item.severity as AlertRecord['severity'],
    title: String(item.title),
    summary: String(item.summary ?? ''),
    facts: (item.facts ?? {}) as AlertRecord['facts'],
    openedAt: String(item.openedAt),
    lastNotifiedAt: String(item.lastNotifiedAt),
    notifyCount: Number(item.notifyCount),
    ...(item.resolvedAt !== undefined ? { resolvedAt: String(item.resolvedAt) } : {}),
    ...(item.notifiedSeverity !== undefined
      ? { notifiedSeverity: item.notifiedSeverity as Severity }
      : {}),
    ...(item.pending !== undefined ? { pending: item.pending as AlertNotification } : {}),
  };
}
