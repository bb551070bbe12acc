import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type ElbChange,
  type Ignored,
  parseCloudTrailTime,
  parseElbEvent as parseElbResult,
} from '#core/targets/elb-event.ts';

/** The change itself, or the Ignored: the shared parse result, unwrapped for these assertions. */
const parseElbEvent = (raw: unknown): ElbChange | Ignored => {
  const result = parseElbResult(raw);
  return result.ok ? result.value : result;
};

const DIR = 'events/samples/elb';
const load = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(`${DIR}/${file}`, 'utf8')) as Record<string, unknown>;
const clone = <T>(v: T): T => structuredClone(v);

// The seed story, written out by hand: cluster myeks, Service default/echo, NLB in IP mode.
const ACCOUNT = '111122223333';
const REGION = 'ap-northeast-2';
const TG_ARN =
  'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/k8s-default-echo-8d2e5f1a7c/6b1d3f5a7c9e2b40';
const LB_ARN =
  'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:loadbalancer/net/k8s-default-echo-3f6a1b2c9d/4c9e1f2a7b3d8e05';
const VPC = 'vpc-0a1b2c3d4e5f60718';
const LBC_TAGS = {
  'elbv2.k8s.aws/cluster': 'myeks',
  'service.k8s.aws/stack': 'default/echo',
};

type Expected = {
  kind: ElbChange['kind'];
  eventTime: string;
  via: 'aws-load-balancer-controller' | 'console' | 'api';
  actorName?: string;
  fields: Record<string, unknown>;
};

