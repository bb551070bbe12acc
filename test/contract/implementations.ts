import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertStore } from '#adapters/dynamodb/ledger-alerts.ts';
import { DynamoDnsRecordCache } from '#adapters/dynamodb/ledger-dns.ts';
import { DynamoInstanceTypeCache } from '#adapters/dynamodb/ledger-instance-types.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import { dynamoUnitOfWork } from '#adapters/dynamodb/ledger-unit-of-work.ts';
import { DynamoUsageHistory } from '#adapters/dynamodb/ledger-usage.ts';
import { MemoryAlertStore } from '#adapters/memory/memory-alert-store.ts';
import { MemoryDnsRecordCache } from '#adapters/memory/memory-dns-record-cache.ts';
import { MemoryInstanceTypeCache } from '#adapters/memory/memory-instance-type-cache.ts';
import { MemoryNetworkLedger } from '#adapters/memory/memory-network-ledger.ts';
import { MemoryTargetLedger } from '#adapters/memory/memory-target-ledger.ts';
import { memoryUnitOfWork } from '#adapters/memory/memory-unit-of-work.ts';
import { MemoryUsageHistory } from '#adapters/memory/memory-usage-history.ts';
import type { AlertStore } from '#core/alerts/alert-store.ts';
import type { InstanceTypeCache, UsageHistory } from '#core/capacity/capacity-ports.ts';
import type { DnsRecordCache } from '#core/dns/dns-ports.ts';
import type { UnitOfWork } from '#core/events/unit-of-work.ts';
import type { NetworkLedger } from '#core/network/network-ports.ts';
import type { TargetLedger } from '#core/targets/target-ports.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';

/**
 * The two implementations of each ledger port, each made fresh for one contract case: the
 * DynamoDB adapter on its own table in DynamoDB Local, and the memory adapter. A contract case
 * runs once per entry (`describe.each`), so the two cannot drift apart.
 */
export interface Implementation<T> {
  readonly name: 'dynamodb' | 'memory' | 'dynamodb unit of work' | 'memory unit of work';
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

type Ports = { network: NetworkLedger; targets: TargetLedger };

/**
 * A ledger port whose every call runs in a unit of work of its own and is committed at once:
 * the unit must answer as the plain ledger does, and leave the same ledger behind.
 */
function committedEachCall<K extends keyof Ports>(
  open: () => UnitOfWork<Ports, never>,
  port: K,
): Ports[K] {
  return new Proxy({} as Ports[K], {
    // Not thenable: `await make()` must resolve to the proxy itself.
    get: (_, method) =>
      method === 'then'
        ? undefined
        : async (...args: unknown[]) => {
            const unit = open();
            const target = unit.ports[port] as unknown as Record<
              string | symbol,
              (...a: unknown[]) => unknown
            >;
            const answer = await target[method]?.(...args);
            const commit = await unit.commit();
            if (commit.status !== 'committed') throw new Error(`unit lost: ${commit.reason}`);
            return answer;
          },
  });
}

async function dynamoUnits<K extends keyof Ports>(port: K): Promise<Ports[K]> {
  const { db, tableName } = await table();
  return committedEachCall(() => dynamoUnitOfWork(db, tableName), port);
}

function memoryUnits<K extends keyof Ports>(port: K): Ports[K] {
  const network = new MemoryNetworkLedger();
  const targets = new MemoryTargetLedger(network.events);
  return committedEachCall(() => memoryUnitOfWork(network, targets), port);
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
  { name: 'dynamodb unit of work', make: () => dynamoUnits('network') },
  { name: 'memory unit of work', make: async () => memoryUnits('network') },
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
  { name: 'dynamodb unit of work', make: () => dynamoUnits('targets') },
  { name: 'memory unit of work', make: async () => memoryUnits('targets') },
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

export const usageHistories: Implementation<UsageHistory>[] = [
  {
    name: 'dynamodb',
    make: async () => {
      const { db, tableName } = await table();
      return new DynamoUsageHistory(db, tableName);
    },
  },
  { name: 'memory', make: async () => new MemoryUsageHistory() },
];

/** An event unit of work and the plain ledgers it commits to, on one fresh ledger. */
export interface EventUnitImplementation {
  readonly name: 'dynamodb' | 'memory';
  readonly make: () => Promise<{ plain: Ports; open: () => UnitOfWork<Ports, never> }>;
}

export const eventUnits: EventUnitImplementation[] = [
  {
    name: 'dynamodb',
    make: async () => {
      const { db, tableName } = await table();
      return {
        plain: {
          network: new DynamoNetworkLedger(db, tableName),
          targets: new DynamoTargetLedger(db, tableName),
        },
        open: () => dynamoUnitOfWork(db, tableName),
      };
    },
  },
  {
    name: 'memory',
    make: async () => {
      const network = new MemoryNetworkLedger();
      const targets = new MemoryTargetLedger(network.events);
      return { plain: { network, targets }, open: () => memoryUnitOfWork(network, targets) };
    },
  },
];
