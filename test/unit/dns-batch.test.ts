import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type BatchLimits,
  batchChangeGroups,
  changeCost,
  groupCost,
  ROUTE53_LIMITS,
} from '#core/dns/dns-batch.ts';
import type { ChangeAction, DnsChangeGroup, RecordChange } from '#core/dns/dns-record.ts';

function txtChange(action: ChangeAction, name: string, value: string): RecordChange {
  return {
    Action: action,
    ResourceRecordSet: { Name: name, Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: value }] },
  };
}
function aliasChange(action: ChangeAction, name: string): RecordChange {
  return {
    Action: action,
    ResourceRecordSet: {
      Name: name,
      Type: 'A',
      AliasTarget: {
        DNSName: 'lb.elb.amazonaws.com',
        HostedZoneId: 'Z',
        EvaluateTargetHealth: true,
      },
    },
  };
}

describe('change costs (Route53 quotas)', () => {
  test('an UPSERT counts its ResourceRecord elements and value characters twice', () => {
    expect(changeCost(txtChange('CREATE', 'a', '"abcd"'))).toEqual({
      changes: 1,
      resourceRecords: 1,
      valueChars: 6,
    });
    expect(changeCost(txtChange('UPSERT', 'a', '"abcd"'))).toEqual({
      changes: 1,
      resourceRecords: 2,
      valueChars: 12,
    });
    expect(changeCost(txtChange('DELETE', 'a', '"abcd"'))).toEqual({
      changes: 1,
      resourceRecords: 1,
      valueChars: 6,
    });
  });

  test('an alias has no Value elements', () => {
    expect(changeCost(aliasChange('UPSERT', 'a'))).toEqual({
      changes: 1,
      resourceRecords: 0,
      valueChars: 0,
    });
  });
});

