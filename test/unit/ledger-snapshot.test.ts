import { describe, expect, test } from 'vitest';
import { snapshotCapacityLedger } from '#core/capacity/ledger-snapshot.ts';
import type { AddressRecord, EniRecord } from '#core/network/network-ports.ts';
import type { LedgerState } from '#core/network/plan-network-sweep.ts';

const STAMP = { eventId: 'e', eventTime: '2026-11-30T12:00:00.000Z' };
const eni = (eniId: string, subnetId: string, instanceId?: string, deleted = false): EniRecord => ({
  eniId,
  vpcId: 'vpc-1',
  subnetId,
  description: '',
  kind: 'vpc-cni',
  deleted,
  ...(instanceId ? { instanceId } : {}),
});
const address = (
  a: string,
  eniId: string,
  subnetId: string,
  instanceId?: string,
): AddressRecord => ({
  address: a,
  kind: 'secondary',
  consumer: 'vpc-cni',
  eniId,
  subnetId,
  vpcId: 'vpc-1',
  stamp: STAMP,
  ...(instanceId ? { instanceId } : {}),
});
const state: LedgerState = {
  nodes: [
    { instanceId: 'i-1', state: 'running' },
    { instanceId: 'i-2', state: 'running' },
  ],
  subnets: [
    { subnetId: 'subnet-a', vpcId: 'vpc-1', reservations: [] },
    { subnetId: 'subnet-b', vpcId: 'vpc-1', reservations: [] },
  ],
  enis: [
    eni('eni-1', 'subnet-a', 'i-1'),
    eni('eni-2', 'subnet-b', 'i-1'),
    eni('eni-3', 'subnet-a'),
    eni('eni-4', 'subnet-a', 'i-2', true),
  ],
  addresses: [
    address('10.0.0.1', 'eni-1', 'subnet-a', 'i-1'),
    address('10.0.1.1', 'eni-2', 'subnet-b', 'i-1'),
    address('10.0.0.9', 'eni-3', 'subnet-a'),
  ],
};

describe('snapshotCapacityLedger', () => {
  const ledger = snapshotCapacityLedger(state);
  test.each([
    { node: 'i-1', enis: ['eni-1', 'eni-2'], addresses: ['10.0.0.1', '10.0.1.1'], known: true },
    { node: 'i-2', enis: [], addresses: [], known: true },
    { node: 'i-9', enis: [], addresses: [], known: false },
  ])('node $node: ENIs $enis, addresses $addresses', async ({ node, enis, addresses, known }) => {
    const view = await ledger.nodeView(node);
    expect(view.node?.instanceId).toBe(known ? node : undefined);
    expect(view.enis.map((e) => e.eniId)).toEqual(enis);
    expect(view.addresses.map((a) => a.address)).toEqual(addresses);
  });
  test.each([
    { subnet: 'subnet-a', enis: ['eni-1', 'eni-3'], addresses: ['10.0.0.1', '10.0.0.9'] },
    { subnet: 'subnet-b', enis: ['eni-2'], addresses: ['10.0.1.1'] },
    { subnet: 'subnet-z', enis: [], addresses: [] },
  ])('subnet $subnet: ENIs $enis, addresses $addresses', async ({ subnet, enis, addresses }) => {
    const view = await ledger.subnetView(subnet);
    expect(view.enis.map((e) => e.eniId)).toEqual(enis);
    expect(view.addresses.map((a) => a.address)).toEqual(addresses);
  });
});
