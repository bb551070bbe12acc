import { type DnsPlanOptions, planDns } from '#core/dns/dns-plan.ts';
import type {
  DesiredDnsRecord,
  DnsPlan,
  DnsRecordType,
  RecordChange,
  RecordSet,
} from '#core/dns/dns-record.ts';

/** Builders for Route53 zones as ListResourceRecordSets returns them, for DNS plan tests. */

export const ZONE = { id: 'Z1', name: 'example.com' };
export const LB_ZONE = 'ZIBE1TIR4HY56';

export const SOA: RecordSet = {
  Name: 'example.com.',
  Type: 'SOA',
  TTL: 900,
  ResourceRecords: [
    { Value: 'ns-1.awsdns-00.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400' },
  ],
};

export function aliasRecord(name: string, type: DnsRecordType, target: string): RecordSet {
  return {
    Name: `${name}.`,
    Type: type,
    AliasTarget: { DNSName: `${target}.`, HostedZoneId: LB_ZONE, EvaluateTargetHealth: true },
  };
}

export function plainRecord(
  name: string,
  type: DnsRecordType,
  values: readonly string[],
  ttl = 60,
): RecordSet {
  return {
    Name: `${name}.`,
    Type: type,
    TTL: ttl,
    ResourceRecords: values.map((Value) => ({ Value })),
  };
}

/** An ExternalDNS heritage value, quoted as Route53 stores it. */
export function heritage(owner: string, resource?: string): string {
  const labels = [`heritage=external-dns`, `external-dns/owner=${owner}`];
  if (resource) labels.push(`external-dns/resource=${resource}`);
  return `"${labels.join(',')}"`;
}

export function txtRecord(name: string, values: readonly string[]): RecordSet {
  return {
    Name: `${name}.`,
    Type: 'TXT',
    TTL: 300,
    ResourceRecords: values.map((Value) => ({ Value })),
  };
}

export function wantAlias(
  name: string,
  target: string,
  type: DnsRecordType = 'A',
  extra: Partial<DesiredDnsRecord> = {},
): DesiredDnsRecord {
  return { name, type, target, aliasZoneId: LB_ZONE, ...extra };
}

export function wantPlain(
  name: string,
  address: string,
  type: DnsRecordType = 'A',
  extra: Partial<DesiredDnsRecord> = {},
): DesiredDnsRecord {
  return { name, type, target: address, ...extra };
}

export function planZone(
  current: readonly RecordSet[],
  desired: readonly DesiredDnsRecord[],
  extra: Partial<DnsPlanOptions> = {},
): DnsPlan {
  return planDns(
    { snapshots: [{ zone: ZONE, recordSets: [SOA, ...current] }], desired },
    { ownerId: 'me', zones: [ZONE], ...extra },
  );
}

export const allChanges = (plan: DnsPlan): RecordChange[] => plan.changes.flatMap((g) => g.changes);
