import { describe, expect, test } from 'vitest';
import { planDns } from '#core/dns/dns-plan.ts';
import type { RecordSet } from '#core/dns/dns-record.ts';
import {
  aliasRecord,
  allChanges,
  heritage,
  planZone,
  SOA,
  txtRecord,
  wantAlias,
  wantPlain,
  ZONE,
} from '#test/helpers/route53-zone.ts';

// Decisions of the DNS plan found unguarded by mutation testing after its speed work: routed
// record sets of either type, TXTs filed under the wrong host, owners of a foreign TXT, the
// legacy TXT when the last record of a name goes or when nothing was ours to change, hosts
// already in sync, and the cluster carried by each kind of conflict.

const OLD_LB = 'old-lb.elb.ap-northeast-2.amazonaws.com';
const NEW_LB = 'new-lb.elb.ap-northeast-2.amazonaws.com';
const EMPTY_PLAN = { create: [], update: [], delete: [], conflicts: [], changes: [] };

const routed = (name: string, type: 'A' | 'AAAA'): RecordSet => ({
  ...aliasRecord(name, type, OLD_LB),
  SetIdentifier: 'blue',
});
const summary = (plan: ReturnType<typeof planZone>) =>
  allChanges(plan).map(
    (c) => `${c.Action} ${c.ResourceRecordSet.Type} ${c.ResourceRecordSet.Name}`,
  );

describe('routed record sets', () => {
  test('a weighted set at a name nothing else is at: no host, no change, no conflict', () => {
    expect(planZone([routed('w.example.com', 'A')], [])).toStrictEqual(EMPTY_PLAN);
  });

  test('a weighted AAAA set holds back the AAAA only; the A beside it is planned', () => {
    const plan = planZone(
      [routed('web.example.com', 'AAAA')],
      [wantAlias('web.example.com', NEW_LB, 'A'), wantAlias('web.example.com', NEW_LB, 'AAAA')],
    );
    expect(plan.conflicts).toStrictEqual([
      {
        name: 'web.example.com',
        type: 'AAAA',
        zoneId: 'Z1',
        reason: 'routing-policy',
        detail: expect.any(String),
      },
    ]);
    expect(summary(plan)).toStrictEqual([
      'CREATE A web.example.com',
      'CREATE TXT a-web.example.com',
    ]);
  });
});

describe('ownership TXTs', () => {
  test("a TXT whose name only ends in a host's name is not that host's", () => {
    const plan = planZone(
      [
        aliasRecord('web.example.com', 'A', OLD_LB),
        txtRecord('web.example.com', [heritage('me')]),
        // 'xy' is as long as 'a-': cut off, the rest would be the host's name.
        txtRecord('xyweb.example.com', [heritage('them')]),
        txtRecord('xxxxxweb.example.com', [heritage('them')]),
      ],
      [wantAlias('web.example.com', NEW_LB)],
    );
    expect(plan.conflicts).toStrictEqual([]);
    expect(summary(plan)).toStrictEqual([
      'UPSERT A web.example.com',
      'CREATE TXT a-web.example.com',
    ]);
  });

  test('a foreign TXT names each of its other owners once, in order', () => {
    const plan = planZone(
      [
        txtRecord('a-web.example.com', [
          heritage('them'),
          heritage('me'),
          heritage('other'),
          heritage('them'),
        ]),
      ],
      [wantAlias('web.example.com', NEW_LB, 'A', { cluster: 'blue' })],
    );
    expect(plan.conflicts).toStrictEqual([
      {
        name: 'web.example.com',
        type: 'A',
        zoneId: 'Z1',
        reason: 'foreign-owner',
        detail: 'ownership TXT for web.example.com A names owner them, other',
        cluster: 'blue',
      },
    ]);
    expect(plan.changes).toStrictEqual([]);
  });

  test('the only record of a name, an AAAA, goes with the legacy TXT that vouched for it', () => {
    const plan = planZone(
      [
        aliasRecord('web.example.com', 'AAAA', OLD_LB),
        txtRecord('web.example.com', [heritage('me')]),
      ],
      [],
    );
    expect(summary(plan)).toStrictEqual([
      'DELETE AAAA web.example.com.',
      'DELETE TXT web.example.com.',
    ]);
  });

  test('a wish refused for a foreign TXT leaves our legacy TXT as it is', () => {
    const plan = planZone(
      [
        txtRecord('a-web.example.com', [heritage('them')]),
        txtRecord('web.example.com', [heritage('me')]),
      ],
      [wantAlias('web.example.com', NEW_LB)],
    );
    expect(plan.conflicts.map((c) => c.reason)).toStrictEqual(['foreign-owner']);
    expect(plan.changes).toStrictEqual([]);
  });

  test('the A and legacy TXTs of web.example.com change in name order (a-web first)', () => {
    const plan = planZone(
      [
        aliasRecord('web.example.com', 'A', OLD_LB),
        txtRecord('a-web.example.com', [heritage('me')]),
        txtRecord('web.example.com', [heritage('me'), '"v=spf1 -all"']),
      ],
      [],
    );
    expect(summary(plan)).toStrictEqual([
      'DELETE A web.example.com.',
      'DELETE TXT a-web.example.com.',
      'UPSERT TXT web.example.com.',
    ]);
  });
});

