import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localClientConfig, startDynamoDbLocal } from './dynamodb-local.ts';
import { ensureLedgerServer, idleSeconds, touch } from './ledger-server.ts';
import { createLedgerTable, dropLedgerTable } from './ledger-table.ts';

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
  const idle = idleSeconds();
  if (idle > 0) return openServedLedger(home, idle, options.reset === true);
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

/**
 * The kept server (bin/local/ledger-server.ts): reset drops and recreates the table instead
 * of deleting files under a running DynamoDB Local. While open, the ledger keeps marking the
 * server used, so a long replay is never cut off by the idle timeout.
 */
async function openServedLedger(home: string, idle: number, reset: boolean): Promise<LocalLedger> {
  const endpoint = await ensureLedgerServer(home, idle);
  const raw = new DynamoDBClient(localClientConfig(endpoint));
  const keepAlive = setInterval(() => touch(home), Math.max(250, (idle * 1000) / 3));
  keepAlive.unref();
  try {
    if (reset) await dropLedgerTable(raw, LOCAL_TABLE);
    await createLedgerTable(raw, LOCAL_TABLE);
  } catch (error) {
    clearInterval(keepAlive);
    raw.destroy();
    throw error;
  }
  const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return {
    db,
    tableName: LOCAL_TABLE,
    close: async () => {
      clearInterval(keepAlive);
      touch(home);
      raw.destroy();
    },
  };
}
