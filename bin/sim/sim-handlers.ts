import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { createElbv2Reader, elbv2ClientConfig } from '#adapters/elbv2/elbv2-reader.ts';
import { withDelayRemediation } from '#adapters/elbv2/elbv2-remediation.ts';
import { composeEc2, composeElb } from '#app/composition.ts';
import { dnsWiring } from '#app/dns-wiring.ts';
import { ec2EventHandler } from '#app/ec2-handler.ts';
import { elbEventHandler } from '#app/elb-handler.ts';
import { sweepHandler } from '#app/sweep-handler.ts';
import { awsAdapters } from '#app/wiring.ts';
import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';
import { motoClientConfig } from '#local/moto-server.ts';
import { loadConfig } from '#shared/config.ts';

export interface SimHandlerOptions {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly endpoint: string;
  readonly region: string;
  readonly cluster: string;
  readonly vpcId: string;
  readonly topicArn: string;
  readonly zone?: { readonly id: string; readonly name: string } | undefined;
  /** The Lambda environment the scenario asks for (thresholds, delay policy, ...). */
  readonly env: Record<string, string>;
  /** Set to each event's time before its handler runs, and to the sweep's time. */
  readonly clock: () => Date;
  /** Every alert notification, as it is published. */
  readonly onAlert: (n: AlertNotification) => void;
  /** Applied to each SDK client made here (the fault suite scales their retry waits). */
  readonly tuneClient?: (<T>(client: T) => T) | undefined;
}

export type RuleHandler = (event: unknown) => Promise<unknown>;

/**
 * The deployed handlers, wired exactly as in Lambda (the same wiring functions) but with
 * SDK clients pointed at moto: each rule's handler, and the sweep.
 */
export function simHandlers(o: SimHandlerOptions) {
  const config = loadConfig({
    ...o.env,
    TABLE_NAME: o.tableName,
    CLUSTERS: o.cluster,
    VPC_IDS: o.vpcId,
    ALERT_TOPIC_ARN: o.topicArn,
    ...(o.zone
      ? {
          DNS_ZONES: `${o.zone.id}=${o.zone.name}:private`,
          DNS_OWNER_ID: o.env.DNS_OWNER_ID ?? 'netledger',
        }
      : {}),
  });
  const moto = motoClientConfig(o.endpoint, o.region);
  const tune = o.tuneClient ?? (<T>(client: T) => client);
  const ec2 = tune(new EC2Client({ ...moto, maxAttempts: 5 }));
  const elbv2 = tune(new ElasticLoadBalancingV2Client(elbv2ClientConfig(moto)));
  const route53 = new Route53Client({
    ...motoClientConfig(o.endpoint, 'us-east-1'),
    maxAttempts: 1,
  });
  const sns = tune(new SNSClient({ ...moto, maxAttempts: 5 }));
  const clients = { db: o.db, ec2, elbv2, sns: () => sns, clock: o.clock };
  // Lambda's adapters from the SDK clients; the alert notifier also tells the story.
  const adapters = awsAdapters(config, clients);
  const notifier = adapters.alerting?.notifier;
  const told = notifier && {
    notify: async (n: AlertNotification) => {
      await notifier.notify(n);
      o.onAlert(n);
    },
  };
  const composed = {
    ...adapters,
    ...(adapters.alerting && told ? { alerting: { ...adapters.alerting, notifier: told } } : {}),
  };
  const settings = { scope: config.scope, capacity: config.capacity, targets: config.targets };
  const dns = dnsWiring(config, { db: o.db, route53, sns: () => sns });
  const ec2Deps = composeEc2(settings, composed);
  const elbDeps = {
    ...composeElb(settings, {
      ...composed,
      elbv2: withDelayRemediation(createElbv2Reader(elbv2), elbv2),
    }),
    ...(dns ? { dns } : {}),
  };
  const ec2Handler = ec2EventHandler(ec2Deps);
  const elbHandler = elbEventHandler(elbDeps);
  const sweep = sweepHandler({ network: ec2Deps, elb: elbDeps, ...(dns ? { dns } : {}) }, o.clock);
  return {
    rules: {
      'instance-state': (event: unknown) => ec2Handler(event, lambdaContext('instance-state')),
      'eni-activity': (event: unknown) => ec2Handler(event, lambdaContext('eni-activity')),
      'elb-activity': (event: unknown) => elbHandler(event, lambdaContext('elb-activity')),
    } as Record<string, RuleHandler>,
    sweep: () => sweep({}, lambdaContext('sweep')),
    destroy() {
      for (const c of [ec2, elbv2, route53, sns]) c.destroy();
    },
  };
}

/** Just enough of a Lambda context for Powertools. */
function lambdaContext(name: string): Context {
  return {
    functionName: `netledger-sim-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:123456789012:function:netledger-sim-${name}`,
    memoryLimitInMB: '512',
    awsRequestId: 'sim',
    logGroupName: `/aws/lambda/netledger-sim-${name}`,
    logStreamName: 'sim',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
