import { describe, expect, test } from 'vitest';
import type { UsageHistory, UsageRecord, UsageSubjectKind } from '#core/capacity/capacity-ports.ts';
import { rememberedUsage } from '#core/capacity/remembered-usage.ts';

/** The table's answers (one item per subject and time), and how many times it was asked. */
class CountingUsage implements UsageHistory {
  readonly records: UsageRecord[] = [];
  reads = 0;
  async record(sample: UsageRecord): Promise<void> {
    const same = this.records.findIndex(
      (r) => r.kind === sample.kind && r.subject === sample.subject && r.at === sample.at,
    );
    if (same >= 0) this.records.splice(same, 1);
    this.records.push(sample);
  }
  async recent(kind: UsageSubjectKind, subject: string, since: string) {
    this.reads++;
    return (
      this.records
        .filter((r) => r.kind === kind && r.subject === subject && r.at >= since)
        .sort((a, b) => a.at.localeCompare(b.at))
        // What the DynamoDB history answers: the sample without its subject.
        .map(({ kind: _kind, subject: _subject, ...stored }) => stored)
    );
  }
}

const h = (hour: number) => `2026-11-30T${String(hour).padStart(2, '0')}:00:00.000Z`;
const sample = (hour: number, used: number, subject = 'subnet-a'): UsageRecord => ({
  kind: 'subnet',
  subject,
  at: h(hour),
  used,
  capacity: 100,
});

interface Case {
  readonly name: string;
  /** What the table holds before the sweep. */
  readonly stored: readonly UsageRecord[];
  /** Calls made through the remembered history, in order. */
  readonly calls: readonly (
    | { readonly record: UsageRecord }
    | { readonly recent: readonly [string, string] }
  )[];
  /** The table reads those calls cost. */
  readonly reads: number;
}

const cases: Case[] = [
  {
    name: 'a second read of the same window is answered from the first',
    stored: [sample(1, 10), sample(2, 12)],
    calls: [{ recent: ['subnet-a', h(0)] }, { recent: ['subnet-a', h(0)] }],
    reads: 1,
  },
  {
    name: 'a window starting later is cut from the first read',
    stored: [sample(1, 10), sample(2, 12), sample(3, 15)],
    calls: [{ recent: ['subnet-a', h(1)] }, { recent: ['subnet-a', h(2)] }],
    reads: 1,
  },
  {
    name: 'a window starting earlier goes to the table',
    stored: [sample(1, 10), sample(2, 12)],
    calls: [{ recent: ['subnet-a', h(2)] }, { recent: ['subnet-a', h(1)] }],
    reads: 2,
  },
  {
    name: 'each subject is read on its own',
    stored: [sample(1, 10), sample(1, 50, 'subnet-b')],
    calls: [{ recent: ['subnet-a', h(0)] }, { recent: ['subnet-b', h(0)] }],
    reads: 2,
  },
  {
    name: 'a sample recorded after the read is laid over it, in time order',
    stored: [sample(1, 10), sample(3, 15)],
    calls: [
      { recent: ['subnet-a', h(0)] },
      { record: sample(4, 16) },
      { record: sample(2, 11) },
      { recent: ['subnet-a', h(0)] },
    ],
    reads: 1,
  },
  {
    name: 'a sample recorded again at the same time replaces the one read',
    stored: [sample(1, 10), sample(2, 12)],
    calls: [
      { recent: ['subnet-a', h(0)] },
      { record: sample(2, 13) },
      { recent: ['subnet-a', h(0)] },
    ],
    reads: 1,
  },
  {
    name: 'a sample recorded again at the time of the first one read replaces it',
    stored: [sample(1, 10), sample(2, 12)],
    calls: [
      { recent: ['subnet-a', h(0)] },
      { record: sample(1, 11) },
      { recent: ['subnet-a', h(0)] },
    ],
    reads: 1,
  },
  {
    name: 'a sample recorded before any read goes to the table, and the first read finds it',
    stored: [sample(1, 10)],
    calls: [{ record: sample(2, 12) }, { recent: ['subnet-a', h(0)] }],
    reads: 1,
  },
  {
    name: 'a sample recorded at the first moment of the window read is in it',
    stored: [sample(3, 12)],
    calls: [
      { recent: ['subnet-a', h(2)] },
      { record: sample(2, 9) },
      { recent: ['subnet-a', h(2)] },
    ],
    reads: 1,
  },
  // Equivalent: laying a sample older than the window over it anyway (the `since` check made
  // false): recent() answers only samples from `since` on, so it is never seen.
  {
    name: 'a sample older than the window read stays out of it',
    stored: [sample(2, 12)],
    calls: [
      { recent: ['subnet-a', h(2)] },
      { record: sample(1, 9) },
      { recent: ['subnet-a', h(2)] },
    ],
    reads: 1,
  },
];

describe('rememberedUsage', () => {
  test.each(cases)('$name: every answer is the table’s, in $reads read(s)', async (c) => {
    // Prepare
    const table = new CountingUsage();
    table.records.push(...c.stored);
    const reference = new CountingUsage();
    reference.records.push(...c.stored);
    const remembered = rememberedUsage(table);

    // Act: the same calls through the remembered history and straight to a copy of the table
    const answers: unknown[] = [];
    const expected: unknown[] = [];
    for (const call of c.calls) {
      if ('record' in call) {
        await remembered.record(call.record);
        await reference.record(call.record);
      } else {
        answers.push(await remembered.recent('subnet', ...call.recent));
        expected.push(await reference.recent('subnet', ...call.recent));
      }
    }

    // Assess
    expect(answers).toEqual(expected);
    expect(table.reads).toBe(c.reads);
    expect(table.records).toEqual(reference.records);
  });
});
