import { describe, expect, test } from 'vitest';
import {
  type Actor,
  type ElbChange,
  type Ignored,
  parseCloudTrailTime,
  parseElbEvent,
} from '#core/targets/elb-event.ts';
import { type SampleEvent, sample } from '#test/helpers/samples.ts';

// The shapes ELBv2's CloudTrail records take beyond the samples: optional fields present or
// absent, the response or the request deciding, who made the call. What a record says becomes
// exactly this change (compared whole, apart from the envelope's stamp and actor), and a record
// that cannot be trusted is refused with the code and the field callers and operators need.

const ARN = 'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333';
const TG = `${ARN}:targetgroup/web/6b1d3f5a7c9e2b40`;
const LB = `${ARN}:loadbalancer/net/web/4c9e1f2a7b3d8e05`;
const VPC = 'vpc-0a1b2c3d4e5f60718';
const CN_TG = 'arn:aws-cn:elasticloadbalancing:cn-north-1:111122223333:targetgroup/web/1';
const DELAY = 'deregistration_delay.timeout_seconds';

/** A real CloudTrail envelope (the DeleteTargetGroup sample) carrying another call. */
function record(eventName: string, req: unknown, res: unknown = null): SampleEvent {
  const e = sample('elb/delete-target-group.json');
  e.detail.eventName = eventName;
  e.detail.requestParameters = req;
  e.detail.responseElements = res;
  return e;
}

/** The change without the envelope's part (stamp, region, account, actor). */
function bodyOf(
  raw: unknown,
): Omit<ElbChange, 'eventId' | 'eventTime' | 'region' | 'account' | 'actor'> {
  const result = parseElbEvent(raw);
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  const { eventId: _i, eventTime: _t, region: _r, account: _a, actor: _w, ...body } = result.value;
  return body;
}

function refusalOf(raw: unknown): Ignored {
  const result = parseElbEvent(raw);
  if (result.ok) throw new Error(`accepted: ${result.value.kind}`);
  return result;
}

const tgResponse = (extra: Record<string, unknown> = {}) => ({
  targetGroups: [{ targetGroupArn: TG, targetGroupName: 'web', ...extra }],
});
const lbResponse = (extra: Record<string, unknown> = {}) => ({
  loadBalancers: [
    {
      loadBalancerArn: LB,
      loadBalancerName: 'web',
      dNSName: 'web.elb.amazonaws.com',
      canonicalHostedZoneId: 'ZIBE1TIR4HY56',
      scheme: 'internal',
      vpcId: VPC,
      type: 'network',
      ...extra,
    },
  ],
});

