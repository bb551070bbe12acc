import { describe, expect, test } from 'vitest';
import {
  aboutHours,
  DEFAULT_FORECAST_OPTIONS,
  type ExhaustionForecast,
  forecastExhaustion,
  type UsageSample,
} from '#core/capacity/exhaustion-forecast.ts';

// The edges of the forecast: samples exactly at the window's start, exactly the minimum count
// and span, a slope of exactly one address a day either way (flat, not a trend), and samples
// that are not numbers.

const NOW = '2026-11-21T12:00:00.000Z';
const HOUR = 3_600_000;
const at = (hoursAgo: number) => new Date(Date.parse(NOW) - hoursAgo * HOUR).toISOString();
const sample = (hoursAgo: number, used: number): UsageSample => ({ at: at(hoursAgo), used });
const WIDE = { ...DEFAULT_FORECAST_OPTIONS, windowHours: 48 };

describe('forecastExhaustion at its edges', () => {
  test.each<[string, UsageSample[], ExhaustionForecast]>([
    [
      'exactly the minimum of samples (3) is enough',
      [sample(2, 10), sample(1, 20), sample(0, 30)],
      { trend: 'rising', ratePerHour: 10, hoursToExhaustion: 7, samples: 3 },
    ],
    [
      'a sample exactly at the window start counts',
      [sample(24, 0), sample(12, 0), sample(0, 0)],
      { trend: 'flat', ratePerHour: 0, samples: 3 },
    ],
    [
      'a sample just before the window start does not',
      [sample(24.001, 0), sample(12, 0), sample(0, 0)],
      { trend: 'unknown', reason: '2 recent samples', samples: 2 },
    ],
    [
      'samples spanning exactly the minimum span (15 min) are enough',
      [sample(0.25, 10), sample(0.125, 10), sample(0, 10)],
      { trend: 'flat', ratePerHour: 0, samples: 3 },
    ],
    [
      'a sample from after now is left out',
      [sample(2, 0), sample(1, 0), sample(-0.001, 0)],
      { trend: 'unknown', reason: '2 recent samples', samples: 2 },
    ],
    [
      'a sample whose count is not a number is left out',
      [sample(3, 0), sample(2, Number.NaN), sample(1, Number.POSITIVE_INFINITY), sample(0, 0)],
      { trend: 'unknown', reason: '2 recent samples', samples: 2 },
    ],
    [
      'a sample whose time is not a time is left out',
      [{ at: 'yesterday', used: 5 }, sample(1, 0), sample(0, 0)],
      { trend: 'unknown', reason: '2 recent samples', samples: 2 },
    ],
  ])('%s', (_title, samples, forecast) => {
    expect(forecastExhaustion(samples, 100, NOW)).toStrictEqual(forecast);
  });

  // x = -48, -24, 0 hours and used 0, 1, 2 (or 2, 1, 0): least squares gives exactly 1/24.
  test.each<[string, number[], 'flat']>([
    ['one address a day more is flat, not rising', [0, 1, 2], 'flat'],
    ['one address a day less is flat, not falling', [2, 1, 0], 'flat'],
  ])('%s', (_title, used, trend) => {
    const samples = used.map((u, i) => sample(48 - 24 * i, u));
    const forecast = forecastExhaustion(samples, 100, NOW, WIDE);
    expect(forecast.trend).toBe(trend);
    expect(Math.abs((forecast as { ratePerHour: number }).ratePerHour)).toBe(1 / 24);
  });

  test('a little more than one a day is a trend', () => {
    const rising = forecastExhaustion(
      [sample(48, 0), sample(24, 1), sample(0, 2.1)],
      100,
      NOW,
      WIDE,
    );
    const falling = forecastExhaustion(
      [sample(48, 2.1), sample(24, 1), sample(0, 0)],
      100,
      NOW,
      WIDE,
    );
    expect([rising.trend, falling.trend]).toStrictEqual(['rising', 'falling']);
  });
});

describe('aboutHours at a day and a half', () => {
  test.each([
    [35.4, 'about 35 hours'],
    [36, 'about 2 days'],
  ])('%f hours reads "%s"', (hours, text) => {
    expect(aboutHours(hours)).toBe(text);
  });
});

// Equivalent mutant left in forecastExhaustion: the regression's x as `(p.t + end)` instead of
// `(p.t - end)` shifts every x by the same amount, which leaves a least-squares slope as it is
// (the subtraction centres x near 0 only for floating-point comfort).
