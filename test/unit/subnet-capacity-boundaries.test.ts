import { describe, expect, test } from 'vitest';
import {
  computeSubnetCapacity,
  evaluateSubnetExhaustion,
  evaluateSubnetFragmentation,
  type SubnetCapacity,
  type SubnetCapacityInput,
  SubnetCapacityInputError,
} from '#core/capacity/subnet-capacity.ts';

// Boundaries and bad thresholds of the subnet evaluators that mutation testing found
// untested: the edge at exactly 16 x threshold free addresses, the sizes EC2 allows,
// severity, and thresholds that are negative, NaN or infinite.

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

const NO_USE = {
  'vpc-cni': 0,
  'node-primary': 0,
  'eks-control-plane': 0,
  'load-balancer': 0,
  other: 0,
  'cidr-reservation': 0,
};

/** A /24 as the evaluators see it, with the free counts a test needs. */
function capacity(free: number, freePrefixBlocks: number): SubnetCapacity {
  return {
    subnetId: 'subnet-0abc',
    cluster: 'prod',
    cidr: '10.0.1.0/24',
    total: 256,
    reserved: 5,
    used: 251 - free,
    free,
    byKind: { ...NO_USE, 'vpc-cni': 251 - free },
    freePrefixBlocks,
    ignoredOutsideSubnet: 0,
  };
}

describe('subnet sizes EC2 allows: /16 to /28', () => {
  test('a /16 has 65,536 addresses, AWS keeps 5, and 4,094 whole /28 blocks are free', () => {
    const result = computeSubnetCapacity(subnet({ cidr: '10.1.0.0/16' }));
    expect(result).toStrictEqual({
      subnetId: 'subnet-0abc',
      cluster: 'prod',
      cidr: '10.1.0.0/16',
      total: 65_536,
      reserved: 5,
      used: 0,
      free: 65_531,
      byKind: NO_USE,
      freePrefixBlocks: 4094,
      ignoredOutsideSubnet: 0,
    });
  });

  test.each(['10.0.0.0/15', '10.0.1.0/29', '10.0.1.0/32'])('%s is refused', (cidr) => {
    expect(() => computeSubnetCapacity(subnet({ cidr }))).toThrow(SubnetCapacityInputError);
  });

  test('a /28 is the smallest: 16 addresses, 11 free, no whole /28 block', () => {
    const result = computeSubnetCapacity(subnet({ cidr: '10.0.1.16/28' }));
    expect([result.total, result.reserved, result.free, result.freePrefixBlocks]).toStrictEqual([
      16, 5, 11, 0,
    ]);
  });
});

describe('fragmentation needs 16 x threshold free addresses to be fragmentation', () => {
  const thresholds = { minFreePrefixBlocks: 2, clearMarginBlocks: 0 };

  test.each<[string, number, number, boolean, 'warning' | 'critical']>([
    ['exactly 32 free addresses, no block: fragmented', 32, 0, true, 'critical'],
    ['31 free addresses, no block: short of addresses, not fragmented', 31, 0, false, 'warning'],
    ['plenty free, one block left of two wanted: a warning', 200, 1, true, 'warning'],
    ['plenty free, two blocks: fine', 200, 2, false, 'warning'],
  ])('%s', (_title, free, blocks, active, severity) => {
    const alert = evaluateSubnetFragmentation(capacity(free, blocks), thresholds, false);
    expect(alert.active).toBe(active);
    expect(alert.severity).toBe(severity);
  });

  test('an active alert carries its numbers and says what fails', () => {
    const alert = evaluateSubnetFragmentation(capacity(40, 1), thresholds, false);
    expect(alert.facts).toStrictEqual({
      cidr: '10.0.1.0/24',
      free: 40,
      freePrefixBlocks: 1,
      thresholdBlocks: 2,
    });
    expect(alert.summary).toBe(
      'subnet-0abc (10.0.1.0/24): 1 free /28 blocks for 40 free addresses; new prefixes may fail with InsufficientCidrBlocks',
    );
    expect(alert.title).toBe('Subnet subnet-0abc too fragmented for /28 prefixes');
  });

  test('a cleared alert says there is room', () => {
    const alert = evaluateSubnetFragmentation(capacity(200, 5), thresholds, true);
    expect(alert.active).toBe(false);
    expect(alert.title).toBe('Subnet subnet-0abc has room for /28 prefixes');
    expect(alert.summary).toBe(
      'subnet-0abc (10.0.1.0/24): 5 free /28 blocks for 200 free addresses',
    );
  });

  test('a threshold of zero blocks never alerts', () => {
    const alert = evaluateSubnetFragmentation(
      capacity(0, 0),
      { minFreePrefixBlocks: 0, clearMarginBlocks: 0 },
      false,
    );
    expect(alert.active).toBe(false);
  });
});

