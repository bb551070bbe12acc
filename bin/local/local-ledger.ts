import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localClientConfig, startDynamoDbLocal } from './dynamodb-local.ts';
import { createLedgerTable } from './ledger-table.ts';

export const LOCAL_TABLE = 'netledger-local';

/** Where local mode keeps its DynamoDB Local data between commands. */
export function localHome(env: Record<string, string | undefined> = process.env): string {
  return resolve(env.NETLEDGER_HOME ?? join(process.cwd(), '.netledger'));
}

export interface LocalLedger {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  close(): Promise<void>;
}

/**
 * Starts DynamoDB Local on the persisted data under `.netledger/` (cleared
 * first with `reset`), makes sure the ledger table exists, and stops it again
 * on close.
 */
export async function openLocalLedger(
  options: { reset?: boolean; home?: string } = {},
): Promise<LocalLedger> {
  const home = options.home ?? localHome();
  const dataDir = join(home, 'dynamodb');
  if (options.reset) rmSync(dataDir, { recursive: true, force: true });
  const server = await startDynamoDbLocal({ dataDir });
  const raw = new DynamoDBClient(localClientConfig(server.endpoint));
  try {
    await createLedgerTable(raw, LOCAL_TABLE);
  } catch (error) {
    raw.destroy();
    await server.stop();
    throw error;
  }
  const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return {
    db,
    tableName: LOCAL_TABLE,
    close: async () => {
      raw.destroy();
      await server.stop();
    },
  };
}

/** A throw-away ledger on an in-memory DynamoDB Local (simulations and tests). */
export async function openMemoryLedger(): Promise<LocalLedger> {
  const server = await startDynamoDbLocal();
  const raw = new DynamoDBClient(localClientConfig(server.endpoint));
  try {
    await createLedgerTable(raw, LOCAL_TABLE);
  } catch (error) {
    raw.destroy();
    await server.stop();
    throw error;
  }
  return {
    db: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    tableName: LOCAL_TABLE,
    close: async () => {
      raw.destroy();
      await server.stop();
    },
  };
}
