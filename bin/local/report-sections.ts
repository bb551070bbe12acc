import { DynamoAlertStore } from '#adapters/dynamodb/ledger-alerts.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import { DynamoUsageHistory } from '#adapters/dynamodb/ledger-usage.ts';
import type { InstanceTypeCatalog } from '#core/capacity/capacity-ports.ts';
import { type CapacitySettings, clusterSettings } from '#core/capacity/capacity-settings.ts';
import { nodeCapacityFromView, subnetCapacityFromView } from '#core/capacity/capacity-views.ts';
import {
  aboutHours,
  DEFAULT_FORECAST_OPTIONS,
  type ExhaustionForecast,
  forecastExhaustion,
} from '#core/capacity/exhaustion-forecast.ts';
import { InstanceTypeDataError, type InstanceTypeLimits } from '#core/capacity/instance-type.ts';
import { nodeRow, subnetRow } from '#core/capacity/network-report.ts';
import type { SubnetCapacity } from '#core/capacity/subnet-capacity.ts';
import type { NodeRecord } from '#core/network/network-ports.ts';
import { targetReport } from '#core/targets/target-report.ts';
import { loadCapacitySettings } from '#shared/config.ts';
import { loadTargetSettings } from '#shared/target-config.ts';
import { fileInstanceTypeCatalog } from './local-capacity.ts';
import type { LocalLedger } from './local-ledger.ts';
import { table } from './output.ts';

/** One view of the local ledger: rows for `--json`, and the same rows as a table for people. */
export interface Rendered {
  readonly rows: unknown;
  readonly text: string;
}

export interface SectionOptions {
  readonly instanceTypes: string;
  /** Full ARNs and natural column widths instead of a table that fits 100 columns. */
  readonly wide?: boolean;
}

export type ReportSection = (local: LocalLedger, options: SectionOptions) => Promise<Rendered>;

export const nodesSection: ReportSection = async (local, options) => {
  const settings = loadCapacitySettings(process.env);
  const catalog = await fileInstanceTypeCatalog(options.instanceTypes);
  const ledger = new DynamoNetworkLedger(local.db, local.tableName);
  const rows = await Promise.all(
    (await ledger.listNodes()).map(async (n) => {
      const view = await ledger.nodeView(n.instanceId);
      const limits = await limitsOf(n, catalog);
      // A node on its way out has no pod capacity left to report.
      const gone = n.state === 'terminated' || n.state === 'shutting-down';
      const capacity =
        limits && !gone
          ? nodeCapacityFromView(view, n.instanceId, limits, nodeSettings(settings, n))
          : undefined;
      return nodeRow(view, n.instanceId, capacity);
    }),
  );
  return {
    rows,
    text: options.wide
      ? table(
          [
            'node',
            'type',
            'cluster',
            'AZ',
            'state',
            'ENIs',
            'addresses',
            'prefixes',
            'max pods',
            'headroom',
          ],
          rows.map((r) => [
            r.instanceId,
            r.instanceType,
            r.cluster,
            r.availabilityZone,
            r.state,
            r.eniLimit === null ? r.enis : `${r.enis}/${r.eniLimit}`,
            r.addresses,
            r.prefixes,
            r.maxPods,
            r.headroom,
          ]),
          options,
        )
      : table(
          ['node', 'type', 'cluster', 'state', 'ENIs', 'IPs', '/28s', 'max pods', 'headroom'],
          rows.map((r) => [
            r.instanceId,
            r.instanceType,
            r.cluster,
            r.state,
            r.eniLimit === null ? r.enis : `${r.enis}/${r.eniLimit}`,
            r.addresses,
            r.prefixes,
            r.maxPods,
            r.headroom,
          ]),
          { ...options, wrap: [2] },
        ),
  };
};

export const subnetsSection: ReportSection = async (local, options) => {
  const ledger = new DynamoNetworkLedger(local.db, local.tableName);
  const usage = new DynamoUsageHistory(local.db, local.tableName);
  // The same window the Lambdas fit, so the report and the alert tell the same story.
  const window = loadCapacitySettings(process.env).thresholds.subnetExhaustion.forecastWindowHours;
  const rows = await Promise.all(
    (await ledger.listSubnets()).map(async (s) => {
      const view = await ledger.subnetView(s.subnetId);
      const capacity = subnetCapacityFromView(view, s.subnetId);
      return {
        ...subnetRow(view, s.subnetId, capacity),
        forecast: capacity ? await subnetForecast(usage, s.subnetId, capacity, window) : undefined,
      };
    }),
  );
  return {
    rows,
    text: options.wide
      ? table(
          [
            'subnet',
            'VPC',
            'CIDR',
            'AZ',
            'ENIs',
            'used',
            'vpc-cni',
            'node',
            'eks',
            'lb',
            'other',
            'reserved',
            'free',
            'free /28',
            'runs out',
          ],
          rows.map((r) => [
            r.subnetId,
            r.vpcId,
            r.cidr,
            r.availabilityZone,
            r.enis,
            r.used,
            r.byKind['vpc-cni'],
            r.byKind['node-primary'],
            r.byKind['eks-control-plane'],
            r.byKind['load-balancer'],
            r.byKind.other,
            r.byKind['cidr-reservation'],
            r.total === null ? null : `${r.free}/${r.total}`,
            r.freePrefixBlocks,
            forecastCell(r.forecast),
          ]),
          options,
        )
      : table(
          ['subnet', 'CIDR', 'free', 'used by', 'free /28', 'runs out'],
          rows.map((r) => [
            r.subnetId,
            r.cidr,
            r.total === null ? null : `${r.free}/${r.total}`,
            usedBy(r.byKind),
            r.freePrefixBlocks,
            forecastCell(r.forecast),
          ]),
          { ...options, wrap: [3, 5] },
        ),
  };
};

