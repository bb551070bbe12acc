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

export interface DesiredDns {
  readonly records: DesiredDnsRecord[];
  readonly conflicts: DnsConflict[];
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

export function parseHostnameTag(value: string | undefined): string[] {
  if (!value) return [];
  return [
    ...new Set(
      value
        .split(',')
        .map(normalizeDnsName)
        .filter((h) => h.length > 0),
    ),
  ];
}

/** `external-dns/resource` as ExternalDNS would write it for the Service/Ingress behind the LB. */
export function lbResource(lb: DnsLoadBalancer): string {
  const service = lb.tags['service.k8s.aws/stack'];
  if (service) return `service/${service}`;
  const ingress = lb.tags['ingress.k8s.aws/stack'];
  if (ingress) return `ingress/${ingress}`;
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
): DesiredDns {
  const conflicts: DnsConflict[] = [];
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
    for (const hostname of parseHostnameTag(lb.tags[HOSTNAME_TAG])) {
      claims.push(lbClaim(lb, hostname, `1:${lb.arn}`));
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
  return { records, conflicts };
}

/** Every hostname one load balancer asks for: its tag, and static entries that name its ARN. */
export function hostnamesClaimedBy(
  lb: Pick<DnsLoadBalancer, 'arn' | 'tags'>,
  statics: readonly StaticDnsEntry[] = [],
): string[] {
  const names = new Set(parseHostnameTag(lb.tags[HOSTNAME_TAG]));
  for (const entry of statics) {
    if ('loadBalancerArn' in entry && entry.loadBalancerArn === lb.arn) {
      names.add(normalizeDnsName(entry.hostname));
    }
  }
  return [...names].sort();
}
