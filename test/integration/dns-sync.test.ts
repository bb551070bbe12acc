import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  ChangeResourceRecordSetsCommand,
  type ChangeResourceRecordSetsCommandInput,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, test } from 'vitest';
import { DynamoAlertStore } from '#adapters/dynamodb/ledger-alerts.ts';
import { DynamoDnsRecordCache } from '#adapters/dynamodb/ledger-dns.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import { Route53Applier } from '#adapters/route53/route53-applier.ts';
import { Route53Caller } from '#adapters/route53/route53-call.ts';
import { Route53ZoneReader } from '#adapters/route53/route53-zone-reader.ts';
import { type Clock, route53RateLimiter } from '#adapters/route53/token-bucket.ts';
import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';
import { HOSTNAME_TAG } from '#core/dns/dns-desired.ts';
import { TargetLedgerLoadBalancers } from '#core/dns/dns-load-balancers.ts';
import type { DnsPolicy, RecordSet } from '#core/dns/dns-record.ts';
import { encodeOwnership, namesForHostname } from '#core/dns/dns-registry.ts';
import { normalizeDnsName } from '#core/dns/dns-zone.ts';
import {
  type DnsSyncConfig,
  refreshZonesAndSync,
  type SyncDnsDeps,
  syncDnsForLoadBalancers,
} from '#core/dns/sync-dns.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';

const ZONE = { id: 'Z0EXAMPLE1', name: 'example.com' };
const OWNER = 'netledger-test';
const ELB_ZONE = 'ZIBE1TIR4HY56';
const arnOf = (name: string) =>
  `arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:loadbalancer/net/${name}/0123456789abcdef`;
const dnsOf = (name: string) => `${name}-0123456789abcdef.elb.ap-northeast-2.amazonaws.com`;

const r53 = mockClient(Route53Client);
const route53 = new Route53Client({ region: 'us-east-1' });

const rrKey = (rs: { Name?: string; Type?: string; SetIdentifier?: string }) =>
  `${normalizeDnsName(rs.Name ?? '')}|${rs.Type}|${rs.SetIdentifier ?? ''}`;

/** What Route53 compares when a DELETE must match: values, TTL and alias target. */
function content(rs: ResourceRecordSet | RecordSet): string {
  return JSON.stringify({
    ttl: rs.TTL ?? null,
    values: (rs.ResourceRecords ?? []).map((r) => r.Value),
    alias: rs.AliasTarget
      ? [normalizeDnsName(rs.AliasTarget.DNSName ?? ''), rs.AliasTarget.HostedZoneId]
      : null,
  });
}

/**
 * One hosted zone served through aws-sdk-client-mock with Route53's rules: a batch is
 * all-or-nothing, CREATE fails on an existing record set, DELETE needs an exact match.
 */
function fakeRoute53() {
  const records = new Map<string, ResourceRecordSet>();
  const calls = { list: 0, change: 0 };
  r53.reset();
  r53.on(ListResourceRecordSetsCommand).callsFake(() => {
    calls.list++;
    return { ResourceRecordSets: [...records.values()], IsTruncated: false, MaxItems: 300 };
  });
  r53
    .on(ChangeResourceRecordSetsCommand)
    .callsFake((input: ChangeResourceRecordSetsCommandInput) => {
      calls.change++;
      const next = new Map(records);
      const problems: string[] = [];
      for (const change of input.ChangeBatch?.Changes ?? []) {
        const rs = change.ResourceRecordSet as ResourceRecordSet;
        const key = rrKey(rs);
        const where = `[name='${rs.Name}', type='${rs.Type}']`;
        const existing = next.get(key);
        if (change.Action === 'CREATE' && existing) problems.push(`${where} already exists`);
        else if (change.Action === 'DELETE' && (!existing || content(existing) !== content(rs)))
          problems.push(`${where} not found or values differ`);
        else if (change.Action === 'DELETE') next.delete(key);
        else next.set(key, { ...rs, Name: `${normalizeDnsName(rs.Name ?? '')}.` });
      }
      if (problems.length > 0) {
        throw new InvalidChangeBatch({
          message: problems.join('; '),
          messages: problems,
          $metadata: {},
        });
      }
      records.clear();
      for (const [k, v] of next) records.set(k, v);
      return {
        ChangeInfo: { Id: `/change/C${calls.change}`, Status: 'PENDING', SubmittedAt: new Date() },
      };
    });
  const put = (rs: ResourceRecordSet) => records.set(rrKey(rs), rs);
  const get = (name: string, type: string) => records.get(rrKey({ Name: name, Type: type }));
  return { records, calls, put, get };
}

function fakeClock(): Clock {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
  };
}

