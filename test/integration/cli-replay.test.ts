import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { stopLedgerServer } from '#local/ledger-server.ts';
import { runCli } from '#test/helpers/run-cli.ts';

const home = mkdtempSync(join(tmpdir(), 'netledger-cli-'));
// One kept ledger server for the file's commands (stopped after them, or by itself when idle).
const env = {
  NETLEDGER_HOME: home,
  NETLEDGER_LEDGER_IDLE_SECONDS: '60',
  CLUSTERS: 'myeks',
  VPC_IDS: 'vpc-0a1b2c3d4e5f60718',
};
const LIFECYCLE = 'events/samples/ec2/node-lifecycle';

afterAll(async () => {
  await stopLedgerServer(home);
  rmSync(home, { recursive: true, force: true });
});

describe('netledger replay and report (one local ledger, commands in sequence)', () => {
  let firstReport = '';

  test('replay --reset prints one line per event and a summary', async () => {
    const run = await runCli(['replay', '--reset', LIFECYCLE], env);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(13);
    expect(lines[0]).toMatch(/^applied\s+RunInstances\s+/);
    expect(lines[5]).toMatch(/^ignored\s+AssignPrivateIpAddresses .*could not be read back/);
    // The subnet fills fast in this story: its forecast warns, right after the event that showed it.
    expect(lines[6]).toMatch(/^applied\s+UnassignPrivateIpAddresses/);
    expect(lines[7]).toMatch(
      /^alert open\s+subnet-exhaustion subnet-0aa1111111111111a \[warning, myeks\] .*runs out in about \d+ hours at the current rate/,
    );
    expect(lines[11]).toBe('10 events: 9 applied, 1 ignored');
    expect(lines[12]).toBe('parked 0, applied later 0, still parked 0');
  }, 60_000);

  test('report nodes --json is the ledger view, and persists between commands', async () => {
    const run = await runCli(['report', 'nodes', '--json'], env);
    expect(run.code).toBe(0);
    const nodes = JSON.parse(run.stdout);
    expect(nodes).toEqual([
      expect.objectContaining({
        instanceId: 'i-0a1b2c3d4e5f00001',
        instanceType: 't3.medium',
        state: 'running',
        enis: 2,
        addresses: 8,
        prefixes: 0,
      }),
      expect.objectContaining({
        instanceId: 'i-0a1b2c3d4e5f00002',
        instanceType: 'm5.large',
        enis: 1,
        addresses: 0,
        prefixes: 1,
      }),
    ]);
    firstReport = run.stdout;
  }, 60_000);

  test('replaying the same files again marks them duplicate and changes nothing', async () => {
    const run = await runCli(['replay', LIFECYCLE], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('10 events: 9 duplicate, 1 ignored');
    expect((await runCli(['report', 'nodes', '--json'], env)).stdout).toBe(firstReport);
  }, 60_000);

  test('a truncated file is refused with one line, exit 1, and nothing applied', async () => {
    const broken = join(home, 'truncated.json');
    writeFileSync(
      broken,
      '{"version":"0","id":"x","detail-type":"EC2 Instance State-change Notification","sou',
    );
    const run = await runCli(['replay', 'events/samples/ec2/node-termination', broken], env);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/truncated\.json: not valid JSON .*nothing was applied/);
    expect((await runCli(['report', 'nodes', '--json'], env)).stdout).toBe(firstReport);
  }, 60_000);

  test('wrong detail-type, errorCode and unknown ENI are handled and ignored (exit 0)', async () => {
    const wrong = join(home, 'wrong.json');
    writeFileSync(
      wrong,
      JSON.stringify({
        version: '0',
        id: 'w1',
        'detail-type': 'Something Else',
        source: 'aws.ec2',
        account: '1',
        time: '2026-11-21T10:00:00Z',
        region: 'r',
        resources: [],
        detail: {},
      }),
    );
    const run = await runCli(['replay', 'events/samples/ec2/rejected', wrong], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ignored .*PrivateIpAddressLimitExceeded/);
    expect(run.stdout).toMatch(/ignored .*cluster othercluster is not configured/);
    expect(run.stdout).toMatch(/parked .*waits for eni:eni-0dead0dead0dead01: unknown ENI/);
    expect(run.stdout).toMatch(/ignored .*unexpected detail-type "Something Else"/);
    expect((await runCli(['report', 'nodes', '--json'], env)).stdout).toBe(firstReport);
  }, 60_000);

  test('report all --json gathers every report in one object', async () => {
    const run = await runCli(['report', 'all', '--json'], env);
    expect(run.code).toBe(0);
    const all = JSON.parse(run.stdout);
    expect(Object.keys(all)).toEqual(['nodes', 'subnets', 'targets', 'alerts', 'parked']);
    expect(all.nodes).toEqual(JSON.parse(firstReport));
  }, 60_000);

  test('a directory without events is refused with one line and exit 1', async () => {
    const empty = join(home, 'no-events');
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(home, 'empty-array.json'), '[]');
    const run = await runCli(['replay', empty, join(home, 'empty-array.json')], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`no events found in ${empty}`);
  }, 60_000);

  test('--help explains every command', async () => {
    const run = await runCli(['replay', '--help'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--reset/);
    expect(run.stdout).toMatch(/--clusters/);
    expect(run.stdout).toMatch(/--no-alerts/);
  });

  test('--no-alerts applies the same events and evaluates no alert', async () => {
    const run = await runCli(['replay', '--reset', '--no-alerts', LIFECYCLE], env);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/^alert /m);
    expect(run.stdout).toContain('10 events: 9 applied, 1 ignored');
    expect((await runCli(['report', 'nodes', '--json'], env)).stdout).toBe(firstReport);
    const alerts = await runCli(['report', 'alerts', '--json'], env);
    expect(JSON.parse(alerts.stdout)).toStrictEqual([]);
  }, 60_000);
});

describe('netledger without a command', () => {
  test.each([[[]], [['--help']]])('%j prints the help on stdout and exits 0', async (args) => {
    const run = await runCli(args, env);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Usage: netledger/);
    for (const command of ['replay', 'report', 'max-pods', 'dns']) {
      expect(run.stdout).toContain(command);
    }
  });
});
