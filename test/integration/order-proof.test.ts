import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, test } from 'vitest';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { unavailableEc2 } from '#adapters/ec2/ec2-unavailable.ts';
import type { Scope } from '#core/events/scope.ts';
import { handleEc2Event } from '#core/network/handle-ec2-event.ts';
import type { Ec2Reader } from '#core/network/network-ports.ts';
import {
  cniWorkload,
  deliveries,
  differences,
  finalStateEc2,
  ledgerNodes,
  modelNodes,
} from '#test/helpers/cni-workload.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';

/**
 * Order-proof from events alone: random CNI workloads, every event delivered two or three
 * times in a random order, no in-order replay afterwards and no sweep; the ledger must equal
 * the model's final state, with EC2 read-back unavailable (local mode) and available.
 */
const SCOPE: Scope = { clusters: ['myeks'], vpcIds: ['vpc-0a1b2c3d4e5f60718'] };
const WORKLOADS = Number(process.env.NETLEDGER_ORDER_PROOF_WORKLOADS ?? 10);
const MIN_EVENTS = 150;

async function ledger() {
  const { client, tableName } = await freshLedgerTable();
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return new DynamoNetworkLedger(db, tableName);
}

async function run(seed: number, readBack: 'unavailable' | 'available') {
  const workload = cniWorkload(seed, MIN_EVENTS);
  const delivered = deliveries(workload.events, seed, 2, 3);
  const network = await ledger();
  const ec2: Ec2Reader = readBack === 'available' ? finalStateEc2(workload) : unavailableEc2;
  const statuses: Record<string, number> = {};
  for (const event of delivered) {
    const outcome = await handleEc2Event(event, { ledger: network, ec2, scope: SCOPE });
    statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
  }
  const model = modelNodes(workload);
  const diffs = differences(model, await ledgerNodes(network, model.keys()));
  const stillParked = (await network.listParked()).map((p) => `${p.subject} ${p.name}`);
  return {
    events: workload.events.length,
    delivered: delivered.length,
    diffs,
    stillParked,
    statuses,
  };
}

describe.each(['unavailable', 'available'] as const)('read-back %s', (readBack) => {
  test.each(Array.from({ length: WORKLOADS }, (_, i) => 1000 + i * 7919))(
    'workload %i, every event twice or thrice in random order, ends as the model',
    async (seed) => {
      const result = await run(seed, readBack);
      expect(result.events).toBeGreaterThanOrEqual(MIN_EVENTS);
      expect(result.diffs).toEqual([]);
      expect(result.stillParked).toEqual([]);
    },
    120_000,
  );
});
