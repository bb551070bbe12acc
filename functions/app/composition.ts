import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertStore } from '#adapters/dynamodb/ledger-alerts.ts';
import { DynamoDnsRecordCache } from '#adapters/dynamodb/ledger-dns.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import { dynamoUnitOfWork } from '#adapters/dynamodb/ledger-unit-of-work.ts';
import { DynamoUsageHistory } from '#adapters/dynamodb/ledger-usage.ts';
import type { Ec2HandlerDeps } from '#app/ec2-handler.ts';
import type { ElbHandlerDeps } from '#app/elb-handler.ts';
import type { OpenEventUnit } from '#app/event-unit.ts';
import type { AlertStore } from '#core/alerts/alert-store.ts';
import type { Notifier } from '#core/alerts/notifier.ts';
import type { InstanceTypeCatalog, UsageHistory } from '#core/capacity/capacity-ports.ts';
import type { CapacitySettings } from '#core/capacity/capacity-settings.ts';
import type { DnsRecordCache } from '#core/dns/dns-ports.ts';
import type { Scope } from '#core/events/scope.ts';
import type { Ec2Reader, NetworkLedger } from '#core/network/network-ports.ts';
import type { Elbv2Port } from '#core/targets/elbv2-port.ts';
import type { TargetSettings } from '#core/targets/review-targets.ts';
import type { TargetLedger } from '#core/targets/target-ports.ts';

/**
 * The composition root: the one place that decides which adapter serves which port of the
 * handlers. Lambda (wiring.ts, from SDK clients), the CLI's local mode (its own DynamoDB Local,
 * saved files and printing notifier) and the tests all build their handler deps here; they
 * differ only in the adapters they pass in.
 */

/** The ports of the ledger table. */
export interface LedgerPorts {
  readonly network: NetworkLedger;
  readonly targets: TargetLedger;
  readonly alerts: AlertStore;
  /** Usage samples the sweep takes, for the exhaustion forecast; without them, thresholds only. */
  readonly usage?: UsageHistory;
  /** Opens one event's unit of work on this ledger; without it events write item by item. */
  readonly unitOfWork?: OpenEventUnit;
}

/** The ledger in one DynamoDB table (deployed, or DynamoDB Local for the CLI and tests). */
export function dynamoLedger(
  db: DynamoDBDocumentClient,
  tableName: string,
): LedgerPorts & { readonly dnsRecords: DnsRecordCache } {
  return {
    network: new DynamoNetworkLedger(db, tableName),
    targets: new DynamoTargetLedger(db, tableName),
    alerts: new DynamoAlertStore(db, tableName),
    usage: new DynamoUsageHistory(db, tableName),
    dnsRecords: new DynamoDnsRecordCache(db, tableName),
    unitOfWork: () => dynamoUnitOfWork(db, tableName),
  };
}

/** What serves each port, as the caller built it. */
export interface Adapters {
  readonly ledger: LedgerPorts;
  readonly ec2: Ec2Reader;
  /** For ELB events, and for the stale-target review after EC2 events; without it that review is skipped. */
  readonly elbv2?: Elbv2Port | undefined;
  /** Alerting: where alerts go and instance types for max pods. Without it nothing is evaluated for alerting (no topic, nobody to tell). */
  readonly alerting?: Alerting | undefined;
  /** The current time as ISO-8601: read at the edge, never in core. */
  readonly clock: () => string;
}

/** What the ELB handler uses: no EC2 and no instance types, so its bundle and role carry neither. */
export type ElbAdapters = Pick<Adapters, 'ledger' | 'clock'> & {
  readonly elbv2: Elbv2Port;
  readonly alerting?: Pick<Alerting, 'notifier'> | undefined;
};

export interface Alerting {
  readonly notifier: Notifier;
  readonly catalog: InstanceTypeCatalog;
}

/** What the deployment looks after and how: the same settings in Lambda and local mode. */
export interface Settings {
  readonly scope: Scope;
  readonly capacity: CapacitySettings;
  readonly targets: TargetSettings;
}

/**
 * Deps of the EC2 handlers (instance-state, eni-activity). Capacity alerts and the stale-target
 * review follow an applied event only while alerting (a notifier is given).
 */
export function composeEc2(settings: Settings, adapters: Adapters): Ec2HandlerDeps {
  const deps = {
    ledger: adapters.ledger.network,
    ec2: adapters.ec2,
    scope: settings.scope,
    unitOfWork: adapters.ledger.unitOfWork,
  };
  const { alerting, elbv2 } = adapters;
  if (!alerting) return deps;
  return {
    ...deps,
    ...(elbv2 ? { targets: composeElb(settings, { ...adapters, elbv2 }) } : {}),
    capacity: {
      alerts: adapters.ledger.alerts,
      catalog: alerting.catalog,
      notifier: alerting.notifier,
      settings: settings.capacity,
      clock: adapters.clock,
      usage: adapters.ledger.usage,
    },
  };
}

/**
 * Deps of the elb-activity handler. Target alerts (stale targets, delay drift) are settled only
 * while alerting; remediation follows DRIFT_REMEDIATE either way.
 */
export function composeElb(settings: Settings, adapters: ElbAdapters): ElbHandlerDeps {
  const notifier = adapters.alerting?.notifier;
  return {
    targets: adapters.ledger.targets,
    network: adapters.ledger.network,
    elbv2: adapters.elbv2,
    scope: settings.scope,
    settings: settings.targets,
    clock: adapters.clock,
    unitOfWork: adapters.ledger.unitOfWork,
    ...(notifier
      ? {
          alerting: {
            alerts: adapters.ledger.alerts,
            notifier,
            policy: settings.capacity.alertPolicy,
          },
        }
      : {}),
  };
}
