import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  LoadBalancerNotFoundException,
  ModifyTargetGroupAttributesCommand,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  createElbv2Reader,
  DESCRIBE_TAGS_BATCH,
  ELBV2_MAX_ATTEMPTS,
  Elbv2PagingError,
  Elbv2RemediationNotWiredError,
  elbv2ClientConfig,
} from '#adapters/elbv2/elbv2-reader.ts';
import { withDelayRemediation } from '#adapters/elbv2/elbv2-remediation.ts';
import { actualDeregistrationDelay } from '#core/targets/deregistration-delay.ts';

const REGION = 'ap-northeast-2';
const TG =
  'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/k8s-default-echo-8d2e5f1a7c/6b1d3f5a7c9e2b40';
const LB =
  'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:loadbalancer/net/k8s-default-echo-3f6a1b2c9d/4c9e1f2a7b3d8e05';
const ATTR = 'deregistration_delay.timeout_seconds';

const lbArn = (i: number) =>
  `arn:aws:elasticloadbalancing:${REGION}:111122223333:loadbalancer/net/lb-${i}/${String(i).padStart(16, '0')}`;
const tgArn = (i: number) =>
  `arn:aws:elasticloadbalancing:${REGION}:111122223333:targetgroup/tg-${i}/${String(i).padStart(16, '0')}`;
const sdkLb = (i: number) => ({
  LoadBalancerArn: lbArn(i),
  LoadBalancerName: `lb-${i}`,
  DNSName: `lb-${i}-${i}.elb.${REGION}.amazonaws.com`,
  CanonicalHostedZoneId: 'ZIBE1TIR4HY56',
  CreatedTime: new Date(Date.UTC(2026, 10, 21, 10, 1, i)),
  Scheme: 'internet-facing' as const,
  VpcId: 'vpc-0a1b2c3d4e5f60718',
  State: { Code: 'active' as const },
  Type: 'network' as const,
  IpAddressType: 'ipv4' as const,
  AvailabilityZones: [{ ZoneName: `${REGION}a`, SubnetId: 'subnet-0aa1111111111111a' }],
});
const sdkTg = (i: number) => ({
  TargetGroupArn: tgArn(i),
  TargetGroupName: `tg-${i}`,
  Protocol: 'TCP' as const,
  Port: 8080,
  VpcId: 'vpc-0a1b2c3d4e5f60718',
  TargetType: 'ip' as const,
  LoadBalancerArns: [lbArn(i)],
});

const notFound = (kind: 'tg' | 'lb') =>
  kind === 'tg'
    ? new TargetGroupNotFoundException({
        message: 'One or more target groups not found',
        $metadata: {},
      })
    : new LoadBalancerNotFoundException({
        message: 'One or more load balancers not found',
        $metadata: {},
      });

test('the plain reader refuses to change a target group, without calling AWS', async () => {
  // Prepare
  const client = new ElasticLoadBalancingV2Client({ region: REGION });
  const elb = mockClient(client);

  // Act
  const change = createElbv2Reader(client).setDeregistrationDelay(
    'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/k8s-web/0a1b',
    60,
  );

  // Assess
  await expect(change).rejects.toBeInstanceOf(Elbv2RemediationNotWiredError);
  expect(elb.calls()).toHaveLength(0);
  elb.restore();
});