/** Counts the ledger queries against the zone partition, by sort-key prefix. */
function countZoneQueries(client: DynamoDBClient) {
  const prefixes: string[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as {
        KeyConditionExpression?: string;
        ExpressionAttributeValues?: Record<string, unknown>;
      };
      // Marshalled ({S: ...}) or not, depending on where in the stack this runs.
      const text = (v: unknown) =>
        typeof v === 'string' ? v : ((v as { S?: string } | undefined)?.S ?? '');
      const values = input.ExpressionAttributeValues ?? {};
      if (input.KeyConditionExpression && text(values[':pk']).startsWith('ZONE#')) {
        prefixes.push(text(values[':sk']));
      }
      return next(args);
    },
    { step: 'initialize', name: 'countZoneQueries' },
  );
  return prefixes;
}

let clock = 0;
/** A fresh, strictly increasing time for each event and sync. */
const tick = () => new Date(Date.UTC(2026, 10, 21, 10, 0, clock++)).toISOString();

async function world(overrides: Partial<DnsSyncConfig> = {}) {
  const { client, tableName } = await freshLedgerTable();
  const zoneQueries = countZoneQueries(client);
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const targets = new DynamoTargetLedger(db, tableName);
  const cache = new DynamoDnsRecordCache(db, tableName);
  const alerts = new DynamoAlertStore(db, tableName);
  const sent: AlertNotification[] = [];
  const fake = fakeRoute53();
  const time = fakeClock();
  const caller = new Route53Caller(route53, {
    clock: time,
    limiter: route53RateLimiter(time),
    random: () => 0.5,
  });
  const config: DnsSyncConfig = {
    ownerId: OWNER,
    zones: [ZONE],
    policy: 'sync',
    txtPrefix: '',
    statics: [],
    dryRun: false,
    alertPolicy: { remindAfterSeconds: 3600 },
    cluster: 'myeks',
    ...overrides,
  };
  const deps = (): SyncDnsDeps & { reader: Route53ZoneReader } => ({
    lbs: new TargetLedgerLoadBalancers(targets),
    cache,
    applier: new Route53Applier(route53, { caller }),
    alerts,
    notifier: { notify: async (n) => void sent.push(n) },
    config,
    now: tick(),
    reader: new Route53ZoneReader(route53, { caller }),
  });

  const createLb = async (name: string, hostnames: string, ipAddressType = 'ipv4') => {
    const arn = arnOf(name);
    const stamp = { eventId: `create-${name}`, eventTime: tick() };
    await targets.putLoadBalancer(
      {
        arn,
        name,
        type: 'network',
        scheme: 'internet-facing',
        dnsName: dnsOf(name),
        canonicalHostedZoneId: ELB_ZONE,
        vpcId: 'vpc-0a1b2c3d4e5f60718',
        ipAddressType,
        availabilityZones: [],
      },
      stamp,
    );
    await targets.setTags(
      'load-balancer',
      arn,
      { [HOSTNAME_TAG]: hostnames, 'service.k8s.aws/stack': `default/${name}` },
      stamp,
    );
    return arn;
  };
  const deleteLb = (arn: string) =>
    targets.deleteLoadBalancer(arn, { eventId: `delete-${arn}`, eventTime: tick() });
  return { fake, deps, cache, alerts, sent, zoneQueries, createLb, deleteLb };
}

type World = Awaited<ReturnType<typeof world>>;

/** The sweep fills the cache first, as it does after every deployment. */
async function deployed(overrides: Partial<DnsSyncConfig> = {}): Promise<World> {
  const w = await world(overrides);
  await refreshZonesAndSync(w.deps());
  return w;
}

const ownership = (name: string) => encodeOwnership(OWNER, `service/default/${name}`);

afterEach(() => {
  r53.reset();
});

describe('an LB event syncs its hostnames', () => {
  test('an ipv4 LB with a hostname tag gets an alias A record and its ownership TXT', async () => {
    // Prepare
    const w = await deployed();
    const arn = await w.createLb('web', 'web.example.com');

    // Act
    const result = await syncDnsForLoadBalancers([arn], w.deps());

    // Assess
    expect(result.apply?.failed).toEqual([]);
    expect(w.fake.get('web.example.com', 'A')?.AliasTarget).toMatchObject({
      DNSName: dnsOf('web'),
      HostedZoneId: ELB_ZONE,
    });
    expect(w.fake.get('web.example.com', 'AAAA')).toBeUndefined();
    expect(w.fake.get('a-web.example.com', 'TXT')?.ResourceRecords).toEqual([
      { Value: ownership('web') },
    ]);
    // The cache now mirrors Route53 for that name, so the next event plans from the truth.
    const cached = await w.cache.readNames(ZONE.id, namesForHostname('web.example.com'));
    expect(cached.recordSets.map(rrKey).sort()).toEqual(
      [...w.fake.records.values()].map(rrKey).sort(),
    );
  });

  test('a dualstack LB gets A and AAAA aliases, each with its own TXT', async () => {
    // Prepare
    const w = await deployed();
    const arn = await w.createLb('api', 'api.example.com', 'dualstack');

    // Act
    await syncDnsForLoadBalancers([arn], w.deps());

    // Assess
    for (const type of ['A', 'AAAA']) {
      expect(w.fake.get('api.example.com', type)?.AliasTarget?.DNSName).toBe(dnsOf('api'));
      expect(w.fake.get(`${type.toLowerCase()}-api.example.com`, 'TXT')).toBeDefined();
    }
  });

  test('a repeated event changes nothing', async () => {
    // Prepare
    const w = await deployed();
    const arn = await w.createLb('web', 'web.example.com');
    await syncDnsForLoadBalancers([arn], w.deps());
    const changesBefore = w.fake.calls.change;

    // Act
    const again = await syncDnsForLoadBalancers([arn], w.deps());

    // Assess
    expect(again.plan.changes).toEqual([]);
    expect(w.fake.calls.change).toBe(changesBefore);
  });
});

