import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { elbv2ClientConfig } from '#adapters/elbv2/elbv2-reader.ts';
import { tracer } from '#shared/powertools.ts';

/**
 * SDK clients, created on first use and then kept for the life of the
 * execution environment. The SDK's standard retry mode already backs off on
 * throttling and 5xx; netledger only raises the attempt count.
 */
const MAX_ATTEMPTS = 5;
let ddb: DynamoDBDocumentClient | undefined;
let ec2: EC2Client | undefined;

export function documentClient(): DynamoDBDocumentClient {
  ddb ??= DynamoDBDocumentClient.from(traced(new DynamoDBClient({ maxAttempts: MAX_ATTEMPTS })), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return ddb;
}

export function ec2Client(): EC2Client {
  ec2 ??= traced(new EC2Client({ maxAttempts: MAX_ATTEMPTS }));
  return ec2;
}

let elbv2: ElasticLoadBalancingV2Client | undefined;

/** ELBv2's own retry settings: its Describe* rate limits are low and shared account-wide. */
export function elbv2Client(): ElasticLoadBalancingV2Client {
  elbv2 ??= traced(new ElasticLoadBalancingV2Client(elbv2ClientConfig()));
  return elbv2;
}

let sns: SNSClient | undefined;

export function snsClient(): SNSClient {
  sns ??= traced(new SNSClient({ maxAttempts: MAX_ATTEMPTS }));
  return sns;
}

let route53: Route53Client | undefined;

/**
 * Route53 is global (its endpoint lives in us-east-1). The SDK's own retries are
 * off: Route53Caller retries itself so every attempt waits for the shared
 * 5 requests/s token bucket.
 */
export function route53Client(): Route53Client {
  route53 ??= traced(new Route53Client({ region: 'us-east-1', maxAttempts: 1 }));
  return route53;
}

/** Each AWS call becomes an X-Ray subsegment (a no-op outside Lambda). */
function traced<T>(client: T): T {
  return tracer.captureAWSv3Client(client);
}
