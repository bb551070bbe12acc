import type { HostedZoneRef } from './dns-record.ts';

/**
 * Canonical form for comparing DNS names: lower case, no trailing dot, and Route53's
 * octal escape for a leading wildcard (`\052`) turned back into `*`.
 */
export function normalizeDnsName(name: string): string {
  let n = name.trim().toLowerCase();
  if (n.endsWith('.')) n = n.slice(0, -1);
  return n.replace(/^\\052/, '*');
}

/** Route53 hands back zone ids as `/hostedzone/Z123`; the API accepts both, we keep the bare id. */
export function bareZoneId(id: string): string {
  return id.replace(/^\/?hostedzone\//, '');
}

/** Alias targets compare without case, trailing dot or the `dualstack.` prefix Route53 may add. */
export function normalizeAliasTarget(dnsName: string): string {
  return normalizeDnsName(dnsName).replace(/^dualstack\./, '');
}

function isInZone(hostname: string, zoneName: string): boolean {
  return zoneName === '' || hostname === zoneName || hostname.endsWith(`.${zoneName}`);
}

/**
 * The zones a hostname belongs in: those with the longest name that is a suffix of it on a
 * label boundary. Several zones tie only for split-horizon setups (a public and a private zone
 * of one name), and then the record belongs in each of them. Empty when no zone matches: the
 * caller reports that rather than guessing.
 */
export function selectZones(hostname: string, zones: readonly HostedZoneRef[]): HostedZoneRef[] {
  const host = normalizeDnsName(hostname);
  let best: HostedZoneRef[] = [];
  let bestLength = -1;
  for (const zone of zones) {
    const zoneName = normalizeDnsName(zone.name);
    if (!isInZone(host, zoneName)) continue;
    if (zoneName.length > bestLength) {
      best = [zone];
      bestLength = zoneName.length;
    } else if (zoneName.length === bestLength) {
      best.push(zone);
    }
  }
  return best;
}