describe('exhaustion severity and facts', () => {
  const thresholds = { minFreeAddresses: 20, minFreePercent: 0, clearMarginAddresses: 0 };

  test.each<[number, boolean, 'warning' | 'critical']>([
    [0, true, 'critical'],
    [1, true, 'warning'],
    [19, true, 'warning'],
    [20, false, 'warning'],
  ])('%i free -> active=%s, %s', (free, active, severity) => {
    const alert = evaluateSubnetExhaustion(capacity(free, 0), thresholds, false);
    expect(alert.active).toBe(active);
    expect(alert.severity).toBe(severity);
  });

  test('the facts list every consumer kind and the threshold in addresses', () => {
    const alert = evaluateSubnetExhaustion(
      capacity(10, 0),
      { minFreeAddresses: 5, minFreePercent: 10, clearMarginAddresses: 0 },
      false,
    );
    expect(alert.facts).toStrictEqual({
      cidr: '10.0.1.0/24',
      total: 256,
      reserved: 5,
      used: 241,
      free: 10,
      thresholdAddresses: 25.1,
      'used.vpc-cni': 241,
      'used.node-primary': 0,
      'used.eks-control-plane': 0,
      'used.load-balancer': 0,
      'used.other': 0,
      'used.cidr-reservation': 0,
    });
    expect(alert.title).toBe('Subnet subnet-0abc running out of addresses');
  });

  test('consumers are named largest first, an idle subnet as used by nothing', () => {
    const busy = evaluateSubnetExhaustion(
      { ...capacity(200, 0), byKind: { ...NO_USE, other: 1, 'vpc-cni': 40, 'node-primary': 10 } },
      thresholds,
      false,
    );
    const idle = evaluateSubnetExhaustion(
      { ...capacity(251, 0), byKind: NO_USE },
      thresholds,
      false,
    );
    expect(busy.summary).toBe(
      'subnet-0abc (10.0.1.0/24): 200/251 addresses free; used by vpc-cni 40, node-primary 10, other 1',
    );
    expect(idle.summary).toBe('subnet-0abc (10.0.1.0/24): 251/251 addresses free; used by nothing');
    expect(idle.title).toBe('Subnet subnet-0abc has free addresses');
  });
});

describe('thresholds that make no sense are refused, zero is allowed', () => {
  const exhaustion = { minFreeAddresses: 20, minFreePercent: 5, clearMarginAddresses: 10 };
  const fragmentation = { minFreePrefixBlocks: 2, clearMarginBlocks: 1 };

  test.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('exhaustion fields set to %d', (bad) => {
    for (const field of Object.keys(exhaustion)) {
      expect(() =>
        evaluateSubnetExhaustion(capacity(10, 0), { ...exhaustion, [field]: bad }, false),
      ).toThrow(new SubnetCapacityInputError(`${field} must be a non-negative number, got ${bad}`));
    }
  });

  test.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('fragmentation fields set to %d', (bad) => {
    for (const field of Object.keys(fragmentation)) {
      expect(() =>
        evaluateSubnetFragmentation(capacity(10, 0), { ...fragmentation, [field]: bad }, false),
      ).toThrow(new SubnetCapacityInputError(`${field} must be a non-negative number, got ${bad}`));
    }
  });

  test('every threshold at zero is accepted', () => {
    expect(
      evaluateSubnetExhaustion(
        capacity(0, 0),
        { minFreeAddresses: 0, minFreePercent: 0, clearMarginAddresses: 0 },
        false,
      ).active,
    ).toBe(false);
    expect(
      evaluateSubnetFragmentation(
        capacity(0, 0),
        { minFreePrefixBlocks: 0, clearMarginBlocks: 0 },
        false,
      ).active,
    ).toBe(false);
  });
});
