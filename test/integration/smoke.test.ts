import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { expect, test } from 'vitest';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';

test('the ledger table exists in DynamoDB Local with both indexes', async () => {
  const { client, tableName } = await freshLedgerTable();
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual([
    'GSI1',
    'GSI2',
    'GSI3',
  ]);
});
