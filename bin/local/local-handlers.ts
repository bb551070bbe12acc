import { unavailableEc2 } from '#adapters/ec2/ec2-unavailable.ts';
import { unavailableElbv2 } from '#adapters/elbv2/elbv2-unavailable.ts';
import {
  type Adapters,
  composeEc2,
  composeElb,
  dynamoLedger,
  type Settings,
} from '#app/composition.ts';
import { ec2EventHandler } from '#app/ec2-handler.ts';
import { elbEventHandler } from '#app/elb-handler.ts';
import type { Notifier } from '#core/alerts/notifier.ts';
import type { InstanceTypeCatalog } from '#core/capacity/capacity-ports.ts';
import type { CapacitySettings } from '#core/capacity/capacity-settings.ts';
import type { Scope } from '#core/events/scope.ts';
import type { EventOutcome } from '#core/network/apply-ec2-event.ts';
import type { Ec2Reader } from '#core/network/network-ports.ts';
import { loadCapacitySettings } from '#shared/config.ts';
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
 * behind local mode, so EC2 (but for saved subnets) and ELBv2 answer "not found". With
 * `capacity`, each applied event is followed by the alert reviews, as when
 * ALERT_TOPIC_ARN is set. The clock is the replayed event's own time, so alert
 * times and reminders read as they would have when the events happened.
 */
export function localRoutes(
  ledger: LocalLedger,
  scope: Scope,
  capacity?: LocalCapacityOptions,
  ec2: Ec2Reader = unavailableEc2,
): Record<string, Route> {
  let now = new Date().toISOString();
  // Local mode's own adapters; which port each serves is decided by the composition root.
  const adapters: Adapters = {
    ledger: dynamoLedger(ledger.db, ledger.tableName),
    ec2,
    elbv2: unavailableElbv2,
    alerting: capacity && { notifier: capacity.notifier, catalog: capacity.catalog },
    clock: () => now,
  };
  const settings: Settings = {
    scope,
    // Thresholds and the delay policy come from the same variables as in Lambda.
    capacity: capacity?.settings ?? loadCapacitySettings(process.env),
    targets: loadTargetSettings(process.env),
  };
  const ec2Handler = ec2EventHandler(composeEc2(settings, adapters));
  const elb = elbEventHandler(composeElb(settings, { ...adapters, elbv2: unavailableElbv2 }));
  /** Sets the clock to the event's time, then hands the event to the handler. */
  const at =
    (
      handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>,
      name: string,
    ) =>
    async (event: unknown) => {
      now = eventTime(event) ?? new Date().toISOString();
      return (await handler(event, lambdaContext(name))) as EventOutcome;
    };
  return {
    'aws.ec2': at(ec2Handler, 'eni-activity'),
    'aws.elasticloadbalancing': at(elb, 'elb-activity'),
  };
}

/** When the event happened: CloudTrail's eventTime, else the envelope's time. */
function eventTime(event: unknown): string | undefined {
  const e = event as { time?: unknown; detail?: { eventTime?: unknown } } | null;
  const raw = e?.detail?.eventTime ?? e?.time;
  if (typeof raw !== 'string' || Number.isNaN(Date.parse(raw))) return undefined;
  return new Date(raw).toISOString();
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