describe('what a record becomes', () => {
  test.each<{ title: string; raw: () => unknown; change: unknown }>([
    {
      title: 'a target group created with nothing but a name is an instance group with no facts',
      raw: () => record('CreateTargetGroup', { name: 'web' }, tgResponse()),
      change: {
        kind: 'target-group-created',
        arn: TG,
        name: 'web',
        targetType: 'instance',
        tags: {},
      },
    },
    {
      title:
        'a target group takes type, protocol, port and VPC from the request when the response has none',
      raw: () =>
        record(
          'CreateTargetGroup',
          { name: 'web', targetType: 'ip', protocol: 'TCP', port: 8080, vpcId: VPC },
          tgResponse(),
        ),
      change: {
        kind: 'target-group-created',
        arn: TG,
        name: 'web',
        targetType: 'ip',
        protocol: 'TCP',
        port: 8080,
        vpcId: VPC,
        tags: {},
      },
    },
    {
      title: "a target group takes the response's facts over the request's",
      raw: () =>
        record(
          'CreateTargetGroup',
          { name: 'web', targetType: 'instance', protocol: 'TCP', port: 80, vpcId: 'vpc-req' },
          tgResponse({
            targetType: 'alb',
            protocol: 'TLS',
            port: 443,
            vpcId: VPC,
            loadBalancerArns: [LB],
          }),
        ),
      change: {
        kind: 'target-group-created',
        arn: TG,
        name: 'web',
        targetType: 'alb',
        protocol: 'TLS',
        port: 443,
        vpcId: VPC,
        lbArns: [LB],
        tags: {},
      },
    },
    {
      title: 'a tag the API took with an empty value has an empty value',
      raw: () =>
        record(
          'CreateTargetGroup',
          { name: 'web', tags: [{ key: 'team' }, { key: 'env', value: 'prod' }] },
          tgResponse(),
        ),
      change: {
        kind: 'target-group-created',
        arn: TG,
        name: 'web',
        targetType: 'instance',
        tags: { team: '', env: 'prod' },
      },
    },
    {
      title: 'a load balancer created with no request, zones or time has none of them',
      raw: () => record('CreateLoadBalancer', null, lbResponse()),
      change: {
        kind: 'load-balancer-created',
        arn: LB,
        name: 'web',
        type: 'network',
        dnsName: 'web.elb.amazonaws.com',
        canonicalHostedZoneId: 'ZIBE1TIR4HY56',
        vpcId: VPC,
        scheme: 'internal',
        createdAt: '2026-11-21T18:00:02.000Z',
        availabilityZones: [],
        tags: {},
      },
    },
    {
      title:
        'a load balancer keeps its address type, zones (with or without subnet), time and tags',
      raw: () =>
        record(
          'CreateLoadBalancer',
          { tags: [{ key: 'team', value: 'a' }] },
          lbResponse({
            type: 'gateway',
            ipAddressType: 'dualstack',
            createdTime: 'Nov 21, 2026 5:59:58 PM',
            availabilityZones: [
              { zoneName: 'ap-northeast-2a', subnetId: 'subnet-a' },
              { zoneName: 'ap-northeast-2b' },
            ],
          }),
        ),
      change: {
        kind: 'load-balancer-created',
        arn: LB,
        name: 'web',
        type: 'gateway',
        dnsName: 'web.elb.amazonaws.com',
        canonicalHostedZoneId: 'ZIBE1TIR4HY56',
        ipAddressType: 'dualstack',
        vpcId: VPC,
        scheme: 'internal',
        createdAt: '2026-11-21T17:59:58.000Z',
        availabilityZones: [
          { zoneName: 'ap-northeast-2a', subnetId: 'subnet-a' },
          { zoneName: 'ap-northeast-2b' },
        ],
        tags: { team: 'a' },
      },
    },
    {
      title: 'attributes without a response have no resulting map',
      raw: () =>
        record('ModifyTargetGroupAttributes', {
          targetGroupArn: TG,
          attributes: [{ key: DELAY, value: '60' }],
        }),
      change: { kind: 'target-group-attributes-modified', arn: TG, attributes: { [DELAY]: '60' } },
    },
    {
      title: 'attributes with a response keep the whole resulting map',
      raw: () =>
        record(
          'ModifyTargetGroupAttributes',
          { targetGroupArn: TG, attributes: [{ key: 'stickiness.enabled', value: 'true' }] },
          {
            attributes: [
              { key: 'stickiness.enabled', value: 'true' },
              { key: DELAY, value: '300' },
            ],
          },
        ),
      change: {
        kind: 'target-group-attributes-modified',
        arn: TG,
        attributes: { 'stickiness.enabled': 'true' },
        resultingAttributes: { 'stickiness.enabled': 'true', [DELAY]: '300' },
      },
    },
    {
      title: 'the limits of the delay, 0 and 3600 s, are what AWS accepts',
      raw: () =>
        record(
          'ModifyTargetGroupAttributes',
          { targetGroupArn: TG, attributes: [{ key: DELAY, value: '0' }] },
          { attributes: [{ key: DELAY, value: '3600' }] },
        ),
      change: {
        kind: 'target-group-attributes-modified',
        arn: TG,
        attributes: { [DELAY]: '0' },
        resultingAttributes: { [DELAY]: '3600' },
      },
    },
    {
      title: 'a deregistration names its targets with no port or zone when the record has none',
      raw: () =>
        record('DeregisterTargets', {
          targetGroupArn: TG,
          targets: [{ id: '192.168.1.21' }, { id: 'i-0c1a2b3c4d5e6f701', port: 65535 }],
        }),
      change: {
        kind: 'targets-deregistered',
        tgArn: TG,
        targets: [
          { type: 'ip', ip: '192.168.1.21' },
          { type: 'instance', instanceId: 'i-0c1a2b3c4d5e6f701', port: 65535 },
        ],
      },
    },
    {
      title: 'a registration in another partition keeps port 1 and the zone',
      raw: () => {
        const raw = record('RegisterTargets', {
          targetGroupArn: CN_TG,
          targets: [{ id: '10.0.0.9', port: 1, availabilityZone: 'all' }],
        });
        raw.region = 'cn-north-1';
        raw.detail.awsRegion = 'cn-north-1';
        return raw;
      },
      change: {
        kind: 'targets-registered',
        tgArn: CN_TG,
        targets: [{ type: 'ip', ip: '10.0.0.9', port: 1, az: 'all' }],
      },
    },
    {
      title: 'tags added to several resources name them all',
      raw: () => record('AddTags', { resourceArns: [LB, TG], tags: [{ key: 'team', value: 'a' }] }),
      change: { kind: 'tags-added', arns: [LB, TG], tags: { team: 'a' } },
    },
    {
      title: 'tags removed name their keys',
      raw: () => record('RemoveTags', { resourceArns: [TG], tagKeys: ['team', 'env'] }),
      change: { kind: 'tags-removed', arns: [TG], keys: ['team', 'env'] },
    },
    {
      title: 'a deleted load balancer is named by its ARN',
      raw: () => record('DeleteLoadBalancer', { loadBalancerArn: LB }),
      change: { kind: 'load-balancer-deleted', arn: LB },
    },
  ])('$title', ({ raw, change }) => {
    expect(bodyOf(raw())).toStrictEqual(change);
  });
});

