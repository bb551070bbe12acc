import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expiresAt, INDEX, keys, RETENTION_SECONDS } from '#adapters/dynamodb/ledger-keys.ts';
import { subnetViewOf } from '#adapters/dynamodb/ledger-network.ts';
import { type Item, LedgerTable } from '#adapters/dynamodb/ledger-table.ts';
import type {
  SubnetWithUsage,
  UsageHistory,
  UsageRecord,
  UsageSubjectKind,
} from '#core/capacity/capacity-ports.ts';
import type { StoredUsageSample } from '#core/capacity/held-usage.ts';

/**
 * Usage samples in the ledger table (keys in ledger-keys.ts), expiring by TTL. A subnet's are
 * also indexed in front of its view, so a review reads the view and the trend in one query.
 */
export class DynamoUsageHistory implements UsageHistory {
  private readonly table: LedgerTable;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.table = new LedgerTable(db, tableName);
  }

  async record(sample: UsageRecord): Promise<void> {
    // A sample is a fact about one moment: writing it twice writes the same item.
    await this.table.put({
      ...keys.usageSample(sample.kind, sample.subject, sample.at),
      ...(sample.kind === 'subnet' ? keys.subnetUsageIndex(sample.subject, sample.at) : {}),
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
    return items.map(toSample);
  }

  async subnetWithUsage(subnetId: string, since: string): Promise<SubnetWithUsage> {
    const items = await this.table.query({
      IndexName: INDEX.bySubnet,
      KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK >= :from',
      ExpressionAttributeValues: {
        ':pk': keys.bySubnet(subnetId),
        ':from': keys.subnetUsageFrom(since),
      },
    });
    // The samples sort first, oldest first, as `recent` answers them.
    const samples = items.filter((i) => i.entity === 'usage');
    return { view: subnetViewOf(items), usage: samples.map(toSample) };
  }
}

function toSample(item: Item): StoredUsageSample {
  return {
    at: String(item.SK),
    used: Number(item.used),
    ...(typeof item.capacity === 'number' ? { capacity: item.capacity } : {}),
    ...(typeof item.everyMs === 'number' ? { everyMs: item.everyMs } : {}),
  };
}
