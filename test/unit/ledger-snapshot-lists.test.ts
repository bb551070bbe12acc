import { describe, expect, test } from 'vitest';
import { snapshotCapacityLedger } from '#core/capacity/ledger-snapshot.ts';
import type { LedgerState } from '#core/network/plan-network-sweep.ts';

const state: LedgerState = {
  nodes: [
    { instanceId: 'i-2', state: 'running' },
    { instanceId: 'i-1', state: 'stopped' },
  ],
  subnets: [{ subnetId: 'subnet-a', vpcId: 'vpc-1', reservations: [] }],
  enis: [],
  addresses: [],
};

describe('snapshotCapacityLedger lists', () => {
  test('nodes and subnets are the ones read, in read order, as copies', async () => {
    const ledger = snapshotCapacityLedger(state);
    const nodes = await ledger.listNodes();
    nodes.pop();
    expect((await ledger.listNodes()).map((n) => n.instanceId)).toEqual(['i-2', 'i-1']);
    expect((await ledger.listSubnets()).map((s) => s.subnetId)).toEqual(['subnet-a']);
  });
});
