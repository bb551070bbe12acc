import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readNotifyConfig } from '#app/notify-handler.ts';
import { loadConfig } from '#shared/config.ts';
import {
  type CfnResource,
  type CfnTemplate,
  type PackagedService,
  PROJECT_ROOT,
  packageOnce,
  printService,
  resolveEnvironment,
  runOsls,
  TEST_PARAMS,
  TEST_STAGE,
  zipEntries,
} from '#test/helpers/package-once.ts';
import { SWEEP_MEMORY_MB } from '../../bench/sweep-child.ts';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are arbitrary JSON
type Json = any;

interface FunctionSpec {
  readonly key: string;
  readonly logicalId: string;
  readonly module: string;
}

const FUNCTIONS: readonly FunctionSpec[] = [
  {
    key: 'instanceState',
    logicalId: 'InstanceStateLambdaFunction',
    module: 'functions/instance-state',
  },
  { key: 'eniActivity', logicalId: 'EniActivityLambdaFunction', module: 'functions/eni-activity' },
  { key: 'elbActivity', logicalId: 'ElbActivityLambdaFunction', module: 'functions/elb-activity' },
  { key: 'sweep', logicalId: 'SweepLambdaFunction', module: 'functions/sweep' },
  { key: 'notify', logicalId: 'NotifyLambdaFunction', module: 'functions/notify' },
];

const PATTERN_RULES = [
  { logicalId: 'InstanceStateLambdaFunction', pattern: 'instance-state.json' },
  { logicalId: 'EniActivityLambdaFunction', pattern: 'eni-activity.json' },
  { logicalId: 'ElbActivityLambdaFunction', pattern: 'elb-activity.json' },
] as const;

const EVENTBRIDGE_TRIGGERED = [...PATTERN_RULES.map((r) => r.logicalId), 'SweepLambdaFunction'];

async function readJson(path: string): Promise<Json> {
  return JSON.parse(await readFile(join(PROJECT_ROOT, path), 'utf8'));
}

