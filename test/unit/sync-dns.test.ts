import { describe, expect, test } from 'vitest';
import { MemoryDnsRecordCache } from '#adapters/memory/memory-dns-record-cache.ts';
import { MemoryRoute53 } from '#adapters/memory/memory-route53.ts';
import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';
import { type DnsLoadBalancer, HOSTNAME_TAG } from '#core/dns/dns-desired.ts';
import type { CachedRecords, DnsZoneReader } from '#core/dns/dns-ports.ts';
import type { RecordChange, RecordSet } from '#core/dns/dns-record.ts';
import { encodeOwnership } from '#core/dns/dns-registry.ts';
import {
  type DnsSyncConfig,
  DnsZoneRefreshError,
  refreshZonesAndSync,
  type SyncDnsDeps,
  syncDns,
  syncDnsForLoadBalancers,
} from '#core/dns/sync-dns.ts';
import { InMemoryAlertStore } from '#test/helpers/capacity-fakes.ts';

const ZONE = { id: 'Z1', name: 'example.com' };
const OTHER_ZONE = { id: 'Z2', name: 'example.org' };
const OWNER = 'me';
const NOW = '2026-11-21T10:00:00.000Z';
const LATER = '2026-11-21T10:10:00.000Z';

function lb(
  name: string,
  hostnames: string,
  extra: Partial<DnsLoadBalancer> = {},
): DnsLoadBalancer {
  return {
    arn: `arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/${name}/00aa`,
    dnsName: `${name}.elb.amazonaws.com`,
    canonicalHostedZoneId: 'ZELB',
    ipAddressType: 'ipv4',
    tags: { [HOSTNAME_TAG]: hostnames },
    cluster: 'c1',
    ...extra,
  };
}

/**
 * The ledger's record cache (the memory adapter), watched: it counts the writes sync makes and
 * the names it reads. `seed` puts records in Route53 and in the cache as a full read would.
 */
class WatchedCache extends MemoryDnsRecordCache {
  writes = 0;
  readonly namesRead: string[] = [];

  constructor(private readonly route53: MemoryRoute53) {
    super();
  }

  async seed(zoneId: string, recordSets: RecordSet[], refreshedAt = NOW): Promise<void> {
    await this.route53.seed(zoneId, recordSets);
    await super.replaceZone(zoneId, recordSets, refreshedAt);
  }

  /** What the cache holds at one name and type. */
  async get(zoneId: string, name: string, type: string): Promise<RecordSet | undefined> {
    return (await super.readNames(zoneId, [name])).recordSets.find((rs) => rs.Type === type);
  }

  async claimsOf(arn: string): Promise<string[] | undefined> {
    return (await this.claimedHostnames([arn])).get(arn);
  }

  override async replaceZone(zoneId: string, recordSets: readonly RecordSet[], at: string) {
    this.writes++;
    await super.replaceZone(zoneId, recordSets, at);
  }

  override async readNames(zoneId: string, names: readonly string[]): Promise<CachedRecords> {
    this.namesRead.push(...names);
    return super.readNames(zoneId, names);
  }

  override async applyChanges(zoneId: string, changes: readonly RecordChange[], at: string) {
    this.writes++;
    await super.applyChanges(zoneId, changes, at);
  }

  override async setClaimedHostnames(arn: string, hostnames: readonly string[], at: string) {
    this.writes++;
    await super.setClaimedHostnames(arn, hostnames, at);
  }
}

function setup(config: Partial<DnsSyncConfig> = {}) {
  // Route53 keeps its own zones; the cache is what netledger last saw of them.
  const route53 = new MemoryRoute53(new MemoryDnsRecordCache(), { clock: () => new Date(NOW) });
  const dns = new WatchedCache(route53);
  const alerts = new InMemoryAlertStore();
  const sent: AlertNotification[] = [];
  let failNotify = false;
  const lbs: DnsLoadBalancer[] = [];
  const deps = (now = NOW): SyncDnsDeps => ({
    lbs: { listLoadBalancers: async () => [...lbs] },
    cache: dns,
    applier: route53,
    alerts,
    notifier: {
      notify: async (n) => {
        if (failNotify) throw new Error('SNS down');
        sent.push(n);
      },
    },
    config: {
      ownerId: OWNER,
      zones: [ZONE],
      policy: 'sync',
      txtPrefix: '',
      statics: [],
      dryRun: false,
      alertPolicy: { remindAfterSeconds: 3600 },
      ...config,
    },
    now,
  });
  return {
    dns,
    route53,
    alerts,
    sent,
    lbs,
    deps,
    setFailNotify: (v: boolean) => {
      failNotify = v;
    },
  };
}

