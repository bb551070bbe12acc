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

// Equivalent mutants that survive in batchChangeGroups, and why no test can kill them:
// - `const order: string[] = []` seeded with a bogus zone id: closing a zone with no open
//   batch is a no-op, so the extra entry changes nothing.
// - `current.groups.length > 0` in close() mutated to `true` or `>= 0`: a batch is opened only
//   to take the group at hand, so an open batch never has zero groups.
