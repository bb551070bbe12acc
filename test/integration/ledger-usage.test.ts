import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, test } from 'vitest';
import { keys, RETENTION_SECONDS } from '#adapters/dynamodb/ledger-keys.ts';
import { DynamoUsageHistory } from '#adapters/dynamodb/ledger-usage.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';

let db: DynamoDBDocumentClient;
let tableName: string;

beforeAll(async () => {
  const table = await freshLedgerTable();
  db = DynamoDBDocumentClient.from(table.client);
  tableName = table.tableName;
});

describe('DynamoUsageHistory (DynamoDB Local)', () => {
  test('recent answers one subject since a time, oldest first; samples expire by TTL', async () => {
    // Prepare
    const usage = new DynamoUsageHistory(db, tableName);
    const at = (h: number) => new Date(Date.UTC(2026, 10, 21, h)).toISOString();
    for (const h of [3, 1, 2, 0]) {
      await usage.record({
        kind: 'subnet',
        subject: 'subnet-0a',
        at: at(h),
        used: 10 + h,
        capacity: 251,
      });
    }
    await usage.record({
      kind: 'subnet',
      subject: 'subnet-0b',
      at: at(2),
      used: 99,
      capacity: 251,
    });
    await usage.record({
      kind: 'node-group',
      subject: 'prod/t3.medium',
      at: at(2),
      used: 7,
      capacity: 45,
    });

    // Act
    const recent = await usage.recent('subnet', 'subnet-0a', at(1));
    const item = await db.send(
      new GetCommand({ TableName: tableName, Key: keys.usageSample('subnet', 'subnet-0a', at(3)) }),
    );

    // Assess
    expect(recent).toEqual([
      { at: at(1), used: 11 },
      { at: at(2), used: 12 },
      { at: at(3), used: 13 },
    ]);
    expect(item.Item?.expiresAt).toBe(Date.parse(at(3)) / 1000 + RETENTION_SECONDS.usageSample);
    expect(await usage.recent('node-group', 'prod/t3.medium', at(0))).toEqual([
      { at: at(2), used: 7 },
    ]);
  });
});
