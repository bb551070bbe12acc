import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '#adapters/dynamodb/ledger-keys.ts';
import { LedgerTable } from '#adapters/dynamodb/ledger-table.ts';
import type { InstanceTypeCache } from '#core/capacity/capacity-ports.ts';

/**
 * Instance-type data is refreshed now and then: AWS occasionally raises a type's limits,
 * and an expired entry only costs one DescribeInstanceTypes call.
 */
export const INSTANCE_TYPE_CACHE_SECONDS = 30 * 86_400;

/**
 * Raw `InstanceTypeInfo` documents in the ledger table, stored as JSON text: the SDK's
 * shape is kept exactly as EC2 returned it (undefined members and all), whatever
 * DynamoDB's attribute-value rules would make of it.
 */
export class DynamoInstanceTypeCache implements InstanceTypeCache {
  private readonly table: LedgerTable;

  constructor(
    db: DynamoDBDocumentClient,
    tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.table = new LedgerTable(db, tableName);
  }

  async get(instanceType: string): Promise<unknown | undefined> {
    // A cache: an eventually consistent read is enough, and costs half.
    const item = await this.table.get(keys.instanceType(instanceType), { consistent: false });
    if (typeof item?.info !== 'string') return undefined;
    // TTL deletion lags by up to days; an expired entry is a miss.
    if (typeof item.expiresAt === 'number' && item.expiresAt * 1000 <= this.clock().getTime()) {
      return undefined;
    }
    return JSON.parse(item.info);
  }

  async put(instanceType: string, info: unknown): Promise<void> {
    const now = this.clock();
    await this.table.put({
      ...keys.instanceType(instanceType),
      entity: 'instance-type',
      instanceType,
      info: JSON.stringify(info),
      cachedAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + INSTANCE_TYPE_CACHE_SECONDS,
    });
  }
}
