import { linearRegression } from 'simple-statistics';

/** How much of something was in use at one moment (a subnet's addresses, a node group's pod slots). */
export interface UsageSample {
  /** ISO-8601. */
  readonly at: string;
  readonly used: number;
}

export interface ForecastOptions {
  /** Only samples this recent count: the current rate, not last month's. */
  readonly windowHours: number;
  /** Fewer samples than this, or spanning less time, say nothing. */
  readonly minSamples: number;
  readonly minSpanHours: number;
}

export const DEFAULT_FORECAST_OPTIONS: ForecastOptions = {
  windowHours: 24,
  minSamples: 3,
  minSpanHours: 0.25,
};

/** Less than one address (or slot) a day either way is no trend at all. */
const FLAT_PER_HOUR = 1 / 24;

export type ExhaustionForecast =
  | {
      readonly trend: 'rising';
      readonly ratePerHour: number;
      /** From the latest sample; 0 when nothing is left. */
      readonly hoursToExhaustion: number;
      readonly samples: number;
    }
  | { readonly trend: 'flat' | 'falling'; readonly ratePerHour: number; readonly samples: number }
  | { readonly trend: 'unknown'; readonly reason: string; readonly samples: number };

/**
 * Fits a least-squares line through the recent samples and says when usage reaches
 * `capacity` at that rate. Pure: `now` is given, and samples may come in any order.
 */
export function forecastExhaustion(
  samples: readonly UsageSample[],
  capacity: number,
  now: string,
  options: ForecastOptions = DEFAULT_FORECAST_OPTIONS,
): ExhaustionForecast {
  const end = Date.parse(now);
  const start = end - options.windowHours * 3_600_000;
  const points = samples
    .map((s) => ({ t: Date.parse(s.at), used: s.used }))
    // An unparsable time is NaN, which no comparison admits.
    .filter((p) => Number.isFinite(p.used) && p.t >= start && p.t <= end)
    .sort((a, b) => a.t - b.t);
  if (points.length < options.minSamples) {
    return { trend: 'unknown', reason: `${points.length} recent samples`, samples: points.length };
  }
  const first = points[0] as { t: number };
  const last = points[points.length - 1] as { t: number; used: number };
  const spanHours = (last.t - first.t) / 3_600_000;
  if (spanHours < options.minSpanHours) {
    return {
      trend: 'unknown',
      reason: `samples span ${Math.round(spanHours * 60)} min`,
      samples: points.length,
    };
  }
  const { m } = linearRegression(points.map((p) => [(p.t - end) / 3_600_000, p.used]));
  if (m > FLAT_PER_HOUR) {
    const left = Math.max(0, capacity - last.used);
    return {
      trend: 'rising',
      ratePerHour: m,
      hoursToExhaustion: left / m,
      samples: points.length,
    };
  }
  return { trend: m < -FLAT_PER_HOUR ? 'falling' : 'flat', ratePerHour: m, samples: points.length };
}

/** "runs out in about 3 days at the current rate", for reports and alerts; undefined unless rising. */
export function runsOutText(forecast: ExhaustionForecast | undefined): string | undefined {
  // Nothing left: the free count already says so, and "runs out in less than an hour" would not.
  if (forecast?.trend !== 'rising' || forecast.hoursToExhaustion <= 0) return undefined;
  return `runs out in ${aboutHours(forecast.hoursToExhaustion)} at the current rate`;
}

export function aboutHours(hours: number): string {
  if (hours < 1) return 'less than an hour';
  if (hours < 36) {
    const h = Math.round(hours);
    return `about ${h} hour${h === 1 ? '' : 's'}`;
  }
  const days = Math.round(hours / 24);
  return `about ${days} days`;
}
