import { describe, expect, test } from 'vitest';
import type { InstanceTypeLimits } from '#core/capacity/instance-type.ts';
import { attachableEnis, MaxPodsSettingsError, maxPods } from '#core/capacity/max-pods.ts';

// The edges of the max-pods calculator that mutation testing found untested: the
// recommended cap switches from 110 to 250 above 30 vCPUs, not at 30; maxEnis bounds.

// A large Nitro type: 15 ENIs x 50 IPv4 each, so the IP ceiling is far above either cap.
const big = (vcpus: number): InstanceTypeLimits => ({
  instanceType: 'm5.test',
  enisOnDefaultCard: 15,
  enisTotal: 15,
  ipv4PerEni: 50,
  vcpus,
  nitro: true,
  hypervisor: 'nitro',
  bareMetal: false,
  defaultNetworkCardIndex: 0,
});
const secondaryIp = { prefixDelegation: false, customNetworking: false };

describe('the recommended cap: 110 up to 30 vCPUs, 250 above', () => {
  test.each([
    [2, 110],
    [30, 110],
    [31, 250],
    [96, 250],
  ])('%i vCPUs -> cap %i', (vcpus, cap) => {
    const result = maxPods(big(vcpus), secondaryIp);
    expect(result.recommendedCap).toBe(cap);
    expect(result.recommended).toBe(cap);
    expect(result.maxAllowed).toBe(15 * 49 + 2);
  });

  test('below the cap the IP ceiling is the recommendation', () => {
    const small = { ...big(2), enisOnDefaultCard: 3, ipv4PerEni: 6 };
    expect(maxPods(small, secondaryIp)).toMatchObject({ maxAllowed: 17, recommended: 17 });
  });
});

describe('maxEnis', () => {
  test.each([
    [1, 1],
    [3, 3],
    [15, 15],
    [16, 15],
    [undefined, 15],
  ])('maxEnis %s on a 15-ENI type attaches %i', (maxEnis, expected) => {
    expect(attachableEnis(big(8), { ...secondaryIp, maxEnis })).toBe(expected);
  });

  test.each([0, -1, 1.5, Number.NaN])('maxEnis %d is refused', (maxEnis) => {
    expect(() => attachableEnis(big(8), { ...secondaryIp, maxEnis })).toThrow(MaxPodsSettingsError);
  });

  test('custom networking with one ENI leaves no pod addresses, never a negative count', () => {
    const result = maxPods(big(8), { prefixDelegation: false, customNetworking: true, maxEnis: 1 });
    expect([result.eniLimit, result.enis, result.maxAllowed]).toStrictEqual([1, 0, 2]);
  });
});
