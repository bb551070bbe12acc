import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { InstanceTypeCache } from '#core/capacity-ports.ts';
import { keys } from './ledger-keys.ts';

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
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async get(instanceType: string): Promise<unknown | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.instanceType(instanceType) }),
    );
    if (typeof Item?.info !== 'string') return undefined;
    // TTL deletion lags by up to days; an expired entry is a miss.
    if (typeof Item.expiresAt === 'number' && Item.expiresAt * 1000 <= this.clock().getTime()) {
      return undefined;
    }
    return JSON.parse(Item.info);
  }

  async put(instanceType: string, info: unknown): Promise<void> {
    const now = this.clock();
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.instanceType(instanceType),
          entity: 'instance-type',
          instanceType,
          info: JSON.stringify(info),
          cachedAt: now.toISOString(),
          expiresAt: Math.floor(now.getTime() / 1000) + INSTANCE_TYPE_CACHE_SECONDS,
        },
      }),
    );
  }
}
