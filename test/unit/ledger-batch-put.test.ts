import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, test } from 'vitest';
import { LedgerTable, UnprocessedItemsError } from '#adapters/dynamodb/ledger-table.ts';

// DynamoDB Local never leaves items unprocessed, so BatchWriteItem's partial answers are mocked.
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const mock = mockClient(doc);
const table = new LedgerTable(doc, 'ledger');
const item = (n: number) => ({ PK: `AUDIT#x`, SK: `t#e#${n}`, entity: 'audit' });
const sentKeys = (call: number) =>
  (mock.commandCalls(BatchWriteCommand)[call]?.args[0].input.RequestItems?.ledger ?? []).map(
    (r) => r.PutRequest?.Item?.SK,
  );

afterEach(() => mock.reset());

describe('LedgerTable.batchPut', () => {
  test('sends 25 items to a request and nothing when there is nothing', async () => {
    mock.on(BatchWriteCommand).resolves({});

    await table.batchPut(Array.from({ length: 60 }, (_, n) => item(n)));
    await table.batchPut([]);

    const sizes = mock
      .commandCalls(BatchWriteCommand)
      .map((c) => c.args[0].input.RequestItems?.ledger?.length);
    expect(sizes.sort()).toEqual([10, 25, 25]);
  });

  test('items DynamoDB leaves unprocessed are sent again, and only those', async () => {
    mock
      .on(BatchWriteCommand)
      .resolvesOnce({
        UnprocessedItems: {
          ledger: [{ PutRequest: { Item: item(1) } }, { PutRequest: { Item: item(3) } }],
        },
      })
      .resolves({});

    await table.batchPut([item(0), item(1), item(2), item(3)]);

    expect(mock.commandCalls(BatchWriteCommand)).toHaveLength(2);
    expect(sentKeys(1)).toEqual(['t#e#1', 't#e#3']);
  });

  test('items still unprocessed after every attempt fail the call', async () => {
    mock.on(BatchWriteCommand).resolves({
      UnprocessedItems: { ledger: [{ PutRequest: { Item: item(0) } }] },
    });

    await expect(table.batchPut([item(0)])).rejects.toThrow(UnprocessedItemsError);
    expect(mock.commandCalls(BatchWriteCommand)).toHaveLength(8);
  }, 20_000);
});
