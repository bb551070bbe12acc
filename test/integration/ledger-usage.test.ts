import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, test } from 'vitest';
import { keys, RETENTION_SECONDS } from '#adapters/dynamodb/ledger-keys.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
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

describe('a subnet with its usage, in one query (DynamoDB Local)', () => {
  const hour = (h: number) => new Date(Date.UTC(2026, 10, 21, h)).toISOString();
  const stamp = { eventTime: hour(0), eventId: 'ev-1' };

  test("answers what subnetView and recent answer apart, with only its own subnet's samples", async () => {
    // Prepare: a subnet with an ENI of two addresses, its samples, and samples of others
    const { client, tableName: name } = await freshLedgerTable();
    const doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const ledger = new DynamoNetworkLedger(doc, name);
    const usage = new DynamoUsageHistory(doc, name);
    await ledger.putSubnet({
      subnetId: 'subnet-a',
      vpcId: 'vpc-1',
      cidr: '10.0.0.0/24',
      reservations: [],
    });
    await ledger.putEni(
      {
        facts: {
          eniId: 'eni-1',
          vpcId: 'vpc-1',
          subnetId: 'subnet-a',
          description: '',
          tags: {},
          secondaryIps: [],
          prefixes: [],
        },
        kind: 'vpc-cni',
        cluster: 'c1',
        addresses: ['10.0.0.20', '10.0.0.21'].map((address) => ({
          address,
          kind: 'secondary' as const,
          consumer: 'vpc-cni' as const,
        })),
      },
      stamp,
    );
    for (const h of [0, 1, 2, 3]) {
      await usage.record({
        kind: 'subnet',
        subject: 'subnet-a',
        at: hour(h),
        used: 10 + h,
        capacity: 251,
      });
    }
    await usage.record({
      kind: 'subnet',
      subject: 'subnet-b',
      at: hour(2),
      used: 99,
      capacity: 251,
    });
    await usage.record({
      kind: 'node-group',
      subject: 'c1/t3.medium',
      at: hour(2),
      used: 7,
      capacity: 17,
    });

    // Act
    const together = await usage.subnetWithUsage('subnet-a', hour(1));

    // Assess
    const view = await ledger.subnetView('subnet-a');
    expect(view.addresses.map((a) => a.address)).toStrictEqual(['10.0.0.20', '10.0.0.21']);
    expect(together).toStrictEqual({
      view,
      usage: await usage.recent('subnet', 'subnet-a', hour(1)),
    });
    expect(together.usage.map((s) => s.used)).toStrictEqual([11, 12, 13]);
  });
});
