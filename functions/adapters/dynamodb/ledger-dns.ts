import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expiresAt, keys, RETENTION_SECONDS } from '#adapters/dynamodb/ledger-keys.ts';
import { type Guard, type Item, LedgerTable } from '#adapters/dynamodb/ledger-table.ts';
import { canonical } from '#core/alerts/canonical.ts';
import type { CachedRecords, DnsRecordCache } from '#core/dns/dns-ports.ts';
import type { RecordChange, RecordSet } from '#core/dns/dns-record.ts';
import { bareZoneId, normalizeDnsName } from '#core/dns/dns-zone.ts';

/**
 * An item is written only over an older observation: `at` is the time the record set was
 * seen (the start of a full read, or an applied change), so a slow sweep that read Route53
 * before netledger changed a record cannot put the old record back. A write that loses is
 * obsolete, not an error: its 'stale' answer is ignored.
 */
const seenBefore = (at: string, orSame = false): Guard => ({
  condition: `(attribute_not_exists(#at) OR #at ${orSame ? '<=' : '<'} :at)`,
  names: { '#at': 'at' },
  values: { ':at': at },
});

/** Conditional puts are one request each; this many run at once during a full refresh. */
const WRITE_CONCURRENCY = 16;

function recordKey(zoneId: string, rs: RecordSet) {
  return keys.dnsRecord(
    bareZoneId(zoneId),
    normalizeDnsName(rs.Name),
    rs.Type,
    rs.SetIdentifier ?? '',
  );
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(run));
  }
}

/**
 * The DNS half of the ledger: Route53 record sets cached per hosted zone (one query per zone,
 * one per name), and the hostnames each load balancer claimed. Deleted records stay as
 * tombstones until their TTL so an older full read cannot resurrect them.
 */
export class DynamoDnsRecordCache implements DnsRecordCache {
  private readonly table: LedgerTable;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.table = new LedgerTable(db, tableName);
  }

  async replaceZone(zoneId: string, recordSets: readonly RecordSet[], at: string): Promise<void> {
    const zone = bareZoneId(zoneId);
    const existing = new Map<string, Item>();
    for (const item of await this.queryZone(zone, keys.dnsRecordPrefix())) {
      existing.set(String(item.SK), item);
    }
    const writes: { key: ReturnType<typeof recordKey>; rs: RecordSet }[] = [];
    const seen = new Set<string>();
    for (const rs of recordSets) {
      const key = recordKey(zone, rs);
      seen.add(key.SK);
      const old = existing.get(key.SK);
      if (old && old.deleted !== true && canonical(old.recordSet) === canonical(rs)) continue;
      writes.push({ key, rs });
    }
    await inBatches(writes, WRITE_CONCURRENCY, async ({ key, rs }) => {
      const item = { ...key, entity: 'dns-record', zoneId: zone, recordSet: storable(rs), at };
      await this.table.put(item, seenBefore(at));
    });
    const gone = [...existing.values()].filter((item) => !seen.has(String(item.SK)));
    await inBatches(gone, WRITE_CONCURRENCY, async (item) => {
      await this.table.delete({ PK: item.PK, SK: item.SK }, seenBefore(at));
    });
    await this.table.put(
      {
        ...keys.dnsZone(zone),
        entity: 'dns-zone',
        zoneId: zone,
        refreshedAt: at,
        recordCount: recordSets.length,
      },
      {
        condition: '(attribute_not_exists(refreshedAt) OR refreshedAt <= :at)',
        values: { ':at': at },
      },
    );
  }

  async readZone(zoneId: string): Promise<CachedRecords> {
    const zone = bareZoneId(zoneId);
    const [refreshedAt, items] = await Promise.all([
      this.refreshedAt(zone),
      this.queryZone(zone, keys.dnsRecordPrefix()),
    ]);
    return withRefreshedAt(refreshedAt, live(items));
  }

  async readNames(zoneId: string, names: readonly string[]): Promise<CachedRecords> {
    const zone = bareZoneId(zoneId);
    const unique = [...new Set(names.map(normalizeDnsName))];
    const [refreshedAt, perName] = await Promise.all([
      this.refreshedAt(zone),
      Promise.all(unique.map((name) => this.queryZone(zone, keys.dnsRecordPrefix(name)))),
    ]);
    return withRefreshedAt(refreshedAt, live(perName.flat()));
  }

  async applyChanges(zoneId: string, changes: readonly RecordChange[], at: string): Promise<void> {
    const zone = bareZoneId(zoneId);
    for (const change of changes) {
      const key = recordKey(zone, change.ResourceRecordSet);
      const item: Item =
        change.Action === 'DELETE'
          ? {
              ...key,
              entity: 'dns-record',
              zoneId: zone,
              deleted: true,
              at,
              expiresAt: expiresAt(at, RETENTION_SECONDS.tombstone),
            }
          : {
              ...key,
              entity: 'dns-record',
              zoneId: zone,
              recordSet: storable(change.ResourceRecordSet),
              at,
            };
      // A change applied at the same time as a read saw it is at least as current.
      await this.table.put(item, seenBefore(at, true));
    }
  }

  async claimedHostnames(arns: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    await Promise.all(
      [...new Set(arns)].map(async (arn) => {
        const items = await this.table.query({
          ConsistentRead: true,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
          ExpressionAttributeValues: {
            ':pk': keys.lbHostname(arn, '').PK,
            ':sk': keys.lbHostnamePrefix,
          },
        });
        out.set(
          arn,
          items.map((i) => String(i.hostname)),
        );
      }),
    );
    return out;
  }

  async setClaimedHostnames(arn: string, hostnames: readonly string[], at: string): Promise<void> {
    const wanted = new Set(hostnames.map(normalizeDnsName));
    const current = (await this.claimedHostnames([arn])).get(arn) ?? [];
    for (const hostname of current) {
      if (wanted.has(hostname)) continue;
      await this.table.delete(keys.lbHostname(arn, hostname));
    }
    const have = new Set(current);
    for (const hostname of wanted) {
      if (have.has(hostname)) continue;
      await this.table.put({
        ...keys.lbHostname(arn, hostname),
        entity: 'lb-hostname',
        arn,
        hostname,
        at,
      });
    }
  }

  private async refreshedAt(zone: string): Promise<string | undefined> {
    const item = await this.table.get(keys.dnsZone(zone));
    return item?.refreshedAt === undefined ? undefined : String(item.refreshedAt);
  }

  private queryZone(zone: string, prefix: string): Promise<Item[]> {
    return this.table.query({
      ConsistentRead: true,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': keys.dnsZonePartition(zone), ':sk': prefix },
    });
  }
}

/** SDK shapes carry `undefined` members, which DynamoDB cannot store; JSON drops them. */
function storable(rs: RecordSet): RecordSet {
  return JSON.parse(JSON.stringify(rs)) as RecordSet;
}

function live(items: readonly Item[]): RecordSet[] {
  return items.filter((i) => i.deleted !== true).map((i) => i.recordSet as RecordSet);
}

function withRefreshedAt(refreshedAt: string | undefined, recordSets: RecordSet[]): CachedRecords {
  return refreshedAt === undefined ? { recordSets } : { refreshedAt, recordSets };
}