describe('the envelope part of a change', () => {
  test('the event time is normalised to ISO 8601 with milliseconds', () => {
    // Prepare
    const raw = record('DeleteLoadBalancer', { loadBalancerArn: LB });
    raw.detail.eventTime = '2026-11-21T18:00:02+09:00';

    // Act
    const result = parseElbEvent(raw);

    // Assess
    expect(result.ok && result.value.eventTime).toBe('2026-11-21T09:00:02.000Z');
  });

  test.each([
    { title: 'from the record', drop: [], region: 'us-west-2', account: '444455556666' },
    {
      title: 'from the envelope when the record has none',
      drop: ['awsRegion', 'recipientAccountId'],
      region: 'ap-northeast-2',
      account: '111122223333',
    },
  ])('region and account come $title', ({ drop, region, account }) => {
    // Prepare
    const raw = record('DeleteLoadBalancer', { loadBalancerArn: LB });
    raw.detail.awsRegion = 'us-west-2';
    raw.detail.recipientAccountId = '444455556666';
    for (const key of drop) delete raw.detail[key];

    // Act
    const result = parseElbEvent(raw);

    // Assess
    expect(result.ok && [result.value.region, result.value.account]).toStrictEqual([
      region,
      account,
    ]);
  });
});

const ROLE = 'AWSReservedSSO_Admin_3f9a';
const assumed = (session: string, role: string | undefined = ROLE) => ({
  type: 'AssumedRole',
  principalId: `AROAEXAMPLE:${session}`,
  arn: `arn:aws:sts::111122223333:assumed-role/${role ?? 'r'}/${session}`,
  ...(role ? { sessionContext: { sessionIssuer: { type: 'Role', userName: role } } } : {}),
});

