'use strict';
/**
 * One IAM role per function, holding only the actions that function's code calls.
 *
 * `test/integration/package.test.ts` derives each function's SDK calls from what its
 * bundle imports and uses, and fails on any action here that no code calls or any call
 * not granted. No wildcard action anywhere.
 *
 * A generator rather than a JSON fragment: osls resolves params at package time, so the
 * optional grants (Route53 on the configured zones while `dnsZones` is set,
 * ModifyTargetGroupAttributes while `driftRemediate` is true) are decided here, with no
 * CloudFormation condition on a constant (cfn-lint W8003).
 *
 * serverless-iam-roles-per-function 3.2.0 was tried with osls 4.3.1: it builds roles, but
 * drops the X-Ray and on-failure-destination grants the framework would add and leaves the
 * shared IamRoleLambdaExecution in the stack, so the roles live here instead.
 */

/** What each function's code calls, by grant family (see GRANTS). */
const FUNCTIONS = {
  // The EC2 handlers review stale targets, never delay drift: no ModifyTargetGroupAttributes.
  instanceState: ['ledger', 'ec2Read', 'elbRead', 'publishAlerts'],
  eniActivity: ['ledger', 'ec2Read', 'elbRead', 'publishAlerts'],
  elbActivity: ['ledger', 'elbRead', 'elbRemediate', 'publishAlerts', 'route53'],
  sweep: ['ledger', 'ec2Read', 'elbRead', 'elbRemediate', 'publishAlerts', 'route53'],
  notify: ['slackWebhookParameter'],
};

const partition = { Ref: 'AWS::Partition' };
const region = { Ref: 'AWS::Region' };
const account = { Ref: 'AWS::AccountId' };
const join = (parts) => ({ 'Fn::Join': ['', parts] });

const LEDGER_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  // Audit entries go in batches (LedgerTable.batchPut).
  'dynamodb:BatchWriteItem',
  // An event's unit of work reads ahead in one BatchGetItem (and its reviews their alerts in
  // another) and commits one TransactWriteItems,
  // whose items are authorized as PutItem/UpdateItem/DeleteItem and, for an unchanged item whose
  // condition must still hold, ConditionCheckItem (transactions have no action of their own).
  'dynamodb:BatchGetItem',
  'dynamodb:ConditionCheckItem',
];