const EXPECTED: Record<string, Expected> = {
  'create-load-balancer.json': {
    kind: 'load-balancer-created',
    eventTime: '2026-11-21T10:03:30.000Z',
    via: 'aws-load-balancer-controller',
    fields: {
      arn: LB_ARN,
      name: 'k8s-default-echo-3f6a1b2c9d',
      type: 'network',
      scheme: 'internet-facing',
      dnsName: 'k8s-default-echo-3f6a1b2c9d-4c9e1f2a7b3d8e05.elb.ap-northeast-2.amazonaws.com',
      canonicalHostedZoneId: 'ZIBE1TIR4HY56',
      ipAddressType: 'ipv4',
      vpcId: VPC,
      createdAt: '2026-11-21T10:03:30.000Z',
      tags: { ...LBC_TAGS, 'service.k8s.aws/resource': 'LoadBalancer' },
      availabilityZones: [
        { zoneName: 'ap-northeast-2a', subnetId: 'subnet-0aa1111111111111a' },
        { zoneName: 'ap-northeast-2b', subnetId: 'subnet-0bb2222222222222b' },
        { zoneName: 'ap-northeast-2c', subnetId: 'subnet-0cc3333333333333c' },
      ],
    },
  },
  'create-target-group.json': {
    kind: 'target-group-created',
    eventTime: '2026-11-21T10:03:31.000Z',
    via: 'aws-load-balancer-controller',
    fields: {
      arn: TG_ARN,
      name: 'k8s-default-echo-8d2e5f1a7c',
      targetType: 'ip',
      protocol: 'TCP',
      port: 8080,
      vpcId: VPC,
      lbArns: [],
      tags: { ...LBC_TAGS, 'service.k8s.aws/resource': 'default/echo:80' },
    },
  },
  'modify-target-group-attributes.json': {
    kind: 'target-group-attributes-modified',
    eventTime: '2026-11-21T10:03:32.000Z',
    via: 'aws-load-balancer-controller',
    fields: { arn: TG_ARN, attributes: { 'deregistration_delay.timeout_seconds': '60' } },
  },
  'register-targets.json': {
    kind: 'targets-registered',
    eventTime: '2026-11-21T10:04:10.000Z',
    via: 'aws-load-balancer-controller',
    fields: {
      tgArn: TG_ARN,
      targets: [
        { type: 'ip', ip: '192.168.1.21', port: 8080 },
        { type: 'ip', ip: '192.168.2.50', port: 8080 },
      ],
    },
  },
  'add-tags.json': {
    kind: 'tags-added',
    eventTime: '2026-11-21T10:30:18.000Z',
    via: 'api',
    actorName: 'alice',
    fields: {
      arns: [TG_ARN],
      tags: { 'netledger/deregistration-delay': '60', team: 'platform' },
    },
  },
  'modify-target-group-attributes-console-300.json': {
    kind: 'target-group-attributes-modified',
    eventTime: '2026-11-21T14:22:10.000Z',
    via: 'console',
    actorName: 'alice',
    fields: {
      arn: TG_ARN,
      attributes: {
        'deregistration_delay.timeout_seconds': '300',
        'deregistration_delay.connection_termination.enabled': 'false',
        'preserve_client_ip.enabled': 'false',
      },
    },
  },
  'modify-target-group-attributes-console-60.json': {
    kind: 'target-group-attributes-modified',
    eventTime: '2026-11-21T15:05:47.000Z',
    via: 'console',
    actorName: 'bob@example.com',
    fields: { arn: TG_ARN },
  },
  'deregister-targets.json': {
    kind: 'targets-deregistered',
    eventTime: '2026-11-21T11:09:40.000Z',
    via: 'aws-load-balancer-controller',
    fields: { tgArn: TG_ARN, targets: [{ type: 'ip', ip: '192.168.1.21', port: 8080 }] },
  },
  'register-targets-replacement.json': {
    kind: 'targets-registered',
    eventTime: '2026-11-21T11:10:52.000Z',
    via: 'aws-load-balancer-controller',
    fields: { tgArn: TG_ARN, targets: [{ type: 'ip', ip: '192.168.2.51', port: 8080 }] },
  },
  'remove-tags.json': {
    kind: 'tags-removed',
    eventTime: '2026-11-21T17:10:05.000Z',
    via: 'api',
    actorName: 'alice',
    fields: { arns: [TG_ARN], keys: ['team'] },
  },
  'delete-load-balancer.json': {
    kind: 'load-balancer-deleted',
    eventTime: '2026-11-21T18:00:00.000Z',
    via: 'aws-load-balancer-controller',
    fields: { arn: LB_ARN },
  },
  'delete-target-group.json': {
    kind: 'target-group-deleted',
    eventTime: '2026-11-21T18:00:02.000Z',
    via: 'aws-load-balancer-controller',
    fields: { arn: TG_ARN },
  },
};
const FAILED_SAMPLE = 'modify-target-group-attributes-access-denied.json';

function expectChange(result: ElbChange | Ignored): ElbChange {
  if (result.kind === 'ignored') throw new Error(`unexpectedly ignored: ${result.reason}`);
  return result;
}

