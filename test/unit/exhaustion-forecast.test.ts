import { describe, expect, test } from 'vitest';
import {
  aboutHours,
  type ExhaustionForecast,
  forecastExhaustion,
  runsOutText,
  type UsageSample,
} from '#core/capacity/exhaustion-forecast.ts';
import { computeSubnetCapacity, evaluateSubnetExhaustion } from '#core/capacity/subnet-capacity.ts';

const NOW = '2026-11-21T12:00:00.000Z';
const HOUR = 3_600_000;

/** One sample every `everyMinutes`, ending at NOW, with used = f(hours before now, index). */
function history(
  count: number,
  everyMinutes: number,
  used: (hoursAgo: number, i: number) => number,
): UsageSample[] {
  return Array.from({ length: count }, (_, i) => {
    const hoursAgo = ((count - 1 - i) * everyMinutes) / 60;
    return {
      at: new Date(Date.parse(NOW) - hoursAgo * HOUR).toISOString(),
      used: used(hoursAgo, i),
    };
  });
}

/** Deterministic noise in [-4, 4], so the noisy case is the same every run. */
const noise = (i: number) => ((i * 7919) % 9) - 4;

describe('forecastExhaustion: least squares over the recent samples of a 251-address subnet', () => {
  test.each<[string, UsageSample[], Partial<ExhaustionForecast>, [number, number]?]>([
    // 10 addresses an hour from 100 used: 151 left, about 15 hours.
    ['rising', history(13, 60, (h) => 100 - 10 * h), { trend: 'rising' }, [15.0, 15.2]],
    ['flat', history(13, 60, () => 180), { trend: 'flat' }],
    ['falling', history(13, 60, (h) => 100 + 5 * h), { trend: 'falling' }],
    // 2 an hour with +-4 of noise around it: the fit still finds about 2/h.
    [
      'noisy rising',
      history(25, 60, (h, i) => 150 - 2 * h + noise(i)),
      { trend: 'rising' },
      [40, 62],
    ],
    // Noise around a flat line is no trend: the rate stays under one address a day.
    ['noisy flat', history(49, 30, (_, i) => 200 + (i % 2 === 0 ? 1 : -1)), { trend: 'flat' }],
    ['already full and rising', history(5, 60, (h) => 251 - 3 * h), { trend: 'rising' }, [0, 0]],
    ['too few samples', history(2, 60, (h) => 100 - 10 * h), { trend: 'unknown' }],
    ['samples too close together', history(5, 1, (h) => 100 - 600 * h), { trend: 'unknown' }],
    // Samples older than the 24 h window are ignored: the old fall does not hide today's rise.
    [
      'only the recent window counts',
      [
        ...history(10, 60, () => 240).map((s) => ({
          ...s,
          at: new Date(Date.parse(s.at) - 48 * HOUR).toISOString(),
        })),
        ...history(7, 60, (h) => 200 - 5 * h),
      ],
      { trend: 'rising' },
      [10.1, 10.3],
    ],
  ])('%s', (_name, samples, expected, hours) => {
    // Act
    const forecast = forecastExhaustion(samples, 251, NOW);

    // Assess
    expect(forecast).toMatchObject(expected);
    if (hours) {
      expect(forecast.trend).toBe('rising');
      if (forecast.trend !== 'rising') return;
      expect(forecast.hoursToExhaustion).toBeGreaterThanOrEqual(hours[0]);
      expect(forecast.hoursToExhaustion).toBeLessThanOrEqual(hours[1]);
    }
  });

  test('sample order does not matter', () => {
    const samples = history(13, 60, (h) => 100 - 10 * h);
    expect(forecastExhaustion([...samples].reverse(), 251, NOW)).toEqual(
      forecastExhaustion(samples, 251, NOW),
    );
  });

  test.each([
    [0.5, 'less than an hour'],
    [1, 'about 1 hour'],
    [20.4, 'about 20 hours'],
    [72, 'about 3 days'],
  ])('%f hours reads "%s"', (hours, text) => {
    expect(aboutHours(hours)).toBe(text);
  });

  test('only a rising trend says when it runs out', () => {
    expect(runsOutText({ trend: 'flat', ratePerHour: 0, samples: 5 })).toBeUndefined();
    expect(
      runsOutText({ trend: 'rising', ratePerHour: 2, hoursToExhaustion: 75, samples: 5 }),
    ).toBe('runs out in about 3 days at the current rate');
  });

  test('a subnet already full gets no "runs out in" (its free count says it)', () => {
    expect(
      runsOutText({ trend: 'rising', ratePerHour: 2, hoursToExhaustion: 0, samples: 5 }),
    ).toBeUndefined();
  });
});

describe('evaluateSubnetExhaustion with a forecast (threshold 20 free of 251, horizon 72 h)', () => {
  const capacity = computeSubnetCapacity({
    subnetId: 'subnet-0abc',
    cluster: 'prod',
    cidr: '10.0.32.0/24',
    addresses: Array.from({ length: 100 }, (_, i) => ({
      address: `10.0.32.${10 + i}`,
      kind: 'vpc-cni' as const,
    })),
    prefixes: [],
    reservations: [],
  });
  const thresholds = {
    minFreeAddresses: 20,
    minFreePercent: 0,
    clearMarginAddresses: 10,
    forecastHorizonHours: 72,
  };
  const rising = (hoursToExhaustion: number): ExhaustionForecast => ({
    trend: 'rising',
    ratePerHour: 151 / hoursToExhaustion,
    hoursToExhaustion,
    samples: 10,
  });

  test.each<[string, ExhaustionForecast | undefined, number, boolean]>([
    ['runs out within the horizon: warns before the threshold', rising(60), 72, true],
    ['runs out after the horizon: quiet', rising(100), 72, false],
    ['flat: quiet', { trend: 'flat', ratePerHour: 0, samples: 10 }, 72, false],
    ['no history: quiet', undefined, 72, false],
    ['horizon 0 turns the forecast off', rising(10), 0, false],
  ])('%s', (_name, forecast, horizon, active) => {
    // Act
    const alert = evaluateSubnetExhaustion(
      capacity,
      { ...thresholds, forecastHorizonHours: horizon },
      false,
      forecast,
    );

    // Assess
    expect(alert.active).toBe(active);
    if (active) {
      expect(alert.severity).toBe('warning');
      expect(alert.summary).toBe(
        'subnet-0abc (10.0.32.0/24): 151/251 addresses free, runs out in about 3 days at the current rate; used by vpc-cni 100',
      );
      expect(alert.title).toBe('Subnet subnet-0abc runs out in about 3 days at the current rate');
      expect(alert.facts.hoursToExhaustion).toBe(60);
    }
  });

  // Hysteresis: an open forecast warning clears only beyond 1.25 x the horizon (90 h).
  test.each<[string, boolean, ExhaustionForecast, boolean]>([
    ['closed, 80 h away: stays closed', false, rising(80), false],
    ['open, 80 h away: stays open (within the clear margin)', true, rising(80), true],
    ['open, exactly 90 h away: stays open', true, rising(90), true],
    ['open, 91 h away: resolves', true, rising(91), false],
    [
      'open, trend turns flat: resolves',
      true,
      { trend: 'flat', ratePerHour: 0, samples: 10 },
      false,
    ],
  ])('%s', (_name, wasOpen, forecast, active) => {
    // Act
    const alert = evaluateSubnetExhaustion(capacity, thresholds, wasOpen, forecast);

    // Assess
    expect(alert.active).toBe(active);
  });
});