/** Statements per grant family, given the package-time settings. */
const GRANTS = {
  ledger: () => [
    {
      Sid: 'LedgerTable',
      Effect: 'Allow',
      Action: LEDGER_ACTIONS,
      Resource: [
        { 'Fn::GetAtt': ['LedgerTable', 'Arn'] },
        join([{ 'Fn::GetAtt': ['LedgerTable', 'Arn'] }, '/index/*']),
      ],
    },
  ],
  // EC2 Describe* and GetSubnetCidrReservations have no resource-level permissions.
  ec2Read: () => [
    {
      Sid: 'Ec2Read',
      Effect: 'Allow',
      Action: [
        'ec2:DescribeInstances',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:DescribeInstanceTypes',
        'ec2:GetSubnetCidrReservations',
      ],
      Resource: '*',
    },
  ],
  // ELBv2 Describe* have no resource-level permissions either.
  elbRead: () => [
    {
      Sid: 'ElbRead',
      Effect: 'Allow',
      Action: [
        'elasticloadbalancing:DescribeLoadBalancers',
        'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:DescribeTargetHealth',
        'elasticloadbalancing:DescribeTags',
      ],
      Resource: '*',
    },
  ],
  // Only while remediation is on, and only on target groups the AWS Load Balancer
  // Controller tagged for a cluster in scope.
  elbRemediate: ({ remediate, clusters }) =>
    remediate
      ? [
          {
            Sid: 'ElbRemediateControllerTargetGroups',
            Effect: 'Allow',
            Action: 'elasticloadbalancing:ModifyTargetGroupAttributes',
            Resource: join([
              'arn:',
              partition,
              ':elasticloadbalancing:',
              region,
              ':',
              account,
              ':targetgroup/*/*',
            ]),
            Condition:
              clusters.length > 0
                ? { StringEquals: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': clusters } }
                : { Null: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'false' } },
          },
        ]
      : [],
  publishAlerts: () => [
    {
      Sid: 'PublishAlerts',
      Effect: 'Allow',
      Action: 'sns:Publish',
      Resource: { Ref: 'AlertTopic' },
    },
    // The topic is encrypted with alias/aws/sns; publishers need the key, only through SNS.
    {
      Sid: 'AlertTopicKey',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': join(['sns.', region, '.amazonaws.com']) } },
    },
  ],
  // Only while DNS sync is on, and only on the configured zones; writes only the record
  // types netledger owns (alias A/AAAA and the ExternalDNS-style TXT).
  route53: ({ zoneIds }) => {
    if (zoneIds.length === 0) return [];
    const zones = zoneIds.map((id) => join(['arn:', partition, `:route53:::hostedzone/${id}`]));
    return [
      {
        Sid: 'Route53ReadRecords',
        Effect: 'Allow',
        Action: 'route53:ListResourceRecordSets',
        Resource: zones,
      },
      {
        Sid: 'Route53WriteAddressAndOwnershipRecords',
        Effect: 'Allow',
        Action: 'route53:ChangeResourceRecordSets',
        Resource: zones,
        Condition: {
          'ForAllValues:StringEquals': {
            'route53:ChangeResourceRecordSetsRecordTypes': ['A', 'AAAA', 'TXT'],
          },
        },
      },
    ];
  },
  slackWebhookParameter: ({ slackParameter }) => {
    const arn = join([
      'arn:',
      partition,
      ':ssm:',
      region,
      ':',
      account,
      `:parameter${slackParameter}`,
    ]);
    return [
      { Sid: 'SlackWebhookParameter', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: arn },
      // SecureString decryption, only through SSM and only for the webhook parameter.
      {
        Sid: 'SlackWebhookParameterKey',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: {
          StringEquals: { 'kms:ViaService': join(['ssm.', region, '.amazonaws.com']) },
          StringLike: { 'kms:EncryptionContext:PARAMETER_ARN': arn },
        },
      },
    ];
  },
};

const upperFirst = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/** What every function needs to run at all: its log group, X-Ray, its on-failure queue. */
function runtimeStatements(fn) {
  const id = upperFirst(fn);
  return [
    {
      Sid: 'OwnLogGroup',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [`${id}LogGroup`, 'Arn'] },
    },
    // X-Ray's write actions have no resource-level permissions.
    {
      Sid: 'Tracing',
      Effect: 'Allow',
      Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
      Resource: '*',
    },
    {
      Sid: 'OnFailureDestination',
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': [`${id}DeadLetterQueue`, 'Arn'] },
    },
  ];
}

/** Zone ids of a DNS_ZONES value (`zoneId=domain[:private],...`). */
function zoneIdsOf(dnsZones) {
  return dnsZones
    .split(',')
    .map(
      (entry) =>
        entry
          .trim()
          .split('=')[0]
          ?.trim()
          .replace(/^\/?hostedzone\//, '') ?? '',
    )
    .filter((id) => id !== '');
}

module.exports = async ({ resolveVariable }) => {
  const param = async (name) => String((await resolveVariable(`param:${name}`)) ?? '').trim();
  const clusterList = await param('clusters');
  const settings = {
    remediate: (await param('driftRemediate')) === 'true',
    clusters:
      clusterList === 'all'
        ? []
        : clusterList
            .split(',')
            .map((c) => c.trim())
            .filter((c) => c !== ''),
    zoneIds: zoneIdsOf(await param('dnsZones')),
    slackParameter: await param('slackWebhookParameter'),
  };
  const Resources = {};
  for (const [fn, families] of Object.entries(FUNCTIONS)) {
    Resources[`${upperFirst(fn)}Role`] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: `netledger ${fn}: only the calls its code makes`,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'lambda.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        },
        Policies: [
          {
            PolicyName: `netledger-${fn}`,
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                ...runtimeStatements(fn),
                ...families.flatMap((family) => GRANTS[family](settings)),
              ],
            },
          },
        ],
      },
    };
  }
  return { Resources };
};
