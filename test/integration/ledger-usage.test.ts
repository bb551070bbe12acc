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
  // What it answers is the contract's (test/contract/usage-history.contract.test.ts).
  test('a sample expires by TTL a retention period after it was taken', async () => {
    // Prepare
    const usage = new DynamoUsageHistory(db, tableName);
    const at = new Date(Date.UTC(2026, 10, 21, 3)).toISOString();

    // Act
    await usage.record({ kind: 'subnet', subject: 'subnet-0a', at, used: 13, capacity: 251 });
    const item = await db.send(
      new GetCommand({ TableName: tableName, Key: keys.usageSample('subnet', 'subnet-0a', at) }),
    );

    // Assess
    expect(item.Item?.expiresAt).toBe(Date.parse(at) / 1000 + RETENTION_SECONDS.usageSample);
  });
});