function ofType(template: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

function props(template: CfnTemplate, logicalId: string): Json {
  const resource = template.Resources[logicalId];
  if (!resource) throw new Error(`no resource ${logicalId} in the template`);
  return resource.Properties ?? {};
}

/** Rules whose targets invoke the given function. */
function rulesFor(template: CfnTemplate, functionLogicalId: string): Json[] {
  return ofType(template, 'AWS::Events::Rule')
    .map(([, r]) => r.Properties as Json)
    .filter((p) =>
      (p.Targets as Json[]).some((t) => t.Arn?.['Fn::GetAtt']?.[0] === functionLogicalId),
    );
}

/** The logical id behind `{ "Fn::GetAtt": [id, "Arn"] }`, checked to be an SQS queue. */
function queueOf(template: CfnTemplate, arn: Json): string {
  const id = arn?.['Fn::GetAtt']?.[0];
  expect(template.Resources[id]?.Type, `queue ${JSON.stringify(arn)}`).toBe('AWS::SQS::Queue');
  expect(arn['Fn::GetAtt'][1]).toBe('Arn');
  return id;
}

/** What CloudFormation would put behind the Refs the environment uses. */
const REFS = {
  LedgerTable: 'netledger-ci-LedgerTable-1ABCDEFGHIJ2K',
  AlertTopic: 'arn:aws:sns:eu-south-2:111122223333:netledger-ci-AlertTopic-AbCdEfGh1234',
};

/** The cold-start readers a handler module may call with process.env. */
const READERS: Readonly<Record<string, (env: Record<string, string | undefined>) => unknown>> = {
  loadConfig,
  readNotifyConfig,
};

/** Variables without a default in the code: the stack's own resources or required params supply them. */
const SUPPLIED_BY_STACK = [
  'TABLE_NAME',
  'ALERT_TOPIC_ARN',
  'CLUSTERS',
  'VPC_IDS',
  // The stack's own schedule for the sweep, told to the code (which has none of its own).
  'SWEEP_SCHEDULE',
  'SLACK_WEBHOOK_PARAMETER',
];

/** The names `reader` looks up (zod's reads included) while it accepts a minimal valid env. */
function variablesReadBy(reader: (env: Record<string, string | undefined>) => unknown): string[] {
  const read = new Set<string>();
  const minimal: Record<string, string | undefined> = {
    TABLE_NAME: 'ledger',
    CLUSTERS: 'all',
    VPC_IDS: 'all',
    SLACK_WEBHOOK_PARAMETER: '/slack',
  };
  reader(
    new Proxy(minimal, {
      get(target, key, receiver) {
        if (typeof key === 'string') read.add(key);
        return Reflect.get(target, key, receiver);
      },
    }),
  );
  return [...read];
}

/** The readers a handler module calls on process.env at cold start, found in its source. */
async function readersOf(module: string): Promise<string[]> {
  const source = await readFile(join(PROJECT_ROOT, `${module}.ts`), 'utf8');
  const names = [...source.matchAll(/\b(\w+)\(process\.env\)/g)].map((m) => m[1] ?? '');
  const stray = /process\.env(\.|\[)/.exec(source);
  expect(stray, `${module} reads process.env outside a config reader`).toBeNull();
  for (const name of names) expect(Object.keys(READERS), `${module} calls ${name}`).toContain(name);
  return names;
}

async function variablesOf(module: string): Promise<string[]> {
  const readers = await readersOf(module);
  return [...new Set(readers.flatMap((name) => variablesReadBy(READERS[name] ?? (() => null))))];
}

function pick(env: Readonly<Record<string, string>>, names: readonly string[]) {
  return Object.fromEntries(Object.entries(env).filter(([k]) => names.includes(k)));
}

/** Lambda's limit on the environment: the total size of all names and values. */
const LAMBDA_ENVIRONMENT_LIMIT = 4096;
const environmentSize = (env: Readonly<Record<string, string>>) =>
  Object.entries(env).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);

/**
 * A valid, non-default value for every param that feeds a config variable, as an operator
 * would pass them. Checked below to cover every variable loadConfig reads.
 */
const OVERRIDES = [
  { param: 'clusters', variable: 'CLUSTERS', value: 'prod-a,prod-b' },
  { param: 'vpcIds', variable: 'VPC_IDS', value: 'vpc-0123456789abcdef0' },
  { param: 'prefixDelegationClusters', variable: 'PREFIX_DELEGATION_CLUSTERS', value: 'prod-a' },
  { param: 'customNetworkingClusters', variable: 'CUSTOM_NETWORKING_CLUSTERS', value: 'prod-b' },
  { param: 'maxEnis', variable: 'MAX_ENIS', value: 'prod-a=3,prod-b=2' },
  { param: 'nodeMinFreeSlots', variable: 'NODE_MIN_FREE_SLOTS', value: '5' },
  { param: 'nodeMinFreePercent', variable: 'NODE_MIN_FREE_PERCENT', value: '15' },
  { param: 'nodeClearMarginSlots', variable: 'NODE_CLEAR_MARGIN_SLOTS', value: '4' },
  { param: 'subnetMinFreeAddresses', variable: 'SUBNET_MIN_FREE_ADDRESSES', value: '128' },
  { param: 'subnetMinFreePercent', variable: 'SUBNET_MIN_FREE_PERCENT', value: '20' },
  { param: 'subnetClearMarginAddresses', variable: 'SUBNET_CLEAR_MARGIN_ADDRESSES', value: '32' },
  {
    param: 'subnetExhaustionHorizonHours',
    variable: 'SUBNET_EXHAUSTION_HORIZON_HOURS',
    value: '24',
  },
  {
    param: 'subnetExhaustionWindowHours',
    variable: 'SUBNET_EXHAUSTION_WINDOW_HOURS',
    value: '6',
  },
  { param: 'subnetMinFreePrefixBlocks', variable: 'SUBNET_MIN_FREE_PREFIX_BLOCKS', value: '8' },
  {
    param: 'subnetClearMarginPrefixBlocks',
    variable: 'SUBNET_CLEAR_MARGIN_PREFIX_BLOCKS',
    value: '3',
  },
  { param: 'alertRemindAfterSeconds', variable: 'ALERT_REMIND_AFTER_SECONDS', value: '7200' },
  { param: 'alertReopenQuietSeconds', variable: 'ALERT_REOPEN_QUIET_SECONDS', value: '900' },
  { param: 'sweepSchedule', variable: 'SWEEP_SCHEDULE', value: 'rate(15 minutes)' },
  { param: 'deregistrationDelayDefault', variable: 'DEREGISTRATION_DELAY_DEFAULT', value: '60' },
  {
    param: 'deregistrationDelayClusters',
    variable: 'DEREGISTRATION_DELAY_CLUSTERS',
    value: 'prod-a=30',
  },
  {
    param: 'deregistrationDelayStacks',
    variable: 'DEREGISTRATION_DELAY_STACKS',
    value: 'shop/web=10,shop/api=20',
  },
  { param: 'driftRemediate', variable: 'DRIFT_REMEDIATE', value: 'true' },
  {
    param: 'dnsZones',
    variable: 'DNS_ZONES',
    value: 'Z0123456789ABC=example.com,Z0987654321XYZ=internal.example:private',
  },
  { param: 'dnsOwnerId', variable: 'DNS_OWNER_ID', value: 'netledger-prod-eu' },
  { param: 'dnsPolicy', variable: 'DNS_POLICY', value: 'upsert-only' },
  { param: 'dnsTxtPrefix', variable: 'DNS_TXT_PREFIX', value: '%{record_type}-' },
  {
    param: 'dnsStatic',
    variable: 'DNS_STATIC',
    value:
      'api.example.com=arn:aws:elasticloadbalancing:eu-south-2:111122223333:loadbalancer/net/api/0123456789abcdef',
  },
  { param: 'dnsDryRun', variable: 'DNS_DRY_RUN', value: 'true' },
] as const;

let pkg: PackagedService;
let template: CfnTemplate;

beforeAll(async () => {
  pkg = await packageOnce();
  template = pkg.template;
}, 120_000);

afterAll(async () => {
  await pkg?.cleanup();
});

describe('the packaged CloudFormation template', () => {
  test('includes the ledger table exactly as infra/ledger-table.json defines it', async () => {
    // Prepare
    const fragment = await readJson('infra/ledger-table.json');
    // Act
    const table = template.Resources.LedgerTable;
    // Assess
    expect(table).toEqual(fragment.Resources.LedgerTable);
    const p = props(template, 'LedgerTable');
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(p.SSESpecification.SSEEnabled).toBe(true);
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    const defined = new Set((p.AttributeDefinitions as Json[]).map((a) => a.AttributeName));
    expect(p.GlobalSecondaryIndexes.length).toBeGreaterThan(0);
    for (const index of p.GlobalSecondaryIndexes as Json[]) {
      for (const key of index.KeySchema as Json[]) expect(defined).toContain(key.AttributeName);
    }
  });

  test.each(PATTERN_RULES)(
    '$logicalId has exactly one rule, with the pattern of events/patterns/$pattern',
    async ({ logicalId, pattern }) => {
      // Prepare
      const expected = await readJson(`events/patterns/${pattern}`);
      // Act
      const rules = rulesFor(template, logicalId);
      // Assess
      expect(rules).toHaveLength(1);
      expect(rules[0].EventPattern).toEqual(expected);
      expect(rules[0].State).toBe('ENABLED');
    },
  );

  test('the sweep runs on the default schedule, from a rule without a pattern', () => {
    // Act
    const rules = rulesFor(template, 'SweepLambdaFunction');
    // Assess
    expect(rules).toHaveLength(1);
    expect(rules[0].ScheduleExpression).toBe('rate(10 minutes)');
    expect(rules[0].EventPattern).toBeUndefined();
  });

  test('there is no rule beyond the four triggers', () => {
    expect(ofType(template, 'AWS::Events::Rule')).toHaveLength(EVENTBRIDGE_TRIGGERED.length);
  });

  test.each(EVENTBRIDGE_TRIGGERED)(
    '%s: undeliverable and finally failed events land in an SQS queue',
    (logicalId) => {
      // Act
      const [rule] = rulesFor(template, logicalId);
      const target = rule.Targets[0];
      const invokeConfig = ofType(template, 'AWS::Lambda::EventInvokeConfig')
        .map(([, r]) => r.Properties as Json)
        .find((p) => p.FunctionName.Ref === logicalId);
      // Assess
      expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
      const ruleQueue = queueOf(template, target.DeadLetterConfig.Arn);
      expect(invokeConfig).toBeDefined();
      expect(queueOf(template, invokeConfig.DestinationConfig.OnFailure.Destination)).toBe(
        ruleQueue,
      );
      const policy = ofType(template, 'AWS::SQS::QueuePolicy')
        .map(([, r]) => r.Properties as Json)
        .find((p) => (p.Queues as Json[]).some((q) => q.Ref === ruleQueue));
      const grant = (policy?.PolicyDocument.Statement as Json[] | undefined)?.find(
        (s) =>
          s.Principal?.Service === 'events.amazonaws.com' &&
          s.Resource['Fn::GetAtt'][0] === ruleQueue,
      );
      expect(grant?.Action).toBe('sqs:SendMessage');
      expect(JSON.stringify(grant.Condition)).toContain(`rule/${rule.Name}`);
    },
  );

  test('notify is subscribed to the alerts topic, with a dead-letter queue for both SNS and Lambda', () => {
    // Act
    const subscriptions = ofType(template, 'AWS::SNS::Subscription').map(
      ([, r]) => r.Properties as Json,
    );
    const invokeConfig = props(template, 'NotifyLambdaEvConf');
    // Assess
    expect(subscriptions).toHaveLength(1);
    const [subscription] = subscriptions;
    expect(subscription.TopicArn).toEqual({ Ref: 'AlertTopic' });
    expect(subscription.Protocol).toBe('lambda');
    expect(subscription.Endpoint).toEqual({ 'Fn::GetAtt': ['NotifyLambdaFunction', 'Arn'] });
    const queue = queueOf(template, subscription.RedrivePolicy.deadLetterTargetArn);
    expect(queueOf(template, invokeConfig.DestinationConfig.OnFailure.Destination)).toBe(queue);
  });

  test('the alerts topic and every queue are encrypted', () => {
    expect(props(template, 'AlertTopic').KmsMasterKeyId).toBe('alias/aws/sns');
    const queues = ofType(template, 'AWS::SQS::Queue');
    expect(queues.length).toBeGreaterThanOrEqual(FUNCTIONS.length);
    for (const [id, queue] of queues) {
      const p = queue.Properties as Json;
      expect(p.SqsManagedSseEnabled === true || typeof p.KmsMasterKeyId === 'string', id).toBe(
        true,
      );
    }
  });

  test('every queue has a depth alarm and every function an error alarm', () => {
    // Act
    const alarms = ofType(template, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties as Json);
    const watchedQueues = alarms
      .filter(
        (a) => a.Namespace === 'AWS/SQS' && a.MetricName === 'ApproximateNumberOfMessagesVisible',
      )
      .map((a) => a.Dimensions[0].Value['Fn::GetAtt'][0]);
    const watchedFunctions = alarms
      .filter((a) => a.Namespace === 'AWS/Lambda' && a.MetricName === 'Errors')
      .map((a) => a.Dimensions[0].Value.Ref);
    // Assess
    expect(watchedQueues.sort()).toEqual(
      ofType(template, 'AWS::SQS::Queue')
        .map(([id]) => id)
        .sort(),
    );
    expect(watchedFunctions.sort()).toEqual(FUNCTIONS.map((f) => f.logicalId).sort());
  });

  test.each(FUNCTIONS)(
    '$key runs Node.js 22 on arm64 with the ledger wiring',
    ({ logicalId, module }) => {
      // Act
      const p = props(template, logicalId);
      // Assess
      expect(p.Runtime).toBe('nodejs22.x');
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.Handler).toBe(`${module}.handler`);
      expect(p.TracingConfig).toEqual({ Mode: 'Active' });
      const env = p.Environment.Variables;
      expect(env.TABLE_NAME).toEqual({ Ref: 'LedgerTable' });
      expect(env.ALERT_TOPIC_ARN).toEqual({ Ref: 'AlertTopic' });
      expect(env.CLUSTERS).toBe(TEST_PARAMS.clusters);
      expect(env.VPC_IDS).toBe(TEST_PARAMS.vpcIds);
    },
  );

  test('the sweep has the memory the bench measures it under', () => {
    expect(props(template, 'SweepLambdaFunction').MemorySize).toBe(SWEEP_MEMORY_MB);
  });

  test('the sweep may run longer than the event handlers', () => {
    const sweep = props(template, 'SweepLambdaFunction').Timeout;
    for (const id of [
      'InstanceStateLambdaFunction',
      'EniActivityLambdaFunction',
      'ElbActivityLambdaFunction',
    ]) {
      expect(sweep).toBeGreaterThan(props(template, id).Timeout);
    }
  });
});

