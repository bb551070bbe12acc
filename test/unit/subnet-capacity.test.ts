import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  computeSubnetCapacity,
  evaluateSubnetExhaustion,
  evaluateSubnetFragmentation,
  listFreePrefixBlocks,
  SUBNET_CONSUMER_KINDS,
  type SubnetCapacityInput,
  SubnetCapacityInputError,
} from '#core/capacity/subnet-capacity.ts';

// Independent of core's ipv4 helpers on purpose: the properties check core against this.
const toNumber = (ip: string) => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
const toIp = (n: number) =>
  [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
const range = (cidr: string): [number, number] => {
  const [ip = '', len = '32'] = cidr.split('/');
  const start = toNumber(ip);
  return [start, start + 2 ** (32 - Number(len))];
};

function subnet(overrides: Partial<SubnetCapacityInput> = {}): SubnetCapacityInput {
  return {
    subnetId: 'subnet-0abc',
    cluster: 'prod',
    cidr: '10.0.1.0/24',
    addresses: [],
    prefixes: [],
    reservations: [],
    ...overrides,
  };
}

describe('computeSubnetCapacity', () => {
  test('an empty /24: AWS keeps 5, the first and last /28 are not free blocks', () => {
    // Act
    const capacity = computeSubnetCapacity(subnet());

    // Assess
    expect(capacity).toMatchObject({ total: 256, reserved: 5, used: 0, free: 251 });
    expect(capacity.freePrefixBlocks).toBe(14);
    expect(listFreePrefixBlocks(subnet())[0]).toBe('10.0.1.16/28');
  });

  test('a /28 subnet has no room for a /28 prefix at all', () => {
    // Act
    const capacity = computeSubnetCapacity(subnet({ cidr: '10.0.1.32/28' }));

    // Assess
    expect(capacity).toMatchObject({ total: 16, reserved: 5, free: 11, freePrefixBlocks: 0 });
  });

  test('counts each address once by consumer kind, whatever overlaps', () => {
    // Prepare
    const input = subnet({
      addresses: [
        { address: '10.0.1.10', kind: 'node-primary' },
        { address: '10.0.1.10', kind: 'other' },
        { address: '10.0.1.11', kind: 'eks-control-plane' },
        { address: '10.0.1.12', kind: 'load-balancer' },
        { address: '10.0.1.33', kind: 'vpc-cni' },
        { address: '10.0.1.2', kind: 'other' },
      ],
      prefixes: [{ cidr: '10.0.1.32/28', kind: 'vpc-cni' }],
      reservations: ['10.0.1.32/27'],
    });

    // Act
    const capacity = computeSubnetCapacity(input);

    // Assess: .2 is AWS's DNS address; .33 sits inside the prefix; the reservation's other
    // half (.48-.63) is held by the reservation alone.
    expect(capacity.byKind).toEqual({
      'node-primary': 1,
      'eks-control-plane': 1,
      'load-balancer': 1,
      'vpc-cni': 16,
      other: 0,
      'cidr-reservation': 16,
    });
    expect(capacity.used).toBe(35);
    expect(capacity.free).toBe(256 - 5 - 35);
  });

  test('ignores and counts inputs outside the subnet', () => {
    // Prepare
    const input = subnet({
      addresses: [{ address: '10.0.2.7', kind: 'vpc-cni' }],
      reservations: ['10.0.0.0/23'],
    });

    // Act
    const capacity = computeSubnetCapacity(input);

    // Assess: the reservation covers the whole subnet and more
    expect(capacity.ignoredOutsideSubnet).toBe(2);
    expect(capacity.byKind['cidr-reservation']).toBe(251);
    expect(capacity.free).toBe(0);
  });

  test.each([
    ['a malformed subnet CIDR', subnet({ cidr: '10.0.1.0' }), 'subnet-0abc cidr'],
    ['an unaligned subnet CIDR', subnet({ cidr: '10.0.1.8/24' }), 'not aligned'],
    ['a subnet larger than /16', subnet({ cidr: '10.0.0.0/15' }), 'not a /16 to /28'],
    [
      'a malformed address',
      subnet({ addresses: [{ address: '10.0.1', kind: 'other' }] }),
      'subnet-0abc address: "10.0.1"',
    ],
    [
      'an unaligned prefix',
      subnet({ prefixes: [{ cidr: '10.0.1.40/28', kind: 'vpc-cni' }] }),
      'subnet-0abc prefix',
    ],
    [
      'an unknown kind',
      subnet({ addresses: [{ address: '10.0.1.9', kind: 'pods' as 'other' }] }),
      'unknown consumer kind "pods"',
    ],
  ])('rejects %s, naming it', (_name, input, message) => {
    // Act
    const act = () => computeSubnetCapacity(input);

    // Assess
    expect(act).toThrow(SubnetCapacityInputError);
    expect(act).toThrow(message);
  });
});

/** Random subnets /20-/28 with addresses, prefixes and reservations, some partly outside. */
const arbitrarySubnet = fc
  .record({ prefixLength: fc.integer({ min: 20, max: 28 }), slot: fc.nat() })
  .chain(({ prefixLength, slot }) => {
    const size = 2 ** (32 - prefixLength);
    const base = toNumber('10.1.0.0') + (slot % (65536 / size)) * size;
    const offset = fc.integer({ min: -16, max: size + 15 });
    const kind = fc.constantFrom(...SUBNET_CONSUMER_KINDS);
    return fc.record({
      subnetId: fc.constant('subnet-prop'),
      cluster: fc.constant('prod'),
      cidr: fc.constant(`${toIp(base)}/${prefixLength}`),
      addresses: fc.array(fc.record({ address: offset.map((o) => toIp(base + o)), kind }), {
        maxLength: 40,
      }),
      prefixes: fc.array(
        fc.record({
          cidr: offset.map((o) => `${toIp(base + o - (((o % 16) + 16) % 16))}/28`),
          kind,
        }),
        { maxLength: 8 },
      ),
      reservations: fc.array(
        fc.integer({ min: prefixLength, max: 32 }).chain((len) => {
          const blockSize = 2 ** (32 - len);
          return fc
            .integer({ min: 0, max: size / blockSize - 1 })
            .map((i) => `${toIp(base + i * blockSize)}/${len}`);
        }),
        { maxLength: 3 },
      ),
    });
  });

describe('subnet capacity properties', () => {
  test('free + used + reserved = total, and byKind adds up to used', () => {
    fc.assert(
      fc.property(arbitrarySubnet, (input) => {
        const c = computeSubnetCapacity(input);
        expect(c.free + c.used + c.reserved).toBe(c.total);
        expect(Object.values(c.byKind).reduce((a, b) => a + b, 0)).toBe(c.used);
        expect(c.free).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  test('free /28 blocks never hold more addresses than are free', () => {
    fc.assert(
      fc.property(arbitrarySubnet, (input) => {
        const c = computeSubnetCapacity(input);
        expect(c.freePrefixBlocks * 16).toBeLessThanOrEqual(c.free);
      }),
    );
  });

  test('every counted block is aligned, inside the subnet and disjoint from anything used', () => {
    fc.assert(
      fc.property(arbitrarySubnet, (input) => {
        const blocks = listFreePrefixBlocks(input).map(range);
        const [subnetStart, subnetEnd] = range(input.cidr);
        const taken = [
          ...input.addresses.map((a) => range(`${a.address}/32`)),
          ...input.prefixes.map((p) => range(p.cidr)),
          ...input.reservations.map(range),
          [subnetStart, subnetStart + 4] as [number, number],
          [subnetEnd - 1, subnetEnd] as [number, number],
        ];
        expect(blocks).toHaveLength(computeSubnetCapacity(input).freePrefixBlocks);
        expect(new Set(blocks.map(([start]) => start)).size).toBe(blocks.length);
        for (const [start, end] of blocks) {
          expect(start % 16).toBe(0);
          expect(end - start).toBe(16);
          expect(start >= subnetStart && end <= subnetEnd).toBe(true);
          for (const [from, to] of taken) {
            expect(to <= start || from >= end).toBe(true);
          }
        }
      }),
    );
  });

  test('adding a used address never increases free, and lowers it by at most one', () => {
    fc.assert(
      fc.property(arbitrarySubnet, fc.nat(), (input, pick) => {
        const [start, end] = range(input.cidr);
        const extra = { address: toIp(start + (pick % (end - start))), kind: 'other' as const };
        const before = computeSubnetCapacity(input);
        const after = computeSubnetCapacity({ ...input, addresses: [...input.addresses, extra] });
        expect(after.free).toBeLessThanOrEqual(before.free);
        expect(before.free - after.free).toBeLessThanOrEqual(1);
        expect(after.freePrefixBlocks).toBeLessThanOrEqual(before.freePrefixBlocks);
      }),
    );
  });
});

describe('evaluateSubnetExhaustion', () => {
  // /24 with 251 usable addresses; threshold 20 free, clear margin 10.
  const thresholds = { minFreeAddresses: 20, minFreePercent: 0, clearMarginAddresses: 10 };
  const withUsed = (count: number) =>
    computeSubnetCapacity(
      subnet({
        addresses: Array.from({ length: count }, (_, i) => ({
          address: `10.0.1.${4 + i}`,
          kind: 'vpc-cni' as const,
        })),
      }),
    );

  test.each([
    [251, false, true, 'critical'],
    [232, false, true, 'warning'],
    [231, false, false, 'warning'],
    [231, true, true, 'warning'],
    [221, true, true, 'warning'],
    [220, true, false, 'warning'],
  ])('%i used, wasOpen=%s -> active=%s (%s)', (used, wasOpen, active, severity) => {
    // Act
    const alert = evaluateSubnetExhaustion(withUsed(used), thresholds, wasOpen);

    // Assess
    expect(alert).toMatchObject({ kind: 'subnet-exhaustion', subject: 'subnet-0abc', active });
    if (active) expect(alert.severity).toBe(severity);
  });

  test('the percentage of usable addresses applies when stricter, and the summary names consumers', () => {
    // Prepare: 51 of 251 free = 20.3 %
    const capacity = withUsed(200);

    // Act
    const at25 = evaluateSubnetExhaustion(capacity, { ...thresholds, minFreePercent: 25 }, false);
    const at20 = evaluateSubnetExhaustion(capacity, { ...thresholds, minFreePercent: 20 }, false);

    // Assess
    expect(at25.active).toBe(true);
    expect(at20.active).toBe(false);
    expect(at25.summary).toBe(
      'subnet-0abc (10.0.1.0/24): 51/251 addresses free; used by vpc-cni 200',
    );
  });
});

describe('evaluateSubnetFragmentation', () => {
  // One address used in every /28 block: plenty free, no room for a single prefix.
  const scattered = computeSubnetCapacity(
    subnet({
      addresses: Array.from({ length: 16 }, (_, i) => ({
        address: `10.0.1.${i * 16 + 8}`,
        kind: 'vpc-cni' as const,
      })),
    }),
  );

  test('alerts when free addresses would hold prefixes but no aligned /28 is free', () => {
    // Act
    const alert = evaluateSubnetFragmentation(
      scattered,
      { minFreePrefixBlocks: 2, clearMarginBlocks: 1 },
      false,
    );

    // Assess
    expect(scattered.freePrefixBlocks).toBe(0);
    expect(alert).toMatchObject({
      kind: 'subnet-fragmentation',
      active: true,
      severity: 'critical',
    });
    expect(alert.summary).toContain('0 free /28 blocks for 235 free addresses');
  });

  test('stays quiet when the subnet is simply short of addresses (that is exhaustion)', () => {
    // Prepare: the reservations cover .0-.239, leaving .240-.254 (15) free, fewer than 16 x 2
    const exhausted = computeSubnetCapacity(
      subnet({ reservations: ['10.0.1.0/25', '10.0.1.128/26', '10.0.1.192/27', '10.0.1.224/28'] }),
    );

    // Act
    const alert = evaluateSubnetFragmentation(
      exhausted,
      { minFreePrefixBlocks: 2, clearMarginBlocks: 1 },
      false,
    );

    // Assess
    expect(exhausted.free).toBe(15);
    expect(alert.active).toBe(false);
  });

  test.each([
    [1, false, true],
    [2, false, false],
    [3, true, true],
    [4, true, false],
  ])('%i free blocks, wasOpen=%s -> active=%s', (blocks, wasOpen, expected) => {
    // Prepare: fill blocks 1..14 with one address each, then free `blocks` of them
    const input = subnet({
      addresses: Array.from({ length: 14 - blocks }, (_, i) => ({
        address: `10.0.1.${(i + 1) * 16 + 5}`,
        kind: 'vpc-cni' as const,
      })),
    });

    // Act
    const alert = evaluateSubnetFragmentation(
      computeSubnetCapacity(input),
      { minFreePrefixBlocks: 2, clearMarginBlocks: 1 },
      wasOpen,
    );

    // Assess
    expect(alert.active).toBe(expected);
  });
});
