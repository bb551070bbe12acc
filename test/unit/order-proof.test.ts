import { describe, expect, test } from 'vitest';
import { unavailableEc2 } from '#adapters/ec2/ec2-unavailable.ts';
import { unavailableElbv2 } from '#adapters/elbv2/elbv2-unavailable.ts';
import { MemoryEventLog } from '#adapters/memory/memory-event-log.ts';
import { MemoryNetworkLedger } from '#adapters/memory/memory-network-ledger.ts';
import { MemoryTargetLedger } from '#adapters/memory/memory-target-ledger.ts';
import type { Scope } from '#core/events/scope.ts';
import { handleEc2Event } from '#core/network/handle-ec2-event.ts';
import { handleElbEvent } from '#core/targets/handle-elb-event.ts';
import {
  cniWorkload,
  DeliveredStates,
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

/**
 * Order-proof from events alone, on the memory ledgers (the contract suite holds them to the
 * DynamoDB ledger; test/integration/order-proof.test.ts runs a few of these there too).
 * Random workloads from small models of the VPC CNI and the LB controller; every event is
 * delivered two or three times in a random order, and for half the nodes every state-change
 * notification (a termination too) before the node's RunInstances record; no in-order replay
 * afterwards and no sweep. Each notification must show in the ledger at once (a node is filed
 * from its state alone when RunInstances has not come); the ledger must equal the model's final
 * state, type, VPC and cluster completed, with read-back unavailable (local mode) and
 * available (EC2 and ELBv2 answering with the state after the workload), and nothing may be
 * left parked.
 */
const SCOPE: Scope = { clusters: ['myeks'], vpcIds: ['vpc-0a1b2c3d4e5f60718'] };
const WORKLOADS = 20;
const MIN_EVENTS = 150;
const SEEDS = Array.from({ length: WORKLOADS }, (_, i) => 1000 + i * 7919);

describe.each(['unavailable', 'available'] as const)('EC2 read-back %s', (readBack) => {
  test.each(SEEDS)('CNI workload %i ends as the model', async (seed) => {
    // Prepare
    const workload = cniWorkload(seed, MIN_EVENTS);
    const delivered = notificationsFirst(deliveries(workload.events, seed, 2, 3), seed);
    const ledger = new MemoryNetworkLedger();
    const ec2 = readBack === 'available' ? finalStateEc2(workload) : unavailableEc2;
    const states = new DeliveredStates();
    const lagging: string[] = [];

    // Act
    for (const [i, event] of delivered.entries()) {
      await handleEc2Event(event, { ledger, ec2, scope: SCOPE });
      for (const id of states.note(event)) {
        const shown = (await ledger.getNode(id))?.state ?? '(not filed)';
        if (shown !== states.stateOf(id)) {
          lagging.push(
            `delivery ${i}: ${id} shows ${shown}, newest delivered ${states.stateOf(id)}`,
          );
        }
      }
    }

    // Assess
    expect(workload.events.length).toBeGreaterThanOrEqual(MIN_EVENTS);
    expect(delivered.length).toBeGreaterThanOrEqual(2 * workload.events.length);
    expect(lagging).toEqual([]);
    const model = modelNodes(workload);
    expect(differences(model, await ledgerNodes(ledger, model.keys()))).toEqual([]);
    expect((await ledger.listParked()).map((p) => `${p.subject} ${p.name}`)).toEqual([]);
  });
});

describe.each(['unavailable', 'available'] as const)('ELBv2 read-back %s', (readBack) => {
  test.each(SEEDS.map((s) => s + 1))(
    'LB controller workload %i ends as the model',
    async (seed) => {
      // Prepare
      const workload = lbWorkload(seed, MIN_EVENTS);
      const delivered = deliveries(workload.events, seed, 2, 3);
      const events = new MemoryEventLog();
      const targets = new MemoryTargetLedger(events);
      const deps = {
        targets,
        network: new MemoryNetworkLedger(events),
        elbv2: readBack === 'available' ? finalStateElbv2(workload) : unavailableElbv2,
        scope: SCOPE,
        settings: { delayPolicy: { default: 60, perCluster: {}, perStack: {} }, remediate: false },
      };

      // Act
      for (const event of delivered) await handleElbEvent(event, deps, workload.end);

      // Assess
      const model = modelGroups(workload);
      expect(groupDifferences(model, await ledgerGroups(targets, model.keys()))).toEqual([]);
      expect((await targets.listParked()).map((p) => `${p.subject} ${p.name}`)).toEqual([]);
    },
  );
});
