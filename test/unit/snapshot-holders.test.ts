import { describe, expect, test } from 'vitest';
import { snapshotHolders } from '#core/network/address-holder.ts';
import type { AddressRecord, EniRecord } from '#core/network/network-ports.ts';
import type { LedgerState } from '#core/network/plan-network-sweep.ts';
import { holderAt } from '#test/helpers/holder-at.ts';

const VPC = 'vpc-1';
const eni = (eniId: string, attachedTo?: string, deleted = false): EniRecord => ({
  eniId,
  vpcId: VPC,
  subnetId: 'subnet-a',
  description: '',
  kind: 'vpc-cni',
  deleted,
  ...(attachedTo
    ? { instanceId: attachedTo, attachment: { instanceId: attachedTo, deviceIndex: 1 } }
    : {}),
});
const claim = (
  address: string,
  eniId: string,
  eventTime: string,
  filedUnder?: string,
): AddressRecord => ({
  address,
  kind: 'secondary',
  consumer: 'vpc-cni',
  eniId,
  subnetId: 'subnet-a',
  vpcId: VPC,
  stamp: { eventId: eventTime, eventTime },
  ...(filedUnder ? { instanceId: filedUnder } : {}),
});
const state: LedgerState = {
  nodes: [],
  subnets: [],
  enis: [
    eni('eni-old', 'i-1'),
    eni('eni-new', 'i-2'),
    eni('eni-gone', 'i-3', true),
    eni('eni-loose'),
  ],
  addresses: [
    // The newest first: a read keeps no order, and the older claim must not replace it.
    claim('10.0.0.5', 'eni-new', '2026-11-30T11:00:00Z', 'i-2'),
    claim('10.0.0.5', 'eni-old', '2026-11-30T10:00:00Z', 'i-1'),
    claim('10.0.0.6', 'eni-gone', '2026-11-30T10:00:00Z', 'i-3'),
    claim('10.0.0.7', 'eni-loose', '2026-11-30T10:00:00Z', 'i-4'),
    claim('10.0.0.8', 'eni-unknown', '2026-11-30T10:00:00Z'),
  ],
};

describe('snapshotHolders', () => {
  // Built inside each test, so a mutation of the build is seen by the test that runs it.
  const holders = () => snapshotHolders(state);
  test.each([
    {
      address: '10.0.0.5',
      eniId: 'eni-new',
      node: 'i-2',
      why: 'the newest of two claims holds it',
    },
    { address: '10.0.0.6', eniId: undefined, node: undefined, why: 'a deleted ENI holds nothing' },
    {
      address: '10.0.0.7',
      eniId: 'eni-loose',
      node: undefined,
      why: 'a detached ENI holds it for no node',
    },
    {
      address: '10.0.0.8',
      eniId: undefined,
      node: undefined,
      why: 'an ENI the ledger does not know holds nothing',
    },
    { address: '10.0.0.9', eniId: undefined, node: undefined, why: 'an address nobody claims' },
  ])('$address: $why', async ({ address, eniId, node }) => {
    const holder = await holderAt(holders(), VPC, address);
    expect(holder?.eniId).toBe(eniId);
    expect(holder?.instanceId).toBe(node);
  });
  test('another VPC with the same address is another address', async () => {
    expect(await holderAt(holders(), 'vpc-2', '10.0.0.5')).toBeUndefined();
  });
  test('asked together, the held addresses answer and the others are absent', async () => {
    const held = await holders().holdersOf(VPC, ['10.0.0.5', '10.0.0.6', '10.0.0.9', '10.0.0.5']);
    expect([...held.entries()].map(([a, h]) => `${a} ${h.eniId}`)).toEqual(['10.0.0.5 eni-new']);
  });
  // Equivalent: the `?? []` for an address with no claims made `['Stryker was here']`. A string
  // is no assigned claim, so holderOf skips it and finds no holder, as with no claims.
});

// Equivalent: the `?? []` fallback made `['Stryker was here']` (a string is no assigned claim:
// holderOf skips it, and an address nobody claims has no holder either way).
