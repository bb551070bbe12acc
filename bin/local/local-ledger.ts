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
 * The ledger local mode uses. With `AWS_ENDPOINT_URL_DYNAMODB` set, that DynamoDB (DynamoDB
 * Local started by hand, a shared one, or a real table) and the table `NETLEDGER_TABLE`
 * (default netledger-local), created if missing and, with `reset`, dropped and created anew.
 * Otherwise the kept ledger server (see `openServedLedger`), or, with the idle timeout at 0, it
 * starts DynamoDB Local on the persisted data under `.netledger/` (cleared first
 * with `reset`), makes sure the ledger table exists, and stops it again on close.
 */
export async function openLocalLedger(
  options: { reset?: boolean; home?: string; env?: Record<string, string | undefined> } = {},
): Promise<LocalLedger> {
  const env = options.env ?? process.env;
  const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB;
  if (endpoint) return openExternalLedger(endpoint, env, options.reset ?? false);
  const home = options.home ?? localHome(env);
  const idle = idleSeconds(env);
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

async function openExternalLedger(
  endpoint: string,
  env: Record<string, string | undefined>,
  reset: boolean,
): Promise<LocalLedger> {
  const tableName = env.NETLEDGER_TABLE || LOCAL_TABLE;
  // Real credentials when the environment has them (a real table); otherwise the dummy ones
  // every DynamoDB Local accepts.
  const hasCredentials = Boolean(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE);
  const raw = new DynamoDBClient({
    endpoint,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'local',
    ...(hasCredentials ? {} : { credentials: localClientConfig(endpoint).credentials }),
  });
  try {
    if (reset) await dropLedgerTable(raw, tableName);
    await createLedgerTable(raw, tableName);
  } catch (error) {
    raw.destroy();
    throw error;
  }
  const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return {
    db,
    tableName,
    close: async () => {
      raw.destroy();
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
