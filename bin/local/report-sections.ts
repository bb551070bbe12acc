import { DynamoAlertStore } from '#adapters/dynamodb/ledger-alerts.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import type { InstanceTypeCatalog } from '#core/capacity/capacity-ports.ts';
import { type CapacitySettings, clusterSettings } from '#core/capacity/capacity-settings.ts';
import { nodeCapacityFromView, subnetCapacityFromView } from '#core/capacity/capacity-views.ts';
import { InstanceTypeDataError, type InstanceTypeLimits } from '#core/capacity/instance-type.ts';
import { nodeRow, subnetRow } from '#core/capacity/network-report.ts';
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
    text: table(
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
    ),
  };
};

export const subnetsSection: ReportSection = async (local) => {
  const ledger = new DynamoNetworkLedger(local.db, local.tableName);
  const rows = await Promise.all(
    (await ledger.listSubnets()).map(async (s) => {
      const view = await ledger.subnetView(s.subnetId);
      return subnetRow(view, s.subnetId, subnetCapacityFromView(view, s.subnetId));
    }),
  );
  return {
    rows,
    text: table(
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
      ]),
    ),
  };
};

export const targetsSection: ReportSection = async (local) => {
  const rows = await targetReport({
    targets: new DynamoTargetLedger(local.db, local.tableName),
    network: new DynamoNetworkLedger(local.db, local.tableName),
    settings: loadTargetSettings(process.env),
  });
  return {
    rows,
    text: table(
      ['target group', 'stack', 'type', 'delay actual', 'desired', 'targets', 'stale'],
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
    ),
  };
};

export const alertsSection: ReportSection = async (local) => {
  const rows = await new DynamoAlertStore(local.db, local.tableName).listOpen();
  return {
    rows,
    text:
      rows.length === 0
        ? 'no open alerts'
        : table(
            ['kind', 'subject', 'cluster', 'severity', 'opened', 'notified', 'summary'],
            rows.map((a) => [
              a.kind,
              a.subject,
              a.cluster,
              a.severity,
              a.openedAt,
              a.notifyCount,
              a.summary,
            ]),
          ),
  };
};

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
