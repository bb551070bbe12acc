import type { UsageSample } from '#core/capacity/exhaustion-forecast.ts';

/**
 * A usage sample as the history keeps it. A sweep on a fixed schedule stores a sample only when
 * the value changed (or the last one grew old, see RESTATE_AFTER_MS); `everyMs` says that the
 * value held at every later sweep, that many milliseconds apart, until the next stored sample.
 * Samples without it (older versions, replays with no schedule) stand only for themselves.
 */
export interface StoredUsageSample extends UsageSample {
  /** What `used` could reach when it was taken; absent in samples of older versions. */
  readonly capacity?: number | undefined;
  readonly everyMs?: number | undefined;
}

/**
 * An unchanged value is stored again this long after its last sample, so a read that starts
 * this much before a forecast window always finds the value held at the window's start.
 */
export const RESTATE_AFTER_MS = 6 * 3_600_000;

/** Where a read must start to see the value held at `since`: RESTATE_AFTER_MS earlier. */
export function heldReadSince(since: string): string {
  return new Date(Date.parse(since) - RESTATE_AFTER_MS).toISOString();
}

/** Whether the sweep must store `sample`, given the newest stored sample of its subject. */
export function sampleWorthStoring(
  last: StoredUsageSample | undefined,
  sample: StoredUsageSample,
): boolean {
  if (sample.everyMs === undefined || last === undefined) return true;
  const age = Date.parse(sample.at) - Date.parse(last.at);
  return (
    last.used !== sample.used ||
    last.capacity !== sample.capacity ||
    last.everyMs !== sample.everyMs ||
    // Negative (a clock that went back) or NaN (an unreadable time) is no proof of anything.
    !(age >= 0 && age < RESTATE_AFTER_MS)
  );
}

/**
 * The samples every sweep took between `since` and `until`, rebuilt from the stored ones: each
 * stored sample with `everyMs` is repeated at each later sweep up to the next stored sample, or
 * up to `until` (the caller's current sample). A sweep within half an interval of the next one
 * is that one: EventBridge schedules drift by seconds. Stored samples come back as they are.
 */
export function heldSamples(
  stored: readonly StoredUsageSample[],
  since: string,
  until: string,
): UsageSample[] {
  const start = Date.parse(since);
  const end = Date.parse(until);
  const sorted = [...stored].sort((a, b) => a.at.localeCompare(b.at));
  const samples: UsageSample[] = [];
  sorted.forEach((sample, i) => {
    samples.push({ at: sample.at, used: sample.used });
    const every = sample.everyMs ?? 0;
    if (!(every > 0)) return;
    // An unreadable time (NaN) makes every repeat time NaN, which the loop below never admits.
    const from = Date.parse(sample.at);
    const next = sorted[i + 1];
    const stop = Math.min(next ? Date.parse(next.at) : end, end) - every / 2;
    // Sweeps before the window are not wanted: start at the first one inside it.
    const first = Math.max(1, Math.ceil((start - from) / every));
    for (let t = from + first * every; t < stop; t += every) {
      samples.push({ at: new Date(t).toISOString(), used: sample.used });
    }
  });
  return samples;
}
