import { describe, expect, test } from 'vitest';
import { MemoryDnsRecordCache } from '#adapters/memory/memory-dns-record-cache.ts';
import { MemoryNotifier } from '#adapters/memory/memory-notifier.ts';
import { MemoryRoute53 } from '#adapters/memory/memory-route53.ts';
import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import { type DnsLoadBalancer, HOSTNAME_TAG, type StaticDnsEntry } from '#core/dns/dns-desired.ts';
import type { RecordSet } from '#core/dns/dns-record.ts';
import {
  type DnsSyncConfig,
  DnsZoneRefreshError,
  refreshZonesAndSync,
  type SyncDnsDeps,
  syncDns,
} from '#core/dns/sync-dns.ts';
import { InMemoryAlertStore } from '#test/helpers/capacity-fakes.ts';
import { aliasRecord, heritage, txtRecord } from '#test/helpers/route53-zone.ts';

// What the DNS sync use case decides around the plan: which names an event looks at,
// which zones wait, when Route53 is called at all, what it remembers per load balancer,
// and which cluster an alert names. On the memory adapters.

const ZONE = { id: 'Z1', name: 'example.com' };
const NOW = '2026-11-21T10:00:00.000Z';
const ARN = (name: string) =>
  `arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/${name}/00aa`;

function lb(
  name: string,
  hostnames: string,
  extra: Partial<DnsLoadBalancer> = {},
): DnsLoadBalancer {
  return {
    arn: ARN(name),
    dnsName: `${name}.elb.amazonaws.com`,
    canonicalHostedZoneId: 'ZIBE1TIR4HY56',
    ipAddressType: 'ipv4',
    tags: { [HOSTNAME_TAG]: hostnames },
    ...extra,
  };
}

class CountingCache extends MemoryDnsRecordCache {
  claimWrites = 0;
  override async setClaimedHostnames(arn: string, hostnames: readonly string[], at: string) {
    this.claimWrites++;
    await super.setClaimedHostnames(arn, hostnames, at);
  }
}

function world(config: Partial<DnsSyncConfig> = {}) {
  const cache = new CountingCache();
  const route53 = new MemoryRoute53(cache, { clock: () => new Date(NOW) });
  const alerts = new InMemoryAlertStore();
  const notifier = new MemoryNotifier();
  const lbs: DnsLoadBalancer[] = [];
  let lbReads = 0;
  const deps: SyncDnsDeps = {
    lbs: {
      listLoadBalancers: async () => {
        lbReads++;
        return [...lbs];
      },
    },
    cache,
    applier: route53,
    alerts,
    notifier,
    config: {
      ownerId: 'me',
      zones: [ZONE],
      policy: 'sync',
      txtPrefix: '',
      statics: [],
      dryRun: false,
      alertPolicy: { remindAfterSeconds: 3600 },
      ...config,
    },
    now: NOW,
  };
  /** Route53 and the cache agree, as after a sweep's full read. */
  const seed = async (recordSets: RecordSet[]) => cache.replaceZone(ZONE.id, recordSets, NOW);
  return { cache, route53, alerts, notifier, lbs, deps, seed, lbReads: () => lbReads };
}

const ours = (name: string, target: string): RecordSet[] => [
  aliasRecord(name, 'A', target),
  txtRecord(`a-${name}`, [heritage('me')]),
];
const theirs = (name: string): RecordSet[] => [
  aliasRecord(name, 'A', 'x.elb.amazonaws.com'),
  txtRecord(`a-${name}`, [heritage('them')]),
];