describe('deleting an LB', () => {
  test.each<[DnsPolicy, boolean]>([
    ['sync', false],
    ['upsert-only', true],
    ['create-only', true],
  ])('under %s, its owned records are kept: %s', async (policy, kept) => {
    // Prepare
    const w = await deployed({ policy });
    const arn = await w.createLb('web', 'web.example.com');
    await syncDnsForLoadBalancers([arn], w.deps());
    expect(w.fake.get('web.example.com', 'A')).toBeDefined();

    // Act
    await w.deleteLb(arn);
    await syncDnsForLoadBalancers([arn], w.deps());

    // Assess
    expect(w.fake.get('web.example.com', 'A') !== undefined).toBe(kept);
    expect(w.fake.get('a-web.example.com', 'TXT') !== undefined).toBe(kept);
  });

  test('a hostname removed from the tag loses its records, the others stay', async () => {
    // Prepare
    const w = await deployed();
    const arn = await w.createLb('web', 'web.example.com,www.example.com');
    await syncDnsForLoadBalancers([arn], w.deps());

    // Act
    await w.createLb('web', 'www.example.com');
    await syncDnsForLoadBalancers([arn], w.deps());

    // Assess
    expect(w.fake.get('web.example.com', 'A')).toBeUndefined();
    expect(w.fake.get('www.example.com', 'A')).toBeDefined();
  });
});

describe('a record owned by someone else', () => {
  test('is left alone with one dns-conflict alert, which resolves once the owner lets go', async () => {
    // Prepare: ExternalDNS of another cluster owns web.example.com.
    const w = await world();
    const foreignA: ResourceRecordSet = {
      Name: 'web.example.com.',
      Type: 'A',
      AliasTarget: {
        DNSName: 'other-lb.elb.ap-northeast-2.amazonaws.com.',
        HostedZoneId: ELB_ZONE,
        EvaluateTargetHealth: true,
      },
    };
    const foreignTxt: ResourceRecordSet = {
      Name: 'a-web.example.com.',
      Type: 'TXT',
      TTL: 300,
      ResourceRecords: [{ Value: encodeOwnership('other-cluster', 'service/default/web') }],
    };
    w.fake.put(foreignA);
    w.fake.put(foreignTxt);
    await refreshZonesAndSync(w.deps());
    const arn = await w.createLb('web', 'web.example.com');

    // Act: two events for the same LB.
    await syncDnsForLoadBalancers([arn], w.deps());
    await syncDnsForLoadBalancers([arn], w.deps());

    // Assess
    expect(w.fake.get('web.example.com', 'A')).toEqual(foreignA);
    expect(w.fake.get('a-web.example.com', 'TXT')).toEqual(foreignTxt);
    const opened = w.sent.filter((n) => n.kind === 'dns-conflict');
    expect(opened.map((n) => [n.type, n.subject])).toEqual([['open', 'web.example.com|A']]);
    expect(opened[0]?.cluster).toBe('myeks');

    // Act: the other owner deletes its records; the next sweep sees it.
    w.fake.records.clear();
    await refreshZonesAndSync(w.deps());

    // Assess
    expect(w.fake.get('web.example.com', 'A')?.AliasTarget?.DNSName).toBe(dnsOf('web'));
    expect(w.sent.filter((n) => n.kind === 'dns-conflict').map((n) => n.type)).toEqual([
      'open',
      'resolve',
    ]);
    expect(await w.alerts.listOpen()).toEqual([]);
  });
});

describe('an event-triggered sync reads only what the event affects', () => {
  test('the cached names of its hostnames, not the zone, and Route53 not at all', async () => {
    // Prepare: a zone with 40 records of other hostnames.
    const w = await world();
    for (let i = 0; i < 40; i++) {
      w.fake.put({
        Name: `other${i}.example.com.`,
        Type: 'A',
        TTL: 60,
        ResourceRecords: [{ Value: `192.0.2.${i}` }],
      });
    }
    await refreshZonesAndSync(w.deps());
    const arn = await w.createLb('web', 'web.example.com');
    const listsBefore = w.fake.calls.list;
    w.zoneQueries.length = 0;

    // Act
    await syncDnsForLoadBalancers([arn], w.deps());

    // Assess
    expect(w.fake.calls.list).toBe(listsBefore);
    expect([...w.zoneQueries].sort()).toEqual(
      namesForHostname('web.example.com')
        .map((n) => `RR#${n}#`)
        .sort(),
    );
  });
});
