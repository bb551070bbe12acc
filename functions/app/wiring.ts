import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoInstanceTypeCache } from '#adapters/dynamodb/ledger-instance-types.ts';
import { Ec2InstanceTypeReader } from '#adapters/ec2/ec2-instance-types.ts';
import { SdkEc2Reader } from '#adapters/ec2/ec2-reader.ts';
import { createElbv2Reader } from '#adapters/elbv2/elbv2-reader.ts';
import { withDelayRemediation } from '#adapters/elbv2/elbv2-remediation.ts';
import { SnsNotifier } from '#adapters/notify/sns-notifier.ts';
import {
  documentClient,
  ec2Client,
  elbv2Client,
  route53Client,
  snsClient,
} from '#app/aws-clients.ts';
import {
  type Adapters,
  composeEc2,
  composeElb,
  dynamoLedger,
  type Settings,
} from '#app/composition.ts';
import { dnsWiring } from '#app/dns-wiring.ts';
import type { Ec2HandlerDeps } from '#app/ec2-handler.ts';
import type { ElbHandlerDeps } from '#app/elb-handler.ts';
import type { SweepHandlerDeps } from '#app/sweep-handler.ts';
import { CachedInstanceTypeCatalog } from '#core/capacity/instance-type-catalog.ts';
import type { Config } from '#shared/config.ts';

/**
 * Lambda's adapters: the SDK clients (created once per execution environment) turned into the
 * ports the composition root asks for. Tests pass clients of their own (DynamoDB Local, mocks).
 */
export interface AwsClients {
  readonly db: DynamoDBDocumentClient;
  readonly ec2: EC2Client;
  /** For the stale-target review after EC2 events; without it that review is skipped. */
  readonly elbv2?: ElasticLoadBalancingV2Client;
  /** Only called when an alert topic is configured. */
  readonly sns: () => SNSClient;
  /** Defaults to the system clock; tests drive it. */
  readonly clock?: () => Date;
}

function settingsOf(config: Config): Settings {
  return { scope: config.scope, capacity: config.capacity, targets: config.targets };
}

/** The ports the SDK clients serve. Alerting is on only while ALERT_TOPIC_ARN is set. */
export function awsAdapters(config: Config, clients: AwsClients): Adapters {
  const clock = clients.clock ?? (() => new Date());
  const ledger = dynamoLedger(clients.db, config.tableName);
  return {
    ledger,
    ec2: new SdkEc2Reader(clients.ec2),
    elbv2: clients.elbv2 ? createElbv2Reader(clients.elbv2) : undefined,
    alerting: config.alertTopicArn
      ? {
          notifier: new SnsNotifier(clients.sns(), config.alertTopicArn),
          catalog: new CachedInstanceTypeCatalog(
            new DynamoInstanceTypeCache(clients.db, config.tableName, clock),
            new Ec2InstanceTypeReader(clients.ec2),
          ),
        }
      : undefined,
    clock: () => clock().toISOString(),
  };
}

/** Ports for the EC2 handlers from the given clients. */
export function ec2HandlerDeps(config: Config, clients: AwsClients): Ec2HandlerDeps {
  return composeEc2(settingsOf(config), awsAdapters(config, clients));
}

/** Ports backed by real AWS, for the deployed functions. */
export function awsEc2Deps(config: Config): Ec2HandlerDeps {
  return ec2HandlerDeps(config, {
    db: documentClient(),
    ec2: ec2Client(),
    elbv2: elbv2Client(),
    sns: snsClient,
  });
}

/** Ports for the elb-activity handler from the given clients: ELBv2, the ledger and SNS, no EC2. */
export function elbHandlerDeps(
  config: Config,
  clients: Omit<AwsClients, 'ec2' | 'elbv2'> & { readonly elbv2: ElasticLoadBalancingV2Client },
): ElbHandlerDeps {
  const clock = clients.clock ?? (() => new Date());
  return composeElb(settingsOf(config), {
    ledger: dynamoLedger(clients.db, config.tableName),
    elbv2: withDelayRemediation(createElbv2Reader(clients.elbv2), clients.elbv2),
    alerting: config.alertTopicArn
      ? { notifier: new SnsNotifier(clients.sns(), config.alertTopicArn) }
      : undefined,
    clock: () => clock().toISOString(),
  });
}

/** Ports backed by real AWS, for the elb-activity function (with DNS sync while DNS_ZONES is set). */
export function awsElbDeps(config: Config): ElbHandlerDeps {
  const clients = { db: documentClient(), elbv2: elbv2Client(), sns: snsClient };
  const dns = dnsWiring(config, { ...clients, route53: route53Client() });
  return { ...elbHandlerDeps(config, clients), ...(dns ? { dns } : {}) };
}

/** Everything the sweep repairs: the network, load balancers and targets, and DNS. */
export function awsSweepDeps(config: Config): SweepHandlerDeps {
  const elb = awsElbDeps(config);
  return {
    network: awsEc2Deps(config),
    elb,
    ...(elb.dns ? { dns: elb.dns } : {}),
  };
}
