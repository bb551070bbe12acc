import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type DnsPlanOptions, planDns } from '#core/dns/dns-plan.ts';
import type {
  DesiredDnsRecord,
  DnsPlan,
  DnsPolicy,
  DnsRecordType,
  RecordChange,
  RecordSet,
} from '#core/dns/dns-record.ts';

const ZONE = { id: 'Z1', name: 'example.com' };
const LB_ZONE = 'ZIBE1TIR4HY56';
const OLD_LB = 'old-lb.elb.ap-northeast-2.amazonaws.com';
const NEW_LB = 'new-lb.elb.ap-northeast-2.amazonaws.com';

const soa: RecordSet = {
  Name: 'example.com.',
  Type: 'SOA',
  TTL: 900,
  ResourceRecords: [
    { Value: 'ns-1.awsdns-00.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400' },
  ],
};

function alias(name: string, type: DnsRecordType, target: string): RecordSet {
  return {
    Name: `${name}.`,
    Type: type,
    AliasTarget: { DNSName: `${target}.`, HostedZoneId: LB_ZONE, EvaluateTargetHealth: true },
  };
}
function txt(name: string, owner: string): RecordSet {
  return {
    Name: `${name}.`,
    Type: 'TXT',
    TTL: 300,
    ResourceRecords: [
      {
        Value: `"heritage=external-dns,external-dns/owner=${owner},external-dns/resource=service/default/x"`,
      },
    ],
  };
}
function want(name: string, target: string, type: DnsRecordType = 'A'): DesiredDnsRecord {
  return { name, type, target, aliasZoneId: LB_ZONE };
}
const keys = (records: readonly { name: string; type: string }[]): string[] =>
  records.map((r) => `${r.name} ${r.type}`).sort();
const allChanges = (plan: DnsPlan): RecordChange[] => plan.changes.flatMap((g) => g.changes);
const changeKeys = (plan: DnsPlan): string[] =>
  allChanges(plan)
    .map(
      (c) =>
        `${c.Action} ${c.ResourceRecordSet.Type} ${c.ResourceRecordSet.Name.replace(/\.$/, '')}`,
    )
    .sort();

function plan(
  current: RecordSet[],
  desired: DesiredDnsRecord[],
  extra: Partial<DnsPlanOptions> = {},
): DnsPlan {
  return planDns(
    { snapshots: [{ zone: ZONE, recordSets: [soa, ...current] }], desired },
    { ownerId: 'me', zones: [ZONE], ...extra },
  );
}

interface Case {
  readonly title: string;
  readonly current: RecordSet[];
  readonly desired: DesiredDnsRecord[];
  readonly policy?: DnsPolicy;
  readonly create?: string[];
  readonly update?: string[];
  readonly delete?: string[];
  readonly conflicts?: string[];
  readonly changes?: string[];
}

const owned = (name: string, target: string, type: DnsRecordType = 'A'): RecordSet[] => [
  alias(name, type, target),
  txt(`${type.toLowerCase()}-${name}`, 'me'),
];

