import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, test } from 'vitest';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import { dynamoUnitOfWork } from '#adapters/dynamodb/ledger-unit-of-work.ts';
import { unavailableEc2 } from '#adapters/ec2/ec2-unavailable.ts';
import { unavailableElbv2 } from '#adapters/elbv2/elbv2-unavailable.ts';
import { inEventUnit, type UnitReport } from '#app/event-unit.ts';
import type { Scope } from '#core/events/scope.ts';
import { parseEc2Event } from '#core/network/ec2-event.ts';
import { handleEc2Event } from '#core/network/handle-ec2-event.ts';
import type { Ec2Reader } from '#core/network/network-ports.ts';
import { parseElbEvent } from '#core/targets/elb-event.ts';
import { handleElbEvent } from '#core/targets/handle-elb-event.ts';
import {
  cniWorkload,
  deliveries,
  differences,
  finalStateEc2,
  ledgerNodes,
  modelNodes,
} from '#test/helpers/cni-workload.ts';
import {
  atIpDifferences,
  finalStateElbv2,
  groupDifferences,
  lbWorkload,
  ledgerGroups,
  modelGroups,
} from '#test/helpers/lb-workload.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';

/**
 * The order proof of order-proof.test.ts with each event applied as the handlers apply it: in a
 * unit of work, one transaction per event. Every event delivered two or three times in a random
 * order; the ledger must still equal the model's final state.
 */
const SCOPE: Scope = { clusters: ['myeks'], vpcIds: ['vpc-0a1b2c3d4e5f60718'] };
const MIN_EVENTS = 150;
const LB_EVENTS = 60;

async function table() {
  const { client, tableName } = await freshLedgerTable();
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    open: () => dynamoUnitOfWork(db, tableName),
    network: new DynamoNetworkLedger(db, tableName),
    targets: new DynamoTargetLedger(db, tableName),
  };
}

const count = (counts: Record<string, number>, unit: UnitReport | undefined) => {
  const k = unit?.writes ?? 'none';
  counts[k] = (counts[k] ?? 0) + 1;
};

describe.each(['unavailable', 'available'] as const)('read-back %s', (readBack) => {
  test.each([1000, 8919])(
    'CNI workload %i in units, every event twice or thrice in random order, ends as the model',
    async (seed) => {
      const workload = cniWorkload(seed, MIN_EVENTS);
      const { open, network } = await table();
      const ec2: Ec2Reader = readBack === 'available' ? finalStateEc2(workload) : unavailableEc2;
      const writes: Record<string, number> = {};
      for (const event of deliveries(workload.events, seed, 2, 3)) {
        const parsed = parseEc2Event(event);
        const ahead = parsed.ok
          ? { eventId: parsed.value.stamp.eventId, change: parsed.value.change }
          : undefined;
        const outcome = await inEventUnit(open, ahead, (ports) =>
          handleEc2Event(event, { ledger: ports?.network ?? network, ec2, scope: SCOPE }),
        );
        count(writes, outcome.unit);
      }
      expect(workload.events.length).toBeGreaterThanOrEqual(MIN_EVENTS);
      const model = modelNodes(workload);
      expect(differences(model, await ledgerNodes(network, model.keys()))).toEqual([]);
      expect(await network.listParked()).toEqual([]);
      // Nobody else writes here: every event committed as one unit.
      expect(Object.keys(writes)).toEqual(['unit']);
    },
    180_000,
  );

  test.each([3001, 3002])(
    'LB controller workload %i in units, every event twice or thrice in random order, ends as the model',
    async (seed) => {
      const workload = lbWorkload(seed, LB_EVENTS);
      const { open, network, targets } = await table();
      const deps = {
        targets,
        network,
        elbv2: readBack === 'available' ? finalStateElbv2(workload) : unavailableElbv2,
        scope: SCOPE,
        settings: { delayPolicy: { default: 60, perCluster: {}, perStack: {} }, remediate: false },
      };
      const writes: Record<string, number> = {};
      for (const event of deliveries(workload.events, seed, 2, 3)) {
        const parsed = parseElbEvent(event);
        const ahead = parsed.ok
          ? { eventId: parsed.value.eventId, change: parsed.value }
          : undefined;
        const outcome = await inEventUnit(open, ahead, (ports) =>
          handleElbEvent(event, ports ? { ...deps, ...ports } : deps, workload.end),
        );
        count(writes, outcome.unit);
      }
      const model = modelGroups(workload);
      expect(groupDifferences(model, await ledgerGroups(targets, model.keys()))).toEqual([]);
      expect(await atIpDifferences(model, targets)).toEqual([]);
      expect(await targets.listParked()).toEqual([]);
      expect(Object.keys(writes)).toEqual(['unit']);
    },
    180_000,
  );
});
