import fc from 'fast-check';
import { expect, test } from 'vitest';
import type {
  DesiredDnsRecord,
  DnsPolicy,
  DnsRecordType,
  RecordChange,
  RecordSet,
} from '#core/dns/dns-record.ts';
import { heritage, LB_ZONE, planZone, SOA } from '#test/helpers/route53-zone.ts';

// ExternalDNS's promise, as a property: whatever the zone holds (records owned by us, by
// another owner, by nobody; ownership TXTs per type or legacy same-name, sharing their TXT
// with values that are no one's, such as SPF) and whatever we want, under every policy,
// each planned change touches only a record whose TXT says we own it, or one we create
// together with our TXT; a TXT keeps every value that is not ours; and the zone accepts
// the changes in order (no CREATE over an existing set, no DELETE of a different one).
//
// The oracle reads ownership the way ExternalDNS documents it, independently of the
// plan's registry code: the per-type TXT (`a-`/`aaaa-`) speaks first, the legacy TXT at
// the name itself only when the per-type one names nobody; a record is ours when the
// speaking TXT names owners and every one of them is us.

const ME = 'me';
const HOSTS = ['h0.example.com', 'h1.example.com', 'h2.example.com'];
const TYPES: readonly DnsRecordType[] = ['A', 'AAAA'];
const POLICIES: readonly DnsPolicy[] = ['sync', 'upsert-only', 'create-only'];
const SPF = '"v=spf1 include:_spf.example.net -all"';

type Target =
  | { readonly kind: 'alias'; readonly dns: string }
  | { readonly kind: 'plain'; readonly value: string };
const targetArb: fc.Arbitrary<Target> = fc.oneof(
  fc
    .constantFrom('lb-a.elb.amazonaws.com', 'lb-b.elb.amazonaws.com')
    .map((dns): Target => ({ kind: 'alias', dns })),
  fc.constantFrom('192.0.2.1', '192.0.2.2').map((value): Target => ({ kind: 'plain', value })),
);
/** Values of one ownership TXT: ours, another owner's, or no one's (SPF), in any mix. */
const txtValuesArb = fc.array(
  fc.constantFrom(heritage(ME), heritage(ME, 'service/default/old'), heritage('them'), SPF),
  { maxLength: 3 },
);
const slotArb = fc.record({
  record: fc.option(targetArb, { nil: undefined }),
  typedTxt: fc.option(txtValuesArb, { nil: undefined }),
  desired: fc.option(targetArb, { nil: undefined }),
  resource: fc.constantFrom(undefined, 'service/default/web'),
});
const hostArb = fc.record({
  legacyTxt: fc.option(txtValuesArb, { nil: undefined }),
  mx: fc.boolean(),
  slots: fc.tuple(slotArb, slotArb),
});
const zoneArb = fc.array(hostArb, { minLength: HOSTS.length, maxLength: HOSTS.length });

