import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DNS_RECORD_TYPES } from '#core/dns/dns-record.ts';
import { METRICS } from '#shared/metric-names.ts';
import { actionsCalledBy } from '#test/helpers/bundle-calls.ts';
import {
  type PackagedService,
  PROJECT_ROOT,
  packageService,
  TEST_PARAMS,
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
  createTrail: 'true',
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
    const roles = Object.values(functions).map((f) => f.role);
    expect(new Set(roles).size).toBe(roles.length);
  });
});

const FUNCTIONS = [
  { key: 'instanceState', id: 'InstanceState', entry: 'functions/instance-state.ts' },
  { key: 'eniActivity', id: 'EniActivity', entry: 'functions/eni-activity.ts' },
  { key: 'elbActivity', id: 'ElbActivity', entry: 'functions/elb-activity.ts' },
  { key: 'sweep', id: 'Sweep', entry: 'functions/sweep.ts' },
  { key: 'notify', id: 'Notify', entry: 'functions/notify.ts' },
] as const;

/** What any function needs to run: its log stream, X-Ray, its on-failure queue. */
const RUNTIME_ACTIONS = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'sqs:SendMessage',
];

/** Actions a call implies: the AWS managed keys behind the encrypted topic and parameter. */
const IMPLIED: Readonly<Record<string, readonly string[]>> = {
  'sns:Publish': ['kms:GenerateDataKey', 'kms:Decrypt'],
  'ssm:GetParameter': ['kms:Decrypt'],
};

/** Actions granted only while their feature is on. */
const OPTIONAL = /^(route53:|elasticloadbalancing:ModifyTargetGroupAttributes$)/;

async function updateTemplate(pkg: PackagedService | undefined): Promise<Json> {
  return JSON.parse(await readFile(join(pkg?.dir ?? '', TEMPLATES[1] ?? ''), 'utf8'));
}

function roleOf(template: Json, id: string): { roleId: string; statements: Json[] } {
  const role = template.Resources[`${id}LambdaFunction`].Properties.Role;
  const roleId = /^\$\{(\w+)\.Arn\}$/.exec(role?.['Fn::Sub'] ?? '')?.[1] ?? '';
  const resource = template.Resources[roleId];
  expect(resource?.Type, `${id}'s role ${JSON.stringify(role)}`).toBe('AWS::IAM::Role');
  const statements = resource.Properties.Policies.flatMap((p: Json) => p.PolicyDocument.Statement);
  return { roleId, statements };
}

const actionsIn = (statements: readonly Json[]): string[] =>
  statements.flatMap((s) => [s.Action].flat() as string[]);

function expectedActions(called: readonly string[]): string[] {
  const implied = called.flatMap((a) => IMPLIED[a] ?? []);
  return [...new Set([...called, ...implied, ...RUNTIME_ACTIONS])].sort();
}

describe('least privilege: one role per function, only the calls its bundle makes', () => {
  const templates: Record<'defaults' | 'featuresOn', Json> = { defaults: {}, featuresOn: {} };
  const called = new Map<string, string[]>();

  beforeAll(async () => {
    templates.defaults = await updateTemplate(packages.defaults);
    templates.featuresOn = await updateTemplate(packages.featuresOn);
    for (const f of FUNCTIONS) called.set(f.key, await actionsCalledBy(f.entry));
  }, 60_000);

  test.each(['defaults', 'featuresOn'] as const)(
    'with the %s params every function has a role of its own and there is no other',
    (which) => {
      const template = templates[which];
      const roleIds = FUNCTIONS.map((f) => roleOf(template, f.id).roleId);
      const iam = Object.entries(template.Resources as Record<string, Json>)
        .filter(([, r]) => r.Type.startsWith('AWS::IAM::'))
        .map(([id]) => id);
      expect(new Set(roleIds).size).toBe(FUNCTIONS.length);
      expect(iam.sort()).toEqual([...roleIds].sort());
    },
  );

  test.each(
    FUNCTIONS.flatMap((f) => [
      { ...f, which: 'featuresOn' as const },
      { ...f, which: 'defaults' as const },
    ]),
  )('$key ($which): granted actions are exactly what its bundle calls', ({ key, id, which }) => {
    // Prepare: with a feature off, its optional actions must not be granted at all.
    const calls = (called.get(key) ?? []).filter(
      (a) => which === 'featuresOn' || !OPTIONAL.test(a),
    );
    // Act
    const granted = [...new Set(actionsIn(roleOf(templates[which], id).statements))].sort();
    // Assess
    expect(calls.length).toBeGreaterThan(0);
    expect(granted).toEqual(expectedActions(calls));
  });

  test("the bundles differ: no function is granted another function's calls", () => {
    expect(called.get('notify')).toEqual(['ssm:GetParameter']);
    expect(called.get('instanceState')?.some((a) => a.startsWith('route53:'))).toBe(false);
    expect(called.get('elbActivity')?.some((a) => a.startsWith('ec2:'))).toBe(false);
    expect(called.get('sweep')).toContain('route53:ChangeResourceRecordSets');
  });

  test('no action anywhere is a wildcard', () => {
    for (const template of Object.values(templates)) {
      for (const f of FUNCTIONS) {
        for (const action of actionsIn(roleOf(template, f.id).statements)) {
          expect(action, f.key).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
        }
      }
    }
  });

  test('Route53 is granted on the configured zones only, for the record types netledger owns', () => {
    for (const f of FUNCTIONS) {
      const route53 = roleOf(templates.featuresOn, f.id).statements.filter((s: Json) =>
        actionsIn([s]).some((a) => a.startsWith('route53:')),
      );
      for (const s of route53) {
        expect(
          (s.Resource as Json[]).map((r) =>
            JSON.stringify(r).replace(/.*hostedzone\/(\w+).*/, '$1'),
          ),
        ).toEqual(['Z0123456789ABC', 'Z0987654321XYZ']);
        if (s.Action === 'route53:ChangeResourceRecordSets') {
          const types =
            s.Condition['ForAllValues:StringEquals']['route53:ChangeResourceRecordSetsRecordTypes'];
          expect([...types].sort()).toEqual([...DNS_RECORD_TYPES, 'TXT'].sort());
        }
      }
    }
  });

  test('ModifyTargetGroupAttributes only on target groups the controller tagged for a cluster in scope', () => {
    const statements = FUNCTIONS.flatMap(
      (f) => roleOf(templates.featuresOn, f.id).statements,
    ).filter((s: Json) => s.Action === 'elasticloadbalancing:ModifyTargetGroupAttributes');
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) {
      expect(JSON.stringify(s.Resource)).toContain(':targetgroup/*/*');
      expect(s.Condition).toEqual({
        StringEquals: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': TEST_PARAMS.clusters.split(',') },
      });
    }
  });

  test.each(FUNCTIONS)(
    '$key writes only to its own logs and dead-letter queue, the table and the topic',
    ({ id }) => {
      const resourceOf = (action: string) =>
        roleOf(templates.featuresOn, id)
          .statements.filter((s: Json) => actionsIn([s]).includes(action))
          .map((s: Json) => s.Resource);
      expect(resourceOf('logs:PutLogEvents')).toEqual([{ 'Fn::GetAtt': [`${id}LogGroup`, 'Arn'] }]);
      expect(resourceOf('sqs:SendMessage')).toEqual([
        { 'Fn::GetAtt': [`${id}DeadLetterQueue`, 'Arn'] },
      ]);
      for (const r of resourceOf('dynamodb:PutItem')) {
        expect(r[0]).toEqual({ 'Fn::GetAtt': ['LedgerTable', 'Arn'] });
      }
      for (const r of resourceOf('sns:Publish')) expect(r).toEqual({ Ref: 'AlertTopic' });
      for (const r of resourceOf('ssm:GetParameter')) {
        expect(JSON.stringify(r)).toContain(':parameter/netledger/slack-webhook-url');
      }
    },
  );
});

