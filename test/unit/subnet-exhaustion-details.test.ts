import { describe, expect, test } from 'vitest';
import { clusterSettings, NO_CLUSTER_NETWORKING } from '#core/capacity/capacity-settings.ts';
import type { ExhaustionForecast } from '#core/capacity/exhaustion-forecast.ts';
import { computeSubnetCapacity, evaluateSubnetExhaustion } from '#core/capacity/subnet-capacity.ts';

// What a subnet-exhaustion alert says besides whether it is open (who uses the subnet, the
// forecast's figures), a forecast without a horizon, and one cluster's max-pods settings.

// A /24: 251 usable; 30 pod addresses, 5 node addresses and a /28 prefix of a load balancer.
const capacity = computeSubnetCapacity({
  subnetId: 'subnet-a',
  cluster: 'prod',
  cidr: '10.0.32.0/24',
  addresses: [
    ...Array.from({ length: 30 }, (_, i) => ({
      address: `10.0.32.${10 + i}`,
      kind: 'vpc-cni' as const,
    })),
    ...Array.from({ length: 5 }, (_, i) => ({
      address: `10.0.32.${50 + i}`,
      kind: 'node-primary' as const,
    })),
  ],
  prefixes: [{ cidr: '10.0.32.64/28', kind: 'load-balancer' }],
  reservations: [],
});
const quiet = { minFreeAddresses: 20, minFreePercent: 0, clearMarginAddresses: 10 };
const rising = (hoursToExhaustion: number, ratePerHour: number): ExhaustionForecast => ({
  trend: 'rising',
  ratePerHour,
  hoursToExhaustion,
  samples: 10,
});

describe('evaluateSubnetExhaustion: what the alert says', () => {
  test('its users, most first, and none that use nothing', () => {
    const condition = evaluateSubnetExhaustion(capacity, quiet, false);
    expect(condition.summary).toBe(
      'subnet-a (10.0.32.0/24): 200/251 addresses free; used by vpc-cni 30, load-balancer 16, node-primary 5',
    );
  });

  test("a rising forecast's figures, rounded", () => {
    const condition = evaluateSubnetExhaustion(capacity, quiet, false, rising(100.04, 2.006));
    expect(condition.facts).toMatchObject({ hoursToExhaustion: 100, ratePerHour: 2.01 });
    const slow = evaluateSubnetExhaustion(capacity, quiet, false, rising(100.06, 1.234));
    expect(slow.facts).toMatchObject({ hoursToExhaustion: 100.1, ratePerHour: 1.23 });
  });

  test.each<[string, number | undefined]>([
    ['no horizon configured', undefined],
    ['a horizon of 0', 0],
  ])('%s: even a subnet out of addresses by the forecast right now stays quiet', (_t, horizon) => {
    const thresholds = horizon === undefined ? quiet : { ...quiet, forecastHorizonHours: horizon };
    expect(evaluateSubnetExhaustion(capacity, thresholds, false, rising(0, 50)).active).toBe(false);
  });
});

describe('clusterSettings', () => {
  test.each([
    [
      'a listed cluster with its MAX_ENI',
      { prefixDelegation: ['blue'], customNetworking: 'all' as const, maxEnis: { blue: 2 } },
      'blue',
      { prefixDelegation: true, customNetworking: true, maxEnis: 2 },
    ],
    [
      'a cluster without MAX_ENI has no maxEnis key',
      { prefixDelegation: ['blue'], customNetworking: [], maxEnis: { blue: 2 } },
      'green',
      { prefixDelegation: false, customNetworking: false },
    ],
    // Even a cluster literally named "undefined" is not the node of no cluster.
    [
      'no cluster: the CNI defaults, whatever is listed',
      {
        prefixDelegation: ['undefined'],
        customNetworking: ['undefined'],
        maxEnis: { undefined: 2 },
      },
      undefined,
      { prefixDelegation: false, customNetworking: false },
    ],
    [
      "no cluster under 'all'",
      { prefixDelegation: 'all' as const, customNetworking: 'all' as const, maxEnis: {} },
      undefined,
      { prefixDelegation: true, customNetworking: true },
    ],
    [
      'nothing configured',
      NO_CLUSTER_NETWORKING,
      'blue',
      { prefixDelegation: false, customNetworking: false },
    ],
  ])('%s', (_title, networking, cluster, settings) => {
    expect(clusterSettings(networking, cluster)).toStrictEqual(settings);
  });
});
