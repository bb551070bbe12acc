import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoUsageHistory } from '#adapters/dynamodb/ledger-usage.ts';
import type { EniEntry } from '#core/network/network-ports.ts';
import { localClientConfig } from '#local/dynamodb-local.ts';
import { createLedgerTable, dropLedgerTable } from '#local/ledger-table.ts';
import { countDynamoDb } from './dynamodb-counter.ts';

/** A /19 (8,187 usable addresses) with this many in use: a busy EKS subnet. */
export const BUSY_SUBNET_ADDRESSES = 8_000;
const PER_ENI = 50;
const SUBNET = 'subnet-0busy';
const NOW = Date.parse('2026-11-21T12:00:00Z');

export interface SubnetReviewCost {
  readonly addresses: number;
  readonly readRequests: number;
  readonly readUnits: number;
  readonly itemsRead: number;
}

/**
 * What one capacity review of a busy subnet reads (the subnet's view and its day of usage
 * samples, in the one query an event's review sends), counted at the client: every 1 MB page
 * is a request of its own. The story's subnets hold a handful of addresses, so the per-event
 * figures cannot show this.
 */
export async function runSubnetReviewCost(
  endpoint: string,
  tableName: string,
): Promise<SubnetReviewCost> {
  const raw = new DynamoDBClient(localClientConfig(endpoint));
  const counter = countDynamoDb(raw);
  try {
    await createLedgerTable(raw, tableName);
    const db = DynamoDBDocumentClient.from(raw, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const ledger = new DynamoNetworkLedger(db, tableName);
    const usage = new DynamoUsageHistory(db, tableName);
    await ledger.putSubnet({
      subnetId: SUBNET,
      vpcId: 'vpc-busy',
      cidr: '10.8.0.0/19',
      reservations: [],
    });
    const stamp = { eventTime: new Date(NOW - 86_400_000).toISOString(), eventId: 'bench' };
    for (let e = 0; e * PER_ENI < BUSY_SUBNET_ADDRESSES; e++) {
      await ledger.putEni(busyEni(e), stamp);
    }
    // A day of samples, one per 10-minute sweep.
    for (let m = 0; m < 144; m++) {
      const at = new Date(NOW - (144 - m) * 600_000).toISOString();
      await usage.record({ kind: 'subnet', subject: SUBNET, at, used: 7_000 + m, capacity: 8_187 });
    }
    counter.reset();
    const since = new Date(NOW - 30 * 3_600_000).toISOString();
    const { view } = await usage.subnetWithUsage(SUBNET, since);
    const c = counter.counts();
    return {
      addresses: view.addresses.length,
      readRequests: c.readRequests,
      readUnits: c.readUnits,
      itemsRead: c.itemsRead,
    };
  } finally {
    await dropLedgerTable(raw, tableName);
    raw.destroy();
  }
}

/** The e-th CNI ENI of the subnet, with its share of the addresses in use. */
function busyEni(e: number): EniEntry {
  const addresses = Array.from({ length: PER_ENI }, (_, i) => {
    const n = e * PER_ENI + i + 4;
    return `10.8.${Math.floor(n / 256)}.${n % 256}`;
  });
  return {
    facts: {
      eniId: `eni-busy${String(e).padStart(4, '0')}`,
      vpcId: 'vpc-busy',
      subnetId: SUBNET,
      description: 'aws-K8S-i-0busy',
      tags: {},
      secondaryIps: addresses,
      prefixes: [],
    },
    kind: 'vpc-cni',
    cluster: 'busy',
    addresses: addresses.map((address) => ({
      address,
      kind: 'secondary' as const,
      consumer: 'vpc-cni' as const,
    })),
  };
}
