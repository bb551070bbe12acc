import { describe, expect, test } from 'vitest';
import { type BatchLimits, batchChangeGroups, groupCost } from '#core/dns/dns-batch.ts';
import type { DnsChangeGroup, RecordChange } from '#core/dns/dns-record.ts';

// Each quota must bind on its own. The limits here are small and written out by hand, not
// derived from changeCost/groupCost, so a mistake in the arithmetic cannot cancel itself.

const txtUpsert = (name: string, value: string): RecordChange => ({
  Action: 'UPSERT',
  ResourceRecordSet: { Name: name, Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: value }] },
});
const aliasCreate = (name: string): RecordChange => ({
  Action: 'CREATE',
  ResourceRecordSet: {
    Name: name,
    Type: 'A',
    AliasTarget: { DNSName: 'lb.elb.amazonaws.com', HostedZoneId: 'Z', EvaluateTargetHealth: true },
  },
});
const group = (hostname: string, changes: RecordChange[], zoneId = 'Z1'): DnsChangeGroup => ({
  zoneId,
  hostname,
  changes,
});
const hosts = (n: number): string[] => Array.from({ length: n }, (_, i) => `h${i}.example.com`);
const sizes = (groups: readonly DnsChangeGroup[], limits: BatchLimits): number[] =>
  batchChangeGroups(groups, limits).batches.map((b) => b.groups.length);

describe('which quota binds', () => {
  // One TXT UPSERT of a 4-character value: 1 change, 2 ResourceRecords, 8 value characters.
  const txtGroups = hosts(5).map((h) => group(h, [txtUpsert(h, '"ab"')]));

  test.each<{ title: string; limits: BatchLimits; groups: DnsChangeGroup[]; sizes: number[] }>([
    {
      title: 'ResourceRecords: 4 allowed, 2 per group, so two groups exactly fill a request',
      limits: { maxChanges: 100, maxResourceRecords: 4, maxValueChars: 10_000 },
      groups: txtGroups,
      sizes: [2, 2, 1],
    },
    {
      title: 'ResourceRecords: 5 allowed still holds only two groups of 2',
      limits: { maxChanges: 100, maxResourceRecords: 5, maxValueChars: 10_000 },
      groups: txtGroups,
      sizes: [2, 2, 1],
    },
    {
      title: 'value characters: 24 allowed, 8 per group, so three groups exactly fill a request',
      limits: { maxChanges: 100, maxResourceRecords: 100, maxValueChars: 24 },
      groups: txtGroups,
      sizes: [3, 2],
    },
    {
      title: 'changes: 2 allowed, aliases cost no ResourceRecords or characters',
      limits: { maxChanges: 2, maxResourceRecords: 0, maxValueChars: 0 },
      groups: hosts(5).map((h) => group(h, [aliasCreate(h)])),
      sizes: [2, 2, 1],
    },
  ])('$title', ({ limits, groups, sizes: expected }) => {
    const result = batchChangeGroups(groups, limits);

    expect(result.batches.map((b) => b.groups.length)).toStrictEqual(expected);
    expect(result.oversized).toStrictEqual([]);
    expect(result.batches.flatMap((b) => b.groups)).toStrictEqual(groups);
  });

  test('the cost of a batch is the sum over its groups', () => {
    const groups = hosts(3).map((h) => group(h, [aliasCreate(h), txtUpsert(`a-${h}`, '"ab"')]));
    const [batch] = batchChangeGroups(groups, {
      maxChanges: 100,
      maxResourceRecords: 100,
      maxValueChars: 100,
    }).batches;
    expect(batch?.cost).toStrictEqual({ changes: 6, resourceRecords: 6, valueChars: 24 });
    expect(groupCost(groups[0] as DnsChangeGroup)).toStrictEqual({
      changes: 2,
      resourceRecords: 2,
      valueChars: 8,
    });
  });

  test('a group over the ResourceRecord quota alone is oversized, not sent', () => {
    const big = group('big.example.com', [txtUpsert('a', '"x"'), txtUpsert('b', '"y"')]);
    const small = group('small.example.com', [txtUpsert('c', '"z"')]);
    const result = batchChangeGroups([big, small], {
      maxChanges: 100,
      maxResourceRecords: 3,
      maxValueChars: 10_000,
    });
    expect(result.oversized).toStrictEqual([big]);
    expect(result.batches.map((b) => b.groups)).toStrictEqual([[small]]);
  });
});