describe('sample files', () => {
  test('every sample file has an expectation here', () => {
    // Prepare
    const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

    // Assess
    expect(files.sort()).toEqual([...Object.keys(EXPECTED), FAILED_SAMPLE].sort());
  });

  test.each(Object.entries(EXPECTED))('%s parses to its change', (file, expected) => {
    // Prepare
    const raw = load(file);

    // Act
    const change = expectChange(parseElbEvent(raw));

    // Assess
    expect(change.kind).toBe(expected.kind);
    expect(change.eventTime).toBe(expected.eventTime);
    expect(change.eventId).toBe((raw.detail as { eventID: string }).eventID);
    expect(change.region).toBe(REGION);
    expect(change.account).toBe(ACCOUNT);
    expect(change.actor.via).toBe(expected.via);
    if (expected.actorName) expect(change.actor.userName).toBe(expected.actorName);
    expect(change).toMatchObject(expected.fields);
  });

  test('the console change to 300 names the IAM user and the console', () => {
    // Act
    const change = expectChange(
      parseElbEvent(load('modify-target-group-attributes-console-300.json')),
    );

    // Assess
    expect(change.actor).toMatchObject({
      type: 'IAMUser',
      arn: 'arn:aws:iam::111122223333:user/alice',
      userName: 'alice',
      userAgent: 'console.amazonaws.com',
      via: 'console',
    });
    expect(change.actor.label).toContain('alice');
    expect(change.actor.label).toContain('console');
  });

  test('the change back to 60 names the SSO user behind the assumed role', () => {
    // Act
    const change = expectChange(
      parseElbEvent(load('modify-target-group-attributes-console-60.json')),
    );

    // Assess
    expect(change.actor).toMatchObject({
      type: 'AssumedRole',
      userName: 'bob@example.com',
      roleName: 'AWSReservedSSO_AdministratorAccess_3f9a1c2b7d4e5f60',
    });
    expect(
      change.kind === 'target-group-attributes-modified' && change.resultingAttributes,
    ).toMatchObject({
      'deregistration_delay.timeout_seconds': '60',
    });
  });

  test('the failed call is ignored with its error code and message', () => {
    // Act
    const result = parseElbEvent(load(FAILED_SAMPLE));

    // Assess
    expect(result).toMatchObject({
      kind: 'ignored',
      code: 'failed-call',
      eventId: 'b7f3c9a8-2d0e-4f6a-9c87-9e4dba0f1207',
      eventName: 'ModifyTargetGroupAttributes',
    });
    expect((result as Ignored).reason).toMatch(
      /^failed-call: ModifyTargetGroupAttributes AccessDenied: User: /,
    );
    expect((result as Ignored).reason).not.toMatch(/\n/);
  });

  test.each(['echo-nlb-lifecycle.json', 'deregistration-delay-drift.json'])(
    'sequence %s is in time order and made of the sample files',
    (file) => {
      // Prepare
      const events = JSON.parse(readFileSync(`${DIR}/sequences/${file}`, 'utf8')) as Array<{
        time: string;
      }>;
      const singles = readdirSync(DIR)
        .filter((f) => f.endsWith('.json'))
        .map((f) => JSON.stringify(load(f)));

      // Assess
      expect(events.length).toBeGreaterThan(2);
      const times = events.map((e) => e.time);
      expect([...times].sort()).toEqual(times);
      for (const e of events) expect(singles).toContain(JSON.stringify(e));
    },
  );

  test('the drift story goes 60, 300, (denied), 60', () => {
    // Prepare
    const events = JSON.parse(
      readFileSync(`${DIR}/sequences/deregistration-delay-drift.json`, 'utf8'),
    ) as unknown[];

    // Act
    const delays = events
      .map((e) => parseElbEvent(e))
      .map((r) =>
        r.kind === 'target-group-attributes-modified'
          ? r.attributes['deregistration_delay.timeout_seconds']
          : r.kind === 'ignored'
            ? r.code
            : undefined,
      )
      .filter((d) => d !== undefined);

    // Assess
    expect(delays).toEqual(['60', '300', 'failed-call', '60']);
  });
});

