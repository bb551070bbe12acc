import { asciiOnly, checkHostname, type ToAscii } from '#core/dns/dns-hostname.ts';
import type { DesiredDnsRecord, DnsConflict, DnsRecordType } from '#core/dns/dns-record.ts';
import { normalizeDnsName } from '#core/dns/dns-zone.ts';

/** Tag the LB controller propagates from a Service/Ingress annotation; comma-separated hostnames. */
export const HOSTNAME_TAG = 'netledger/hostname';

/** A load balancer as the ledger knows it. */
export interface DnsLoadBalancer {
  readonly arn: string;
  readonly dnsName: string;
  readonly canonicalHostedZoneId: string;
  readonly ipAddressType: 'ipv4' | 'dualstack';
  readonly tags: Readonly<Record<string, string>>;
  readonly cluster?: string;
}

/** Static config: a hostname for an LB that cannot carry the tag, or for any alias target. */
export type StaticDnsEntry =
  | { readonly hostname: string; readonly loadBalancerArn: string }
  | {
      readonly hostname: string;
      readonly target: string;
      readonly aliasZoneId: string;
      readonly dualstack?: boolean;
      readonly resource?: string;
    };

/** A load balancer's hostname tag with entries that cannot become records; they get none. */
export interface InvalidHostnameTag {
  readonly loadBalancerArn: string;
  readonly tag: string;
  readonly entries: readonly { readonly value: string; readonly problem: string }[];
  readonly cluster?: string;
}

export interface DesiredDns {
  readonly records: DesiredDnsRecord[];
  readonly conflicts: DnsConflict[];
  /** Absent means none. */
  readonly invalid?: InvalidHostnameTag[];
}

interface Claim {
  readonly hostname: string;
  /** Sort key of the claimant: static config first, then the lowest ARN. */
  readonly rank: string;
  readonly claimant: string;
  readonly target: string;
  readonly aliasZoneId: string;
  readonly dualstack: boolean;
  readonly resource?: string;
  readonly cluster?: string;
}

export interface HostnameTagEntries {
  /** Valid entries in the form Route53 gets (punycode, lower case), without duplicates. */
  readonly names: string[];
  readonly invalid: { readonly value: string; readonly problem: string }[];
}

/**
 * The comma-separated entries of a hostname tag, each checked. Empty entries (`a.com,`) are
 * skipped; an entry that cannot be a hostname is returned with its reason, never as a name.
 */
export function checkHostnameTag(
  value: string | undefined,
  toAscii: ToAscii = asciiOnly,
): HostnameTagEntries {
  const names = new Set<string>();
  const invalid: { value: string; problem: string }[] = [];
  for (const entry of (value ?? '').split(',')) {
    if (entry.trim() === '') continue;
    const checked = checkHostname(entry, toAscii);
    if (checked.ok) names.add(checked.name);
    else invalid.push({ value: entry, problem: checked.problem });
  }
  return { names: [...names], invalid };
}

/** The valid hostnames of a tag value (see checkHostnameTag). */
export function parseHostnameTag(
  value: string | undefined,
  toAscii: ToAscii = asciiOnly,
): string[] {
  return checkHostnameTag(value, toAscii).names;
}

