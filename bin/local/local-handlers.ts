import { unavailableEc2 } from '#adapters/ec2-unavailable.ts';
import { unavailableElbv2 } from '#adapters/elbv2-unavailable.ts';
import { DynamoAlertStore } from '#adapters/ledger-alerts.ts';
import { DynamoNetworkLedger } from '#adapters/ledger-network.ts';
import { DynamoTargetLedger } from '#adapters/ledger-targets.ts';
import type { EventOutcome } from '#core/apply-ec2-event.ts';
import type { InstanceTypeCatalog } from '#core/capacity-ports.ts';
import type { CapacitySettings } from '#core/capacity-settings.ts';
import type { Notifier } from '#core/notifier.ts';
import type { Scope } from '#core/scope.ts';
import { ec2EventHandler } from '#shared/ec2-handler.ts';
import { elbEventHandler } from '#shared/elb-handler.ts';
import { loadTargetSettings } from '#shared/target-config.ts';
import type { LocalLedger } from './local-ledger.ts';

type Route = (event: unknown) => Promise<EventOutcome>;

/** Capacity alerts in local mode: instance types from a saved file, notifications to a local notifier. */
export interface LocalCapacityOptions {
  /** From fileInstanceTypeCatalog: a saved `aws ec2 describe-instance-types` response. */
  readonly catalog: InstanceTypeCatalog;
  readonly notifier: Notifier;
  readonly settings: CapacitySettings;
}

/**
 * The deployed handlers, wired to the local ledger. There is no AWS account
 * behind local mode, so EC2 answers "not found" for everything. With `capacity`,
 * each applied event is followed by the capacity review, as when ALERT_TOPIC_ARN is set.
 */
export function localRoutes(
  ledger: LocalLedger,
  scope: Scope,
  capacity?: LocalCapacityOptions,
): Record<string, Route> {
  const ec2 = ec2EventHandler({
    ledger: new DynamoNetworkLedger(ledger.db, ledger.tableName),
    ec2: unavailableEc2,
    scope,
    capacity: capacity && {
      alerts: new DynamoAlertStore(ledger.db, ledger.tableName),
      catalog: capacity.catalog,
      notifier: capacity.notifier,
      settings: capacity.settings,
      clock: () => new Date().toISOString(),
    },
  });
  // ELBv2 answers "not found" like EC2; the delay policy comes from the same variables as in Lambda.
  const elb = elbEventHandler({
    targets: new DynamoTargetLedger(ledger.db, ledger.tableName),
    network: new DynamoNetworkLedger(ledger.db, ledger.tableName),
    elbv2: unavailableElbv2,
    scope,
    settings: loadTargetSettings(process.env),
    clock: () => new Date().toISOString(),
    alerting: capacity && {
      alerts: new DynamoAlertStore(ledger.db, ledger.tableName),
      notifier: capacity.notifier,
      policy: capacity.settings.alertPolicy,
    },
  });
  return {
    'aws.ec2': (event) => ec2(event, lambdaContext('eni-activity')),
    'aws.elasticloadbalancing': (event) => elb(event, lambdaContext('elb-activity')),
  };
}

/** Just enough of a Lambda context for Powertools' logger. */
function lambdaContext(name: string) {
  return {
    functionName: `netledger-local-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:netledger-local-${name}`,
    memoryLimitInMB: '512',
    awsRequestId: 'local',
    logGroupName: `/aws/lambda/netledger-local-${name}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