const strip = (name: string) => name.replace(/\.$/, '');
const keyOf = (rs: RecordSet) => `${strip(rs.Name)}|${rs.Type}`;
const typedTxtName = (host: string, type: DnsRecordType) => `${type.toLowerCase()}-${host}`;
const ownerIn = (value: string) =>
  /heritage=external-dns,external-dns\/owner=([^,"]+)/.exec(value)?.[1];
const isOurs = (value: string) => ownerIn(value) === ME;
const notOurs = (values: readonly string[]) => values.filter((v) => !isOurs(v));

function recordSet(host: string, type: DnsRecordType, t: Target): RecordSet {
  return t.kind === 'alias'
    ? {
        Name: `${host}.`,
        Type: type,
        AliasTarget: { DNSName: `${t.dns}.`, HostedZoneId: LB_ZONE, EvaluateTargetHealth: true },
      }
    : { Name: `${host}.`, Type: type, TTL: 60, ResourceRecords: [{ Value: t.value }] };
}
const txtSet = (name: string, values: readonly string[]): RecordSet => ({
  Name: `${name}.`,
  Type: 'TXT',
  TTL: 300,
  ResourceRecords: values.map((Value) => ({ Value })),
});

interface World {
  readonly zone: Map<string, RecordSet>;
  readonly desired: DesiredDnsRecord[];
}

function buildWorld(
  hosts: fc.Arbitrary<typeof zoneArb> extends never ? never : HostInput[],
): World {
  const zone = new Map<string, RecordSet>([[keyOf(SOA), SOA]]);
  const desired: DesiredDnsRecord[] = [];
  hosts.forEach((h, i) => {
    const host = HOSTS[i] as string;
    if (h.legacyTxt && h.legacyTxt.length > 0) zone.set(`${host}|TXT`, txtSet(host, h.legacyTxt));
    if (h.mx)
      zone.set(`${host}|MX`, {
        Name: `${host}.`,
        Type: 'MX',
        TTL: 300,
        ResourceRecords: [{ Value: '10 mail.example.net.' }],
      });
    TYPES.forEach((type, j) => {
      const s = h.slots[j];
      if (!s) return;
      if (s.record) zone.set(`${host}|${type}`, recordSet(host, type, s.record));
      if (s.typedTxt && s.typedTxt.length > 0) {
        const name = typedTxtName(host, type);
        zone.set(`${name}|TXT`, txtSet(name, s.typedTxt));
      }
      if (s.desired) {
        desired.push({
          name: host,
          type,
          target: s.desired.kind === 'alias' ? s.desired.dns : s.desired.value,
          ...(s.desired.kind === 'alias' ? { aliasZoneId: LB_ZONE } : {}),
          ...(s.resource ? { resource: s.resource } : {}),
        });
      }
    });
  });
  return { zone, desired };
}
type HostInput = (typeof zoneArb extends fc.Arbitrary<infer T> ? T : never)[number];

const txtValues = (zone: ReadonlyMap<string, RecordSet>, name: string): string[] =>
  (zone.get(`${name}|TXT`)?.ResourceRecords ?? []).map((r) => r.Value);

/** ExternalDNS ownership of one record, from the zone as it was before the plan. */
function ownership(
  zone: ReadonlyMap<string, RecordSet>,
  host: string,
  type: DnsRecordType,
): 'ours' | 'foreign' | 'none' {
  let owners = txtValues(zone, typedTxtName(host, type)).map(ownerIn).filter(Boolean);
  if (owners.length === 0) owners = txtValues(zone, host).map(ownerIn).filter(Boolean);
  if (owners.length === 0) return 'none';
  return owners.every((o) => o === ME) ? 'ours' : 'foreign';
}

/** A Route53 that checks what it is asked: CREATE must be new, DELETE must match exactly. */
function apply(zone: Map<string, RecordSet>, changes: readonly RecordChange[]): void {
  for (const c of changes) {
    const k = keyOf(c.ResourceRecordSet);
    const existing = zone.get(k);
    if (c.Action === 'CREATE') {
      expect(existing, `CREATE over an existing ${k}`).toBeUndefined();
      zone.set(k, c.ResourceRecordSet);
    } else if (c.Action === 'DELETE') {
      expect(existing, `DELETE of a different ${k}`).toStrictEqual(c.ResourceRecordSet);
      zone.delete(k);
    } else {
      zone.set(k, c.ResourceRecordSet);
    }
  }
}

test('property: under every policy, changes touch only records we own or create with our TXT', () => {
  fc.assert(
    fc.property(zoneArb, (hosts) => {
      const before = buildWorld(hosts);
      for (const policy of POLICIES) {
        const current = [...before.zone.values()].filter((rs) => rs !== SOA);
        const plan = planZone(current, before.desired, { policy });

        for (const group of plan.changes) {
          const created = new Set<string>();
          for (const c of group.changes) {
            const rs = c.ResourceRecordSet;
            const name = strip(rs.Name);
            expect(['A', 'AAAA', 'TXT']).toContain(rs.Type);
            if (rs.Type === 'TXT') continue;
            const type = rs.Type as DnsRecordType;
            expect(name).toBe(group.hostname);
            const owner = ownership(before.zone, name, type);
            if (owner === 'ours') {
              if (policy === 'create-only') expect(c.Action).not.toBe('UPSERT');
              if (policy !== 'sync' && c.Action === 'DELETE') {
                // Only to switch between alias and plain: the CREATE must follow.
                expect(
                  group.changes.some(
                    (x) => x.Action === 'CREATE' && keyOf(x.ResourceRecordSet) === keyOf(rs),
                  ),
                ).toBe(true);
              }
              continue;
            }
            // Not ours: only a CREATE of a name nobody holds, which claims it with our TXT.
            expect(owner).toBe('none');
            expect(c.Action).toBe('CREATE');
            expect(before.zone.has(`${name}|${type}`)).toBe(false);
            const claim = group.changes.find(
              (x) => strip(x.ResourceRecordSet.Name) === typedTxtName(name, type),
            );
            expect(claim?.Action).not.toBe('DELETE');
            expect(
              (claim?.ResourceRecordSet.ResourceRecords ?? []).some((r) => isOurs(r.Value)),
            ).toBe(true);
            created.add(`${name}|${type}`);
          }

          for (const c of group.changes) {
            const rs = c.ResourceRecordSet;
            if (rs.Type !== 'TXT') continue;
            const name = strip(rs.Name);
            const type = TYPES.find((t) => name === typedTxtName(group.hostname, t));
            // A TXT the plan touches is one of this hostname's ownership TXTs...
            expect(type !== undefined || name === group.hostname).toBe(true);
            // ...that vouches for a record we own or create now.
            const vouchedFor = type ? [type] : TYPES;
            expect(
              vouchedFor.some(
                (t) =>
                  ownership(before.zone, group.hostname, t) === 'ours' ||
                  created.has(`${group.hostname}|${t}`),
              ),
            ).toBe(true);
            // It keeps every value that is not ours, holds ours at most once, and a DELETE
            // removes only a TXT that held nothing but ours.
            const old = txtValues(before.zone, name);
            const now = c.Action === 'DELETE' ? [] : (rs.ResourceRecords ?? []).map((r) => r.Value);
            expect(notOurs(now)).toStrictEqual(notOurs(old));
            expect(now.filter(isOurs).length).toBeLessThanOrEqual(1);
            if (c.Action === 'DELETE') expect(notOurs(old)).toStrictEqual([]);
            // An unchanged TXT is never rewritten.
            expect(now).not.toStrictEqual(old);
          }
        }

        // Route53 accepts the changes, and nothing that is not ours changed.
        const after = new Map(before.zone);
        apply(
          after,
          plan.changes.flatMap((g) => g.changes),
        );
        for (const [k, rs] of before.zone) {
          const [name = '', type = ''] = k.split('|');
          if (type === 'A' || type === 'AAAA') {
            if (ownership(before.zone, name, type) !== 'ours')
              expect(after.get(k)).toStrictEqual(rs);
          } else if (type !== 'TXT') {
            expect(after.get(k)).toStrictEqual(rs);
          }
        }
      }
    }),
    { numRuns: 200 },
  );
});