const foreignA = (name: string): RecordSet[] => [
  {
    Name: `${name}.`,
    Type: 'A',
    AliasTarget: {
      DNSName: 'x.elb.amazonaws.com.',
      HostedZoneId: 'ZELB',
      EvaluateTargetHealth: true,
    },
  },
  {
    Name: `a-${name}.`,
    Type: 'TXT',
    TTL: 300,
    ResourceRecords: [{ Value: encodeOwnership('them') }],
  },
];

describe('syncDns', () => {
  test('dry run plans and reports, but writes nothing anywhere', async () => {
    // Prepare
    const w = setup({ dryRun: true });
    await w.dns.seed(ZONE.id, foreignA('taken.example.com'));
    w.lbs.push(lb('web', 'web.example.com,taken.example.com'));
    const log: string[] = [];

    // Act
    const result = await syncDns('all', { ...w.deps(), log: (m) => log.push(m) });

    // Assess
    expect(result.dryRun).toBe(true);
    expect(result.plan.create.map((r) => r.name)).toEqual(['web.example.com']);
    expect(result.wouldAlert.map((c) => c.subject)).toEqual(['taken.example.com|A']);
    expect(w.route53.sent).toEqual([]);
    expect(w.dns.writes).toBe(0);
    expect(w.alerts.writes).toEqual([]);
    expect(w.sent).toEqual([]);
    expect(log).toHaveLength(1);
  });

  test('a rejected change opens a dns-failure alert that resolves when the change goes through', async () => {
    // Prepare: records the cache never saw make Route53 reject the create
    const w = setup();
    await w.dns.seed(ZONE.id, []);
    const web = lb('web', 'web.example.com');
    w.lbs.push(web);
    await w.route53.seed(ZONE.id, foreignA('web.example.com'));

    // Act
    await syncDnsForLoadBalancers([web.arn], w.deps());
    await w.route53.remove(ZONE.id, foreignA('web.example.com'));
    await syncDnsForLoadBalancers([web.arn], w.deps(LATER));

    // Assess
    expect(w.sent.map((n) => [n.kind, n.type, n.subject])).toEqual([
      ['dns-failure', 'open', 'web.example.com'],
      ['dns-failure', 'resolve', 'web.example.com'],
    ]);
    expect(await w.dns.get(ZONE.id, 'web.example.com', 'A')).toBeDefined();
  });

  test('a zone the sweep never read is deferred: no change, no alert, the claim is kept', async () => {
    // Prepare
    const w = setup();
    const web = lb('web', 'web.example.com');
    w.lbs.push(web);

    // Act
    const result = await syncDnsForLoadBalancers([web.arn], w.deps());

    // Assess
    expect(result.deferredZones).toEqual([ZONE.id]);
    expect(w.route53.sent).toEqual([]);
    expect(w.alerts.writes).toEqual([]);
    expect(await w.dns.claimsOf(web.arn)).toEqual(['web.example.com']);
  });

  test('an event for one of two LBs claiming a hostname picks the same winner as the sweep', async () => {
    // Prepare: "a-first" has the lower ARN and wins; the event is about the other one.
    const w = setup();
    await w.dns.seed(ZONE.id, []);
    const winner = lb('a-first', 'web.example.com');
    const loser = lb('b-second', 'web.example.com');
    w.lbs.push(loser, winner);

    // Act
    const event = await syncDnsForLoadBalancers([loser.arn], w.deps());
    const sweep = await syncDns('all', w.deps(LATER));

    // Assess
    const record = await w.dns.get(ZONE.id, 'web.example.com', 'A');
    expect(record?.AliasTarget?.DNSName).toBe(winner.dnsName);
    expect(sweep.plan.changes).toEqual([]);
    expect(event.plan.conflicts.map((c) => c.reason)).toEqual(['duplicate-claim']);
    expect(w.sent.filter((n) => n.type === 'open').map((n) => n.subject)).toEqual([
      'web.example.com',
    ]);
  });

  test('a hostname that is also a TXT name of the event LB is not deleted from a partial read', async () => {
    // Prepare: another LB owns a record at a-web.example.com, which is also web's TXT name.
    const w = setup();
    await w.dns.seed(ZONE.id, []);
    const web = lb('web', 'web.example.com');
    const odd = lb('odd', 'a-web.example.com');
    w.lbs.push(web, odd);
    await syncDns('all', w.deps());
    const before = await w.dns.get(ZONE.id, 'a-web.example.com', 'A');

    // Act
    await syncDnsForLoadBalancers([web.arn], w.deps(LATER));

    // Assess
    expect(before).toBeDefined();
    expect(await w.dns.get(ZONE.id, 'a-web.example.com', 'A')).toEqual(before);
  });

  test('an event reads only its names and leaves alerts of other names alone', async () => {
    // Prepare: a conflict on taken.example.com is open; then an unrelated LB event arrives.
    const w = setup();
    await w.dns.seed(ZONE.id, foreignA('taken.example.com'));
    const taken = lb('taken', 'taken.example.com');
    const web = lb('web', 'web.example.com');
    w.lbs.push(taken, web);
    await syncDns('all', w.deps());
    w.dns.namesRead.length = 0;
    // The conflicting LB goes away, but only web's event is processed.
    w.lbs.splice(0, 1);

    // Act
    await syncDnsForLoadBalancers([web.arn], w.deps(LATER));

    // Assess
    expect(new Set(w.dns.namesRead)).toEqual(
      // The record, its per-type TXTs and the cname- TXT older ExternalDNS wrote for A aliases.
      new Set([
        'web.example.com',
        'a-web.example.com',
        'aaaa-web.example.com',
        'cname-web.example.com',
      ]),
    );
    expect((await w.alerts.listOpen()).map((r) => r.subject)).toEqual(['taken.example.com|A']);
  });

  test('a failed delivery is retried on the next sync and the error is rethrown', async () => {
    // Prepare
    const w = setup();
    await w.dns.seed(ZONE.id, foreignA('taken.example.com'));
    w.lbs.push(lb('taken', 'taken.example.com'));
    w.setFailNotify(true);

    // Act
    const first = syncDns('all', w.deps());
    await expect(first).rejects.toThrow('SNS down');
    w.setFailNotify(false);
    await syncDns('all', w.deps(LATER));

    // Assess
    expect(w.sent.map((n) => [n.kind, n.subject])).toEqual([
      ['dns-conflict', 'taken.example.com|A'],
    ]);
  });
});

describe('refreshZonesAndSync', () => {
  test('syncs the zones it could read and then reports the others', async () => {
    // Prepare
    const w = setup({ zones: [ZONE, OTHER_ZONE] });
    w.lbs.push(lb('web', 'web.example.com,web.example.org'));
    const reader: DnsZoneReader = {
      readZone: async (zoneId) => {
        if (zoneId === OTHER_ZONE.id) throw new Error('AccessDenied');
        return w.route53.readZone(zoneId);
      },
    };

    // Act
    const error = await refreshZonesAndSync({ ...w.deps(), reader }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(DnsZoneRefreshError);
    const { result, failures } = error as DnsZoneRefreshError;
    expect(failures.map((f) => f.zoneId)).toEqual([OTHER_ZONE.id]);
    expect(result.plan.create.map((r) => `${r.zoneId} ${r.name}`)).toEqual(['Z1 web.example.com']);
    expect(result.deferredZones).toEqual([OTHER_ZONE.id]);
    expect(await w.dns.get(ZONE.id, 'web.example.com', 'A')).toBeDefined();
    // Not being able to read a zone is not a DNS conflict.
    expect(w.sent).toEqual([]);
  });
});