describe('hosts with nothing to change', () => {
  test('a host already as desired makes no change group', () => {
    const plan = planZone(
      [
        aliasRecord('web.example.com', 'A', NEW_LB),
        txtRecord('a-web.example.com', [heritage('me')]),
      ],
      [wantAlias('web.example.com', NEW_LB)],
    );
    expect(plan).toStrictEqual(EMPTY_PLAN);
  });
});

describe('conflicts carry the cluster that wanted the name, and no cluster key otherwise', () => {
  const OTHER = { id: 'Z9', name: 'other.com' };
  const plan = (desired: Parameters<typeof planZone>[1]) =>
    planDns(
      { snapshots: [{ zone: ZONE, recordSets: [SOA] }], desired },
      { ownerId: 'me', zones: [ZONE, OTHER] },
    );

  test.each([
    ['no zone', 'x.example.org', 'no-zone', {}],
    ['a zone not read', 'x.other.com', 'zone-not-read', { zoneId: 'Z9' }],
  ])('%s', (_title, name, reason, zone) => {
    const conflicts = plan([
      wantAlias(name, NEW_LB, 'A', { cluster: 'blue' }),
      wantAlias(name, NEW_LB, 'AAAA'),
    ]).conflicts;
    expect(conflicts).toStrictEqual([
      { name, type: 'A', ...zone, reason, detail: expect.any(String), cluster: 'blue' },
      { name, type: 'AAAA', ...zone, reason, detail: expect.any(String) },
    ]);
  });

  test('a duplicate claim without a cluster has no cluster key', () => {
    const conflicts = plan([
      wantPlain('db.example.com', '192.0.2.20'),
      wantPlain('db.example.com', '192.0.2.10'),
    ]).conflicts;
    expect(conflicts).toStrictEqual([
      {
        name: 'db.example.com',
        type: 'A',
        zoneId: 'Z1',
        reason: 'duplicate-claim',
        detail: expect.any(String),
      },
    ]);
  });

  test('a duplicate claim', () => {
    const conflicts = plan([
      wantPlain('db.example.com', '192.0.2.20', 'A', { cluster: 'blue' }),
      wantPlain('db.example.com', '192.0.2.10', 'A', { cluster: 'blue' }),
    ]).conflicts;
    expect(conflicts).toStrictEqual([
      {
        name: 'db.example.com',
        type: 'A',
        zoneId: 'Z1',
        reason: 'duplicate-claim',
        detail: expect.any(String),
        cluster: 'blue',
      },
    ]);
  });
});