describe('with a mocked client', () => {
  const client = new ElasticLoadBalancingV2Client({ region: REGION });
  const elb = mockClient(client);
  const reader = withDelayRemediation(createElbv2Reader(client), client);
  beforeEach(() => elb.reset());
  afterAll(() => elb.restore());

  test('describeLoadBalancers follows NextMarker through every page', async () => {
    // Prepare: 3 pages of 2, 2 and 1
    const pages: Record<string, { items: number[]; next?: string }> = {
      first: { items: [1, 2], next: 'm1' },
      m1: { items: [3, 4], next: 'm2' },
      m2: { items: [5] },
    };
    elb.on(DescribeLoadBalancersCommand).callsFake((input: { Marker?: string }) => {
      const page = pages[input.Marker ?? 'first'];
      if (!page) throw new Error(`unexpected marker ${input.Marker}`);
      return { LoadBalancers: page.items.map(sdkLb), NextMarker: page.next };
    });

    // Act
    const lbs = await reader.describeLoadBalancers();

    // Assess
    expect(lbs.map((lb) => lb.name)).toEqual(['lb-1', 'lb-2', 'lb-3', 'lb-4', 'lb-5']);
    const markers = elb
      .commandCalls(DescribeLoadBalancersCommand)
      .map((c) => c.args[0].input.Marker);
    expect(markers).toEqual([undefined, 'm1', 'm2']);
    expect(lbs[2]).toEqual({
      arn: lbArn(3),
      name: 'lb-3',
      type: 'network',
      scheme: 'internet-facing',
      dnsName: `lb-3-3.elb.${REGION}.amazonaws.com`,
      canonicalHostedZoneId: 'ZIBE1TIR4HY56',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      ipAddressType: 'ipv4',
      createdAt: '2026-11-21T10:01:03.000Z',
      state: 'active',
      availabilityZones: [{ zoneName: `${REGION}a`, subnetId: 'subnet-0aa1111111111111a' }],
    });
  });

  test('a marker that repeats is an error, not an endless loop', async () => {
    // Prepare
    elb
      .on(DescribeLoadBalancersCommand)
      .resolves({ LoadBalancers: [sdkLb(1)], NextMarker: 'same' });

    // Act / Assess
    await expect(reader.describeLoadBalancers()).rejects.toBeInstanceOf(Elbv2PagingError);
    expect(elb.commandCalls(DescribeLoadBalancersCommand)).toHaveLength(2);
  });

  test('describeTargetGroups pages, and passes the load balancer filter on every page', async () => {
    // Prepare
    elb
      .on(DescribeTargetGroupsCommand, { Marker: undefined })
      .resolves({ TargetGroups: [sdkTg(1)], NextMarker: 'p2' })
      .on(DescribeTargetGroupsCommand, { Marker: 'p2' })
      .resolves({ TargetGroups: [sdkTg(2), sdkTg(3)] });

    // Act
    const tgs = await reader.describeTargetGroups({ loadBalancerArn: LB });

    // Assess
    expect(tgs?.map((tg) => tg.arn)).toEqual([tgArn(1), tgArn(2), tgArn(3)]);
    expect(tgs?.[0]).toEqual({
      arn: tgArn(1),
      name: 'tg-1',
      targetType: 'ip',
      protocol: 'TCP',
      port: 8080,
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      loadBalancerArns: [lbArn(1)],
    });
    const calls = elb.commandCalls(DescribeTargetGroupsCommand);
    expect(calls).toHaveLength(2);
    for (const c of calls) expect(c.args[0].input.LoadBalancerArn).toBe(LB);
  });

  test('describeTargetGroups of a deleted load balancer is undefined', async () => {
    // Prepare
    elb.on(DescribeTargetGroupsCommand).rejects(notFound('lb'));

    // Act / Assess
    await expect(reader.describeTargetGroups({ loadBalancerArn: LB })).resolves.toBeUndefined();
  });

  test('describeTargetGroup asks for the one ARN, and is undefined once the group is gone', async () => {
    // Prepare
    elb
      .on(DescribeTargetGroupsCommand, { TargetGroupArns: [TG] })
      .resolvesOnce({
        TargetGroups: [
          { TargetGroupArn: TG, TargetGroupName: 'echo', TargetType: 'ip', VpcId: 'vpc-1' },
        ],
      })
      .rejectsOnce(notFound('tg'));

    // Act
    const found = await reader.describeTargetGroup(TG);
    const gone = await reader.describeTargetGroup(TG);

    // Assess
    expect(found).toMatchObject({ arn: TG, name: 'echo', targetType: 'ip', vpcId: 'vpc-1' });
    expect(gone).toBeUndefined();
  });

  test('describeTargetHealth returns every target with its health', async () => {
    // Prepare
    elb.on(DescribeTargetHealthCommand, { TargetGroupArn: TG }).resolves({
      TargetHealthDescriptions: [
        {
          Target: { Id: '192.168.2.50', Port: 8080 },
          HealthCheckPort: '8080',
          TargetHealth: { State: 'healthy' },
        },
        {
          Target: { Id: '192.168.1.21', Port: 8080, AvailabilityZone: `${REGION}a` },
          HealthCheckPort: '8080',
          TargetHealth: {
            State: 'initial',
            Reason: 'Elb.RegistrationInProgress',
            Description: 'Target registration is in progress',
          },
        },
      ],
    });

    // Act
    const health = await reader.describeTargetHealth(TG);

    // Assess
    expect(health).toEqual([
      {
        target: { type: 'ip', ip: '192.168.2.50', port: 8080 },
        state: 'healthy',
        healthCheckPort: '8080',
      },
      {
        target: { type: 'ip', ip: '192.168.1.21', port: 8080, az: `${REGION}a` },
        state: 'initial',
        reason: 'Elb.RegistrationInProgress',
        description: 'Target registration is in progress',
        healthCheckPort: '8080',
      },
    ]);
  });

  test.each([
    ['describeTargetGroupAttributes', DescribeTargetGroupAttributesCommand],
    ['describeTargetHealth', DescribeTargetHealthCommand],
  ] as const)('%s of a deleted target group is undefined', async (method, command) => {
    // Prepare
    elb.on(command as typeof DescribeTargetHealthCommand).rejects(notFound('tg'));

    // Act / Assess
    await expect(reader[method](TG)).resolves.toBeUndefined();
  });

  test('describeTargetGroupAttributes returns a key to value map', async () => {
    // Prepare
    elb.on(DescribeTargetGroupAttributesCommand, { TargetGroupArn: TG }).resolves({
      Attributes: [
        { Key: ATTR, Value: '60' },
        { Key: 'stickiness.enabled', Value: 'false' },
      ],
    });

    // Act / Assess
    await expect(reader.describeTargetGroupAttributes(TG)).resolves.toEqual({
      [ATTR]: '60',
      'stickiness.enabled': 'false',
    });
  });

  test('a throttled attributes read rejects; it is never an empty (unset) map', async () => {
    // Prepare: what the SDK throws once its own retries are spent
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'Throttling',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, attempts: ELBV2_MAX_ATTEMPTS },
    });
    elb.on(DescribeTargetGroupAttributesCommand).rejects(throttled);

    // Act
    const outcome = await reader.describeTargetGroupAttributes(TG).then(
      (value) => ({ value }),
      (error: Error) => ({ error }),
    );

    // Assess
    expect(outcome).toEqual({ error: throttled });
  });

  test('describeTags asks at most 20 ARNs per call and merges the answers', async () => {
    // Prepare: 45 ARNs, one of them twice
    const arns = Array.from({ length: 45 }, (_, i) => tgArn(i));
    elb.on(DescribeTagsCommand).callsFake((input: { ResourceArns: string[] }) => ({
      TagDescriptions: input.ResourceArns.map((arn) => ({
        ResourceArn: arn,
        Tags: [
          { Key: 'elbv2.k8s.aws/cluster', Value: 'myeks' },
          { Key: 'arn-tail', Value: arn.slice(-4) },
        ],
      })),
    }));

    // Act
    const tags = await reader.describeTags([...arns, tgArn(3)]);

    // Assess
    const calls = elb.commandCalls(DescribeTagsCommand);
    expect(calls.map((c) => c.args[0].input.ResourceArns?.length)).toEqual([20, 20, 5]);
    expect(
      Math.max(...calls.map((c) => c.args[0].input.ResourceArns?.length ?? 0)),
    ).toBeLessThanOrEqual(DESCRIBE_TAGS_BATCH);
    expect(tags.size).toBe(45);
    expect(tags.get(tgArn(44))).toEqual({ 'elbv2.k8s.aws/cluster': 'myeks', 'arn-tail': '0044' });
  });

  test('describeTags skips a deleted ARN without losing the rest of its batch', async () => {
    // Prepare: tg-2 is gone; any call that names it fails whole, as ELBv2 does
    const arns = [tgArn(1), tgArn(2), tgArn(3)];
    elb.on(DescribeTagsCommand).callsFake((input: { ResourceArns: string[] }) => {
      if (input.ResourceArns.includes(tgArn(2))) throw notFound('tg');
      return {
        TagDescriptions: input.ResourceArns.map((arn) => ({
          ResourceArn: arn,
          Tags: [{ Key: 'team', Value: 'platform' }],
        })),
      };
    });

    // Act
    const tags = await reader.describeTags(arns);

    // Assess
    expect([...tags.keys()].sort()).toEqual([tgArn(1), tgArn(3)]);
    expect(elb.commandCalls(DescribeTagsCommand)).toHaveLength(1 + arns.length);
  });

  test('describeTags of nothing makes no call', async () => {
    // Act
    const tags = await reader.describeTags([]);

    // Assess
    expect(tags.size).toBe(0);
    expect(elb.commandCalls(DescribeTagsCommand)).toHaveLength(0);
  });

  test('setDeregistrationDelay modifies only the delay attribute', async () => {
    // Prepare
    elb.on(ModifyTargetGroupAttributesCommand).resolves({
      Attributes: [
        { Key: ATTR, Value: '60' },
        { Key: 'stickiness.enabled', Value: 'false' },
      ],
    });

    // Act
    const after = await reader.setDeregistrationDelay(TG, 60);

    // Assess
    const calls = elb.commandCalls(ModifyTargetGroupAttributesCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      TargetGroupArn: TG,
      Attributes: [{ Key: ATTR, Value: '60' }],
    });
    expect(after).toEqual({ [ATTR]: '60', 'stickiness.enabled': 'false' });
  });

  test('setDeregistrationDelay on a deleted target group is undefined', async () => {
    // Prepare
    elb.on(ModifyTargetGroupAttributesCommand).rejects(notFound('tg'));

    // Act / Assess
    await expect(reader.setDeregistrationDelay(TG, 60)).resolves.toBeUndefined();
  });

  test.each([-1, 3601, 1.5])(
    'setDeregistrationDelay refuses %s without calling AWS',
    async (seconds) => {
      // Act / Assess
      await expect(reader.setDeregistrationDelay(TG, seconds)).rejects.toBeInstanceOf(RangeError);
      expect(elb.commandCalls(ModifyTargetGroupAttributesCommand)).toHaveLength(0);
    },
  );
});

