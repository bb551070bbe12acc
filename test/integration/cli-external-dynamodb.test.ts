import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { localClientConfig } from '#local/dynamodb-local.ts';
import { dropLedgerTable } from '#local/ledger-table.ts';
import { runCli } from '#test/helpers/run-cli.ts';

const home = mkdtempSync(join(tmpdir(), 'netledger-external-'));
const endpoint = inject('dynamoEndpoint');
const table = `external-${randomUUID()}`;
const client = new DynamoDBClient(localClientConfig(endpoint));
const env = {
  NETLEDGER_HOME: home,
  AWS_ENDPOINT_URL_DYNAMODB: endpoint,
  NETLEDGER_TABLE: table,
  CLUSTERS: 'myeks',
  VPC_IDS: 'vpc-0a1b2c3d4e5f60718',
};
const LIFECYCLE = 'events/samples/ec2/node-lifecycle';

afterAll(async () => {
  await dropLedgerTable(client, table);
  client.destroy();
  rmSync(home, { recursive: true, force: true });
});

async function itemCount(): Promise<number> {
  const out = await client.send(new ScanCommand({ TableName: table, Select: 'COUNT' }));
  return out.Count ?? 0;
}

describe('local mode with AWS_ENDPOINT_URL_DYNAMODB', () => {
  test('replay writes into NETLEDGER_TABLE at that endpoint, created when missing, and starts no DynamoDB Local', async () => {
    // Act
    const run = await runCli(['replay', LIFECYCLE], env);
    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('10 events: 9 applied, 1 ignored');
    const described = await client.send(new DescribeTableCommand({ TableName: table }));
    expect(described.Table?.TableStatus).toBe('ACTIVE');
    expect(await itemCount()).toBeGreaterThan(20);
    // DynamoDB Local keeps its data under NETLEDGER_HOME; nothing was started there.
    expect(existsSync(join(home, 'dynamodb'))).toBe(false);
  }, 60_000);

  test('report reads the same table, and replay --reset empties it first', async () => {
    const report = await runCli(['report', 'nodes', '--json'], env);
    expect(report.code, report.stderr).toBe(0);
    expect(JSON.parse(report.stdout).map((n: { instanceId: string }) => n.instanceId)).toEqual([
      'i-0a1b2c3d4e5f00001',
      'i-0a1b2c3d4e5f00002',
    ]);
    const before = await itemCount();

    const again = await runCli(['replay', '--reset', LIFECYCLE], env);

    expect(again.code, again.stderr).toBe(0);
    // Duplicates would say "duplicate": after the reset every event applies anew.
    expect(again.stdout).toContain('10 events: 9 applied, 1 ignored');
    expect(await itemCount()).toBe(before);
  }, 60_000);
});
