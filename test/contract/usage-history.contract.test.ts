import { describe, expect, test } from 'vitest';
import type { UsageRecord } from '#core/capacity/capacity-ports.ts';
import { usageHistories } from '#test/contract/implementations.ts';

/** What every UsageHistory promises, held against the DynamoDB history and the memory one. */
const at = (hour: number) => new Date(Date.UTC(2026, 10, 21, hour)).toISOString();
const subnetSample = (hour: number, used: number, extra: Partial<UsageRecord> = {}) => ({
  kind: 'subnet' as const,
  subject: 'subnet-0a',
  at: at(hour),
  used,
  capacity: 251,
  ...extra,
});

describe.each(usageHistories)('UsageHistory contract: $name', ({ make }) => {
  test('recent answers one subject from a time on, oldest first, other subjects apart', async () => {
    // Prepare
    const usage = await make();
    for (const hour of [3, 1, 2, 0]) await usage.record(subnetSample(hour, 10 + hour));
    await usage.record({ ...subnetSample(2, 99), subject: 'subnet-0b' });
    await usage.record({ ...subnetSample(2, 7), kind: 'node-group', subject: 'prod/t3.medium' });

    // Act
    const recent = await usage.recent('subnet', 'subnet-0a', at(1));
    const group = await usage.recent('node-group', 'prod/t3.medium', at(0));

    // Assess
    expect(recent).toStrictEqual([
      { at: at(1), used: 11, capacity: 251 },
      { at: at(2), used: 12, capacity: 251 },
      { at: at(3), used: 13, capacity: 251 },
    ]);
    expect(group).toStrictEqual([{ at: at(2), used: 7, capacity: 251 }]);
  });

  test('a sample keeps the interval it holds for; a second one at the same time replaces it', async () => {
    // Prepare
    const usage = await make();
    await usage.record(subnetSample(1, 10, { everyMs: 600_000 }));
    await usage.record(subnetSample(2, 10, { everyMs: 600_000 }));

    // Act
    await usage.record(subnetSample(2, 12, { capacity: 507 }));

    // Assess
    expect(await usage.recent('subnet', 'subnet-0a', at(0))).toStrictEqual([
      { at: at(1), used: 10, capacity: 251, everyMs: 600_000 },
      { at: at(2), used: 12, capacity: 507 },
    ]);
  });
});
