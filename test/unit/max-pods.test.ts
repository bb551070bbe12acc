import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  InstanceTypeDataError,
  type InstanceTypeLimits,
  parseInstanceTypeInfo,
  parseInstanceTypesDocument,
} from '#core/capacity/instance-type.ts';
import { MaxPodsSettingsError, maxPods } from '#core/capacity/max-pods.ts';

function fixture(name: string): InstanceTypeLimits[] {
  const url = new URL(`../fixtures/${name}`, import.meta.url);
  return parseInstanceTypesDocument(JSON.parse(readFileSync(url, 'utf8')));
}

const byType = new Map(
  [...fixture('instance-types-sample.json'), ...fixture('instance-types-xen-and-metal.json')].map(
    (limits) => [limits.instanceType, limits],
  ),
);
function limitsOf(instanceType: string): InstanceTypeLimits {
  const limits = byType.get(instanceType);
  if (!limits) throw new Error(`fixture lacks ${instanceType}`);
  return limits;
}

const secondaryIp = { prefixDelegation: false, customNetworking: false };

function entry(overrides: Record<string, unknown> = {}, network: Record<string, unknown> = {}) {
  return {
    InstanceType: 't3.medium',
    Hypervisor: 'nitro',
    BareMetal: false,
    NetworkInfo: {
      MaximumNetworkInterfaces: 3,
      Ipv4AddressesPerInterface: 6,
      DefaultNetworkCardIndex: 0,
      NetworkCards: [{ NetworkCardIndex: 0, MaximumNetworkInterfaces: 3 }],
      ...network,
    },
    VCpuInfo: { DefaultVCpus: 2 },
    ...overrides,
  };
}

describe('parseInstanceTypeInfo', () => {
  test('reads a full DescribeInstanceTypes response and keeps the default card apart', () => {
    // Prepare
    const all = fixture('instance-types-sample.json');

    // Act
    const p4d = all.find((l) => l.instanceType === 'p4d.24xlarge');

    // Assess
    expect(all).toHaveLength(13);
    expect(p4d).toMatchObject({ enisOnDefaultCard: 15, enisTotal: 60, ipv4PerEni: 50, vcpus: 96 });
    expect(p4d?.nitro).toBe(true);
  });

  test('finds the default card by NetworkCardIndex, not by array position', () => {
    // Prepare
    const input = entry(
      {},
      {
        DefaultNetworkCardIndex: 1,
        MaximumNetworkInterfaces: 6,
        NetworkCards: [
          { NetworkCardIndex: 1, MaximumNetworkInterfaces: 4 },
          { NetworkCardIndex: 0, MaximumNetworkInterfaces: 2 },
        ],
      },
    );

    // Act
    const limits = parseInstanceTypeInfo(input);

    // Assess
    expect(limits.enisOnDefaultCard).toBe(4);
    expect(limits.defaultNetworkCardIndex).toBe(1);
  });

  test.each([
    ['nitro hypervisor', { Hypervisor: 'nitro', BareMetal: false }, true],
    ['xen hypervisor', { Hypervisor: 'xen', BareMetal: false }, false],
    ['bare metal without a hypervisor', { Hypervisor: undefined, BareMetal: true }, true],
    ['neither field', { Hypervisor: undefined, BareMetal: undefined }, false],
  ])('nitro flag: %s', (_name, overrides, expected) => {
    // Act
    const limits = parseInstanceTypeInfo(entry(overrides));

    // Assess
    expect(limits.nitro).toBe(expected);
  });

  test.each([
    [
      'a missing IPv4 limit',
      entry({}, { Ipv4AddressesPerInterface: undefined }),
      't3.medium: NetworkInfo.Ipv4AddressesPerInterface is missing',
    ],
    ['a missing vCPU block', entry({ VCpuInfo: undefined }), 't3.medium: VCpuInfo is missing'],
    [
      'a negative ENI count',
      entry({}, { MaximumNetworkInterfaces: -1 }),
      't3.medium: NetworkInfo.MaximumNetworkInterfaces is invalid (-1',
    ],
    [
      'a card entry without its limit',
      entry({}, { NetworkCards: [{ NetworkCardIndex: 0 }] }),
      't3.medium: NetworkInfo.NetworkCards[0].MaximumNetworkInterfaces is missing',
    ],
    [
      'no card with the default index',
      entry({}, { DefaultNetworkCardIndex: 2 }),
      't3.medium: NetworkInfo.NetworkCards has no card with NetworkCardIndex 2',
    ],
    [
      'no InstanceType at all',
      entry({ InstanceType: undefined }),
      'InstanceTypes[7]: InstanceType is missing',
    ],
  ])('rejects %s with a message naming type and field', (_name, input, message) => {
    // Act
    const act = () => parseInstanceTypeInfo(input, 'InstanceTypes[7]');

    // Assess
    expect(act).toThrow(InstanceTypeDataError);
    expect(act).toThrow(message);
  });

  test('rejects a document that is not a DescribeInstanceTypes response', () => {
    // Act
    const act = () => parseInstanceTypesDocument([entry()]);

    // Assess
    expect(act).toThrow(/^InstanceTypes is missing/);
  });
});