describe('tolerance', () => {
  test('unknown fields anywhere are ignored', () => {
    // Prepare
    const raw = clone(load('register-targets.json')) as {
      detail: {
        requestParameters: { targets: Record<string, unknown>[]; [k: string]: unknown };
        [k: string]: unknown;
      };
      [k: string]: unknown;
    };
    const baseline = parseElbEvent(clone(raw));
    raw.newTopLevel = 1;
    raw.detail.addendum = { reason: 'UPDATED_DATA' };
    raw.detail.requestParameters.quicStuff = true;
    const first = raw.detail.requestParameters.targets[0] as Record<string, unknown>;
    first.quicServerId = '0x1';

    // Act
    const result = parseElbEvent(raw);

    // Assess
    expect(result).toEqual(baseline);
  });

  test('JSON text is accepted like an object', () => {
    // Prepare
    const text = readFileSync(`${DIR}/delete-target-group.json`, 'utf8');

    // Act / Assess
    expect(parseElbEvent(text)).toEqual(parseElbEvent(JSON.parse(text)));
  });

  test('instance, ARN and out-of-VPC IP targets keep their kind and zone', () => {
    // Prepare
    const raw = clone(load('register-targets.json')) as {
      detail: { requestParameters: { targets: unknown[] } };
    };
    raw.detail.requestParameters.targets = [
      { id: 'i-0c1a2b3c4d5e6f701', port: 30080 },
      { id: '10.20.0.9', port: 443, availabilityZone: 'all' },
      { id: 'arn:aws:lambda:ap-northeast-2:111122223333:function:echo' },
    ];

    // Act
    const change = expectChange(parseElbEvent(raw));

    // Assess
    expect(change).toMatchObject({
      targets: [
        { type: 'instance', instanceId: 'i-0c1a2b3c4d5e6f701', port: 30080 },
        { type: 'ip', ip: '10.20.0.9', port: 443, az: 'all' },
        { type: 'arn', arn: 'arn:aws:lambda:ap-northeast-2:111122223333:function:echo' },
      ],
    });
  });

  test('an unreadable createdTime falls back to the event time', () => {
    // Prepare
    const raw = clone(load('create-load-balancer.json')) as {
      detail: { eventTime: string; responseElements: { loadBalancers: { createdTime: string }[] } };
    };
    raw.detail.eventTime = '2026-11-21T10:03:35Z';
    (raw.detail.responseElements.loadBalancers[0] as { createdTime: string }).createdTime = 'soon';

    // Act
    const change = expectChange(parseElbEvent(raw));

    // Assess
    expect(change).toMatchObject({ createdAt: '2026-11-21T10:03:35.000Z' });
  });
});

// biome-ignore lint/suspicious/noExplicitAny: fixtures are edited at any depth, like a hand-broken event
type Loose = Record<string, any>;
type Mutate = (raw: Loose) => unknown;
const fromSample =
  (file: string, mutate: Mutate): (() => unknown) =>
  () => {
    const raw = clone(load(file)) as Loose;
    return mutate(raw) ?? raw;
  };