describe('empty groups', () => {
  const limits: BatchLimits = { maxChanges: 10, maxResourceRecords: 10, maxValueChars: 100 };

  test('a group with no changes makes no request', () => {
    expect(batchChangeGroups([group('idle.example.com', [])], limits)).toStrictEqual({
      batches: [],
      oversized: [],
    });
  });

  test('a group with no changes is dropped from a batch of real ones', () => {
    const real = group('web.example.com', [aliasCreate('web.example.com')]);
    const result = batchChangeGroups([group('idle.example.com', []), real], limits);
    expect(result.batches).toStrictEqual([
      { zoneId: 'Z1', groups: [real], cost: { changes: 1, resourceRecords: 0, valueChars: 0 } },
    ]);
  });
});

describe('zones', () => {
  test('each zone fills its own requests; a full zone does not close another', () => {
    const limits: BatchLimits = { maxChanges: 2, maxResourceRecords: 10, maxValueChars: 100 };
    const groups = [
      group('a1', [aliasCreate('a1')], 'ZA'),
      group('b1', [aliasCreate('b1')], 'ZB'),
      group('a2', [aliasCreate('a2')], 'ZA'),
      group('a3', [aliasCreate('a3')], 'ZA'),
      group('b2', [aliasCreate('b2')], 'ZB'),
    ];
    const result = batchChangeGroups(groups, limits);
    // Which requests go first is the packer's business; what each holds is the decision.
    expect(
      result.batches.map((b) => `${b.zoneId}:${b.groups.map((g) => g.hostname)}`).sort(),
    ).toStrictEqual(['ZA:a1,a2', 'ZA:a3', 'ZB:b1,b2']);
    expect(sizes(groups, limits).sort()).toStrictEqual([1, 2, 2]);
  });
});

describe('packing by value characters', () => {
  const txtCreate = (name: string, chars: number): RecordChange => ({
    Action: 'CREATE',
    ResourceRecordSet: {
      Name: name,
      Type: 'TXT',
      TTL: 300,
      ResourceRecords: [{ Value: 'x'.repeat(chars) }],
    },
  });

  test('TXT groups go largest first into the request they fill best; aliases take the change slots left', () => {
    // 30 characters a request: 20+10 and 15+5 fill two requests exactly (15+10 and 20+5 would
    // too, but 20+10 fills the first better); the aliases carry no characters.
    const g5 = group('g5', [txtCreate('g5', 5)]);
    const g10 = group('g10', [txtCreate('g10', 10)]);
    const g15 = group('g15', [txtCreate('g15', 15)]);
    const g20 = group('g20', [txtCreate('g20', 20)]);
    const a1 = group('a1', [aliasCreate('a1')]);
    const a2 = group('a2', [aliasCreate('a2')]);
    const result = batchChangeGroups([g5, g10, g15, g20, a1, a2], {
      maxChanges: 100,
      maxResourceRecords: 100,
      maxValueChars: 30,
    });
    expect(result.batches.map((b) => b.groups.map((g) => g.hostname))).toStrictEqual([
      ['g5', 'g15'],
      ['g10', 'g20', 'a1', 'a2'],
    ]);
  });
});

