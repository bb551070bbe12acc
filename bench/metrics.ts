import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Table from 'cli-table3';

/**
 * One line of the benchmark of record. `goal` is a bound: `max` means the measured value
 * must be at or below it, `min` at or above it. `note` says what a missed goal is about.
 */
export interface Metric {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly goal: { readonly max: number } | { readonly min: number } | undefined;
  readonly note?: string;
}

export interface MetricResult {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly goal: string | null;
  readonly met: boolean | null;
}

export const atMost = (max: number) => ({ max });
export const atLeast = (min: number) => ({ min });

function met(m: Metric): boolean | null {
  if (!m.goal) return null;
  return 'max' in m.goal ? m.value <= m.goal.max : m.value >= m.goal.min;
}

function goalText(m: Metric): string | null {
  if (!m.goal) return null;
  return 'max' in m.goal ? `<= ${m.goal.max}` : `>= ${m.goal.min}`;
}

/** How far from the goal: above 1 means better than the goal, below 1 worse. */
function ratio(m: Metric): string {
  if (!m.goal) return '';
  const goal = 'max' in m.goal ? m.goal.max : m.goal.min;
  if ('max' in m.goal) return m.value === 0 ? 'inf' : (goal / m.value).toFixed(2);
  return goal === 0 ? 'inf' : (m.value / goal).toFixed(2);
}

export function toResults(metrics: readonly Metric[]): MetricResult[] {
  return metrics.map((m) => ({
    name: m.name,
    unit: m.unit,
    value: m.value,
    goal: goalText(m),
    met: met(m),
  }));
}

/** The one table `npm run bench` prints: measure, goal, measured, ratio (goal / measured for upper bounds). */
export function printTable(metrics: readonly Metric[]): void {
  const table = new Table({
    head: ['measure', 'goal', 'measured', 'ratio', ''],
    style: { head: [], border: [] },
  });
  for (const m of metrics) {
    const ok = met(m);
    table.push([
      m.name,
      goalText(m) ?? '',
      `${formatValue(m.value)} ${m.unit}`,
      ratio(m),
      ok === null ? '' : ok ? 'met' : `MISSED${m.note ? `: ${m.note}` : ''}`,
    ]);
  }
  console.log(table.toString());
}

function formatValue(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function writeResults(path: string, metrics: readonly Metric[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify({ metrics: toResults(metrics) }, null, 2)}\n`);
}

/** The median of `runs` timings of `measure` (milliseconds), after nothing but the runs themselves. */
export async function medianOf<T>(
  runs: number,
  measure: () => Promise<T> | T,
  time: (result: T) => number,
): Promise<{ median: number; results: T[] }> {
  const results: T[] = [];
  for (let i = 0; i < runs; i++) results.push(await measure());
  const sorted = results.map(time).sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN, results };
}
