import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, test } from 'vitest';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import { unavailableEc2 } from '#adapters/ec2/ec2-unavailable.ts';
import { unavailableElbv2 } from '#adapters/elbv2/elbv2-unavailable.ts';
import type { Scope } from '#core/events/scope.ts';
import { handleEc2Event } from '#core/network/handle-ec2-event.ts';
import type { Ec2Reader } from '#core/network/network-ports.ts';
import { handleElbEvent } from '#core/targets/handle-elb-event.ts';
import {
  cniWorkload,
  deliveries,
  differences,
  finalStateEc2,
  ledgerNodes,
  modelNodes,
  notificationsFirst,
} from '#test/helpers/cni-workload.ts';
import {
  finalStateElbv2,
  groupDifferences,
  lbWorkload,
  ledgerGroups,
  modelGroups,
} from '#test/helpers/lb-workload.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';

/**
 * Order-proof from events alone: random CNI workloads, every event delivered two or three
 * times in a random order (half the nodes' state notifications before their RunInstances), no
 * in-order replay afterwards and no sweep; the ledger must equal the model's final state (type,
 * VPC and cluster of nodes filed from their state completed), with EC2 read-back unavailable (local mode) and available.
 */
const SCOPE: Scope = { clusters: ['myeks'], vpcIds: ['vpc-0a1b2c3d4e5f60718'] };
const WORKLOADS = Number(process.env.NETLEDGER_ORDER_PROOF_WORKLOADS ?? 2);
const MIN_EVENTS = 150;
const LB_EVENTS = Number(process.env.NETLEDGER_ORDER_PROOF_LB_EVENTS ?? 60);

async function ledger() {
  const { client, tableName } = await freshLedgerTable();
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return new DynamoNetworkLedger(db, tableName);
}

async function targetLedgers() {
  const { client, tableName } = await freshLedgerTable();
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    network: new DynamoNetworkLedger(db, tableName),
    targets: new DynamoTargetLedger(db, tableName),
  };
}

async function runLb(seed: number, readBack: 'unavailable' | 'available') {
  const workload = lbWorkload(seed, LB_EVENTS);
  const delivered = deliveries(workload.events, seed, 2, 3);
  const { network, targets } = await targetLedgers();
  const deps = {
    targets,
    network,
    elbv2: readBack === 'available' ? finalStateElbv2(workload) : unavailableElbv2,
    scope: SCOPE,
    settings: { delayPolicy: { default: 60, perCluster: {}, perStack: {} }, remediate: false },
  };
  for (const event of delivered) await handleElbEvent(event, deps, workload.end);
  const model = modelGroups(workload);
  const diffs = groupDifferences(model, await ledgerGroups(targets, model.keys()));
  const stillParked = (await targets.listParked()).map((p) => `${p.subject} ${p.name}`);
  return { events: workload.events.length, diffs, stillParked };
}

async function run(seed: number, readBack: 'unavailable' | 'available') {
  const workload = cniWorkload(seed, MIN_EVENTS);
  // Half the nodes' state notifications (their termination too) come before RunInstances.
  const delivered = notificationsFirst(deliveries(workload.events, seed, 2, 3), seed);
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

describe.each(['unavailable', 'available'] as const)('ELB read-back %s', (readBack) => {
  test.each([3001, 3002])(
    'LB controller workload %i, every event twice or thrice in random order, ends as the model',
    async (seed) => {
      const result = await runLb(seed, readBack);
      expect(result.diffs).toEqual([]);
      expect(result.stillParked).toEqual([]);
    },
    120_000,
  );
});
