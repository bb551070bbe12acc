import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readServerInfo, stopLedgerServer } from '#local/ledger-server.ts';
import { runCli } from '#test/helpers/run-cli.ts';

const home = mkdtempSync(join(tmpdir(), 'netledger-server-'));
// Long enough for the next command to start on a busy 2-core machine, short enough to wait out.
const IDLE = 15;
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
  test('commands share one server; it stops by itself after the idle timeout, Java included', async () => {
    // Act
    const replay = await runCli(['replay', '--reset', 'events/samples/ec2/node-lifecycle'], env);
    const first = readServerInfo(home);
    const report = await runCli(['report', 'nodes', '--json'], env);
    const second = readServerInfo(home);

    // Assess
    expect(replay.code).toBe(0);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout)).toHaveLength(2);
    expect(first?.pid).toBeGreaterThan(0);
    expect(second?.pid).toBe(first?.pid);
    expect(processesOf(home).length).toBeGreaterThanOrEqual(2); // supervisor and Java
    // Idle timeout plus the once-a-second check plus the stop itself.
    expect(await until(() => processesOf(home).length === 0, (IDLE + 8) * 1000)).toBe(true);
    expect(readServerInfo(home)).toBeUndefined();
  }, 120_000);

  test('the data outlives the server: the next command starts a new one on the same ledger', async () => {
    // Act
    const report = await runCli(['report', 'nodes', '--json'], env);

    // Assess
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout)).toHaveLength(2);
  }, 60_000);

  test('a supervisor killed with SIGKILL takes Java with it', async () => {
    // Prepare
    await runCli(['report', 'alerts'], { ...env, NETLEDGER_LEDGER_IDLE_SECONDS: '600' });
    const info = readServerInfo(home);
    expect(info).toBeDefined();

    // Act
    process.kill(info?.pid as number, 'SIGKILL');

    // Assess
    expect(await until(() => processesOf(home).length === 0, 10_000)).toBe(true);
  }, 60_000);

  test('`ledger stop` stops it at once', async () => {
    // Prepare
    await runCli(['report', 'alerts'], { ...env, NETLEDGER_LEDGER_IDLE_SECONDS: '600' });
    expect(processesOf(home).length).toBeGreaterThan(0);

    // Act
    const stop = await runCli(['ledger', 'stop'], env);

    // Assess
    expect(stop.stdout.trim()).toBe('stopped');
    expect(await until(() => processesOf(home).length === 0, 10_000)).toBe(true);
  }, 60_000);
});