describe('the function environments', () => {
  const deployedEnv = (logicalId: string) =>
    resolveEnvironment(
      template.Conditions ?? {},
      props(template, logicalId).Environment.Variables,
      REFS,
    );

  test.each(FUNCTIONS)(
    '$key is given every variable its cold-start configuration reads',
    async ({ logicalId, module }) => {
      // Prepare
      const needed = await variablesOf(module);
      // Act
      const given = Object.keys(props(template, logicalId).Environment.Variables);
      // Assess
      expect(needed.length).toBeGreaterThan(0);
      for (const variable of needed)
        expect(given, `${module} reads ${variable}`).toContain(variable);
    },
  );

  test.each(FUNCTIONS)(
    "$key: with the default params its configuration is valid and equal to the code's own defaults",
    async ({ logicalId, module }) => {
      // Prepare
      const env = deployedEnv(logicalId);
      const readers = await readersOf(module);
      expect(readers.length).toBeGreaterThan(0);
      for (const name of readers) {
        const read = READERS[name] ?? (() => null);
        // Act
        const deployed = read(env);
        const codeDefaults = read(pick(env, SUPPLIED_BY_STACK));
        // Assess
        expect(deployed, name).toEqual(codeDefaults);
      }
    },
  );

  test('the default environment stays within the Lambda limit with room for the lists', () => {
    for (const { logicalId } of FUNCTIONS) {
      expect(environmentSize(deployedEnv(logicalId)), logicalId).toBeLessThan(
        LAMBDA_ENVIRONMENT_LIMIT / 2,
      );
    }
  });

  test('every variable loadConfig reads has a param, except the Refs to the stack resources', () => {
    // Act
    const covered = [...OVERRIDES.map((o) => o.variable), 'TABLE_NAME', 'ALERT_TOPIC_ARN'];
    // Assess
    expect(covered.sort()).toEqual(variablesReadBy(loadConfig).sort());
  });

  describe("with an operator's values for every param", () => {
    let printed: Json;
    let conditions: Record<string, unknown>;
    let env: Record<string, string>;

    beforeAll(async () => {
      printed = await printService(Object.fromEntries(OVERRIDES.map((o) => [o.param, o.value])));
      conditions = printed.resources.Conditions ?? {};
      env = resolveEnvironment(conditions, printed.provider.environment, REFS);
    }, 60_000);

    test.each(OVERRIDES)('param $param reaches $variable unchanged', ({ variable, value }) => {
      expect(env[variable]).toBe(value);
    });

    test('the functions accept the values and turn DNS sync and remediation on', () => {
      // Act
      const config = loadConfig(env);
      const defaults = loadConfig(pick(env, SUPPLIED_BY_STACK));
      // Assess
      expect(config.dns.enabled).toBe(true);
      expect(config.targets.remediate).toBe(true);
      expect(config.capacity).not.toEqual(defaults.capacity);
      expect(config.targets.delayPolicy).not.toEqual(defaults.targets.delayPolicy);
      expect(environmentSize(env)).toBeLessThan(LAMBDA_ENVIRONMENT_LIMIT);
    });
  });
});

