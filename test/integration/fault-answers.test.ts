import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListHostedZonesCommand, Route53Client } from '@aws-sdk/client-route-53';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isRetryableRoute53Error } from '#adapters/route53/route53-call.ts';
import { motoClientConfig } from '#local/moto-server.ts';
import {
  type FaultKind,
  faultAnswer,
  isFaultedService,
} from '../../bin/sim/faults/fault-answers.ts';
import { type FaultProxy, startFaultProxy } from '../../bin/sim/faults/fault-proxy.ts';
import { scaleRetryDelays } from '../../bin/sim/faults/retry-time.ts';

/**
 * The fault suite's injected answers are met by the SDK's own retry strategy: each one, in its
 * service's wire protocol, is parsed into the error AWS would send and retried until the
 * attempts run out (never a parse error, never a non-retryable failure).
 */
describe('fault answers through the proxy, as the real SDK clients see them', () => {
  let proxy: FaultProxy;
  let kind: FaultKind = 'throttle';
  let seen = 0;

  beforeAll(async () => {
    proxy = await startFaultProxy(
      // Nothing is forwarded: every request is answered with a fault.
      { moto: 'http://127.0.0.1:9', dynamodb: 'http://127.0.0.1:9' },
      {
        verdict: (r) => {
          seen += 1;
          if (!isFaultedService(r.service)) throw new Error(`unexpected service ${r.service}`);
          return { do: 'fail', answer: faultAnswer(r.service, kind, `req-${seen}`) };
        },
        answered: () => undefined,
      },
    );
  });
  afterAll(() => proxy.close());

  const config = () => ({
    ...motoClientConfig(proxy.endpoint, 'eu-west-1'),
    maxAttempts: 3,
  });
  const calls = {
    ec2: () => scaleRetryDelays(new EC2Client(config()), 0).send(new DescribeInstancesCommand({})),
    elasticloadbalancing: () =>
      scaleRetryDelays(new ElasticLoadBalancingV2Client(config()), 0).send(
        new DescribeTargetGroupsCommand({}),
      ),
    route53: () =>
      scaleRetryDelays(new Route53Client(config()), 0).send(new ListHostedZonesCommand({})),
    sns: () =>
      scaleRetryDelays(new SNSClient(config()), 0).send(
        new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:123456789012:t', Message: 'x' }),
      ),
    dynamodb: () =>
      scaleRetryDelays(new DynamoDBClient(config()), 0).send(
        new GetItemCommand({ TableName: 't', Key: { PK: { S: 'x' } } }),
      ),
  };

  test.each([
    { service: 'ec2', fault: 'throttle', name: 'RequestLimitExceeded' },
    { service: 'ec2', fault: 'server-error', name: 'InternalError' },
    { service: 'elasticloadbalancing', fault: 'throttle', name: 'Throttling' },
    { service: 'elasticloadbalancing', fault: 'server-error', name: 'ServiceUnavailable' },
    { service: 'route53', fault: 'throttle', name: 'Throttling' },
    { service: 'route53', fault: 'server-error', name: 'ServiceUnavailable' },
    { service: 'sns', fault: 'throttle', name: 'Throttling' },
    { service: 'sns', fault: 'server-error', name: 'ServiceUnavailable' },
    { service: 'dynamodb', fault: 'throttle', name: 'ThrottlingException' },
    { service: 'dynamodb', fault: 'server-error', name: 'InternalServerError' },
  ] as const)('$service $fault: $name, retried until the attempts ran out', async (c) => {
    // Prepare
    kind = c.fault;
    seen = 0;

    // Act
    const error = await calls[c.service]().then(
      () => undefined,
      (e: unknown) => e as { name: string; $metadata: { attempts?: number } },
    );

    // Assess
    expect(error?.name).toBe(c.name);
    expect(error?.$metadata.attempts).toBe(3);
    expect(seen).toBe(3);
    if (c.service === 'route53') expect(isRetryableRoute53Error(error)).toBe(true);
  });
});