describe('ignored inputs say why', () => {
  test.each<[string, () => unknown, Ignored['code'], RegExp]>([
    [
      'truncated JSON text',
      () => readFileSync(`${DIR}/register-targets.json`, 'utf8').slice(0, 400),
      'malformed',
      /^malformed: not valid JSON/,
    ],
    [
      'truncated event (no detail)',
      fromSample('register-targets.json', (raw) => {
        delete raw.detail;
      }),
      'malformed',
      /^malformed: detail: /,
    ],
    [
      'wrong detail-type',
      fromSample('register-targets.json', (raw) => {
        raw['detail-type'] = 'EC2 Instance State-change Notification';
      }),
      'malformed',
      /^malformed: detail-type: /,
    ],
    [
      'wrong source',
      fromSample('register-targets.json', (raw) => {
        raw.source = 'aws.ec2';
      }),
      'malformed',
      /^malformed: source: /,
    ],
    [
      'missing targetGroupArn',
      fromSample('register-targets.json', (raw) => {
        delete raw.detail.requestParameters.targetGroupArn;
      }),
      'malformed',
      /^malformed: detail\.requestParameters\.targetGroupArn: /,
    ],
    [
      'a target id that is nothing known',
      fromSample('register-targets.json', (raw) => {
        raw.detail.requestParameters.targets[1].id = 'pod-echo-1';
      }),
      'malformed',
      /^malformed: detail\.requestParameters\.targets\.1\.id: expected an IP address/,
    ],
    [
      'CreateTargetGroup without responseElements',
      fromSample('create-target-group.json', (raw) => {
        raw.detail.responseElements = null;
      }),
      'malformed',
      /^malformed: detail\.responseElements: /,
    ],
    [
      'an eventTime that is not a time',
      fromSample('delete-target-group.json', (raw) => {
        raw.detail.eventTime = 'yesterday';
      }),
      'malformed',
      /^malformed: detail\.eventTime: /,
    ],
    [
      'an ELB event netledger does not follow',
      fromSample('delete-target-group.json', (raw) => {
        raw.detail.eventName = 'CreateListener';
      }),
      'unsupported-event',
      /^unsupported-event: CreateListener /,
    ],
    [
      'a Classic Load Balancer call',
      fromSample('delete-load-balancer.json', (raw) => {
        raw.detail.apiVersion = '2012-06-01';
        raw.detail.requestParameters = { loadBalancerName: 'legacy' };
      }),
      'classic-elb',
      /^classic-elb: DeleteLoadBalancer /,
    ],
    ['null', () => null, 'malformed', /^malformed: not an EventBridge event: \(root\): /],
    ['a number', () => 42, 'malformed', /^malformed: not an EventBridge event: \(root\): /],
  ])('%s', (_name, make, code, reason) => {
    // Act
    const result = parseElbEvent(make());

    // Assess
    expect(result.kind).toBe('ignored');
    expect(result).toMatchObject({ code });
    expect((result as Ignored).reason).toMatch(reason);
    expect((result as Ignored).reason).not.toMatch(/\n/);
  });

  test('a malformed event still carries its ids for the log', () => {
    // Prepare
    const raw = clone(load('register-targets.json')) as Loose;
    delete raw.detail.requestParameters.targetGroupArn;

    // Act
    const result = parseElbEvent(raw);

    // Assess
    expect(result).toMatchObject({
      eventId: 'e4c0f6d5-9a7b-4c3d-8f54-6b1a8dacef04',
      eventName: 'RegisterTargets',
    });
  });

  test('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = parseElbEvent(value);
        expect(result.kind).toBe('ignored');
      }),
      { numRuns: 300 },
    );
  });

  test('never throws when any one field of a real sample is replaced', () => {
    // Prepare
    const samples = Object.keys(EXPECTED).map((f) => load(f));
    const paths = (v: unknown, prefix: string[] = []): string[][] =>
      v !== null && typeof v === 'object'
        ? Object.entries(v).flatMap(([k, c]) => [[...prefix, k], ...paths(c, [...prefix, k])])
        : [];

    fc.assert(
      fc.property(
        fc.nat(samples.length - 1),
        fc.nat(),
        fc.jsonValue(),
        (sampleIndex, pathIndex, replacement) => {
          // Act
          const raw = clone(samples[sampleIndex]) as Loose;
          const all = paths(raw);
          const path = all[pathIndex % all.length] as string[];
          let node: Loose = raw;
          for (const key of path.slice(0, -1)) node = node[key];
          node[path[path.length - 1] as string] = replacement;
          const result = parseElbEvent(raw);

          // Assess
          expect(['ignored', Object.values(EXPECTED).map((e) => e.kind)].flat()).toContain(
            result.kind,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('parseCloudTrailTime', () => {
  test.each<[string, string | undefined]>([
    ['Nov 21, 2026 10:01:02 AM', '2026-11-21T10:01:02.000Z'],
    ['Apr 2, 2022 12:19:59 PM', '2022-04-02T12:19:59.000Z'],
    ['Jan 1, 2026 12:00:00 AM', '2026-01-01T00:00:00.000Z'],
    ['Dec 31, 2025 11:59:59 PM', '2025-12-31T23:59:59.000Z'],
    ['Mar 5, 2026 7:04:09 PM', '2026-03-05T19:04:09.000Z'],
    ['Nov 21, 2026, 10:01:02\u202fAM', '2026-11-21T10:01:02.000Z'],
    ['2026-11-21T10:01:02.740Z', '2026-11-21T10:01:02.740Z'],
    ['Feb 30, 2026 10:00:00 AM', undefined],
    ['Nov 21, 2026 13:01:02 PM', undefined],
    ['Foo 21, 2026 10:01:02 AM', undefined],
    ['21/11/2026', undefined],
    ['', undefined],
  ])('%j -> %s', (text, iso) => {
    expect(parseCloudTrailTime(text)).toBe(iso);
  });
});
