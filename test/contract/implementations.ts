import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertStore } from '#adapters/dynamodb/ledger-alerts.ts';
import { DynamoDnsRecordCache } from '#adapters/dynamodb/ledger-dns.ts';
import { DynamoInstanceTypeCache } from '#adapters/dynamodb/ledger-instance-types.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import { MemoryAlertStore } from '#adapters/memory/memory-alert-store.ts';
import { MemoryDnsRecordCache } from '#adapters/memory/memory-dns-record-cache.ts';
import { MemoryInstanceTypeCache } from '#adapters/memory/memory-instance-type-cache.ts';
import { MemoryNetworkLedger } from '#adapters/memory/memory-network-ledger.ts';
import { MemoryTargetLedger } from '#adapters/memory/memory-target-ledger.ts';
import type { AlertStore } from '#core/alerts/alert-store.ts';
import type { InstanceTypeCache } from '#core/capacity/capacity-ports.ts';
import type { DnsRecordCache } from '#core/dns/dns-ports.ts';
import type { NetworkLedger } from '#core/network/network-ports.ts';
import type { TargetLedger } from '#core/targets/target-ports.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';

/**
 * The two implementations of each ledger port, each made fresh for one contract case: the
 * DynamoDB adapter on its own table in DynamoDB Local, and the memory adapter. A contract case
 * runs once per entry (`describe.each`), so the two cannot drift apart.
 */
export interface Implementation<T> {
  readonly name: 'dynamodb' | 'memory';
  readonly make: (clock?: () => Date) => Promise<T>;
}

/** A document client as the composition root makes it, on a table of its own. */
async function table() {
  const { client, tableName } = await freshLedgerTable();
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { db, tableName };
}

export const networkLedgers: Implementation<NetworkLedger>[] = [
  {
    name: 'dynamodb',
    make: async () => {
      const { db, tableName } = await table();
      return new DynamoNetworkLedger(db, tableName);
    },
  },
  { name: 'memory', make: async () => new MemoryNetworkLedger() },
];

export const targetLedgers: Implementation<TargetLedger>[] = [
  {
    name: 'dynamodb',
    make: async () => {
      const { db, tableName } = await table();
      return new DynamoTargetLedger(db, tableName);
    },
  },
  { name: 'memory', make: async () => new MemoryTargetLedger() },
];

export const alertStores: Implementation<AlertStore>[] = [
  {
    name: 'dynamodb',
    make: async () => {
      const { db, tableName } = await table();
      return new DynamoAlertStore(db, tableName);
    },
  },
  { name: 'memory', make: async () => new MemoryAlertStore() },
];

export const dnsRecordCaches: Implementation<DnsRecordCache>[] = [
  {
    name: 'dynamodb',
    make: async () => {
      const { db, tableName } = await table();
      return new DynamoDnsRecordCache(db, tableName);
    },
  },
  { name: 'memory', make: async () => new MemoryDnsRecordCache() },
];

export const instanceTypeCaches: Implementation<InstanceTypeCache>[] = [
  {
    name: 'dynamodb',
    make: async (clock) => {
      const { db, tableName } = await table();
      return new DynamoInstanceTypeCache(db, tableName, clock);
    },
  },
  { name: 'memory', make: async (clock) => new MemoryInstanceTypeCache(clock) },
];
