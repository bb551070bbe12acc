import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertStore } from '#adapters/dynamodb/ledger-alerts.ts';
import { DynamoInstanceTypeCache } from '#adapters/dynamodb/ledger-instance-types.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import { DynamoUsageHistory } from '#adapters/dynamodb/ledger-usage.ts';
import { Ec2InstanceTypeReader } from '#adapters/ec2/ec2-instance-types.ts';
import { SdkEc2Reader } from '#adapters/ec2/ec2-reader.ts';
import { createElbv2Reader } from '#adapters/elbv2/elbv2-reader.ts';
import { SnsNotifier } from '#adapters/notify/sns-notifier.ts';
import {
  documentClient,
  ec2Client,
  elbv2Client,
  route53Client,
  snsClient,
} from '#app/aws-clients.ts';
import { dnsWiring } from '#app/dns-wiring.ts';
import type { Ec2HandlerDeps } from '#app/ec2-handler.ts';
import type { ElbHandlerDeps } from '#app/elb-handler.ts';
import type { SweepHandlerDeps } from '#app/sweep-handler.ts';
import { CachedInstanceTypeCatalog } from '#core/capacity/instance-type-catalog.ts';
import type { Config } from '#shared/config.ts';

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

/**
 * Ports for the EC2 handlers from the given clients. Capacity alerts are reviewed only
 * when ALERT_TOPIC_ARN is set: without a topic there is nobody to tell.
 */
export function ec2HandlerDeps(config: Config, clients: AwsClients): Ec2HandlerDeps {
  const ledger = new DynamoNetworkLedger(clients.db, config.tableName);
  const clock = clients.clock ?? (() => new Date());
  const deps = { ledger, ec2: new SdkEc2Reader(clients.ec2), scope: config.scope };
  if (!config.alertTopicArn) return deps;
  const { elbv2 } = clients;
  return {
    ...deps,
    ...(elbv2 ? { targets: elbHandlerDeps(config, { ...clients, elbv2 }) } : {}),
    capacity: {
      alerts: new DynamoAlertStore(clients.db, config.tableName),
      catalog: new CachedInstanceTypeCatalog(
        new DynamoInstanceTypeCache(clients.db, config.tableName, clock),
        new Ec2InstanceTypeReader(clients.ec2),
      ),
      notifier: new SnsNotifier(clients.sns(), config.alertTopicArn),
      settings: config.capacity,
      clock: () => clock().toISOString(),
      usage: new DynamoUsageHistory(clients.db, config.tableName),
    },
  };
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

/**
 * Ports for the elb-activity handler. Target alerts (stale targets, delay drift) are settled
 * only when ALERT_TOPIC_ARN is set; remediation follows DRIFT_REMEDIATE either way.
 */
export function elbHandlerDeps(
  config: Config,
  clients: Omit<AwsClients, 'ec2'> & { readonly elbv2: ElasticLoadBalancingV2Client },
): ElbHandlerDeps {
  const clock = clients.clock ?? (() => new Date());
  return {
    targets: new DynamoTargetLedger(clients.db, config.tableName),
    network: new DynamoNetworkLedger(clients.db, config.tableName),
    elbv2: createElbv2Reader(clients.elbv2),
    scope: config.scope,
    settings: config.targets,
    clock: () => clock().toISOString(),
    ...(config.alertTopicArn
      ? {
          alerting: {
            alerts: new DynamoAlertStore(clients.db, config.tableName),
            notifier: new SnsNotifier(clients.sns(), config.alertTopicArn),
            policy: config.capacity.alertPolicy,
          },
        }
      : {}),
  };
}

/** Ports backed by real AWS, for the elb-activity function. */
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
