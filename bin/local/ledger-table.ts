import { readFileSync } from 'node:fs';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import { keys } from '#adapters/dynamodb/ledger-keys.ts';

/** A real DynamoDB creates and deletes tables in the background; DynamoDB Local at once. */
const TABLE_WAIT_SECONDS = 300;

/**
 * The ledger table is defined once, as the CloudFormation fragment that
 * serverless.yml deploys; local mode and tests create the same table from it.
 */
const TABLE_TEMPLATE = new URL('../../infra/ledger-table.json', import.meta.url);

interface TableProperties {
  BillingMode: CreateTableCommandInput['BillingMode'];
  AttributeDefinitions: CreateTableCommandInput['AttributeDefinitions'];
  KeySchema: CreateTableCommandInput['KeySchema'];
  GlobalSecondaryIndexes: CreateTableCommandInput['GlobalSecondaryIndexes'];
  TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
}

export function ledgerTableProperties(): TableProperties {
  const template = JSON.parse(readFileSync(TABLE_TEMPLATE, 'utf8'));
  return template.Resources.LedgerTable.Properties as TableProperties;
}

/** Creates the table if it is missing; a table that exists is left as it is. */
export async function createLedgerTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const props = ledgerTableProperties();
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: props.BillingMode,
        AttributeDefinitions: props.AttributeDefinitions,
        KeySchema: props.KeySchema,
        GlobalSecondaryIndexes: props.GlobalSecondaryIndexes,
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ResourceInUseException') return;
    throw error;
  }
  await waitUntilTableExists(
    { client, maxWaitTime: TABLE_WAIT_SECONDS, minDelay: 1 },
    { TableName: tableName },
  );
  // A new table holds no target: every registered one has its entry at its IP (ledger-keys.ts).
  const ready = keys.targetsAtIpReadyItem;
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: { PK: { S: ready.PK }, SK: { S: ready.SK }, entity: { S: ready.entity } },
    }),
  );
  if (props.TimeToLiveSpecification?.Enabled) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: props.TimeToLiveSpecification,
      }),
    );
  }
}

export async function dropLedgerTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    return;
  }
  await waitUntilTableNotExists(
    { client, maxWaitTime: TABLE_WAIT_SECONDS, minDelay: 1 },
    { TableName: tableName },
  );
}