describe('what a sync looks at', () => {
  test('an event with no load balancer reads nothing and changes nothing', async () => {
    const w = world();
    const result = await syncDns({}, w.deps);
    expect(result).toStrictEqual({
      scope: 'load-balancers',
      dryRun: false,
      hostnames: [],
      plan: { create: [], update: [], delete: [], conflicts: [], changes: [] },
      deferredZones: [],
      alerts: [],
      wouldAlert: [],
    });
    expect(w.lbReads()).toBe(0);
  });

  test('a full sync names every desired and every changed hostname once, sorted', async () => {
    const w = world();
    await w.seed([...ours('old.example.com', 'lb-x.elb.amazonaws.com')]);
    w.lbs.push(lb('web', 'web.example.com'), lb('api', 'web.example.com,api.example.com'));
    const result = await syncDns('all', w.deps);
    expect(result.scope).toBe('all');
    expect(result.hostnames).toStrictEqual([
      'api.example.com',
      'old.example.com',
      'web.example.com',
    ]);
  });

  test('an event updates an owned record from a partial read that keeps its ownership TXT', async () => {
    const w = world();
    await w.seed([...ours('web.example.com', 'old.elb.amazonaws.com')]);
    const web = lb('web', 'web.example.com');
    w.lbs.push(web);
    const result = await syncDns({ loadBalancerArns: [web.arn] }, w.deps);
    expect(result.plan.conflicts).toStrictEqual([]);
    expect(result.plan.update.map((r) => r.target)).toStrictEqual(['web.elb.amazonaws.com']);
    expect(result.hostnames).toStrictEqual(['web.example.com']);
  });

  test('an event for an LB whose names are in no configured zone reads no zone', async () => {
    const w = world();
    const other = lb('other', 'x.example.org');
    w.lbs.push(other);
    const result = await syncDns({ loadBalancerArns: [other.arn] }, w.deps);
    expect(result.deferredZones).toStrictEqual([]);
    expect(result.plan.conflicts.map((c) => c.reason)).toStrictEqual(['no-zone']);
  });
});

