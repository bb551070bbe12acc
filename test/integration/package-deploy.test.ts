import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type PackagedService,
  PROJECT_ROOT,
  packageService,
  TEST_STAGE,
} from '#test/helpers/package-once.ts';

// biome-ignore lint/suspicious/noExplicitAny: the deployed account's description is arbitrary JSON
type Json = any;

/** Every param whose value changes which resources or properties the template holds. */
const FEATURES_ON = {
  alarmTopicArn: 'arn:aws:sns:eu-south-2:111122223333:ops-alarms',
  dnsZones: 'Z0123456789ABC=example.com,Z0987654321XYZ=internal.example:private',
  dnsOwnerId: 'netledger-ci',
  driftRemediate: 'true',
} as const;

const TEMPLATES = [
  'cloudformation-template-create-stack.json',
  'cloudformation-template-update-stack.json',
];

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], timeout: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
        stdout,
        stderr,
      });
    });
  });
}

/** cfn-lint's findings for the package's templates, one `RULE path:line` line each. */
async function lint(pkg: PackagedService): Promise<string[]> {
  const result = await run(
    'cfn-lint',
    TEMPLATES.map((t) => join(pkg.dir, t)),
    60_000,
  );
  if (result.code !== 0 && result.stdout.trim() === '') {
    throw new Error(`cfn-lint failed without findings: ${result.stderr}`);
  }
  return result.stdout.split('\n').filter((line) => /^[EWI]\d{4}/.test(line));
}

const packages: Record<'defaults' | 'featuresOn', PackagedService | undefined> = {
  defaults: undefined,
  featuresOn: undefined,
};

beforeAll(async () => {
  // One at a time: two osls runs at once would share the .serverless and .esbuild folders.
  packages.defaults = await packageService();
  packages.featuresOn = await packageService(FEATURES_ON);
}, 240_000);

afterAll(async () => {
  await packages.defaults?.cleanup();
  await packages.featuresOn?.cleanup();
});

describe('cfn-lint', () => {
  test.each(['defaults', 'featuresOn'] as const)(
    'finds no error or warning in the templates packaged with the %s params',
    async (which) => {
      // Act
      const findings = await lint(packages[which] as PackagedService);
      // Assess
      expect(findings).toEqual([]);
    },
    120_000,
  );

  test('ships no CloudFormation condition: params are decided at package time', async () => {
    for (const pkg of Object.values(packages)) {
      const template = JSON.parse(await readFile(join(pkg?.dir ?? '', TEMPLATES[1] ?? ''), 'utf8'));
      expect(template.Conditions).toBeUndefined();
      expect(JSON.stringify(template)).not.toContain('"Fn::If"');
    }
  });
});

describe("the packaged stack deployed into moto's CloudFormation", () => {
  let account: Json;
  let template: Json;

  beforeAll(async () => {
    const pkg = packages.featuresOn as PackagedService;
    template = JSON.parse(await readFile(join(pkg.dir, TEMPLATES[1] ?? ''), 'utf8'));
    const deployed = await run(
      process.env.NETLEDGER_PYTHON ?? 'python3',
      [join(PROJECT_ROOT, 'test/helpers/deploy-to-moto.py'), pkg.dir, `netledger-${TEST_STAGE}`],
      120_000,
    );
    if (deployed.code !== 0) throw new Error(`deploy-to-moto failed:\n${deployed.stderr}`);
    account = JSON.parse(deployed.stdout);
  }, 150_000);

  test('create-stack, then the zips, then update-stack all complete', () => {
    expect(account.created).toBe('CREATE_COMPLETE');
    expect(account.status).toBe('UPDATE_COMPLETE');
  });

  test('the ledger table comes up with its keys and every index the template defines', () => {
    const defined = template.Resources.LedgerTable.Properties.GlobalSecondaryIndexes.map(
      (i: Json) => i.IndexName,
    );
    const tables = Object.values(account.tables) as Json[];
    expect(tables).toHaveLength(1);
    expect(tables[0].keys).toEqual(['PK', 'SK']);
    expect(tables[0].indexes).toEqual([...defined].sort());
  });

  test('the alerts topic and one dead-letter queue per function come up', () => {
    expect(account.topics).toHaveLength(1);
    expect(account.topics[0]).toMatch(/AlertTopic/);
    const queues = (account.queues as string[]).map((url) => url.replace(/.*\/netledger-ci-/, ''));
    for (const fn of ['InstanceState', 'EniActivity', 'ElbActivity', 'Sweep', 'Notify']) {
      expect(
        queues.some((q) => q.startsWith(`${fn}DeadLetterQueue-`)),
        fn,
      ).toBe(true);
    }
  });

  test.each([
    { rule: 'instance-state', fn: 'instanceState', pattern: 'instance-state.json' },
    { rule: 'eni-activity', fn: 'eniActivity', pattern: 'eni-activity.json' },
    { rule: 'elb-activity', fn: 'elbActivity', pattern: 'elb-activity.json' },
  ])('rule $rule carries events/patterns/$pattern to $fn', async ({ rule, fn, pattern }) => {
    const expected = JSON.parse(
      await readFile(join(PROJECT_ROOT, 'events/patterns', pattern), 'utf8'),
    );
    const deployed = account.rules[`netledger-ci-${rule}`];
    expect(deployed.pattern).toEqual(expected);
    expect(deployed.targets).toEqual([account.functions[`netledger-ci-${fn}`].arn]);
  });

  test('the sweep rule runs on the schedule', () => {
    const sweep = account.rules['netledger-ci-sweep'];
    expect(sweep.schedule).toBe('rate(10 minutes)');
    expect(sweep.targets).toEqual([account.functions['netledger-ci-sweep'].arn]);
  });

  test('every function comes up on Node.js 22 with its handler', () => {
    const functions = account.functions as Record<string, Json>;
    expect(Object.keys(functions).sort()).toEqual(
      ['elbActivity', 'eniActivity', 'instanceState', 'notify', 'sweep'].map(
        (f) => `netledger-ci-${f}`,
      ),
    );
    for (const f of Object.values(functions)) {
      expect(f.runtime).toBe('nodejs22.x');
      expect(f.handler).toMatch(/^functions\/[a-z-]+\.handler$/);
      expect(Object.keys(account.roles)).toContain(f.role);
    }
  });
});