// The SDK's own retry, through a real client and a real HTTP endpoint on the loopback address:
// aws-sdk-client-mock replaces `send`, so it cannot show what the retry middleware does.
describe('through the real SDK against a local ELBv2 endpoint', () => {
  type Reply = { status: number; body: string };
  let server: Server;
  let endpoint: string;
  let script: Reply[] = [];
  let requests: URLSearchParams[] = [];

  const xmlns = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
  const error = (code: string, message: string): Reply => ({
    status: 400,
    body: `<ErrorResponse xmlns="${xmlns}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>8a1b2c3d-0000-4000-8000-000000000001</RequestId></ErrorResponse>`,
  });
  const attributes = (action: string, pairs: Record<string, string>): Reply => ({
    status: 200,
    body: `<${action}Response xmlns="${xmlns}"><${action}Result><Attributes>${Object.entries(pairs)
      .map(([k, v]) => `<member><Key>${k}</Key><Value>${v}</Value></member>`)
      .join(
        '',
      )}</Attributes></${action}Result><ResponseMetadata><RequestId>8a1b2c3d-0000-4000-8000-000000000002</RequestId></ResponseMetadata></${action}Response>`,
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        requests.push(new URLSearchParams(body));
        const reply = script.shift() ?? error('InternalFailure', 'script ran out');
        res.writeHead(reply.status, { 'content-type': 'text/xml' });
        res.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    script = [];
    requests = [];
  });
  afterEach(() => expect(script).toEqual([]));

  // The adapter's configuration, with the backoff shrunk to 1 ms so the test does not wait.
  const realReader = () => {
    const client = new ElasticLoadBalancingV2Client(
      elbv2ClientConfig({
        region: REGION,
        endpoint,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        retryStrategy: new ConfiguredRetryStrategy(ELBV2_MAX_ATTEMPTS, () => 1),
      }),
    );
    return withDelayRemediation(createElbv2Reader(client), client);
  };

  test('a throttled read is retried by the SDK and then succeeds', async () => {
    // Prepare
    script = [
      error('Throttling', 'Rate exceeded'),
      error('Throttling', 'Rate exceeded'),
      attributes('DescribeTargetGroupAttributes', { [ATTR]: '60', 'stickiness.enabled': 'false' }),
    ];

    // Act
    const attrs = await realReader().describeTargetGroupAttributes(TG);

    // Assess
    expect(attrs).toEqual({ [ATTR]: '60', 'stickiness.enabled': 'false' });
    expect(requests).toHaveLength(3);
    for (const r of requests) {
      expect(r.get('Action')).toBe('DescribeTargetGroupAttributes');
      expect(r.get('TargetGroupArn')).toBe(TG);
    }
  });

  test('throttling past the last attempt rejects and is never read as unset', async () => {
    // Prepare
    script = Array.from({ length: ELBV2_MAX_ATTEMPTS }, () => error('Throttling', 'Rate exceeded'));
    const reader = realReader();

    // Act
    const outcome = await reader.describeTargetGroupAttributes(TG).then(
      (attrs) => ({ delay: attrs && actualDeregistrationDelay(attrs) }),
      (err: Error) => ({ error: err.name }),
    );

    // Assess
    expect(outcome).toEqual({ error: 'Throttling' });
    expect(requests).toHaveLength(ELBV2_MAX_ATTEMPTS);
  });

  test('a target group that is gone is undefined, with no retry', async () => {
    // Prepare
    script = [error('TargetGroupNotFound', 'One or more target groups not found')];

    // Act / Assess
    await expect(realReader().describeTargetGroupAttributes(TG)).resolves.toBeUndefined();
    expect(requests).toHaveLength(1);
  });

  test('setDeregistrationDelay sends the one attribute on the wire', async () => {
    // Prepare
    script = [attributes('ModifyTargetGroupAttributes', { [ATTR]: '60' })];

    // Act
    const after = await realReader().setDeregistrationDelay(TG, 60);

    // Assess
    expect(after).toEqual({ [ATTR]: '60' });
    const [request] = requests;
    expect(request?.get('Action')).toBe('ModifyTargetGroupAttributes');
    expect(request?.get('Attributes.member.1.Key')).toBe(ATTR);
    expect(request?.get('Attributes.member.1.Value')).toBe('60');
    expect(request?.has('Attributes.member.2.Key')).toBe(false);
  });
});
