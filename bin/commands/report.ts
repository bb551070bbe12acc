import { Command } from 'commander';
import { DynamoAlertStore } from '#adapters/ledger-alerts.ts';
import { DynamoNetworkLedger } from '#adapters/ledger-network.ts';
import type { InstanceTypeCatalog } from '#core/capacity-ports.ts';
import { type CapacitySettings, clusterSettings } from '#core/capacity-settings.ts';
import { nodeCapacityFromView, subnetCapacityFromView } from '#core/capacity-views.ts';
import { InstanceTypeDataError, type InstanceTypeLimits } from '#core/instance-type.ts';
import { nodeRow, subnetRow } from '#core/network-report.ts';
import type { NodeRecord } from '#core/ports.ts';
import { DEFAULT_INSTANCE_TYPES, fileInstanceTypeCatalog } from '#local/local-capacity.ts';
import { type LocalLedger, openLocalLedger } from '#local/local-ledger.ts';
import { type Output, stdio, table } from '#local/output.ts';
import { loadCapacitySettings } from '#shared/config.ts';
import { targetsReportCommand } from './report-targets.ts';

export function reportCommand(io: Output = stdio): Command {
  const report = new Command('report').description('Show what the local ledger holds');
  report
    .command('nodes')
    .description(
      'nodes with their attached ENIs, secondary addresses and prefixes, max pods and headroom\n' +
        '(max pods and headroom need the instance type in --instance-types; cluster modes come from\n' +
        'PREFIX_DELEGATION_CLUSTERS, CUSTOM_NETWORKING_CLUSTERS and MAX_ENIS, as in Lambda)',
    )
    .option('--json', 'print a JSON array', false)
    .option(
      '--instance-types <file>',
      'saved `aws ec2 describe-instance-types` response for max pods',
      DEFAULT_INSTANCE_TYPES,
    )
    .action(async (opts: { json: boolean; instanceTypes: string }) => {
      const settings = loadCapacitySettings(process.env);
      const catalog = await fileInstanceTypeCatalog(opts.instanceTypes);
      const rows = await withLedger(async (local) => {
        const ledger = new DynamoNetworkLedger(local.db, local.tableName);
        const nodes = await ledger.listNodes();
        return Promise.all(
          nodes.map(async (n) => {
            const view = await ledger.nodeView(n.instanceId);
            const limits = await limitsOf(n, catalog);
            const capacity = limits
              ? nodeCapacityFromView(view, n.instanceId, limits, nodeSettings(settings, n))
              : undefined;
            return nodeRow(view, n.instanceId, capacity);
          }),
        );
      });
      if (opts.json) return io.out(JSON.stringify(rows, null, 2));
      io.out(
        table(
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
      );
    });
  report
    .command('subnets')
    .description(
      'subnets with the addresses their ENIs hold, by consumer, free addresses and free /28 blocks',
    )
    .option('--json', 'print a JSON array', false)
    .action(async (opts: { json: boolean }) => {
      const rows = await withLedger(async (local) => {
        const ledger = new DynamoNetworkLedger(local.db, local.tableName);
        const subnets = await ledger.listSubnets();
        return Promise.all(
          subnets.map(async (s) => {
            const view = await ledger.subnetView(s.subnetId);
            return subnetRow(view, s.subnetId, subnetCapacityFromView(view, s.subnetId));
          }),
        );
      });
      if (opts.json) return io.out(JSON.stringify(rows, null, 2));
      io.out(
        table(
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
      );
    });
  report
    .command('alerts')
    .description('open alerts (node pod capacity, subnet exhaustion and fragmentation, ...)')
    .option('--json', 'print a JSON array', false)
    .action(async (opts: { json: boolean }) => {
      const alerts = await withLedger((local) =>
        new DynamoAlertStore(local.db, local.tableName).listOpen(),
      );
      if (opts.json) return io.out(JSON.stringify(alerts, null, 2));
      if (alerts.length === 0) return io.out('no open alerts');
      io.out(
        table(
          ['kind', 'subject', 'cluster', 'severity', 'opened', 'notified', 'summary'],
          alerts.map((a) => [
            a.kind,
            a.subject,
            a.cluster,
            a.severity,
            a.openedAt,
            a.notifyCount,
            a.summary,
          ]),
        ),
      );
    });
  report.addCommand(targetsReportCommand(io));
  return report;
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

async function withLedger<T>(read: (local: LocalLedger) => Promise<T>): Promise<T> {
  const local = await openLocalLedger();
  try {
    return await read(local);
  } finally {
    await local.close();
  }
}
