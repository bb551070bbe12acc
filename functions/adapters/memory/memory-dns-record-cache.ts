import { compareText } from '#adapters/memory/memory-event-log.ts';
import { canonical } from '#core/alerts/canonical.ts';
import type { CachedRecords, DnsRecordCache } from '#core/dns/dns-ports.ts';
import type { RecordChange, RecordSet } from '#core/dns/dns-record.ts';
import { bareZoneId, normalizeDnsName } from '#core/dns/dns-zone.ts';

interface CachedItem {
  readonly name: string;
  /** Absent for a tombstone: a record netledger deleted, kept so an older read cannot revive it. */
  readonly recordSet?: RecordSet;
  /** When the record set was seen (the start of a full read, or an applied change). */
  readonly at: string;
}

interface CachedZone {
  refreshedAt?: string;
  /** By `<name>#<type>#<set id>`, as the ledger keys them. */
  readonly items: Map<string, CachedItem>;
}

/**
 * Route53's record sets as last seen, per hosted zone, with the ledger cache's contract: an
 * item is written only over an older observation (a change applied at the same time as a read
 * saw it wins), deletes leave tombstones, zone ids are accepted with or without
 * `/hostedzone/`, names are compared normalized, and reads answer in the ledger's key order.
 * It also serves as the record store of `MemoryRoute53`, as the ledger cache does in local mode.
 */
export class MemoryDnsRecordCache implements DnsRecordCache {
  readonly #zones = new Map<string, CachedZone>();
  /** By load balancer ARN: the normalized hostnames it claimed. */
  readonly #claims = new Map<string, Set<string>>();

  async replaceZone(zoneId: string, recordSets: readonly RecordSet[], at: string): Promise<void> {
    const zone = this.#zone(zoneId);
    const seen = new Set<string>();
    for (const rs of recordSets) {
      const key = recordKey(rs);
      seen.add(key);
      const old = zone.items.get(key);
      if (old?.recordSet && canonical(old.recordSet) === canonical(rs)) continue;
      if (old && !(old.at < at)) continue;
      zone.items.set(key, { name: normalizeDnsName(rs.Name), recordSet: storable(rs), at });
    }
    for (const [key, old] of [...zone.items]) {
      if (!seen.has(key) && old.at < at) zone.items.delete(key);
    }
    if (zone.refreshedAt === undefined || zone.refreshedAt <= at) zone.refreshedAt = at;
  }

  async readZone(zoneId: string): Promise<CachedRecords> {
    const zone = this.#zones.get(bareZoneId(zoneId));
    return withRefreshedAt(
      zone?.refreshedAt,
      live(zone, () => true),
    );
  }

  async readNames(zoneId: string, names: readonly string[]): Promise<CachedRecords> {
    const zone = this.#zones.get(bareZoneId(zoneId));
    const unique = [...new Set(names.map(normalizeDnsName))];
    return withRefreshedAt(
      zone?.refreshedAt,
      unique.flatMap((name) => live(zone, (item) => item.name === name)),
    );
  }

  async applyChanges(zoneId: string, changes: readonly RecordChange[], at: string): Promise<void> {
    const zone = this.#zone(zoneId);
    for (const change of changes) {
      const rs = change.ResourceRecordSet;
      const key = recordKey(rs);
      const old = zone.items.get(key);
      // A change applied at the same time as a read saw it is at least as current.
      if (old && !(old.at <= at)) continue;
      const name = normalizeDnsName(rs.Name);
      zone.items.set(
        key,
        change.Action === 'DELETE' ? { name, at } : { name, recordSet: storable(rs), at },
      );
    }
  }

  async claimedHostnames(arns: readonly string[]): Promise<Map<string, string[]>> {
    return new Map(
      [...new Set(arns)].map((arn) => [arn, [...(this.#claims.get(arn) ?? [])].sort(compareText)]),
    );
  }

  async setClaimedHostnames(arn: string, hostnames: readonly string[], _at: string): Promise<void> {
    const wanted = new Set(hostnames.map(normalizeDnsName));
    if (wanted.size === 0) this.#claims.delete(arn);
    else this.#claims.set(arn, wanted);
  }

  #zone(zoneId: string): CachedZone {
    const id = bareZoneId(zoneId);
    let zone = this.#zones.get(id);
    if (!zone) {
      zone = { items: new Map() };
      this.#zones.set(id, zone);
    }
    return zone;
  }
}

function recordKey(rs: RecordSet): string {
  return `${normalizeDnsName(rs.Name)}#${rs.Type}#${rs.SetIdentifier ?? ''}`;
}

/** Live record sets in key order; copies, so a caller cannot change what is cached. */
function live(zone: CachedZone | undefined, where: (item: CachedItem) => boolean): RecordSet[] {
  if (!zone) return [];
  return [...zone.items.entries()]
    .filter(([, item]) => item.recordSet !== undefined && where(item))
    .sort(([a], [b]) => compareText(a, b))
    .map(([, item]) => storable(item.recordSet as RecordSet));
}

/** SDK shapes carry `undefined` members; like the ledger, keep the JSON of a record set. */
function storable(rs: RecordSet): RecordSet {
  return JSON.parse(JSON.stringify(rs)) as RecordSet;
}

function withRefreshedAt(refreshedAt: string | undefined, recordSets: RecordSet[]): CachedRecords {
  return refreshedAt === undefined ? { recordSets } : { refreshedAt, recordSets };
}