describe('zones', () => {
  test('a zone the sweep never read waits; one listed twice is read once', async () => {
    const w = world({
      zones: [
        ZONE,
        { id: '/hostedzone/Z1', name: 'example.com' },
        { id: 'Z9', name: 'example.net' },
      ],
    });
    await w.seed([]);
    w.lbs.push(lb('web', 'web.example.com,web.example.net'));
    const result = await syncDns('all', w.deps);
    expect(result.deferredZones).toStrictEqual(['Z9']);
    expect(result.plan.create.map((r) => `${r.zoneId} ${r.name}`)).toStrictEqual([
      'Z1 web.example.com',
    ]);
  });

  test('the sweep reads each zone once and returns when every read worked', async () => {
    const w = world({ zones: [ZONE, { id: '/hostedzone/Z1', name: 'example.com.' }] });
    const reads: string[] = [];
    await w.route53.seed(ZONE.id, []);
    const result = await refreshZonesAndSync({
      ...w.deps,
      reader: {
        readZone: async (id) => {
          reads.push(id);
          return w.route53.readZone(id);
        },
      },
    });
    expect(reads).toStrictEqual(['Z1']);
    expect(result.deferredZones).toStrictEqual([]);
  });

  test('a failed zone read is reported after the other zones were synced, without a log', async () => {
    const w = world({ zones: [ZONE, { id: 'Z9', name: 'example.net' }] });
    w.lbs.push(lb('web', 'web.example.com'));
    const error = await refreshZonesAndSync({
      ...w.deps,
      reader: {
        readZone: async (id) => {
          if (id === 'Z9') throw new Error('AccessDenied');
          return [];
        },
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DnsZoneRefreshError);
    const refresh = error as DnsZoneRefreshError;
    expect(refresh.name).toBe('DnsZoneRefreshError');
    expect(refresh.failures.map((f) => f.zoneId)).toStrictEqual(['Z9']);
    expect(refresh.result.deferredZones).toStrictEqual(['Z9']);
    expect(refresh.result.plan.create.map((r) => r.name)).toStrictEqual(['web.example.com']);
  });
});

describe('Route53 and the cache are written only when something changes', () => {
  test('nothing to change: no Route53 call and no apply report', async () => {
    const w = world();
    await w.seed(ours('web.example.com', 'web.elb.amazonaws.com'));
    w.lbs.push(lb('web', 'web.example.com'));
    const result = await syncDns('all', w.deps);
    expect(w.route53.sent).toStrictEqual([]);
    expect('apply' in result).toBe(false);
  });

  test('a dry run needs no logger and raises no alert, but says what it would raise', async () => {
    const w = world({ dryRun: true });
    await w.seed(theirs('taken.example.com'));
    w.lbs.push(lb('web', 'taken.example.com', { cluster: 'blue' }));
    const result = await syncDns('all', w.deps);
    expect(result.dryRun).toBe(true);
    expect(result.alerts).toStrictEqual([]);
    expect(result.wouldAlert.map((c) => `${c.subject} ${c.cluster}`)).toStrictEqual([
      'taken.example.com|A blue',
    ]);
    expect('apply' in result).toBe(false);
  });

  test('an applied change is reported and lands in the cache', async () => {
    const w = world();
    await w.seed([]);
    w.lbs.push(lb('web', 'web.example.com'));
    const result = await syncDns('all', w.deps);
    expect(result.apply?.applied.map((g) => g.hostname)).toStrictEqual(['web.example.com']);
    expect(result.dryRun).toBe(false);
    const cached = await w.cache.readNames(ZONE.id, ['web.example.com']);
    expect(cached.recordSets.map((rs) => rs.Type)).toStrictEqual(['A']);
  });
});

describe('claims remembered per load balancer', () => {
  test('claims are written when they change and not when they stay the same', async () => {
    const w = world();
    await w.seed([]);
    const web = lb('web', 'b.example.com,a.example.com');
    w.lbs.push(web);

    await syncDns({ loadBalancerArns: [web.arn, web.arn] }, w.deps);
    const first = w.cache.claimWrites;
    await syncDns({ loadBalancerArns: [web.arn] }, w.deps);

    expect(first).toBe(1);
    expect(w.cache.claimWrites).toBe(1);
    expect((await w.cache.claimedHostnames([web.arn])).get(web.arn)).toStrictEqual([
      'a.example.com',
      'b.example.com',
    ]);
  });

  test('a deleted LB keeps the names whose changes failed and drops the rest', async () => {
    const w = world();
    await w.seed(ours('a.example.com', 'web.elb.amazonaws.com'));
    await w.cache.setClaimedHostnames(ARN('web'), ['a.example.com', 'b.example.com'], NOW);
    // b's record is ours in the cache but gone from Route53: its DELETE fails.
    await w.cache.applyChanges(
      ZONE.id,
      ours('b.example.com', 'web.elb.amazonaws.com').map((rs) => ({
        Action: 'CREATE' as const,
        ResourceRecordSet: rs,
      })),
      NOW,
    );
    const route53Only = new MemoryRoute53(new MemoryDnsRecordCache(), {
      clock: () => new Date(NOW),
    });
    await route53Only.seed(ZONE.id, ours('a.example.com', 'web.elb.amazonaws.com'));
    const result = await syncDns(
      { loadBalancerArns: [ARN('web')] },
      { ...w.deps, applier: route53Only },
    );

    expect(result.apply?.failed.map((f) => f.group.hostname)).toStrictEqual(['b.example.com']);
    expect((await w.cache.claimedHostnames([ARN('web')])).get(ARN('web'))).toStrictEqual([
      'b.example.com',
    ]);
  });
});

describe('which cluster an alert names', () => {
  const statics: StaticDnsEntry[] = [
    { hostname: 'cdn.example.com', target: 'd.cloudfront.net', aliasZoneId: 'Z2FD' },
  ];

  test.each<[string, Partial<DnsSyncConfig>, string]>([
    ['the configured cluster when no LB names one', { statics, cluster: 'main' }, 'main'],
    ['unknown when nothing names one', { statics }, 'unknown'],
    ['unknown when the configured cluster is empty', { statics, cluster: '' }, 'unknown'],
  ])('%s', async (_title, config, cluster) => {
    const w = world(config);
    await w.seed(theirs('cdn.example.com'));
    await syncDns('all', w.deps);
    expect(w.notifier.sent.map((n) => `${n.subject} ${n.cluster}`)).toStrictEqual([
      `cdn.example.com|A ${cluster}`,
    ]);
  });

  test("the LB's cluster, also for a duplicate claim only the conflict carries", async () => {
    const w = world({ cluster: 'main' });
    await w.seed(theirs('taken.example.com'));
    w.lbs.push(
      lb('a', 'taken.example.com,dup.example.com', { cluster: 'blue' }),
      lb('b', 'dup.example.com', { cluster: 'green' }),
    );
    await syncDns('all', w.deps);
    expect(w.notifier.sent.map((n) => `${n.subject} ${n.cluster}`).sort()).toStrictEqual([
      'dup.example.com blue',
      'taken.example.com|A blue',
    ]);
  });

  test('a failed change names the cluster of its LB', async () => {
    const w = world();
    await w.seed([]);
    // Route53 holds someone's record the cache never saw: the CREATE is refused.
    const route53 = new MemoryRoute53(new MemoryDnsRecordCache(), { clock: () => new Date(NOW) });
    await route53.seed(ZONE.id, theirs('web.example.com'));
    w.lbs.push(lb('web', 'web.example.com', { cluster: 'blue' }));
    await syncDns('all', { ...w.deps, applier: route53 });
    expect(w.notifier.sent.map((n) => `${n.kind} ${n.cluster}`)).toStrictEqual([
      'dns-failure blue',
    ]);
  });
});

describe('which open alerts a sync may resolve', () => {
  const open = (kind: AlertRecord['kind'], subject: string, name: string): AlertRecord => ({
    kind,
    subject,
    cluster: 'c1',
    status: 'open',
    severity: 'warning',
    title: 't',
    summary: 's',
    facts: { name },
    openedAt: NOW,
    lastNotifiedAt: NOW,
    notifyCount: 1,
    notifiedSeverity: 'warning',
  });

  test('DNS alerts of names it evaluated, not of deferred zones, not of other kinds', async () => {
    const w = world({ zones: [ZONE, { id: 'Z9', name: 'example.net' }] });
    await w.seed([]);
    await w.alerts.put(open('dns-conflict', 'gone.example.com|A', 'gone.example.com'));
    await w.alerts.put(open('dns-conflict', 'wait.example.net|A', 'wait.example.net'));
    await w.alerts.put(open('stale-target', 'gone.example.com', 'gone.example.com'));
    await syncDns('all', w.deps);
    expect(w.notifier.sent.map((n) => `${n.type} ${n.subject}`)).toStrictEqual([
      'resolve gone.example.com|A',
    ]);
  });
});

describe('event syncs stay within their load balancers', () => {
  test("another LB's names are neither planned nor reported by an event", async () => {
    const w = world();
    await w.seed([
      ...theirs('taken.example.com'),
      ...ours('b.example.com', 'old.elb.amazonaws.com'),
    ]);
    const a = lb('a', 'a.example.com');
    w.lbs.push(a, lb('b', 'b.example.com,taken.example.com'));
    const result = await syncDns({ loadBalancerArns: [a.arn] }, w.deps);
    expect(result.plan.changes.map((g) => g.hostname)).toStrictEqual(['a.example.com']);
    expect(result.plan.conflicts).toStrictEqual([]);
  });

  test.each<{ title: string; event: string; kinds: string[]; conflicts: string[] }>([
    {
      title: "an event for another LB leaves two LBs' duplicate claim and a bad tag alone",
      event: 'a',
      kinds: [],
      conflicts: [],
    },
    {
      title: 'an event for the LB with the bad tag alerts on it, and on its duplicate claim',
      event: 'b',
      kinds: ['dns-conflict', 'dns-invalid'],
      conflicts: ['duplicate-claim'],
    },
  ])('$title', async ({ event, kinds, conflicts }) => {
    const w = world();
    await w.seed([]);
    w.lbs.push(
      lb('a', 'a.example.com'),
      lb('b', 'dup.example.com,bad name'),
      lb('c', 'dup.example.com'),
    );

    const result = await syncDns({ loadBalancerArns: [ARN(event)] }, w.deps);

    expect(result.plan.conflicts.map((c) => c.reason)).toStrictEqual(conflicts);
    expect((await w.alerts.listOpen()).map((r) => r.kind).sort()).toStrictEqual(kinds);
  });

  test('each zone is asked only for the names that belong in it', async () => {
    const w = world({ zones: [ZONE, { id: 'Z9', name: 'example.net' }] });
    await w.seed([]);
    await w.cache.replaceZone('Z9', [], NOW);
    const asked: string[] = [];
    const readNames = w.cache.readNames.bind(w.cache);
    w.cache.readNames = async (zoneId, names) => {
      asked.push(`${zoneId}: ${names.join(' ')}`);
      return readNames(zoneId, names);
    };
    const web = lb('web', 'a.example.com,b.example.net');
    w.lbs.push(web);
    await syncDns({ loadBalancerArns: [web.arn] }, w.deps);
    // The first reads are the sync's; the memory Route53 reads the same store to check changes.
    expect(asked.slice(0, 2)).toStrictEqual([
      'Z1: a.example.com a-a.example.com aaaa-a.example.com cname-a.example.com',
      'Z9: b.example.net a-b.example.net aaaa-b.example.net cname-b.example.net',
    ]);
  });

  test('a gone LB keeps its names in a zone that waits for a sweep, and drops the rest', async () => {
    const w = world({ zones: [ZONE, { id: 'Z9', name: 'example.net' }] });
    await w.seed(ours('a.example.com', 'gone.elb.amazonaws.com'));
    await w.cache.setClaimedHostnames(ARN('gone'), ['a.example.com', 'x.example.net'], NOW);
    const result = await syncDns({ loadBalancerArns: [ARN('gone')] }, w.deps);
    expect(result.plan.delete.map((r) => r.name)).toStrictEqual(['a.example.com']);
    expect(result.deferredZones).toStrictEqual(['Z9']);
    expect((await w.cache.claimedHostnames([ARN('gone')])).get(ARN('gone'))).toStrictEqual([
      'x.example.net',
    ]);
  });

  test('a retagged LB remembers its new names', async () => {
    const w = world();
    await w.seed([]);
    await w.cache.setClaimedHostnames(ARN('web'), ['a.example.com', 'b.example.com'], NOW);
    w.lbs.push(lb('web', 'a.example.com,c.example.com'));
    await syncDns({ loadBalancerArns: [ARN('web')] }, w.deps);
    expect((await w.cache.claimedHostnames([ARN('web')])).get(ARN('web'))).toStrictEqual([
      'a.example.com',
      'c.example.com',
    ]);
  });
});

describe('what a sync tells the operator', () => {
  test('a dry run logs each change it would make', async () => {
    const w = world({ dryRun: true });
    await w.seed([]);
    w.lbs.push(lb('web', 'web.example.com'));
    const log: [string, unknown][] = [];
    await syncDns('all', { ...w.deps, log: (message, data) => log.push([message, data]) });
    expect(log).toStrictEqual([
      [
        expect.any(String),
        {
          scope: 'all',
          create: 1,
          update: 0,
          delete: 0,
          conflicts: 0,
          changes: ['CREATE A web.example.com (Z1)', 'CREATE TXT a-web.example.com (Z1)'],
        },
      ],
    ]);
  });

  test('the sweep logs a zone it could not read, and a stale copy of it is not used', async () => {
    const w = world({ zones: [ZONE, { id: 'Z9', name: 'example.net' }] });
    await w.cache.replaceZone('Z9', [], '2026-11-20T00:00:00.000Z');
    w.lbs.push(lb('web', 'web.example.net'));
    const log: [string, unknown][] = [];
    const error: DnsZoneRefreshError = await refreshZonesAndSync({
      ...w.deps,
      log: (message, data) => log.push([message, data]),
      reader: {
        readZone: async (id) => {
          if (id === 'Z9') throw new Error('AccessDenied');
          return [];
        },
      },
    }).then(
      () => {
        throw new Error('expected the refresh to fail');
      },
      (e: unknown) => e as DnsZoneRefreshError,
    );
    expect(log).toStrictEqual([[expect.any(String), { zoneId: 'Z9', error: 'AccessDenied' }]]);
    expect(error.result.scope).toBe('all');
    expect(error.result.deferredZones).toStrictEqual(['Z9']);
    expect(error.result.plan.changes).toStrictEqual([]);
  });

  test('zones that wait are listed in id order', async () => {
    const w = world({
      zones: [
        { id: 'Z9', name: 'example.net' },
        { id: 'Z5', name: 'example.io' },
      ],
    });
    const result = await syncDns('all', w.deps);
    expect(result.deferredZones).toStrictEqual(['Z5', 'Z9']);
  });
});

// Equivalent mutants in syncDns and its helpers: uniqueZones keeping the last of two refs to
// one zone id (both name the same zone); a full sync remembering claims too, or seeding its
// `arns` with a bogus entry (a full sync has no load balancers of its own to remember, and
// rememberClaims runs only for events); `claims.get(arn) ?? []`'s fallback (the cache answers
// every ARN it is asked about); and settleDnsAlerts' `if (settled)` (every condition it
// settles is active or clears an open alert, so there is always a record).

describe('invalid hostname tags across syncs', () => {
  test("an invalid-tag alert is resolved by its own LB's event once the tag is fixed, not by another LB's", async () => {
    const w = world();
    await w.seed([]);
    const b = lb('b', 'b.example.com,bad name');
    w.lbs.push(lb('a', 'a.example.com'), b);
    await syncDns('all', w.deps);
    const invalidOpen = async () =>
      (await w.alerts.listOpen())
        .filter((r) => r.kind === 'dns-invalid')
        .map((r) => r.facts.loadBalancer);
    expect(await invalidOpen()).toStrictEqual([b.arn]);

    w.lbs[1] = lb('b', 'b.example.com');
    await syncDns({ loadBalancerArns: [ARN('a')] }, w.deps);
    expect(await invalidOpen()).toStrictEqual([b.arn]);

    await syncDns({ loadBalancerArns: [ARN('b')] }, w.deps);
    expect(await invalidOpen()).toStrictEqual([]);
  });

  test.each<{ title: string; lbCluster?: string; configCluster?: string; cluster: string }>([
    { title: "the LB's own cluster", lbCluster: 'blue', configCluster: 'prod', cluster: 'blue' },
    { title: 'else the configured cluster', configCluster: 'prod', cluster: 'prod' },
    { title: 'else the unknown one', cluster: 'unknown' },
  ])(
    'an invalid-tag alert names $title, and the refused entries are logged',
    async ({ lbCluster, configCluster, cluster }) => {
      const w = world(configCluster === undefined ? {} : { cluster: configCluster });
      const logged: string[] = [];
      const deps = { ...w.deps, log: (message: string) => logged.push(message) };
      await w.seed([]);
      w.lbs.push(lb('b', 'bad name', lbCluster === undefined ? {} : { cluster: lbCluster }));

      await syncDns('all', deps);

      const [alert] = (await w.alerts.listOpen()).filter((r) => r.kind === 'dns-invalid');
      expect(alert?.cluster).toBe(cluster);
      expect(logged.filter((m) => m.includes('refused'))).toHaveLength(1);
    },
  );

  test('a gone LB keeps a name one of whose two zones waits for a sweep (split horizon)', async () => {
    const w = world({ zones: [ZONE, { id: 'Z2', name: 'example.com', private: true }] });
    await w.seed([]);
    await w.cache.setClaimedHostnames(ARN('gone'), ['a.example.com'], NOW);

    await syncDns({ loadBalancerArns: [ARN('gone')] }, w.deps);

    expect((await w.cache.claimedHostnames([ARN('gone')])).get(ARN('gone'))).toStrictEqual([
      'a.example.com',
    ]);
  });

  test("an event's hostnames come sorted, whatever order its load balancers came in", async () => {
    const w = world();
    await w.seed([]);
    w.lbs.push(lb('one', 'b.example.com'), lb('two', 'a.example.com'));
    const result = await syncDns({ loadBalancerArns: [ARN('one'), ARN('two')] }, w.deps);
    expect(result.hostnames).toStrictEqual(['a.example.com', 'b.example.com']);
  });
});
