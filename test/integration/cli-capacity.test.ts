import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Ec2EventBuilder, ips } from '#test/helpers/ec2-events.ts';
import { runCli } from '#test/helpers/run-cli.ts';
import { sharedLedgerEnv } from '#test/helpers/shared-ledger.ts';

const home = mkdtempSync(join(tmpdir(), 'netledger-capacity-'));
const env = {
  NETLEDGER_HOME: home,
  ...sharedLedgerEnv(),
  CLUSTERS: 'myeks',
  VPC_IDS: 'vpc-0a1b2c3d4e5f60718',
};
afterAll(async () => {
  rmSync(home, { recursive: true, force: true });
});

const NODE = 'i-0a1b2c3d4e5f00001';
const SUBNET = 'subnet-0aa1111111111111a';
const NET = '192.168.1.';

/** A t3.medium whose three ENIs end up holding 15 of 15 secondary IPs. */
function fullNodeScenario(): string {
  const b = new Ec2EventBuilder();
  const eni = (n: number) => `eni-0a1b2c3d4e5f600${n}1`;
  const events = [
    b.runInstances({
      instanceId: NODE,
      instanceType: 't3.medium',
      subnetId: SUBNET,
      eniId: eni(0),
      privateIp: `${NET}10`,
    }),
    b.after(30).assignPrivateIpAddresses(eni(0), ips(NET, 21, 5)),
    b.after(30).createNetworkInterface({
      eniId: eni(1),
      instanceId: NODE,
      subnetId: SUBNET,
      primaryIp: `${NET}40`,
      secondaryIps: ips(NET, 41, 5),
    }),
    b.after(1).attachNetworkInterface(eni(1), NODE, 1),
    b.after(30).createNetworkInterface({
      eniId: eni(2),
      instanceId: NODE,
      subnetId: SUBNET,
      primaryIp: `${NET}60`,
      secondaryIps: ips(NET, 61, 5),
    }),
    b.after(1).attachNetworkInterface(eni(2), NODE, 2),
  ];
  const file = join(home, 'full-node.json');
  writeFileSync(file, JSON.stringify(events));
  return file;
}

describe('local mode: capacity alerts and reports', () => {
  test('replay prints the alert it would publish; report alerts lists it', async () => {
    // Act
    const replay = await runCli(['replay', '--reset', fullNodeScenario()], env);
    const alerts = await runCli(['report', 'alerts', '--json'], env);

    // Assess
    expect(replay.code, replay.stderr).toBe(0);
    const alertLines = replay.stdout.split('\n').filter((l) => l.startsWith('alert '));
    expect(alertLines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^alert open +node-pod-capacity ${NODE} \\[critical, myeks\\] t3\\.medium: 3/3 ENIs, 15/15`,
        ),
      ),
    ]);
    expect(JSON.parse(alerts.stdout)).toEqual([
      expect.objectContaining({
        kind: 'node-pod-capacity',
        subject: NODE,
        status: 'open',
        cluster: 'myeks',
      }),
    ]);
  }, 180_000);

  test('a missing --instance-types file is one line naming it, exit 1, nothing replayed', async () => {
    // Act
    const run = await runCli(
      ['replay', '--instance-types', join(home, 'nope.json'), fullNodeScenario()],
      env,
    );

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toMatch(
      /^netledger replay: --instance-types .*nope\.json: no such file \(pass a saved .*\)$/,
    );
  }, 60_000);
});
