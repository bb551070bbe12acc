import { Command } from 'commander';
import { DynamoNetworkLedger } from '#adapters/ledger-network.ts';
import { nodeRow, subnetRow } from '#core/network-report.ts';
import { openLocalLedger } from '#local/local-ledger.ts';
import { type Output, stdio, table } from '#local/output.ts';

export function reportCommand(io: Output = stdio): Command {
  const report = new Command('report').description('Show what the local ledger holds');
  report
    .command('nodes')
    .description('nodes with their attached ENIs, secondary addresses and prefixes')
    .option('--json', 'print a JSON array', false)
    .action(async (opts: { json: boolean }) => {
      const rows = await withLedger(async (ledger) => {
        const nodes = await ledger.listNodes();
        return Promise.all(
          nodes.map(async (n) => nodeRow(await ledger.nodeView(n.instanceId), n.instanceId)),
        );
      });
      if (opts.json) return io.out(JSON.stringify(rows, null, 2));
      io.out(
        table(
          ['node', 'type', 'cluster', 'AZ', 'state', 'ENIs', 'addresses', 'prefixes'],
          rows.map((r) => [
            r.instanceId,
            r.instanceType,
            r.cluster,
            r.availabilityZone,
            r.state,
            r.enis,
            r.addresses,
            r.prefixes,
          ]),
        ),
      );
    });
  report
    .command('subnets')
    .description('subnets with the addresses their ENIs hold, by consumer')
    .option('--json', 'print a JSON array', false)
    .action(async (opts: { json: boolean }) => {
      const rows = await withLedger(async (ledger) => {
        const subnets = await ledger.listSubnets();
        return Promise.all(
          subnets.map(async (s) => subnetRow(await ledger.subnetView(s.subnetId), s.subnetId)),
        );
      });
      if (opts.json) return io.out(JSON.stringify(rows, null, 2));
      io.out(
        table(
          ['subnet', 'VPC', 'CIDR', 'AZ', 'ENIs', 'used', 'vpc-cni', 'node', 'eks', 'lb', 'other'],
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
          ]),
        ),
      );
    });
  return report;
}

async function withLedger<T>(read: (ledger: DynamoNetworkLedger) => Promise<T>): Promise<T> {
  const local = await openLocalLedger();
  try {
    return await read(new DynamoNetworkLedger(local.db, local.tableName));
  } finally {
    await local.close();
  }
}
