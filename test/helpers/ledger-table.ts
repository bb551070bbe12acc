import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { localClientConfig } from '#local/dynamodb-local.ts';
import { createLedgerTable } from '#local/ledger-table.ts';

/** A fresh ledger table in the shared DynamoDB Local, so test files never see each other's data. */
export async function freshLedgerTable(): Promise<{ client: DynamoDBClient; tableName: string }> {
  const client = new DynamoDBClient(localClientConfig(inject('dynamoEndpoint')));
  const tableName = `ledger-${randomUUID()}`;
  await createLedgerTable(client, tableName);
  return { client, tableName };
}
