import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { keys } from '#adapters/dynamodb/ledger-keys.ts';
import { localClientConfig } from '#local/dynamodb-local.ts';
import { createLedgerTable } from '#local/ledger-table.ts';

/** A fresh ledger table in the shared DynamoDB Local, so test files never see each other's data. */
export async function freshLedgerTable(): Promise<{ client: DynamoDBClient; tableName: string }> {
  const client = new DynamoDBClient(localClientConfig(inject('dynamoEndpoint')));
  const tableName = `ledger-${randomUUID()}`;
  await createLedgerTable(client, tableName);
  return { client, tableName };
}

/**
 * Makes a table look written by a version that kept no targets-at-IP entries: every entry and
 * the ready marker gone, the targets themselves as they were.
 */
export async function forgetTargetsAtIps(
  db: DynamoDBDocumentClient,
  tableName: string,
): Promise<void> {
  const { Items = [] } = await db.send(new ScanCommand({ TableName: tableName }));
  for (const item of Items) {
    if (!String(item.PK).startsWith('IPTARGETS#')) continue;
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { PK: item.PK, SK: item.SK },
        UpdateExpression: 'REMOVE targets',
      }),
    );
  }
  await db.send(new DeleteCommand({ TableName: tableName, Key: keys.targetsAtIpReady }));
}
