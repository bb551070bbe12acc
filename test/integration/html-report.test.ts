import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HTML_SECTIONS } from '#local/html-report.ts';
import { runCli } from '#test/helpers/run-cli.ts';
import { sharedLedgerEnv } from '#test/helpers/shared-ledger.ts';

/** Debian's chromium (.ci/run installs it); playwright-core brings no browser of its own. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const home = mkdtempSync(join(tmpdir(), 'netledger-html-'));
const page = join(home, 'report.html');
const env = {
  NETLEDGER_HOME: home,
  ...sharedLedgerEnv(),
  CLUSTERS: 'myeks',
  VPC_IDS: 'vpc-0a1b2c3d4e5f60718',
  DEREGISTRATION_DELAY_DEFAULT: '60',
  DNS_ZONES: 'Z0LOCAL=example.com',
  DNS_OWNER_ID: 'netledger-test',
};

/** The npm start story, plus the LB controller tagging the NLB with a hostname. */
const STORY = [
  'events/samples/ec2/node-lifecycle',
  'events/samples/elb/create-load-balancer.json',
  'events/samples/elb/create-target-group.json',
  'events/samples/elb/modify-target-group-attributes.json',
  'events/samples/elb/register-targets.json',
  'events/samples/elb/add-tags.json',
  'events/samples/elb/modify-target-group-attributes-console-300.json',
  'events/samples/ec2/node-termination',
];
const LB_ARN =
  'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:loadbalancer/net/k8s-default-echo-3f6a1b2c9d/4c9e1f2a7b3d8e05';

function hostnameTagEvent(): string {
  const sample = JSON.parse(readFileSync('events/samples/elb/add-tags.json', 'utf8'));
  sample.id = '7e2a9c14-58b3-4d61-a0f2-c93e1b6d4a99';
  sample.time = '2026-11-21T10:04:00Z';
  sample.detail.eventTime = '2026-11-21T10:04:00Z';
  sample.detail.eventID = 'f5d1a7e6-0b8c-4d4e-9a65-7c2b9ebdf099';
  sample.detail.requestParameters = {
    resourceArns: [LB_ARN],
    tags: [{ key: 'netledger/hostname', value: 'echo.example.com' }],
  };
  const file = join(home, 'tag-hostname.json');
  writeFileSync(file, JSON.stringify(sample));
  return file;
}

let browser: Browser;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
  // 21 events through the real handlers, each starting its own DynamoDB Local: slow on a busy machine.
  const replay = await runCli(
    ['replay', '--reset', ...STORY, hostnameTagEvent()],
    env,
    undefined,
    200_000,
  );
  expect(replay.code, replay.stderr).toBe(0);
  const apply = await runCli(['dns', 'apply'], env);
  expect(apply.code, apply.stderr).toBe(0);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('netledger report --html', () => {
  test('writes one self-contained page that Chromium draws: chart marks in every section, no console error', async () => {
    // Act
    const run = await runCli(['report', '--html', page], env);
    const html = readFileSync(page, 'utf8');
    const tab = await browser.newPage({ viewport: { width: 1024, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    tab.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    tab.on('pageerror', (e) => errors.push(String(e)));
    tab.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await tab.goto(`file://${page}`);
    const marks = Object.fromEntries(
      await Promise.all(
        HTML_SECTIONS.map(
          async (id) =>
            [id, await tab.locator(`section#${id} svg g.role-mark > *`).count()] as const,
        ),
      ),
    );
    const text = await tab.locator('body').innerText();
    await tab.screenshot({ path: join(home, 'report.png'), fullPage: true });
    await tab.close();

    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(page);
    for (const id of HTML_SECTIONS) expect(marks[id], `chart marks in #${id}`).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]); // offline: no script, stylesheet or font from anywhere
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(text).toContain('echo.example.com');
    expect(text).toMatch(/runs out in about \d+ (hours|days) at the current rate/);
    expect(text).toContain('192.168.1.21:8080 ip-not-on-any-eni');
    expect(statSync(join(home, 'report.png')).size).toBeGreaterThan(10_000);
  }, 120_000);
});

describe('netledger report all on the same ledger', () => {
  test('every table fits 100 columns, ARNs shortened to names; --wide keeps the full ARNs', async () => {
    // Act
    const narrow = await runCli(['report', 'all'], env);
    const wide = await runCli(['report', 'all', '--wide'], env);

    // Assess
    expect(narrow.code).toBe(0);
    const longest = Math.max(...narrow.stdout.split('\n').map((line) => line.length));
    expect(longest).toBeLessThanOrEqual(100);
    expect(narrow.stdout).toContain('k8s-default-echo-');
    expect(narrow.stdout).not.toContain('arn:aws:elasticloadbalancing');
    expect(narrow.stdout).toMatch(/~\d+ (hours|days)/); // the subnet forecast column
    expect(wide.stdout).toContain(
      'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/k8s-default-echo-8d2e5f1a7c/6b1d3f5a7c9e2b40',
    );
  }, 120_000);
});