/** `namespace/name` (DNS-1123 names), or an ingress group name, as the LB controller tags it. */
const K8S_STACK = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?(\/[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)?$/;

/** `external-dns/resource` as ExternalDNS would write it for the Service/Ingress behind the LB. */
export function lbResource(lb: DnsLoadBalancer): string {
  // A stack tag with a comma, newline or quote is not a Kubernetes name: fall back to the LB's.
  const service = lb.tags['service.k8s.aws/stack'];
  if (service && K8S_STACK.test(service)) return `service/${service}`;
  const ingress = lb.tags['ingress.k8s.aws/stack'];
  if (ingress && K8S_STACK.test(ingress)) return `ingress/${ingress}`;
  // arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/<net|app>/<name>/<id>
  const name = lb.arn.split(':').slice(5).join(':').split('/')[2];
  return `loadbalancer/${name ?? lb.arn}`;
}

function lbClaim(lb: DnsLoadBalancer, hostname: string, rank: string): Claim {
  return {
    hostname,
    rank,
    claimant: lb.arn,
    target: lb.dnsName,
    aliasZoneId: lb.canonicalHostedZoneId,
    dualstack: lb.ipAddressType === 'dualstack',
    resource: lbResource(lb),
    ...(lb.cluster === undefined ? {} : { cluster: lb.cluster }),
  };
}

function typesOf(claim: Claim): DnsRecordType[] {
  return claim.dualstack ? ['A', 'AAAA'] : ['A'];
}

/**
 * Desired alias records from LB tags and static config. When several claimants want one
 * hostname the winner is deterministic (static config, then the lowest ARN) and every loser
 * becomes a conflict, so a re-run never flips between them.
 */
export function desiredFromLoadBalancers(
  loadBalancers: readonly DnsLoadBalancer[],
  statics: readonly StaticDnsEntry[] = [],
  toAscii: ToAscii = asciiOnly,
): DesiredDns {
  const conflicts: DnsConflict[] = [];
  const invalid: InvalidHostnameTag[] = [];
  const claims: Claim[] = [];
  const byArn = new Map(loadBalancers.map((lb) => [lb.arn, lb]));

  statics.forEach((entry, index) => {
    const hostname = normalizeDnsName(entry.hostname);
    const rank = `0:${String(index).padStart(8, '0')}`;
    if ('loadBalancerArn' in entry) {
      const lb = byArn.get(entry.loadBalancerArn);
      if (!lb) {
        conflicts.push({
          name: hostname,
          reason: 'unknown-load-balancer',
          detail: `static config points ${hostname} at ${entry.loadBalancerArn}, which is not in the ledger`,
        });
        return;
      }
      claims.push(lbClaim(lb, hostname, rank));
      return;
    }
    claims.push({
      hostname,
      rank,
      claimant: `static:${entry.target}`,
      target: entry.target,
      aliasZoneId: entry.aliasZoneId,
      dualstack: entry.dualstack ?? false,
      resource: entry.resource ?? `static/${hostname}`,
    });
  });
  for (const lb of loadBalancers) {
    const tag = checkHostnameTag(lb.tags[HOSTNAME_TAG], toAscii);
    for (const hostname of tag.names) claims.push(lbClaim(lb, hostname, `1:${lb.arn}`));
    if (tag.invalid.length > 0) {
      invalid.push({
        loadBalancerArn: lb.arn,
        tag: HOSTNAME_TAG,
        entries: tag.invalid,
        ...(lb.cluster === undefined ? {} : { cluster: lb.cluster }),
      });
    }
  }

  const byHost = new Map<string, Claim[]>();
  for (const claim of claims) {
    const list = byHost.get(claim.hostname) ?? [];
    list.push(claim);
    byHost.set(claim.hostname, list);
  }

  const records: DesiredDnsRecord[] = [];
  for (const hostname of [...byHost.keys()].sort()) {
    const list = (byHost.get(hostname) ?? []).sort((a, b) =>
      a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0,
    );
    const [winner, ...losers] = list;
    if (!winner) continue;
    const distinct = losers.filter((l) => l.claimant !== winner.claimant);
    if (distinct.length > 0) {
      conflicts.push({
        name: hostname,
        reason: 'duplicate-claim',
        detail: `${hostname} is claimed by ${[winner, ...distinct].map((c) => c.claimant).join(', ')}; ${winner.claimant} wins`,
        ...(winner.cluster === undefined ? {} : { cluster: winner.cluster }),
      });
    }
    for (const type of typesOf(winner)) {
      records.push({
        name: hostname,
        type,
        target: winner.target,
        aliasZoneId: winner.aliasZoneId,
        ...(winner.resource === undefined ? {} : { resource: winner.resource }),
        ...(winner.cluster === undefined ? {} : { cluster: winner.cluster }),
      });
    }
  }
  return { records, conflicts, ...(invalid.length > 0 ? { invalid } : {}) };
}

/** Every hostname one load balancer asks for: its tag, and static entries that name its ARN. */
export function hostnamesClaimedBy(
  lb: Pick<DnsLoadBalancer, 'arn' | 'tags'>,
  statics: readonly StaticDnsEntry[] = [],
  toAscii: ToAscii = asciiOnly,
): string[] {
  const names = new Set(parseHostnameTag(lb.tags[HOSTNAME_TAG], toAscii));
  for (const entry of statics) {
    if ('loadBalancerArn' in entry && entry.loadBalancerArn === lb.arn) {
      names.add(normalizeDnsName(entry.hostname));
    }
  }
  return [...names].sort();
}

/** Invalid tag entries as plan conflicts, for reports that list conflicts (the CLI's plan). */
export function invalidAsConflicts(invalid: readonly InvalidHostnameTag[] = []): DnsConflict[] {
  return invalid.flatMap((i) =>
    i.entries.map((e) => ({
      name: JSON.stringify(e.value),
      reason: 'invalid-hostname' as const,
      detail: `tag ${i.tag} of ${i.loadBalancerArn}: ${JSON.stringify(e.value)} ${e.problem}; no record, no Route53 call`,
      ...(i.cluster === undefined ? {} : { cluster: i.cluster }),
    })),
  );
}