export const targetsSection: ReportSection = async (local, options) => {
  const rows = await targetReport({
    targets: new DynamoTargetLedger(local.db, local.tableName),
    network: new DynamoNetworkLedger(local.db, local.tableName),
    settings: loadTargetSettings(process.env),
  });
  return {
    rows,
    text: table(
      ['target group', 'stack', 'type', 'delay', 'desired', 'targets', 'stale'],
      rows.map((r) => [
        r.name ?? r.targetGroupArn,
        r.stack,
        r.targetType,
        r.deregistrationDelay.actual === null
          ? 'unknown'
          : `${r.deregistrationDelay.actual}${r.drift ? ' (drift)' : ''}`,
        `${r.deregistrationDelay.desired} (${r.deregistrationDelay.desiredSource})`,
        r.targets,
        r.stale.map((s) => `${s.ip}:${s.port} ${s.reason}`).join('\n') || '-',
      ]),
      { ...options, wrap: [0, 1, 6] },
    ),
  };
};

export const alertsSection: ReportSection = async (local, options) => {
  const rows = await new DynamoAlertStore(local.db, local.tableName).listOpen();
  return {
    rows,
    text:
      rows.length === 0
        ? 'no open alerts'
        : table(
            ['severity', 'kind', 'subject', 'cluster', 'opened', 'notified'],
            rows.flatMap((a) => [
              [
                a.severity,
                a.kind,
                a.subject,
                a.cluster,
                options.wide ? a.openedAt : a.openedAt.replace('T', ' ').slice(0, 16),
                a.notifyCount,
              ],
              // The summary is the alert's sentence: it gets the table's whole width.
              [{ colSpan: 6, content: a.summary }],
            ]),
            { ...options, wrap: [2] },
          ),
  };
};

/**
 * The trend up to the subnet's newest sample: local mode's clock is the replayed events' own,
 * so "now" is the ledger's latest moment, not the wall clock.
 */
export async function subnetForecast(
  usage: DynamoUsageHistory,
  subnetId: string,
  capacity: SubnetCapacity,
  windowHours = DEFAULT_FORECAST_OPTIONS.windowHours,
): Promise<ExhaustionForecast | undefined> {
  const samples = await usage.recent('subnet', subnetId, '1970-01-01T00:00:00.000Z');
  const latest = samples.at(-1);
  if (!latest) return undefined;
  const usable = capacity.total - capacity.reserved;
  return forecastExhaustion(samples, usable, latest.at, {
    ...DEFAULT_FORECAST_OPTIONS,
    windowHours,
  });
}

function usedBy(byKind: Readonly<Record<string, number>>): string {
  const names: Record<string, string> = {
    'vpc-cni': 'cni',
    'node-primary': 'node',
    'eks-control-plane': 'eks',
    'load-balancer': 'lb',
    other: 'other',
    'cidr-reservation': 'reserved',
  };
  const parts = Object.entries(byKind)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${names[kind] ?? kind} ${n}`);
  return parts.join(', ') || 'nothing';
}

function forecastCell(forecast: ExhaustionForecast | undefined): string {
  if (!forecast || forecast.trend === 'unknown') return '-';
  if (forecast.trend === 'rising') {
    return `${aboutHours(forecast.hoursToExhaustion).replace(/^about /, '~')} (+${forecast.ratePerHour.toFixed(1)}/h)`;
  }
  return forecast.trend;
}

function nodeSettings(settings: CapacitySettings, node: NodeRecord) {
  return clusterSettings(settings.clusters, node.cluster);
}

/** A report shows what it can: a type missing from the file, or unusable there, leaves max pods empty. */
async function limitsOf(
  node: NodeRecord,
  catalog: InstanceTypeCatalog,
): Promise<InstanceTypeLimits | undefined> {
  if (!node.instanceType) return undefined;
  try {
    return await catalog.limits(node.instanceType);
  } catch (error) {
    if (error instanceof InstanceTypeDataError) return undefined;
    throw error;
  }
}

/** Changes still waiting for their subject: nothing is silently lost. */
export const parkedSection: ReportSection = async (local) => {
  const parked = await new DynamoNetworkLedger(local.db, local.tableName).listParked();
  const rows = parked.map((p) => ({
    subject: p.subject,
    name: p.name,
    eventId: p.stamp.eventId,
    eventTime: p.stamp.eventTime,
  }));
  return {
    rows,
    text:
      rows.length === 0
        ? 'nothing parked'
        : table(
            ['waits for', 'event', 'event id', 'event time'],
            rows.map((r) => [r.subject, r.name, r.eventId, r.eventTime]),
          ),
  };
};