describe('best fit: a TXT group joins the request it leaves fullest, on whichever quota is fullest', () => {
  // Costs are written out by hand: `values(name, sizes)` is one change with one value of each
  // size; `oneEach(name, sizes)` is one change per size, each with one value of that size.
  const values = (name: string, perValue: readonly number[]): RecordChange => ({
    Action: 'CREATE',
    ResourceRecordSet: {
      Name: name,
      Type: 'TXT',
      TTL: 300,
      ResourceRecords: perValue.map((n) => ({ Value: 'x'.repeat(n) })),
    },
  });
  const oneEach = (name: string, perChange: readonly number[]): RecordChange[] =>
    perChange.map((n, i) => values(`${name}-${i}`, [n]));

  // In every case the 20- and 15-character groups cannot share a request (35 > 30), and the
  // 5-character group fits beside either; which request it joins is the decision.
  test.each<{ title: string; limits: BatchLimits; groups: DnsChangeGroup[]; requests: string[][] }>(
    [
      {
        title: 'characters fullest: beside the 20 (25 of 30 characters), not the 15 in 5 changes',
        limits: { maxChanges: 100, maxResourceRecords: 100, maxValueChars: 30 },
        groups: [
          group('g5', [values('g5', [5])]),
          group('g15', oneEach('g15', [3, 3, 3, 3, 3])),
          group('g20', [values('g20', [20])]),
        ],
        requests: [['g5', 'g20'], ['g15']],
      },
      {
        title:
          'change count fullest: beside the 15 in 9 changes (10 of 10), not the 20 of 10 values',
        limits: { maxChanges: 10, maxResourceRecords: 1000, maxValueChars: 30 },
        groups: [
          group('g5', [values('g5', [5])]),
          group('g15', oneEach('g15', [1, 1, 1, 1, 1, 1, 1, 1, 7])),
          group('g20', [values('g20', [2, 2, 2, 2, 2, 2, 2, 2, 2, 2])]),
        ],
        requests: [['g5', 'g15'], ['g20']],
      },
      {
        title:
          'ResourceRecords fullest: beside the 15 of 8 values (9 of 10), not the 20 (25 of 30 characters)',
        limits: { maxChanges: 100, maxResourceRecords: 10, maxValueChars: 30 },
        groups: [
          group('g5', [values('g5', [5])]),
          group('g15', [values('g15', [2, 2, 2, 2, 2, 2, 2, 1])]),
          group('g20', [values('g20', [20])]),
        ],
        requests: [['g5', 'g15'], ['g20']],
      },
      {
        title: 'two requests equally full: the earlier one',
        limits: { maxChanges: 100, maxResourceRecords: 100, maxValueChars: 30 },
        groups: [
          group('first20', [values('first20', [20])]),
          group('second20', [values('second20', [20])]),
          group('g5', [values('g5', [5])]),
        ],
        requests: [['first20', 'g5'], ['second20']],
      },
    ],
  )('$title', ({ limits, groups, requests }) => {
    const result = batchChangeGroups(groups, limits);

    expect(result.batches.map((b) => b.groups.map((g) => g.hostname))).toStrictEqual(requests);
    expect(result.oversized).toStrictEqual([]);
  });

  // Equivalent survivors in batchChangeGroups:
  // - the tie-break `a.index - b.index` in the largest-first sort, mutated to `+`: the items are
  //   already in input order and Array.prototype.sort is stable, so ties keep that order either
  //   way (checked over thousands of random arrays up to 600 items).
  // - `i.cost.valueChars > 0 ||` replaced by `false` (in the filter and in the alias loop): a
  //   group with value characters has ResourceRecords too, so `resourceRecords > 0` decides alone.
  // - `a.items[0]?.index` without `?.`: a request is opened only to take a group, so it is
  //   never empty.
});

describe('a record whose values are all empty strings', () => {
  // It costs ResourceRecords but no characters: it must be packed with the valued groups,
  // once, not lost between the two passes and not sent twice.
  test.each<{ title: string; order: 'empty first' | 'alias first' }>([
    { title: 'before an alias', order: 'empty first' },
    { title: 'after an alias', order: 'alias first' },
  ])('is sent exactly once, $title', ({ order }) => {
    const empty = group('empty.example.com', [txtUpsert('a-empty.example.com', '')]);
    const alias = group('web.example.com', [aliasCreate('web.example.com')]);
    const groups = order === 'empty first' ? [empty, alias] : [alias, empty];

    const result = batchChangeGroups(groups, {
      maxChanges: 10,
      maxResourceRecords: 10,
      maxValueChars: 30,
    });

    expect(result.batches.map((b) => b.groups)).toStrictEqual([groups]);
    expect(result.oversized).toStrictEqual([]);
  });
});