describe('who made the call', () => {
  test.each<{
    title: string;
    identity: unknown;
    userAgent?: string;
    console?: unknown;
    actor: Actor;
  }>([
    {
      title: 'the LB controller, named with its role',
      identity: assumed('1795254062318440457', 'lbc-role'),
      userAgent: 'elbv2.k8s.aws/v2.8.2 aws-sdk-go-v2/1.30.3',
      actor: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/lbc-role/1795254062318440457',
        principalId: 'AROAEXAMPLE:1795254062318440457',
        userName: '1795254062318440457',
        roleName: 'lbc-role',
        userAgent: 'elbv2.k8s.aws/v2.8.2 aws-sdk-go-v2/1.30.3',
        via: 'aws-load-balancer-controller',
        label: 'aws-load-balancer-controller (role lbc-role)',
      },
    },
    {
      title: 'the LB controller without a known role',
      identity: { type: 'AssumedRole' },
      userAgent: 'elbv2.k8s.aws/v2.9.0',
      actor: {
        type: 'AssumedRole',
        userAgent: 'elbv2.k8s.aws/v2.9.0',
        via: 'aws-load-balancer-controller',
        label: 'aws-load-balancer-controller',
      },
    },
    {
      title: 'an SSO user in the console, by the console flag',
      identity: assumed('bob@example.com'),
      userAgent: 'AWS Internal',
      console: 'true',
      actor: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::111122223333:assumed-role/${ROLE}/bob@example.com`,
        principalId: 'AROAEXAMPLE:bob@example.com',
        userName: 'bob@example.com',
        roleName: ROLE,
        userAgent: 'AWS Internal',
        via: 'console',
        label: `bob@example.com (AssumedRole ${ROLE}, console)`,
      },
    },
    {
      title: 'the console flag as a JSON boolean',
      identity: { type: 'IAMUser', userName: 'alice' },
      console: true,
      actor: {
        type: 'IAMUser',
        userName: 'alice',
        via: 'console',
        label: 'alice (IAMUser, console)',
      },
    },
    {
      title: 'an IAM user whose user agent is the console’s',
      identity: { type: 'IAMUser', userName: 'alice' },
      userAgent: 'console.amazonaws.com',
      actor: {
        type: 'IAMUser',
        userName: 'alice',
        userAgent: 'console.amazonaws.com',
        via: 'console',
        label: 'alice (IAMUser, console)',
      },
    },
    {
      title: 'a console service named in the user agent after a bracket',
      identity: { type: 'IAMUser', userName: 'alice' },
      userAgent: '[S3Console/0.4]',
      actor: {
        type: 'IAMUser',
        userName: 'alice',
        userAgent: '[S3Console/0.4]',
        via: 'console',
        label: 'alice (IAMUser, console)',
      },
    },
    {
      title: 'a console service named in the user agent after a space',
      identity: { type: 'IAMUser', userName: 'alice' },
      userAgent: 'Mozilla/5.0 EC2Console/1.0',
      actor: {
        type: 'IAMUser',
        userName: 'alice',
        userAgent: 'Mozilla/5.0 EC2Console/1.0',
        via: 'console',
        label: 'alice (IAMUser, console)',
      },
    },
    {
      title: 'a CLI whose user agent merely mentions a console is an API client',
      identity: { type: 'IAMUser', userName: 'alice' },
      userAgent: 'aws-cli/2.15 myconsole.tool',
      console: 'false',
      actor: {
        type: 'IAMUser',
        userName: 'alice',
        userAgent: 'aws-cli/2.15 myconsole.tool',
        via: 'api',
        label: 'alice (IAMUser, api)',
      },
    },
    {
      title: 'an assumed role from the API names the session and the role',
      identity: assumed('deploy-job'),
      userAgent: 'aws-sdk-go-v2/1.30.3',
      actor: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::111122223333:assumed-role/${ROLE}/deploy-job`,
        principalId: 'AROAEXAMPLE:deploy-job',
        userName: 'deploy-job',
        roleName: ROLE,
        userAgent: 'aws-sdk-go-v2/1.30.3',
        via: 'api',
        label: `deploy-job (AssumedRole ${ROLE}, api)`,
      },
    },
    {
      title: 'a role behind another identity type is not named in the label',
      identity: {
        type: 'FederatedUser',
        arn: 'arn:aws:sts::111122223333:federated-user/carol',
        sessionContext: { sessionIssuer: { userName: 'carol-issuer' } },
      },
      actor: {
        type: 'FederatedUser',
        arn: 'arn:aws:sts::111122223333:federated-user/carol',
        roleName: 'carol-issuer',
        via: 'api',
        label: 'unknown (FederatedUser, api)',
      },
    },
    {
      title: 'an AWS service is named by who invoked it',
      identity: { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' },
      actor: {
        type: 'AWSService',
        via: 'api',
        label: 'cloudformation.amazonaws.com (AWSService, api)',
      },
    },
    {
      title: 'a principal with nothing better is named by its id',
      identity: { type: 'Root', principalId: '111122223333' },
      actor: {
        type: 'Root',
        principalId: '111122223333',
        via: 'api',
        label: '111122223333 (Root, api)',
      },
    },
    {
      title: 'a record with no identity is an unknown caller',
      identity: undefined,
      actor: { type: 'Unknown', via: 'api', label: 'unknown (Unknown, api)' },
    },
  ])('$title', ({ identity, userAgent, console, actor }) => {
    // Prepare
    const raw = record('DeleteLoadBalancer', { loadBalancerArn: LB });
    raw.detail.userIdentity = identity;
    raw.detail.userAgent = userAgent;
    raw.detail.sessionCredentialFromConsole = console;

    // Act
    const result = parseElbEvent(raw);

    // Assess
    expect(result.ok && result.value.actor).toStrictEqual(actor);
  });
});

