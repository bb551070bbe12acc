import { describe, expect, test } from 'vitest';
import type { UsageHistory } from '#core/capacity/capacity-ports.ts';
import { forecastFor } from '#core/capacity/sample-usage.ts';

// forecastFor fits the history the ledger returns with the sample just taken as its newest
// point, whether or not the ledger's answer already holds it.

const NOW = '2026-11-21T12:00:00.000Z';
const at = (hoursAgo: number) => new Date(Date.parse(NOW) - hoursAgo * 3_600_000).toISOString();

/** A usage history that answers `samples` whatever is asked, and remembers the `since` asked. */
const history = (samples: { at: string; used: number }[]) => {
  const asked: string[] = [];
  const usage: UsageHistory = {
    record: async () => {},
    recent: async (_kind, _subject, since) => {
      asked.push(since);
      return samples;
    },
  };
  return { usage, asked };
};

describe('forecastFor', () => {
  test('a history without the current sample gets it as its newest point', async () => {
    const { usage, asked } = history([
      { at: at(2), used: 10 },
      { at: at(1), used: 20 },
    ]);
    const forecast = await forecastFor(usage, 'subnet', 'subnet-a', { at: NOW, used: 30 }, 100);
    expect(forecast).toStrictEqual({
      trend: 'rising',
      ratePerHour: 10,
      hoursToExhaustion: 7,
      samples: 3,
    });
    // The window's 24 hours and the 6 before them, to see the value held at its start.
    expect(asked).toStrictEqual([at(24 + 6)]);
  });

  test('a history that already holds it does not count it twice', async () => {
    const { usage } = history([
      { at: at(2), used: 10 },
      { at: at(1), used: 20 },
      { at: NOW, used: 30 },
    ]);
    const forecast = await forecastFor(usage, 'subnet', 'subnet-a', { at: NOW, used: 30 }, 100);
    expect(forecast).toMatchObject({ samples: 3 });
  });
});