describe('the packaged artifacts', () => {
  test.each(FUNCTIONS)(
    '$key has its own zip holding one minified ESM bundle',
    async ({ logicalId, module }) => {
      // Prepare
      const key: string = props(template, logicalId).Code.S3Key;
      const zipName = key.slice(key.lastIndexOf('/') + 1);
      expect(pkg.artifacts).toContain(zipName);
      // Act
      const entries = zipEntries(await readFile(join(pkg.dir, zipName)));
      // Assess
      expect(entries.map((e) => e.name)).toEqual([`${module}.mjs`]);
      const code = entries[0]?.read().toString('utf8') ?? '';
      expect(code.startsWith("import { createRequire } from 'module'")).toBe(true);
      expect(code).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}/);
      // Readable esbuild output marks each module with a `// <source path>` comment; minified output has none.
      expect(code).not.toContain(`// ${module}.ts`);
      expect(code).not.toMatch(/^\/\/ node_modules\//m);
    },
  );

  test.each([
    {
      zip: 'instanceState.zip',
      logicalId: 'InstanceStateLambdaFunction',
      event: 'ec2/node-lifecycle/02-instance-running.json',
    },
    {
      zip: 'notify.zip',
      logicalId: 'NotifyLambdaFunction',
      event: 'sns/alert-notification.json',
    },
  ])(
    'the $zip bundle loads and runs its handler up to the first AWS call',
    async ({ zip, logicalId, event }) => {
      // Prepare: the bundle out of its zip, and an ESM driver (node -e would lend it a global require).
      const work = await mkdtemp(join(tmpdir(), 'netledger-bundle-'));
      try {
        const [entry] = zipEntries(await readFile(join(pkg.dir, zip)));
        if (!entry) throw new Error(`empty ${zip}`);
        const bundle = join(work, entry.name);
        await mkdir(dirname(bundle), { recursive: true });
        await writeFile(bundle, entry.read());
        const driver = join(work, 'driver.mjs');
        await writeFile(driver, DRIVER);
        // Act
        const out = await new Promise<string>((resolve, reject) => {
          execFile(
            process.execPath,
            [driver, bundle, join(PROJECT_ROOT, 'events/samples', event)],
            { env: bundleEnv(logicalId), timeout: 20_000 },
            (error, stdout, stderr) =>
              error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
          );
        });
        // Assess
        const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
        expect(result.threw).toBe(true);
        expect(result.message).not.toMatch(/Dynamic require/);
        expect(result.code).toBe('ECONNREFUSED');
        expect(result.message).toContain('127.0.0.1:9');
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  );

  test('a deployment without the cluster scope is refused', async () => {
    // Act
    const run = await runOsls([
      'print',
      '--stage',
      TEST_STAGE,
      `--param=vpcIds=${TEST_PARAMS.vpcIds}`,
    ]);
    // Assess
    expect(run.code).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(/CLUSTERS.*"param"/);
  });
});

/**
 * The function's environment from the template, so the bundle validates what a deployment
 * would give it. Nothing listens on port 9 of the loopback: every AWS call fails at once,
 * none leaves the host.
 */
const bundleEnv = (logicalId: string): NodeJS.ProcessEnv => ({
  ...resolveEnvironment(
    template.Conditions ?? {},
    props(template, logicalId).Environment.Variables,
    REFS,
  ),
  PATH: process.env.PATH,
  AWS_REGION: 'eu-south-2',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
});

const DRIVER = `import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [bundle, eventFile] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(bundle).href);
const context = {
  functionName: 'netledger-ci-instanceState', functionVersion: '$LATEST', memoryLimitInMB: '512',
  invokedFunctionArn: 'arn:aws:lambda:eu-south-2:111122223333:function:netledger-ci-instanceState',
  awsRequestId: 'bundle-smoke', logGroupName: 'g', logStreamName: 's',
  callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 30000,
};
try {
  const result = await handler(JSON.parse(readFileSync(eventFile, 'utf8')), context);
  console.log(JSON.stringify({ threw: false, result }));
} catch (error) {
  const code = error?.code ?? error?.cause?.code;
  console.log(JSON.stringify({ threw: true, name: error?.name, message: String(error?.message), code }));
}
`;
