import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readServerInfo, stopLedgerServer } from '#local/ledger-server.ts';
import { runCli } from '#test/helpers/run-cli.ts';

const home = mkdtempSync(join(tmpdir(), 'netledger-server-'));
/** Long enough never to expire while a test runs its commands. */
const IDLE = 600;
/** Short enough to wait out, long enough to see the server right after the command. */
const SHORT_IDLE = 5;
const env = {
  NETLEDGER_HOME: home,
  NETLEDGER_LEDGER_IDLE_SECONDS: String(IDLE),
  CLUSTERS: 'myeks',
  VPC_IDS: 'vpc-0a1b2c3d4e5f60718',
};

afterAll(async () => {
  await stopLedgerServer(home);
  rmSync(home, { recursive: true, force: true });
});

/** Live (not zombie) processes whose command line mentions this home: the supervisor and Java. */
function processesOf(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (cmdline.includes(dir) && state !== 'Z') found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return check();
}

describe('the local ledger server (kept between commands, stopped after idle)', () => {
  test('commands share one server, and `ledger stop` stops it, Java included', async () => {
    // Act
    const replay = await runCli(['replay', '--reset', 'events/samples/ec2/node-lifecycle'], env);
    const first = readServerInfo(home);
    const report = await runCli(['report', 'nodes', '--json'], env);
    const second = readServerInfo(home);
    const running = processesOf(home).length;
    const stop = await runCli(['ledger', 'stop'], env);

    // Assess
    expect(replay.code).toBe(0);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout)).toHaveLength(2);
    expect(first?.pid).toBeGreaterThan(0);
    expect(second?.pid).toBe(first?.pid);
    expect(running).toBeGreaterThanOrEqual(2); // supervisor and Java
    expect(stop.stdout.trim()).toBe('stopped');
    expect(await until(() => processesOf(home).length === 0, 10_000)).toBe(true);
    expect(readServerInfo(home)).toBeUndefined();
  }, 120_000);

  test('left alone, it stops by itself after the idle timeout; the data stays', async () => {
    // Act
    const report = await runCli(['report', 'nodes', '--json'], {
      ...env,
      NETLEDGER_LEDGER_IDLE_SECONDS: String(SHORT_IDLE),
    });
    const runningAfterCommand = processesOf(home).length;

    // Assess
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout)).toHaveLength(2);
    expect(runningAfterCommand).toBeGreaterThan(0);
    // The idle timeout, the once-a-second check and the stop itself.
    expect(await until(() => processesOf(home).length === 0, (SHORT_IDLE + 8) * 1000)).toBe(true);
    expect(readServerInfo(home)).toBeUndefined();
  }, 60_000);

  test('a supervisor killed with SIGKILL takes Java with it', async () => {
    // Prepare
    await runCli(['report', 'alerts'], env);
    const info = readServerInfo(home);
    expect(info).toBeDefined();

    // Act
    process.kill(info?.pid as number, 'SIGKILL');

    // Assess
    expect(await until(() => processesOf(home).length === 0, 10_000)).toBe(true);
  }, 60_000);
});
