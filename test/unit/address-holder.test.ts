import { describe, expect, test } from 'vitest';
import { type AddressClaim, holderOf } from '#core/network/address-holder.ts';
import type { AddressRecord, EniRecord } from '#core/network/network-ports.ts';

const VPC = 'vpc-0a1b2c3d4e5f60718';
const IP = '10.0.1.20';

const eni = (id: string, over: Partial<EniRecord> = {}): EniRecord => ({
  eniId: id,
  vpcId: VPC,
  subnetId: 'subnet-a',
  description: '',
  kind: 'vpc-cni',
  deleted: false,
  ...over,
});
const attached = (id: string, node: string, over: Partial<EniRecord> = {}) =>
  eni(id, { instanceId: node, attachment: { instanceId: node }, ...over });

const claim = (
  e: EniRecord | undefined,
  time: string,
  over: { assigned?: boolean; eniId?: string; filedUnder?: string } = {},
): AddressClaim => {
  const address: AddressRecord = {
    address: IP,
    kind: 'secondary',
    consumer: 'vpc-cni',
    eniId: over.eniId ?? e?.eniId ?? 'eni-gone',
    subnetId: 'subnet-a',
    vpcId: VPC,
    stamp: { eventTime: `2026-11-21T10:00:${time}.000Z`, eventId: `e-${time}` },
    ...(over.filedUnder ? { instanceId: over.filedUnder } : {}),
  };
  return { address, assigned: over.assigned ?? true, eni: e };
};

describe('holderOf: which live ENI holds an address', () => {
  test.each<[string, AddressClaim[], { eniId: string; instanceId?: string } | undefined]>([
    ['no claim at all', [], undefined],
    [
      'one assignment on an attached ENI: its node',
      [claim(attached('eni-a', 'i-1'), '01', { filedUnder: 'i-1' })],
      { eniId: 'eni-a', instanceId: 'i-1' },
    ],
    [
      'a released address holds nothing',
      [claim(attached('eni-a', 'i-1'), '01', { assigned: false })],
      undefined,
    ],
    [
      'an address of a deleted ENI holds nothing',
      [claim(attached('eni-a', 'i-1', { deleted: true }), '01')],
      undefined,
    ],
    ['an address whose ENI the ledger lost holds nothing', [claim(undefined, '01')], undefined],
    [
      'two live claims: the newest assignment holds it (older release still in flight)',
      [
        claim(attached('eni-a', 'i-1'), '05'),
        claim(attached('eni-b', 'i-2'), '09'),
        claim(attached('eni-c', 'i-3'), '07'),
      ],
      { eniId: 'eni-b', instanceId: 'i-2' },
    ],
    [
      'the newest claim released, an older one live: the older one holds it',
      [
        claim(attached('eni-b', 'i-2'), '09', { assigned: false }),
        claim(attached('eni-a', 'i-1'), '05'),
      ],
      { eniId: 'eni-a', instanceId: 'i-1' },
    ],
    [
      'a detached ENI still filed under the node it was made for: nobody holds its addresses',
      [claim(eni('eni-a', { instanceId: 'i-1' }), '01', { filedUnder: 'i-1' })],
      { eniId: 'eni-a' },
    ],
    [
      'the node is where the ENI is attached now, not where the address was filed',
      [claim(attached('eni-a', 'i-2'), '01', { filedUnder: 'i-1' })],
      { eniId: 'eni-a', instanceId: 'i-2' },
    ],
  ])('%s', (_name, claims, expected) => {
    // Act
    const holder = holderOf(claims);

    // Assess
    if (!expected) {
      expect(holder).toBeUndefined();
      return;
    }
    expect(holder?.eniId).toBe(expected.eniId);
    expect(holder?.instanceId).toBe(expected.instanceId);
  });

  test('equal times are ordered by event id, as the ledger writes are', () => {
    // Prepare
    const a = claim(attached('eni-a', 'i-1'), '05');
    const b = claim(attached('eni-b', 'i-2'), '05');
    const later = { ...b, address: { ...b.address, stamp: { ...b.address.stamp, eventId: 'z' } } };

    // Act / Assess
    expect(holderOf([later, a])?.eniId).toBe('eni-b');
    expect(holderOf([a, later])?.eniId).toBe('eni-b');
  });
  // Equivalent: `compareStamps(...) > 0` as `>= 0`. Two claims compare equal only with the same
  // stamp, the same time and event id, and one EC2 call assigns an address to one ENI.
});
