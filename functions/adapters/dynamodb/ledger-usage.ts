import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expiresAt, keys, RETENTION_SECONDS } from '#adapters/dynamodb/ledger-keys.ts';
import { LedgerTable } from '#adapters/dynamodb/ledger-table.ts';
import type { UsageHistory, UsageRecord, UsageSubjectKind } from '#core/capacity/capacity-ports.ts';
import type { StoredUsageSample } from '#core/capacity/held-usage.ts';

/** Usage samples in the ledger table (keys in ledger-keys.ts), expiring by TTL. */
export class DynamoUsageHistory implements UsageHistory {
  private readonly table: LedgerTable;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.table = new LedgerTable(db, tableName);
  }

  async record(sample: UsageRecord): Promise<void> {
    // A sample is a fact about one moment: writing it twice writes the same item.
    await this.table.put({
      ...keys.usageSample(sample.kind, sample.subject, sample.at),
      entity: 'usage',
      used: sample.used,
      capacity: sample.capacity,
      everyMs: sample.everyMs,
      expiresAt: expiresAt(sample.at, RETENTION_SECONDS.usageSample),
    });
  }

  async recent(
    kind: UsageSubjectKind,
    subject: string,
    since: string,
  ): Promise<StoredUsageSample[]> {
    const items = await this.table.query({
      KeyConditionExpression: 'PK = :pk AND SK >= :since',
      ExpressionAttributeValues: { ':pk': keys.usagePartition(kind, subject), ':since': since },
    });
    return items.map((item) => ({
      at: String(item.SK),
      used: Number(item.used),
      ...(typeof item.capacity === 'number' ? { capacity: item.capacity } : {}),
      ...(typeof item.everyMs === 'number' ? { everyMs: item.everyMs } : {}),
    }));
  }
}
