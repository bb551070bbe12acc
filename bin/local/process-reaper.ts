import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Every service process local mode and the tests start (DynamoDB Local, moto server) is
 * registered here and never outlives this process: it is killed on a normal exit, on
 * Ctrl-C and SIGTERM, and, through a detached watchdog, when this process is killed with
 * SIGKILL (which runs no handler at all).
 */
const running = new Set<ChildProcess>();
let hooked = false;

const WATCHDOG = fileURLToPath(new URL('./watchdog.mjs', import.meta.url));

export function reapWithParent(child: ChildProcess): void {
  if (child.pid === undefined) return;
  running.add(child);
  child.once('exit', () => running.delete(child));
  hookExit();
  const watchdog = spawn(process.execPath, [WATCHDOG, String(process.pid), String(child.pid)], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
}

/** Forget a child that was stopped on purpose (its watchdog exits by itself once it is gone). */
export function released(child: ChildProcess): void {
  running.delete(child);
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const reap = () => {
    for (const child of running) child.kill('SIGKILL');
  };
  process.once('exit', reap);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(signal, () => {
      reap();
      process.exit(code);
    });
  }
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export function stopProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  released(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