describe('maxPods', () => {
  // Expected values are the published table in amazon-eks-ami `files/eni-max-pods.txt`
  // (ENIs x (IPv4 per ENI - 1) + 2), not computed here: t3.nano..t3.2xlarge, c5.large,
  // m5.large, c5.4xlarge, m5.24xlarge, m4.large, t2.medium and i3.metal are all listed there.
  test.each([
    ['t3.nano', 4],
    ['t3.micro', 4],
    ['t3.small', 11],
    ['t3.medium', 17],
    ['t3.large', 35],
    ['t3.xlarge', 58],
    ['t3.2xlarge', 58],
    ['c5.large', 29],
    ['m5.large', 29],
    ['c5.4xlarge', 234],
    ['m5.24xlarge', 737],
    ['m4.large', 20],
    ['t2.medium', 17],
    ['i3.metal', 737],
  ])('%s allows %i pods in secondary-IP mode (eni-max-pods.txt)', (instanceType, expected) => {
    // Act
    const result = maxPods(limitsOf(instanceType), secondaryIp);

    // Assess
    expect(result.maxAllowed).toBe(expected);
    expect(result.mode).toBe('secondary-ip');
  });

  // Multi-card types: the amazon-eks-ami max-pods-calculator.sh reads
  // NetworkCards[DefaultNetworkCardIndex].MaximumNetworkInterfaces. Expected values are
  // worked by hand from the sample's fields: p4d 15 x 49 + 2, trn1 5 x 49 + 2.
  test.each([
    ['p4d.24xlarge', 737, 60],
    ['trn1.32xlarge', 247, 40],
  ])('%s counts only the default card ENIs', (instanceType, expected, instanceWideEnis) => {
    // Prepare
    const limits = limitsOf(instanceType);

    // Act
    const result = maxPods(limits, secondaryIp);

    // Assess
    expect(limits.enisTotal).toBe(instanceWideEnis);
    expect(result.maxAllowed).toBe(expected);
    expect(result.maxAllowed).toBeLessThan(instanceWideEnis * (limits.ipv4PerEni - 1) + 2);
  });

  // Recommended = min(max allowed, 110 for <= 30 vCPUs else 250), the calculator's default
  // output; m5.large with prefix delegation printing 110 is its documented example.
  test.each([
    ['t3.medium', secondaryIp, 17, 17],
    ['c5.4xlarge', secondaryIp, 234, 110],
    ['m5.24xlarge', secondaryIp, 737, 250],
    ['trn1.32xlarge', secondaryIp, 247, 247],
    ['m5.large', { prefixDelegation: true, customNetworking: false }, 434, 110],
    ['c5.4xlarge', { prefixDelegation: true, customNetworking: false }, 3714, 110],
    ['i3.metal', { prefixDelegation: true, customNetworking: false }, 11762, 250],
  ])('%s with %o: max allowed %i, recommended %i', (type, settings, allowed, recommended) => {
    // Act
    const result = maxPods(limitsOf(type), settings);

    // Assess
    expect(result.maxAllowed).toBe(allowed);
    expect(result.recommended).toBe(recommended);
  });

  test.each([
    ['custom networking drops the primary ENI', { customNetworking: true }, 12, 2],
    ['MAX_ENI caps the ENIs', { maxEnis: 2 }, 12, 2],
    ['MAX_ENI above the card limit changes nothing', { maxEnis: 8 }, 17, 3],
    ['MAX_ENI and custom networking together', { maxEnis: 2, customNetworking: true }, 7, 1],
    [
      'one ENI under custom networking leaves host pods only',
      { maxEnis: 1, customNetworking: true },
      2,
      0,
    ],
  ])('t3.medium: %s', (_name, overrides, expected, enis) => {
    // Act
    const result = maxPods(limitsOf('t3.medium'), { ...secondaryIp, ...overrides });

    // Assess
    expect(result.maxAllowed).toBe(expected);
    expect(result.enis).toBe(enis);
  });

  test.each(['m4.large', 't2.medium'])(
    '%s (Xen) falls back to secondary IPs under prefix delegation and says so',
    (instanceType) => {
      // Prepare
      const limits = limitsOf(instanceType);

      // Act
      const asked = maxPods(limits, { prefixDelegation: true, customNetworking: false });
      const plain = maxPods(limits, secondaryIp);

      // Assess
      expect(asked.mode).toBe('secondary-ip');
      expect(asked.maxAllowed).toBe(plain.maxAllowed);
      expect(asked.fallbackReason).toContain(instanceType);
      expect(plain.fallbackReason).toBeUndefined();
    },
  );

  test.each([0, -1, 1.5, Number.NaN])('rejects maxEnis %d', (maxEnis) => {
    // Act
    const act = () => maxPods(limitsOf('t3.medium'), { ...secondaryIp, maxEnis });

    // Assess
    expect(act).toThrow(MaxPodsSettingsError);
  });

  const arbitraryLimits = fc.record({
    instanceType: fc.constant('x.test'),
    enisOnDefaultCard: fc.integer({ min: 1, max: 20 }),
    enisTotal: fc.integer({ min: 1, max: 80 }),
    ipv4PerEni: fc.integer({ min: 1, max: 50 }),
    vcpus: fc.integer({ min: 1, max: 448 }),
    nitro: fc.boolean(),
    hypervisor: fc.constantFrom('nitro', 'xen', undefined),
    bareMetal: fc.boolean(),
    defaultNetworkCardIndex: fc.constant(0),
  });
  const arbitrarySettings = fc.record({
    prefixDelegation: fc.boolean(),
    customNetworking: fc.boolean(),
    maxEnis: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
  });

  test('property: recommended never exceeds max allowed nor the vCPU cap', () => {
    fc.assert(
      fc.property(arbitraryLimits, arbitrarySettings, (limits, settings) => {
        const result = maxPods(limits, settings);
        expect(result.recommended).toBeLessThanOrEqual(result.maxAllowed);
        expect(result.recommended).toBeLessThanOrEqual(limits.vcpus > 30 ? 250 : 110);
        expect(result.maxAllowed).toBeGreaterThanOrEqual(2);
      }),
    );
  });

  test('property: prefix delegation never lowers the ceiling; custom networking never raises it', () => {
    fc.assert(
      fc.property(arbitraryLimits, arbitrarySettings, (limits, settings) => {
        const base = maxPods(limits, { ...settings, prefixDelegation: false });
        const withPrefixes = maxPods(limits, { ...settings, prefixDelegation: true });
        const custom = maxPods(limits, { ...settings, customNetworking: true });
        expect(withPrefixes.maxAllowed).toBeGreaterThanOrEqual(base.maxAllowed);
        expect(custom.maxAllowed).toBeLessThanOrEqual(maxPods(limits, settings).maxAllowed);
      }),
    );
  });

  test('property: a tighter MAX_ENI never raises the ceiling', () => {
    fc.assert(
      fc.property(
        arbitraryLimits,
        arbitrarySettings,
        fc.integer({ min: 1, max: 19 }),
        (limits, settings, cap) => {
          const tight = maxPods(limits, { ...settings, maxEnis: cap });
          const loose = maxPods(limits, { ...settings, maxEnis: cap + 1 });
          expect(tight.maxAllowed).toBeLessThanOrEqual(loose.maxAllowed);
        },
      ),
    );
  });
});
