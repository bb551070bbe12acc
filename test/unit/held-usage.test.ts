import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { forecastExhaustion, type UsageSample } from '#core/capacity/exhaustion-forecast.ts';
import {
  heldReadSince,
  heldSamples,
  RESTATE_AFTER_MS,
  type StoredUsageSample,
  sampleWorthStoring,
} from '#core/capacity/held-usage.ts';

// A sweep on a fixed rate stores a usage sample only when it changed; the forecast rebuilds the
// samples it skipped. Together they must give the forecast exactly what storing every one did.

const EVERY = 10 * 60_000;
const T0 = Date.parse('2026-11-30T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const sweep = (n: number) => iso(T0 + n * EVERY);

describe('sampleWorthStoring', () => {
  const last: StoredUsageSample = { at: sweep(0), used: 40, capacity: 251, everyMs: EVERY };
  test.each<{
    name: string;
    last: StoredUsageSample | undefined;
    sample: StoredUsageSample;
    store: boolean;
  }>([
    {
      name: 'the same value one sweep later',
      last,
      sample: { ...last, at: sweep(1) },
      store: false,
    },
    { name: 'the first sample of a subject', last: undefined, sample: last, store: true },
    { name: 'a changed value', last, sample: { ...last, at: sweep(1), used: 41 }, store: true },
    {
      name: 'a changed capacity',
      last,
      sample: { ...last, at: sweep(1), capacity: 507 },
      store: true,
    },
    {
      name: 'a new schedule',
      last,
      sample: { ...last, at: sweep(1), everyMs: 2 * EVERY },
      store: true,
    },
    {
      name: 'no schedule (every sample stands alone)',
      last,
      sample: { at: sweep(1), used: 40, capacity: 251 },
      store: true,
    },
    {
      name: 'a last sample stored without a schedule',
      last: { at: sweep(0), used: 40, capacity: 251 },
      sample: { ...last, at: sweep(1) },
      store: true,
    },
    {
      name: 'unchanged, just under the restate age',
      last,
      sample: { ...last, at: iso(T0 + RESTATE_AFTER_MS - 1) },
      store: false,
    },
    {
      name: 'unchanged at the restate age',
      last,
      sample: { ...last, at: iso(T0 + RESTATE_AFTER_MS) },
      store: true,
    },
    {
      name: 'unchanged, but the clock went back',
      last,
      sample: { ...last, at: iso(T0 - 1000) },
      store: true,
    },
    { name: 'unchanged at the same moment', last, sample: { ...last }, store: false },
    {
      name: 'unchanged, neither with a schedule (a replay)',
      last: { at: sweep(0), used: 40, capacity: 251 },
      sample: { at: sweep(1), used: 40, capacity: 251 },
      store: true,
    },
    {
      name: 'unchanged, the last time unreadable',
      last: { ...last, at: 'not a time' },
      sample: { ...last, at: sweep(1) },
      store: true,
    },
  ])('$name: store $store', ({ last, sample, store }) => {
    expect(sampleWorthStoring(last, sample)).toBe(store);
  });
});

describe('heldSamples', () => {
  const held = (n: number, used: number): StoredUsageSample => ({
    at: sweep(n),
    used,
    everyMs: EVERY,
  });
  const plain = (n: number, used: number): StoredUsageSample => ({ at: sweep(n), used });
  const points = (...pairs: [number, number][]): UsageSample[] =>
    pairs.map(([n, used]) => ({ at: sweep(n), used }));

  test.each<{
    name: string;
    stored: StoredUsageSample[];
    since: number;
    until: string;
    want: UsageSample[];
  }>([
    {
      name: 'a held value repeats at each sweep up to, not at, the current one',
      stored: [held(0, 5)],
      since: 0,
      until: sweep(3),
      want: points([0, 5], [1, 5], [2, 5]),
    },
    {
      name: 'it stops at the next stored sample, which then holds',
      stored: [held(2, 7), held(0, 5)],
      since: 0,
      until: sweep(4),
      want: points([0, 5], [1, 5], [2, 7], [3, 7]),
    },
    {
      name: 'a sweep that ran late is still the next one, not a repeat before it',
      stored: [held(0, 5), { at: iso(T0 + 2 * EVERY + EVERY / 3), used: 9, everyMs: EVERY }],
      since: 0,
      until: iso(T0 + 2 * EVERY + EVERY / 3),
      want: [...points([0, 5], [1, 5]), { at: iso(T0 + 2 * EVERY + EVERY / 3), used: 9 }],
    },
    {
      name: 'a sweep exactly half an interval before the next sample is that sample',
      stored: [held(0, 5), { at: iso(T0 + 2.5 * EVERY), used: 9, everyMs: EVERY }],
      since: 0,
      until: iso(T0 + 2.5 * EVERY),
      want: [...points([0, 5], [1, 5]), { at: iso(T0 + 2.5 * EVERY), used: 9 }],
    },
    {
      name: 'a negative interval repeats nothing',
      stored: [{ at: sweep(0), used: 5, everyMs: -EVERY }],
      since: 0,
      until: sweep(3),
      want: points([0, 5]),
    },
    {
      name: 'an unreadable stored time repeats nothing',
      stored: [{ at: 'not a time', used: 5, everyMs: EVERY }],
      since: 0,
      until: sweep(3),
      want: [{ at: 'not a time', used: 5 }],
    },
    {
      name: 'samples without a schedule stand for themselves only',
      stored: [plain(0, 5), plain(2, 6)],
      since: 0,
      until: sweep(4),
      want: points([0, 5], [2, 6]),
    },
    {
      name: 'repeats before the window are left out; the stored sample itself is kept',
      stored: [held(0, 5)],
      since: 3,
      until: sweep(5),
      want: points([0, 5], [3, 5], [4, 5]),
    },
    {
      name: 'an unreadable current time repeats nothing',
      stored: [held(0, 5)],
      since: 0,
      until: 'never',
      want: points([0, 5]),
    },
    {
      name: 'an interval of zero repeats nothing',
      stored: [{ at: sweep(0), used: 5, everyMs: 0 }],
      since: 0,
      until: sweep(3),
      want: points([0, 5]),
    },
  ])('$name', ({ stored, since, until, want }) => {
    expect(heldSamples(stored, sweep(since), until)).toStrictEqual(want);
  });

  test('a read from heldReadSince finds the value held at the window start', () => {
    expect(Date.parse(sweep(100)) - Date.parse(heldReadSince(sweep(100)))).toBe(RESTATE_AFTER_MS);
  });
});

/** Sweeps at a fixed rate over a usage series; what each one stores, under each policy. */
function sweepHistory(series: readonly number[], keepChangesOnly: boolean) {
  const stored: StoredUsageSample[] = [];
  for (const [n, used] of series.entries()) {
    const sample = { at: sweep(n), used, capacity: 1000, everyMs: EVERY };
    if (!keepChangesOnly || sampleWorthStoring(stored.at(-1), sample)) stored.push(sample);
  }
  return stored;
}

describe('stored changes, rebuilt, are every sample', () => {
  const WINDOW_SWEEPS = 24 * 6;
  test('at every sweep, the window rebuilt from the changes is the window of every sample', () => {
    fc.assert(
      fc.property(
        // Runs of equal values, as usage moves: long flat stretches and short climbs.
        fc.array(fc.tuple(fc.integer({ min: 0, max: 250 }), fc.integer({ min: 1, max: 60 })), {
          minLength: 1,
          maxLength: 12,
        }),
        (runs) => {
          const series = runs.flatMap(([used, length]) => Array<number>(length).fill(used));
          const every = sweepHistory(series, false);
          const changes = sweepHistory(series, true);
          for (let now = 0; now < series.length; now++) {
            const since = sweep(Math.max(0, now - WINDOW_SWEEPS));
            const read = changes.filter((s) => s.at >= heldReadSince(since) && s.at <= sweep(now));
            const rebuilt = heldSamples(read, since, sweep(now))
              .filter((s) => s.at >= since)
              .concat(
                read.some((s) => s.at === sweep(now))
                  ? []
                  : [{ at: sweep(now), used: series[now] as number }],
              );
            const dense = every
              .filter((s) => s.at >= since && s.at <= sweep(now))
              .map(({ at, used }) => ({ at, used }));
            expect(rebuilt).toStrictEqual(dense);
            expect(forecastExhaustion(rebuilt, 1000, sweep(now))).toStrictEqual(
              forecastExhaustion(dense, 1000, sweep(now)),
            );
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  test('an unchanged subject stores one sample in six hours, not one a sweep', () => {
    const day = Array<number>(24 * 6).fill(40);
    expect(sweepHistory(day, true)).toHaveLength(24 / 6);
    expect(sweepHistory(day, false)).toHaveLength(24 * 6);
  });
});
