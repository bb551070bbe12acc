import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AlertKind } from '#core/alert.ts';
import type { AlertRecord } from '#core/alert-lifecycle.ts';
import { type AlertStore, AlertWriteConflictError } from '#core/capacity-ports.ts';
import { expiresAt, INDEX, keys } from './ledger-keys.ts';

type Item = Record<string, unknown>;

/** Resolved alerts stay visible (and recognisable on a quick re-open) for a month, then expire. */
export const RESOLVED_ALERT_RETENTION_SECONDS = 30 * 86_400;

/** The alert lifecycle's records in the ledger table; open ones are listed through GSI1. */
export class DynamoAlertStore implements AlertStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(kind: AlertKind, subject: string): Promise<AlertRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: keys.alert(kind, subject),
        ConsistentRead: true,
      }),
    );
    return Item ? toRecord(Item) : undefined;
  }

  async put(record: AlertRecord, expected?: AlertRecord | null): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({ TableName: this.table, Item: toItem(record), ...condition(expected) }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new AlertWriteConflictError(
          `alert ${record.kind}#${record.subject} changed since it was read`,
        );
      }
      throw error;
    }
  }

  async listOpen(): Promise<AlertRecord[]> {
    const out: AlertRecord[] = [];
    let start: Item | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: INDEX.byNode,
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.openAlerts },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) out.push(toRecord(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

/**
 * Optimistic concurrency without a version attribute: an alert's status, notification
 * time, count and opening time together change on every notification.
 */
function condition(expected: AlertRecord | null | undefined) {
  if (expected === undefined) return {};
  if (expected === null) return { ConditionExpression: 'attribute_not_exists(PK)' };
  return {
    ConditionExpression:
      '#status = :status AND lastNotifiedAt = :last AND notifyCount = :count AND openedAt = :opened',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
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

function toRecord(item: Item): AlertRecord {
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
  };
}
