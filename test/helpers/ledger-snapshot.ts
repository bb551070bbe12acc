import type { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { nodeRow, subnetRow } from '#core/capacity/network-report.ts';

/** Everything a report can see, in a stable order, for comparing two ledgers. */
export async function ledgerSnapshot(ledger: DynamoNetworkLedger) {
  const nodes = await ledger.listNodes();
  const subnets = await ledger.listSubnets();
  const nodeViews = await Promise.all(
    nodes.map(async (n) => {
      const view = await ledger.nodeView(n.instanceId);
      return {
        row: nodeRow(view, n.instanceId),
        enis: view.enis
          .map((e) => `${e.eniId}:${e.kind}:${e.attachment?.instanceId ?? '-'}`)
          .sort(),
        addresses: view.addresses
          .map((a) => `${a.eniId}:${a.address}:${a.kind}:${a.consumer}`)
          .sort(),
      };
    }),
  );
  const subnetRows = await Promise.all(
    subnets.map(async (s) => subnetRow(await ledger.subnetView(s.subnetId), s.subnetId)),
  );
  const byId = <T extends { row?: { instanceId: string } }>(a: T, b: T) =>
    (a.row?.instanceId ?? '').localeCompare(b.row?.instanceId ?? '');
  return {
    nodes: nodeViews.sort(byId),
    subnets: subnetRows.sort((a, b) => a.subnetId.localeCompare(b.subnetId)),
  };
}