const cases: Case[] = [
  {
    title: 'creates a missing record with its new-format TXT',
    current: [],
    desired: [want('web.example.com', NEW_LB)],
    create: ['web.example.com A'],
    changes: ['CREATE A web.example.com', 'CREATE TXT a-web.example.com'],
  },
  {
    title: 'creates A and AAAA with one TXT each for a dualstack hostname',
    current: [],
    desired: [want('web.example.com', NEW_LB), want('web.example.com', NEW_LB, 'AAAA')],
    create: ['web.example.com A', 'web.example.com AAAA'],
    changes: [
      'CREATE A web.example.com',
      'CREATE AAAA web.example.com',
      'CREATE TXT a-web.example.com',
      'CREATE TXT aaaa-web.example.com',
    ],
  },
  ...(['sync', 'upsert-only', 'create-only'] as const).map(
    (policy): Case => ({
      title: `an owned record no longer desired under ${policy}`,
      current: owned('gone.example.com', OLD_LB),
      desired: [],
      policy,
      delete: policy === 'sync' ? ['gone.example.com A'] : [],
      changes:
        policy === 'sync' ? ['DELETE A gone.example.com', 'DELETE TXT a-gone.example.com'] : [],
    }),
  ),
  {
    title: 'an LB that changed its DNS name updates the alias and keeps the record with its TXT',
    current: owned('web.example.com', OLD_LB),
    desired: [want('web.example.com', NEW_LB)],
    update: ['web.example.com A'],
    changes: ['UPSERT A web.example.com', 'UPSERT TXT a-web.example.com'],
  },
  {
    title: 'create-only never updates',
    current: owned('web.example.com', OLD_LB),
    desired: [want('web.example.com', NEW_LB)],
    policy: 'create-only',
  },
  {
    title: 'a matching record is left alone (dualstack. prefix and trailing dot ignored)',
    current: [
      { ...alias('web.example.com', 'A', `dualstack.${NEW_LB.toUpperCase()}`) },
      txt('a-web.example.com', 'me'),
    ],
    desired: [want('web.example.com', NEW_LB)],
  },
  {
    title: 'a record owned by another owner is untouched and reported',
    current: [alias('api.example.com', 'A', OLD_LB), txt('a-api.example.com', 'prod')],
    desired: [want('api.example.com', NEW_LB)],
    conflicts: ['api.example.com foreign-owner'],
  },
  {
    title: 'a foreign record not desired by us is untouched even under sync',
    current: [alias('api.example.com', 'A', OLD_LB), txt('a-api.example.com', 'prod')],
    desired: [],
  },
  {
    title: 'a foreign ownership TXT without its record still blocks creation',
    current: [txt('a-api.example.com', 'prod')],
    desired: [want('api.example.com', NEW_LB)],
    conflicts: ['api.example.com foreign-owner'],
  },
  {
    title: 'a record without any TXT that we want is untouched and reported',
    current: [alias('manual.example.com', 'A', OLD_LB)],
    desired: [want('manual.example.com', NEW_LB)],
    conflicts: ['manual.example.com unowned'],
  },
  {
    title: 'a record without any TXT that nobody wants is untouched silently',
    current: [alias('manual.example.com', 'A', OLD_LB)],
    desired: [],
  },
  {
    title: 'legacy same-name TXT proves ownership; the update adds the new-format TXT',
    current: [alias('legacy.example.com', 'A', OLD_LB), txt('legacy.example.com', 'me')],
    desired: [want('legacy.example.com', NEW_LB)],
    update: ['legacy.example.com A'],
    changes: ['CREATE TXT a-legacy.example.com', 'UPSERT A legacy.example.com'],
  },
  {
    title: 'deleting the last record behind a legacy TXT deletes the legacy TXT too',
    current: [alias('legacy.example.com', 'A', OLD_LB), txt('legacy.example.com', 'me')],
    desired: [],
    delete: ['legacy.example.com A'],
    changes: ['DELETE A legacy.example.com', 'DELETE TXT legacy.example.com'],
  },
  {
    title: 'a legacy TXT stays while another owned record at the name remains',
    current: [
      alias('legacy.example.com', 'A', OLD_LB),
      alias('legacy.example.com', 'AAAA', OLD_LB),
      txt('legacy.example.com', 'me'),
    ],
    desired: [want('legacy.example.com', OLD_LB, 'AAAA')],
    delete: ['legacy.example.com A'],
    changes: ['DELETE A legacy.example.com'],
  },
  {
    title: 'a record with a routing policy is never rewritten',
    current: [
      { ...alias('w.example.com', 'A', OLD_LB), SetIdentifier: 'blue' },
      txt('a-w.example.com', 'me'),
    ],
    desired: [want('w.example.com', NEW_LB)],
    conflicts: ['w.example.com routing-policy'],
  },
  // Route53 returns `*` as `\052` wherever it appears, the TXT name included.
  {
    title: 'a wildcard read back from Route53 with \\052 everywhere is ours and is updated',
    current: [alias('\\052.apps.example.com', 'A', OLD_LB), txt('a-\\052.apps.example.com', 'me')],
    desired: [want('*.apps.example.com', NEW_LB)],
    update: ['*.apps.example.com A'],
    changes: ['UPSERT A *.apps.example.com', 'UPSERT TXT a-\\052.apps.example.com'],
  },
  {
    title: 'a wildcard read back from Route53 with \\052 everywhere is deleted under sync',
    current: [alias('\\052.apps.example.com', 'A', OLD_LB), txt('a-\\052.apps.example.com', 'me')],
    desired: [],
    delete: ['*.apps.example.com A'],
    changes: ['DELETE A \\052.apps.example.com', 'DELETE TXT a-\\052.apps.example.com'],
  },
  // Older ExternalDNS owned an A alias through `cname-<name>` (ExternalDNS #2903).
  {
    title: 'a cname- TXT proves ownership of an A alias; the update writes a- and leaves cname-',
    current: [alias('web.example.com', 'A', OLD_LB), txt('cname-web.example.com', 'me')],
    desired: [want('web.example.com', NEW_LB)],
    update: ['web.example.com A'],
    changes: ['UPSERT A web.example.com', 'CREATE TXT a-web.example.com'],
  },
  {
    title: 'an A alias owned through cname- is deleted under sync; cname- is never written',
    current: [alias('web.example.com', 'A', OLD_LB), txt('cname-web.example.com', 'me')],
    desired: [],
    delete: ['web.example.com A'],
    changes: ['DELETE A web.example.com'],
  },
  {
    title: 'a foreign cname- TXT on an A alias is a foreign owner',
    current: [alias('api.example.com', 'A', OLD_LB), txt('cname-api.example.com', 'prod')],
    desired: [want('api.example.com', NEW_LB)],
    conflicts: ['api.example.com foreign-owner'],
  },
  {
    title: 'the a- TXT wins over a cname- TXT',
    current: [
      alias('web.example.com', 'A', OLD_LB),
      txt('a-web.example.com', 'me'),
      txt('cname-web.example.com', 'prod'),
    ],
    desired: [want('web.example.com', NEW_LB)],
    update: ['web.example.com A'],
  },
  {
    title: 'the cname- TXT wins over the legacy same-name TXT',
    current: [
      alias('web.example.com', 'A', OLD_LB),
      txt('cname-web.example.com', 'me'),
      txt('web.example.com', 'prod'),
    ],
    desired: [want('web.example.com', NEW_LB)],
    update: ['web.example.com A'],
  },
  {
    title: 'a cname- TXT does not vouch for a plain A record',
    current: [
      { Name: 'web.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }] },
      txt('cname-web.example.com', 'me'),
    ],
    desired: [want('web.example.com', NEW_LB)],
    conflicts: ['web.example.com unowned'],
  },
  {
    title: 'a cname- TXT does not vouch for an AAAA alias',
    current: [alias('web.example.com', 'AAAA', OLD_LB), txt('cname-web.example.com', 'me')],
    desired: [want('web.example.com', NEW_LB, 'AAAA')],
    conflicts: ['web.example.com unowned'],
  },
  {
    title: 'two desired targets for one name: lowest target wins and the clash is reported',
    current: [],
    desired: [want('web.example.com', NEW_LB), want('web.example.com', OLD_LB)],
    create: ['web.example.com A'],
    conflicts: ['web.example.com duplicate-claim'],
  },
];

describe('planDns', () => {
  test.each(cases)('$title', (c) => {
    // Prepare + Act
    const result = plan(c.current, c.desired, c.policy ? { policy: c.policy } : {});

    // Assess
    expect(keys(result.create)).toEqual([...(c.create ?? [])].sort());
    expect(keys(result.update)).toEqual([...(c.update ?? [])].sort());
    expect(keys(result.delete)).toEqual([...(c.delete ?? [])].sort());
    expect(result.conflicts.map((x) => `${x.name} ${x.reason}`).sort()).toEqual(
      [...(c.conflicts ?? [])].sort(),
    );
    if (c.changes) expect(changeKeys(result)).toEqual([...c.changes].sort());
  });

  test('the winner of a duplicate claim does not depend on input order', () => {
    const a = plan([], [want('web.example.com', NEW_LB), want('web.example.com', OLD_LB)]);
    const b = plan([], [want('web.example.com', OLD_LB), want('web.example.com', NEW_LB)]);
    expect(a.create).toEqual(b.create);
  });

  test('a new TXT carries the owner and resource in ExternalDNS format', () => {
    const result = plan(
      [],
      [{ ...want('web.example.com', NEW_LB), resource: 'service/default/web' }],
    );
    const txtChange = allChanges(result).find((c) => c.ResourceRecordSet.Type === 'TXT');
    expect(txtChange?.ResourceRecordSet.ResourceRecords).toEqual([
      {
        Value:
          '"heritage=external-dns,external-dns/owner=me,external-dns/resource=service/default/web"',
      },
    ]);
  });

  test('a configured TXT prefix is used for writing and for reading ownership', () => {
    const created = plan([], [want('web.example.com', NEW_LB)], { txtPrefix: 'own-' });
    expect(changeKeys(created)).toContain('CREATE TXT own-a-web.example.com');

    const updated = plan(
      [alias('web.example.com', 'A', OLD_LB), txt('own-a-web.example.com', 'me')],
      [want('web.example.com', NEW_LB)],
      { txtPrefix: 'own-' },
    );
    expect(keys(updated.update)).toEqual(['web.example.com A']);
  });

  test('a wildcard the plan creates is ours again once Route53 returns it escaped', () => {
    // Route53 answers every character outside a-z, 0-9, - and _ as a \\ooo octal escape.
    const asRoute53Returns = (rs: RecordSet): RecordSet => ({
      ...rs,
      Name: `${rs.Name.replace(/\.$/, '').replace(
        /[^a-z0-9\-_.]/g,
        (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`,
      )}.`,
    });
    const created = plan([], [want('*.apps.example.com', OLD_LB)]);
    const zone = allChanges(created).map((c) => asRoute53Returns(c.ResourceRecordSet));
    expect(zone.map((rs) => rs.Name).sort()).toEqual([
      '\\052.apps.example.com.',
      'a-\\052.apps.example.com.',
    ]);

    const unchanged = plan(zone, [want('*.apps.example.com', OLD_LB)]);
    const moved = plan(zone, [want('*.apps.example.com', NEW_LB)]);
    const gone = plan(zone, []);

    expect(unchanged.changes).toEqual([]);
    expect(unchanged.conflicts).toEqual([]);
    expect(keys(moved.update)).toEqual(['*.apps.example.com A']);
    expect(keys(gone.delete)).toEqual(['*.apps.example.com A']);
  });

  test('hostnames go to the longest matching zone; unmatched ones are reported, not guessed', () => {
    const dev = { id: '/hostedzone/Z2', name: 'dev.example.com.' };
    const result = planDns(
      {
        snapshots: [
          { zone: ZONE, recordSets: [soa] },
          { zone: dev, recordSets: [] },
        ],
        desired: [
          want('a.dev.example.com', NEW_LB),
          want('b.example.com', NEW_LB),
          want('c.example.org', NEW_LB),
        ],
      },
      { ownerId: 'me', zones: [ZONE, dev] },
    );
    expect(result.create.map((r) => `${r.name} ${r.zoneId}`).sort()).toEqual([
      'a.dev.example.com Z2',
      'b.example.com Z1',
    ]);
    expect(result.conflicts.map((c) => `${c.name} ${c.reason}`)).toEqual(['c.example.org no-zone']);
  });

  test('a hostname whose zone was not read is reported instead of planned', () => {
    const dev = { id: 'Z2', name: 'dev.example.com' };
    const result = planDns(
      {
        snapshots: [{ zone: ZONE, recordSets: [soa] }],
        desired: [want('a.dev.example.com', NEW_LB)],
      },
      { ownerId: 'me', zones: [ZONE, dev] },
    );
    expect(result.create).toEqual([]);
    expect(result.conflicts.map((c) => c.reason)).toEqual(['zone-not-read']);
  });
});

// ---------------------------------------------------------------------------
// Property: applying the plan's changes to the zone reaches the desired state for
// everything we own, never touches anyone else's records, and is idempotent.

const HOSTS = ['h0', 'h1', 'h2', 'h3', 'h4'].map((h) => `${h}.example.com`);
const TARGETS = ['lb-a.elb.amazonaws.com', 'lb-b.elb.amazonaws.com'];

type Ownership = 'none' | 'ours-new' | 'ours-legacy' | 'foreign';

const slotArb = fc.record({
  exists: fc.boolean(),
  target: fc.constantFrom(...TARGETS),
  ownership: fc.constantFrom<Ownership>('none', 'ours-new', 'ours-legacy', 'foreign'),
  desired: fc.option(fc.constantFrom(...TARGETS), { nil: undefined }),
});

const key = (rs: RecordSet): string => `${rs.Name.replace(/\.$/, '')}|${rs.Type}`;

/** A minimal Route53: CREATE must be new, DELETE must match exactly, UPSERT replaces. */
function applyChanges(zone: Map<string, RecordSet>, changes: readonly RecordChange[]): void {
  for (const c of changes) {
    const k = key(c.ResourceRecordSet);
    const existing = zone.get(k);
    if (c.Action === 'CREATE') {
      if (existing) throw new Error(`CREATE of existing ${k}`);
      zone.set(k, c.ResourceRecordSet);
    } else if (c.Action === 'DELETE') {
      if (!existing || JSON.stringify(existing) !== JSON.stringify(c.ResourceRecordSet)) {
        throw new Error(`DELETE of missing or different ${k}`);
      }
      zone.delete(k);
    } else {
      zone.set(k, c.ResourceRecordSet);
    }
  }
}

test('property: plan converges, respects ownership and policy, and is idempotent', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(slotArb, slotArb), { minLength: HOSTS.length, maxLength: HOSTS.length }),
      fc.constantFrom<DnsPolicy>('sync', 'upsert-only', 'create-only'),
      (slots, policy) => {
        // Prepare: per host an A and an AAAA slot, each optionally present and owned somehow.
        const current: RecordSet[] = [soa];
        const desired: DesiredDnsRecord[] = [];
        const legacyDone = new Set<string>();
        HOSTS.forEach((host, i) => {
          const pair = slots[i];
          if (!pair) return;
          (['A', 'AAAA'] as const).forEach((type, j) => {
            const s = pair[j];
            if (!s) return;
            if (s.exists) current.push(alias(host, type, s.target));
            if (s.ownership === 'ours-new')
              current.push(txt(`${type.toLowerCase()}-${host}`, 'me'));
            if (s.ownership === 'foreign')
              current.push(txt(`${type.toLowerCase()}-${host}`, 'them'));
            if (s.ownership === 'ours-legacy' && !legacyDone.has(host)) {
              legacyDone.add(host);
              current.push(txt(host, 'me'));
            }
            if (s.desired) desired.push(want(host, s.desired, type));
          });
        });

        // Act
        const result = plan(current.slice(1), desired, { policy });
        const zone = new Map(current.map((rs) => [key(rs), rs]));
        applyChanges(zone, allChanges(result));

        // Assess
        const conflicted = new Set(result.conflicts.map((c) => `${c.name}|${c.type}`));
        for (const d of desired) {
          const k = `${d.name}|${d.type}`;
          if (conflicted.has(k)) {
            const before = current.find((rs) => key(rs) === k);
            expect(zone.get(k)).toEqual(before);
            continue;
          }
          const got = zone.get(k);
          expect(got?.AliasTarget).toBeDefined();
          if (policy !== 'create-only')
            expect(got?.AliasTarget?.DNSName.replace(/\.$/, '')).toBe(d.target);
        }
        const changed = allChanges(result).filter((c) => c.ResourceRecordSet.Type !== 'TXT');
        if (policy !== 'sync') expect(changed.filter((c) => c.Action === 'DELETE')).toEqual([]);
        if (policy === 'create-only')
          expect(changed.filter((c) => c.Action === 'UPSERT')).toEqual([]);
        const foreignOrUnowned = current.filter(
          (rs) =>
            rs.Type !== 'TXT' &&
            rs.Type !== 'SOA' &&
            !result.delete.concat(result.update).some((p) => `${p.name}|${p.type}` === key(rs)),
        );
        for (const rs of foreignOrUnowned) {
          if (!desired.some((d) => `${d.name}|${d.type}` === key(rs)))
            expect(zone.get(key(rs))).toEqual(rs);
        }

        const again = plan(
          [...zone.values()].filter((rs) => rs.Type !== 'SOA'),
          desired,
          { policy },
        );
        expect(again.changes).toEqual([]);
      },
    ),
    { numRuns: 300 },
  );
});
