import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HOSTNAME_TAG } from '#core/dns/dns-desired.ts';
import { HOSTILE_EVENTS, hostileEvent, sample } from '#test/helpers/hostile-events.ts';
import { runCli } from '#test/helpers/run-cli.ts';
import { sharedLedgerEnv } from '#test/helpers/shared-ledger.ts';

const home = mkdtempSync(join(tmpdir(), 'netledger-hostile-'));
const env = {
  ...sharedLedgerEnv(),
  NETLEDGER_HOME: home,
  CLUSTERS: 'myeks',
  VPC_IDS: 'vpc-0a1b2c3d4e5f60718',
  DEREGISTRATION_DELAY_DEFAULT: '60',
};

/** The story the hostile events try to disturb: a node with addresses, an LB with targets. */
/** Each CLI run replays many events: slow on a loaded machine. */
const CLI_TIMEOUT = 170_000;

const BASELINE = [
  'events/samples/ec2/node-lifecycle',
  'events/samples/elb/create-load-balancer.json',
  'events/samples/elb/create-target-group.json',
  'events/samples/elb/modify-target-group-attributes.json',
  'events/samples/elb/register-targets.json',
  'events/samples/elb/add-tags.json',
];

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('hostile events through the CLI and the real handlers: refused, one line each, nothing changed', () => {
  let before = '';
  let lines: string[] = [];
  let code = -1;

  beforeAll(async () => {
    const baseline = await runCli(['replay', '--reset', ...BASELINE], env, undefined, CLI_TIMEOUT);
    if (baseline.code !== 0) throw new Error(`baseline replay failed: ${baseline.stderr}`);
    before = (await runCli(['report', 'all', '--json'], env, undefined, CLI_TIMEOUT)).stdout;
    const dir = join(home, 'hostile');
    mkdirSync(dir);
    HOSTILE_EVENTS.forEach((c, i) => {
      const name = `${String(i).padStart(3, '0')}.json`;
      writeFileSync(join(dir, name), JSON.stringify(hostileEvent(c, i)));
    });
    const run = await runCli(['replay', dir], env, undefined, CLI_TIMEOUT);
    code = run.code;
    lines = run.stdout.trim().split('\n');
  }, 3 * CLI_TIMEOUT);

  test('every case is a line of its own, all ignored, and the run succeeds', () => {
    expect(code).toBe(0);
    // One line per event, the outcome summary, then the parking summary: refused events are
    // never parked, so nothing waits for a subject.
    expect(lines).toHaveLength(HOSTILE_EVENTS.length + 2);
    expect(lines.at(-2)).toBe(`${HOSTILE_EVENTS.length} events: ${HOSTILE_EVENTS.length} ignored`);
    expect(lines.at(-1)).toBe('parked 0, applied later 0, still parked 0');
  });

  test.each(HOSTILE_EVENTS.map((c, i) => ({ ...c, i })))('$family: $name', ({ i, reason }) => {
    const line = lines[i] ?? '';
    expect(line).toMatch(/^ignored\s/);
    expect(line).toMatch(reason);
    expect(line).not.toContain('\n');
    expect(line.length).toBeLessThan(600);
  });

  test(
    'the ledger is exactly what it was before them',
    async () => {
      const after = await runCli(['report', 'all', '--json'], env, undefined, CLI_TIMEOUT);
      expect(after.stdout).toBe(before);
    },
    CLI_TIMEOUT,
  );

  test(
    'dns plan lists a tag entry that cannot be a hostname as a conflict and plans nothing for it',
    async () => {
      // Prepare: the LB of the story gets a tag with one good and two bad hostnames.
      const tags = sample('elb/add-tags.json');
      const lb = sample('elb/create-load-balancer.json').detail.responseElements.loadBalancers[0];
      tags.id = 'hostile-dns-tag';
      tags.detail.eventID = 'hostile-dns-tag';
      tags.detail.requestParameters = {
        resourceArns: [lb.loadBalancerArn],
        tags: [
          {
            key: HOSTNAME_TAG,
            value: `ok.example.com,${'x'.repeat(300)}.example.com,日本.example.com,a b.example.com`,
          },
        ],
      };
      const file = join(home, 'dns-tag.json');
      writeFileSync(file, JSON.stringify(tags));
      expect((await runCli(['replay', file], env, undefined, CLI_TIMEOUT)).code).toBe(0);
      // Act
      const run = await runCli(
        ['dns', 'plan', '--zone', 'Z0EXAMPLE1=example.com', '--json'],
        { ...env, DNS_OWNER_ID: 'netledger-test' },
        undefined,
        CLI_TIMEOUT,
      );
      // Assess
      expect(run.code).toBe(0);
      const plan = JSON.parse(run.stdout);
      const created = plan.create.map((r: { name: string }) => r.name).sort();
      expect(created).toEqual(['ok.example.com', 'xn--wgv71a.example.com']);
      const invalid = plan.conflicts.filter(
        (c: { reason: string }) => c.reason === 'invalid-hostname',
      );
      expect(invalid.map((c: { detail: string }) => c.detail)).toEqual([
        expect.stringMatching(/label of 300 characters .* no record, no Route53 call$/),
        expect.stringMatching(/"a b\.example\.com" contains a space; no record, no Route53 call$/),
      ]);
    },
    2 * CLI_TIMEOUT,
  );
});