describe('what is refused, and why', () => {
  test.each<{ title: string; raw: () => unknown; code: Ignored['code']; field: string }>([
    {
      title: 'a target group that is not named by an ARN',
      raw: () => record('DeleteTargetGroup', { targetGroupArn: 'ec2:targetgroup/web' }),
      code: 'malformed',
      field: 'detail.requestParameters.targetGroupArn',
    },
    {
      title: 'an ELB ARN with text before it',
      raw: () => record('DeleteTargetGroup', { targetGroupArn: `x${TG}` }),
      code: 'malformed',
      field: 'detail.requestParameters.targetGroupArn',
    },
    {
      title: 'a registration of no targets',
      raw: () => record('RegisterTargets', { targetGroupArn: TG, targets: [] }),
      code: 'malformed',
      field: 'detail.requestParameters.targets',
    },
    ...[0, 65536, 80.5].map((port) => ({
      title: `a target on port ${port}`,
      raw: () =>
        record('RegisterTargets', { targetGroupArn: TG, targets: [{ id: '10.0.0.9', port }] }),
      code: 'malformed' as const,
      field: 'detail.requestParameters.targets.0.port',
    })),
    {
      title: 'a target group created with an empty name',
      raw: () => record('CreateTargetGroup', { name: '' }, tgResponse()),
      code: 'malformed',
      field: 'detail.requestParameters.name',
    },
    {
      title: 'a target group created with an unknown target type',
      raw: () => record('CreateTargetGroup', { name: 'web', targetType: 'pod' }, tgResponse()),
      code: 'malformed',
      field: 'detail.requestParameters.targetType',
    },
    {
      title: 'a target group created with a tag without a key',
      raw: () =>
        record('CreateTargetGroup', { name: 'web', tags: [{ key: '', value: 'a' }] }, tgResponse()),
      code: 'malformed',
      field: 'detail.requestParameters.tags.0.key',
    },
    {
      title: 'a target group response listing none',
      raw: () => record('CreateTargetGroup', { name: 'web' }, { targetGroups: [] }),
      code: 'malformed',
      field: 'detail.responseElements.targetGroups',
    },
    {
      title: 'a target group response with an empty name',
      raw: () => record('CreateTargetGroup', { name: 'web' }, tgResponse({ targetGroupName: '' })),
      code: 'malformed',
      field: 'detail.responseElements.targetGroups.0.targetGroupName',
    },
    {
      title: 'a target group response with a fractional port',
      raw: () => record('CreateTargetGroup', { name: 'web' }, tgResponse({ port: 80.5 })),
      code: 'malformed',
      field: 'detail.responseElements.targetGroups.0.port',
    },
    {
      title: 'a target group request with a fractional port',
      raw: () => record('CreateTargetGroup', { name: 'web', port: 80.5 }, tgResponse()),
      code: 'malformed',
      field: 'detail.requestParameters.port',
    },
    {
      title: 'a target group response with a foreign load balancer ARN',
      raw: () =>
        record('CreateTargetGroup', { name: 'web' }, tgResponse({ loadBalancerArns: ['lb-1'] })),
      code: 'malformed',
      field: 'detail.responseElements.targetGroups.0.loadBalancerArns.0',
    },
    {
      title: 'an attribute change of no attributes',
      raw: () => record('ModifyTargetGroupAttributes', { targetGroupArn: TG, attributes: [] }),
      code: 'malformed',
      field: 'detail.requestParameters.attributes',
    },
    {
      title: 'a requested delay AWS would refuse',
      raw: () =>
        record('ModifyTargetGroupAttributes', {
          targetGroupArn: TG,
          attributes: [{ key: DELAY, value: '3601' }],
        }),
      code: 'malformed',
      field: `detail.requestParameters ${DELAY}`,
    },
    {
      title: 'a resulting delay that is not a number',
      raw: () =>
        record(
          'ModifyTargetGroupAttributes',
          { targetGroupArn: TG, attributes: [{ key: DELAY, value: '60' }] },
          { attributes: [{ key: DELAY, value: 'soon' }] },
        ),
      code: 'malformed',
      field: `detail.responseElements ${DELAY}`,
    },
    {
      title: 'a response of attributes that are not a list',
      raw: () =>
        record(
          'ModifyTargetGroupAttributes',
          { targetGroupArn: TG, attributes: [{ key: DELAY, value: '60' }] },
          { attributes: 'all' },
        ),
      code: 'malformed',
      field: 'detail.responseElements.attributes',
    },
    ...(
      [
        ['loadBalancerName', ''],
        ['dNSName', ''],
        ['canonicalHostedZoneId', ''],
        ['scheme', ''],
        ['vpcId', ''],
        ['type', 'classic'],
      ] as const
    ).map(([field, value]) => ({
      title: `a load balancer response with ${field} ${JSON.stringify(value)}`,
      raw: () => record('CreateLoadBalancer', null, lbResponse({ [field]: value })),
      code: 'malformed' as const,
      field: `detail.responseElements.loadBalancers.0.${field}`,
    })),
    {
      title: 'a load balancer response listing none',
      raw: () => record('CreateLoadBalancer', null, { loadBalancers: [] }),
      code: 'malformed',
      field: 'detail.responseElements.loadBalancers',
    },
    {
      title: 'a load balancer zone without a name',
      raw: () =>
        record('CreateLoadBalancer', null, lbResponse({ availabilityZones: [{ subnetId: 's' }] })),
      code: 'malformed',
      field: 'detail.responseElements.loadBalancers.0.availabilityZones.0.zoneName',
    },
    {
      title: 'a load balancer request whose tags are not a list',
      raw: () => record('CreateLoadBalancer', { tags: 'team=a' }, lbResponse()),
      code: 'malformed',
      field: 'detail.requestParameters.tags',
    },
    {
      title: 'tags added to no resource',
      raw: () => record('AddTags', { resourceArns: [], tags: [{ key: 'team', value: 'a' }] }),
      code: 'malformed',
      field: 'detail.requestParameters.resourceArns',
    },
    {
      title: 'no tags added',
      raw: () => record('AddTags', { resourceArns: [TG], tags: [] }),
      code: 'malformed',
      field: 'detail.requestParameters.tags',
    },
    {
      title: 'no tag keys removed',
      raw: () => record('RemoveTags', { resourceArns: [TG], tagKeys: [] }),
      code: 'malformed',
      field: 'detail.requestParameters.tagKeys',
    },
    {
      title: 'an empty tag key removed',
      raw: () => record('RemoveTags', { resourceArns: [TG], tagKeys: [''] }),
      code: 'malformed',
      field: 'detail.requestParameters.tagKeys.0',
    },
    {
      title: 'a load balancer deleted by name (a Classic call shape)',
      raw: () => record('DeleteLoadBalancer', { loadBalancerName: 'legacy' }),
      code: 'malformed',
      field: 'detail.requestParameters.loadBalancerArn',
    },
    {
      title: 'an identity that is not an object',
      raw: () => {
        const raw = record('DeleteLoadBalancer', { loadBalancerArn: LB });
        raw.detail.userIdentity = 'alice';
        return raw;
      },
      code: 'malformed',
      field: 'detail.userIdentity',
    },
    {
      title: 'an identity whose type is not text',
      raw: () => {
        const raw = record('DeleteLoadBalancer', { loadBalancerArn: LB });
        raw.detail.userIdentity = { type: 7 };
        return raw;
      },
      code: 'malformed',
      field: 'detail.userIdentity.type',
    },
  ])('$title', ({ raw, code, field }) => {
    // Act
    const refusal = refusalOf(raw());

    // Assess: the code, then the field the reason points at
    expect(refusal.code).toBe(code);
    expect(refusal.reason.startsWith(`${code}: ${field}`)).toBe(true);
  });

  test('a refused record still names its event for the log', () => {
    // Prepare
    const raw = record('AddTags', { resourceArns: [], tags: [] });

    // Act
    const refusal = refusalOf(raw);

    // Assess
    expect([refusal.eventId, refusal.eventName]).toStrictEqual([
      '0ce81efd-7c5d-4ebf-8adc-e39c0f5e670c',
      'AddTags',
    ]);
  });

  test('a refused delay still names its event for the log', () => {
    // Prepare
    const raw = record('ModifyTargetGroupAttributes', {
      targetGroupArn: TG,
      attributes: [{ key: DELAY, value: '-1' }],
    });

    // Act
    const refusal = refusalOf(raw);

    // Assess
    expect([refusal.code, refusal.eventName]).toStrictEqual([
      'malformed',
      'ModifyTargetGroupAttributes',
    ]);
  });

  test('a Classic Load Balancer call is told apart from an unsupported one', () => {
    // Prepare
    const classic = record('CreateLoadBalancer', { loadBalancerName: 'legacy' });
    classic.detail.apiVersion = '2012-06-01';
    const listener = record('CreateListener', {});

    // Act
    const refusals = [refusalOf(classic), refusalOf(listener)];

    // Assess
    expect(refusals.map((r) => [r.code, r.eventName])).toStrictEqual([
      ['classic-elb', 'CreateLoadBalancer'],
      ['unsupported-event', 'CreateListener'],
    ]);
  });
});