describe('batchChangeGroups', () => {
  test('2,500 alias+TXT changes with short values make 3 requests of at most 1,000 changes', () => {
    const groups: DnsChangeGroup[] = Array.from({ length: 1250 }, (_, i) => ({
      zoneId: 'Z1',
      hostname: `h${i}.example.com`,
      changes: [
        aliasChange('CREATE', `h${i}.example.com`),
        txtChange('CREATE', `a-h${i}.example.com`, '"x"'),
      ],
    }));
    const { batches, oversized } = batchChangeGroups(groups);
    expect(oversized).toEqual([]);
    expect(batches.map((b) => b.cost.changes)).toEqual([1000, 1000, 500]);
  });

  test('the character quota splits batches long before the change count does', () => {
    const value = `"${'v'.repeat(98)}"`; // 100 characters
    const groups: DnsChangeGroup[] = Array.from({ length: 400 }, (_, i) => ({
      zoneId: 'Z1',
      hostname: `h${i}`,
      changes: [aliasChange('UPSERT', `h${i}`), txtChange('UPSERT', `a-h${i}`, value)],
    }));
    const { batches } = batchChangeGroups(groups);
    // Each group costs 200 characters (UPSERT doubles), so 160 groups fill 32,000.
    expect(batches.map((b) => b.groups.length)).toEqual([160, 160, 80]);
  });

  test('one zone per request, even when zones interleave', () => {
    const g = (zoneId: string, hostname: string): DnsChangeGroup => ({
      zoneId,
      hostname,
      changes: [aliasChange('CREATE', hostname)],
    });
    const { batches } = batchChangeGroups([g('Z1', 'a'), g('Z2', 'b'), g('Z1', 'c')]);
    expect(batches.map((b) => [b.zoneId, b.groups.map((x) => x.hostname)])).toEqual([
      ['Z1', ['a', 'c']],
      ['Z2', ['b']],
    ]);
  });

  test('a group that alone exceeds a quota is set aside, not sent and not lost', () => {
    const huge: DnsChangeGroup = {
      zoneId: 'Z1',
      hostname: 'huge',
      changes: [txtChange('CREATE', 'huge', 'x'.repeat(32_001))],
    };
    const { batches, oversized } = batchChangeGroups([huge]);
    expect(batches).toEqual([]);
    expect(oversized).toEqual([huge]);
  });

  const groupArb = fc.record({
    zoneId: fc.constantFrom('Z1', 'Z2'),
    hostname: fc.string({ minLength: 1, maxLength: 10 }),
    changes: fc.array(
      fc.record({
        action: fc.constantFrom<ChangeAction>('CREATE', 'UPSERT', 'DELETE'),
        values: fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 4 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  });

  test('property: every batch respects the limits and covers each group exactly once, in input order within a batch', () => {
    const limits: BatchLimits = { maxChanges: 20, maxResourceRecords: 20, maxValueChars: 2_000 };
    fc.assert(
      fc.property(fc.array(groupArb, { maxLength: 80 }), (raw) => {
        const groups: DnsChangeGroup[] = raw.map((g) => ({
          zoneId: g.zoneId,
          hostname: g.hostname,
          changes: g.changes.map((c, i) => ({
            Action: c.action,
            ResourceRecordSet: {
              Name: `${g.hostname}-${i}`,
              Type: 'TXT',
              ResourceRecords: c.values.map((n) => ({ Value: 'x'.repeat(n) })),
            },
          })),
        }));

        const { batches, oversized } = batchChangeGroups(groups, limits);

        for (const b of batches) {
          const sum = b.groups.map(groupCost).reduce(
            (a, c) => ({
              changes: a.changes + c.changes,
              resourceRecords: a.resourceRecords + c.resourceRecords,
              valueChars: a.valueChars + c.valueChars,
            }),
            { changes: 0, resourceRecords: 0, valueChars: 0 },
          );
          expect(sum).toEqual(b.cost);
          expect(b.cost.changes).toBeLessThanOrEqual(limits.maxChanges);
          expect(b.cost.resourceRecords).toBeLessThanOrEqual(limits.maxResourceRecords);
          expect(b.cost.valueChars).toBeLessThanOrEqual(limits.maxValueChars);
          expect(b.groups.every((g) => g.zoneId === b.zoneId)).toBe(true);
        }
        const seen = [...batches.flatMap((b) => b.groups), ...oversized];
        expect(new Set(seen).size).toBe(groups.length);
        expect(seen.length).toBe(groups.length);
        for (const zone of ['Z1', 'Z2']) {
          const sent = batches.filter((b) => b.zoneId === zone).flatMap((b) => b.groups);
          const expected = groups.filter((g) => g.zoneId === zone && !oversized.includes(g));
          expect(new Set(sent)).toEqual(new Set(expected));
        }
        for (const b of batches) {
          const positions = b.groups.map((g) => groups.indexOf(g));
          expect(positions).toEqual([...positions].sort((x, y) => x - y));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('the default limits are Route53 quotas', () => {
    expect(ROUTE53_LIMITS).toEqual({
      maxChanges: 1000,
      maxResourceRecords: 1000,
      maxValueChars: 32_000,
    });
  });

  test('alias-only groups fill the change slots that TXT groups leave: the fewest requests the quotas allow', () => {
    // 5,000 alias retargets (no values) come first, then 6,000 record+TXT groups of 100 characters:
    // packed in input order they fill 5 requests on the change count and 19 on characters (24);
    // the quotas need max(ceil(17,000 / 1,000), ceil(600,000 / 32,000)) = 19.
    const alias = (i: number): DnsChangeGroup => ({
      zoneId: 'Z1',
      hostname: `a${i}.example.com`,
      changes: [
        {
          Action: 'UPSERT',
          ResourceRecordSet: {
            Name: `a${i}.example.com`,
            Type: 'A',
            AliasTarget: {
              DNSName: 'lb.example.com',
              HostedZoneId: 'ZLB',
              EvaluateTargetHealth: true,
            },
          },
        },
      ],
    });
    const owned = (i: number): DnsChangeGroup => ({
      zoneId: 'Z1',
      hostname: `t${i}.example.com`,
      changes: [
        {
          Action: 'CREATE',
          ResourceRecordSet: {
            Name: `t${i}.example.com`,
            Type: 'A',
            AliasTarget: {
              DNSName: 'lb.example.com',
              HostedZoneId: 'ZLB',
              EvaluateTargetHealth: true,
            },
          },
        },
        {
          Action: 'CREATE',
          ResourceRecordSet: {
            Name: `a-t${i}.example.com`,
            Type: 'TXT',
            TTL: 300,
            ResourceRecords: [{ Value: 'x'.repeat(100) }],
          },
        },
      ],
    });
    const groups = [
      ...Array.from({ length: 5000 }, (_, i) => alias(i)),
      ...Array.from({ length: 6000 }, (_, i) => owned(i)),
    ];

    const { batches, oversized } = batchChangeGroups(groups);

    expect(oversized).toEqual([]);
    expect(batches).toHaveLength(19);
    expect(batches.flatMap((b) => b.groups)).toHaveLength(groups.length);
  });
});