describe('the dashboard and alarms', () => {
  let template: Json;

  beforeAll(async () => {
    template = await updateTemplate(packages.defaults);
  });

  /** The metric names of our namespace the dashboard graphs, searches included. */
  function dashboardMetricNames(): string[] {
    const body = JSON.parse(
      template.Resources.OperationsDashboard.Properties.DashboardBody['Fn::Sub'],
    );
    const names = new Set<string>();
    for (const w of body.widgets as Json[]) {
      for (const m of w.properties.metrics as Json[]) {
        if (m[0] === 'netledger') names.add(m[1]);
        const search = /SEARCH\('\{netledger,[^}]*\} MetricName="(\w+)"/.exec(
          m[0]?.expression ?? '',
        );
        if (search?.[1]) names.add(search[1]);
      }
    }
    return [...names].sort();
  }

  test('graphs exactly the metrics the code writes', () => {
    expect(dashboardMetricNames()).toEqual(Object.values(METRICS).sort());
  });

  test('the code writes metrics only under the names in functions/shared/metric-names.ts', async () => {
    const root = join(PROJECT_ROOT, 'functions');
    const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.ts'));
    let calls = 0;
    for (const file of files) {
      const source = await readFile(join(root, file), 'utf8');
      for (const m of source.matchAll(/\.addMetric\(\s*([^,]+),/g)) {
        calls++;
        expect(m[1], `functions/${file}`).toMatch(
          /^(METRICS\.\w+|METRICS\[name\]|METRIC\[outcome\.status\])$/,
        );
      }
    }
    expect(calls).toBeGreaterThanOrEqual(5);
  });

  test("graphs every dead-letter queue and every function's errors", () => {
    const text = template.Resources.OperationsDashboard.Properties.DashboardBody['Fn::Sub'];
    for (const f of FUNCTIONS) {
      expect(text).toContain(`\${${f.id}DeadLetterQueue.QueueName}`);
      expect(text).toContain(`\${${f.id}LambdaFunction}`);
    }
  });

  test('a sweep over half its timeout raises an alarm', () => {
    const alarm = template.Resources.SlowSweepAlarm.Properties;
    const timeout = template.Resources.SweepLambdaFunction.Properties.Timeout;
    expect(alarm.MetricName).toBe('Duration');
    expect(alarm.Dimensions).toEqual([
      { Name: 'FunctionName', Value: { Ref: 'SweepLambdaFunction' } },
    ]);
    expect(alarm.Threshold).toBe((timeout * 1000) / 2);
    expect(alarm.ComparisonOperator).toBe('GreaterThanThreshold');
  });

  test('alarm actions go to the alarm topic when one is configured, and nowhere otherwise', async () => {
    const withTopic = await updateTemplate(packages.featuresOn);
    for (const [id, r] of Object.entries(withTopic.Resources as Record<string, Json>)) {
      if (r.Type !== 'AWS::CloudWatch::Alarm') continue;
      expect(r.Properties.AlarmActions, id).toEqual([FEATURES_ON.alarmTopicArn]);
      expect(template.Resources[id].Properties.AlarmActions, id).toBeUndefined();
    }
  });
});