// Equivalent mutants of elb-event.ts, noted here: the ISO branch's `^` anchor (Date.parse
// refuses anything before the year anyway), `month < 0` and either half of the rollover check
// (a rolled-over date always changes both its day and its month, and an unknown month rolls
// over too), `'ok' in built && built.ok === false` loosened (a change has no `ok` key), and the
// `?? ''` under the console pattern (no empty or placeholder text matches it).
describe('CloudTrail times inside bodies', () => {
  test.each<[string, string | undefined]>([
    ['Nov 21, 2026 12:30:00 PM', '2026-11-21T12:30:00.000Z'],
    ['Nov 21, 2026 12:30:00 AM', '2026-11-21T00:30:00.000Z'],
    ['Nov 21, 2026 1:30:00 AM', '2026-11-21T01:30:00.000Z'],
    ['Nov 21, 2026 11:30:00 PM', '2026-11-21T23:30:00.000Z'],
    ['Nov 21, 2026 0:30:00 AM', undefined],
    ['Jan 31, 2026 10:00:00 AM', '2026-01-31T10:00:00.000Z'],
    ['Dec 1, 2026 10:00:00 AM', '2026-12-01T10:00:00.000Z'],
    ['  Nov 21, 2026 10:01:02 AM  ', '2026-11-21T10:01:02.000Z'],
    ['Nov 21, 2026 10:01:02AM', '2026-11-21T10:01:02.000Z'],
    ['xNov 21, 2026 10:01:02 AM', undefined],
    ['Nov 21, 2026 10:01:02 AMx', undefined],
    ['nov 21, 2026 10:01:02 AM', undefined],
    ['Nov 21 2026 10:01:02 AM', undefined],
    ['Nov 21, 26 10:01:02 AM', undefined],
    ['Apr 31, 2026 10:00:00 AM', undefined],
    ['2026-11-21T10:01:02Z', '2026-11-21T10:01:02.000Z'],
    ['2026-11-21T99:01:02Z', undefined],
    ['x2026-11-21T10:01:02Z', undefined],
    ['2026-11-21', undefined],
    ['Sat, 21 Nov 2026 10:01:02 GMT', undefined],
  ])('%j -> %s', (text, iso) => {
    expect(parseCloudTrailTime(text)).toBe(iso);
  });
});
