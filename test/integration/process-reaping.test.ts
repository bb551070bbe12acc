import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { requireMoto } from '#test/helpers/moto.ts';

const HOLDER = fileURLToPath(new URL('../helpers/hold-services.ts', import.meta.url));
requireMoto();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

/** Starts a process holding DynamoDB Local and moto; resolves with its service pids. */
async function holder(): Promise<{ child: ChildProcess; pids: number[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const { pids } = JSON.parse(line) as { pids: number[] };
    return { child, pids };
  }
  throw new Error('the holder exited before it started its services');
}

describe('no java or python process outlives the process that started it', () => {
  test.each([
    ['SIGKILL (kill -9: no exit handler runs; the watchdog reaps)', 'SIGKILL'],
    // SIGTERM and SIGHUP take the same handler as SIGINT.
    ['SIGINT (Ctrl-C)', 'SIGINT'],
  ] as const)(
    '%s',
    async (_name, signal) => {
      const { child, pids } = await holder();
      expect(pids).toHaveLength(2);
      expect(pids.every(alive)).toBe(true);
      child.kill(signal);
      expect(await until(() => !pids.some(alive), 5_000)).toBe(true);
    },
    60_000,
  );
});
