/**
 * DNS sync at scale: plan 100,000 hostnames against a 100,000-record zone and count the
 * Route53 calls it takes (reads through a mocked zone paged at 300, writes through the real
 * batcher and applier against a mocked client), next to the least calls possible.
 *
 *   npx tsx bench/dns-plan.ts
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandInput,
  type ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import Table from 'cli-table3';
import { Route53Applier } from '#adapters/route53/route53-applier.ts';
import { Route53Caller } from '#adapters/route53/route53-call.ts';
import { ROUTE53_PAGE_SIZE, Route53ZoneReader } from '#adapters/route53/route53-zone-reader.ts';
import { type Clock, route53RateLimiter } from '#adapters/route53/token-bucket.ts';
import { groupCost } from '#core/dns/dns-batch.ts';
import { planDns } from '#core/dns/dns-plan.ts';
import type { DesiredDnsRecord } from '#core/dns/dns-record.ts';
import { encodeOwnership } from '#core/dns/dns-registry.ts';

export interface DnsBenchOptions {
  readonly hostnames?: number;
  readonly zoneRecords?: number;
  readonly print?: boolean;
}

export interface DnsBenchResult {
  readonly hostnames: number;
  readonly zoneRecords: number;
  readonly planMs: number;
  /** CPU time of the plan, which load from other processes inflates less than wall time. */
  readonly planCpuMs: number;
  readonly hostnamesPerSecond: number;
  readonly changes: {
    readonly create: number;
    readonly update: number;
    readonly delete: number;
    readonly route53Changes: number;
  };
  readonly reads: { readonly calls: number; readonly minimum: number };
  readonly writes: {
    readonly calls: number;
    readonly minimum: number;
    readonly quotaMinimum: number;
  };
  /** Time Route53's 5 requests/s alone imposes on reads plus writes (fake clock). */
  readonly rateLimitedSeconds: number;
}

const ZONE = { id: 'ZBENCH', name: 'bench.example.com' };
const LB_ZONE = 'ZIBE1TIR4HY56';
const OWNER = 'netledger';
const host = (i: number) => `h${String(i).padStart(6, '0')}.${ZONE.name}`;
const lb = (n: number) =>
  `k8s-default-svc${n}-0123456789-abcdef0123456789.elb.ap-northeast-2.amazonaws.com`;

function fakeClock(): Clock {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
  };
}

/**
 * The zone: SOA + NS and owned hostnames (alias A + its TXT). Desired: 90% of the owned
 * hostnames (1 in 9 of them retargeted), the rest removed, and new ones up to `hostnames`.
 */
export function dnsScenario(hostnames: number, zoneRecords: number) {
  const owned = Math.floor((zoneRecords - 2) / 2);
  const zone: ResourceRecordSet[] = [
    {
      Name: `${ZONE.name}.`,
      Type: 'SOA',
      TTL: 900,
      ResourceRecords: [{ Value: 'ns-1.awsdns-00.com. hostmaster 1 7200 900 1209600 86400' }],
    },
    {
      Name: `${ZONE.name}.`,
      Type: 'NS',
      TTL: 172800,
      ResourceRecords: [{ Value: 'ns-1.awsdns-00.com.' }],
    },
  ];
  for (let i = 0; i < owned; i++) {
    zone.push({
      Name: `a-${host(i)}.`,
      Type: 'TXT',
      TTL: 300,
      ResourceRecords: [{ Value: encodeOwnership(OWNER, `service/default/svc${i}`) }],
    });
    zone.push({
      Name: `${host(i)}.`,
      Type: 'A',
      AliasTarget: { DNSName: `${lb(i)}.`, HostedZoneId: LB_ZONE, EvaluateTargetHealth: true },
    });
  }
  const kept = Math.floor(owned * 0.9);
  const desired: DesiredDnsRecord[] = [];
  for (let i = 0; i < kept; i++) {
    desired.push({
      name: host(i),
      type: 'A',
      target: lb(i % 9 === 0 ? i + 1_000_000 : i),
      aliasZoneId: LB_ZONE,
      resource: `service/default/svc${i}`,
    });
  }
  for (let i = owned; desired.length < hostnames; i++) {
    desired.push({
      name: host(i),
      type: 'A',
      target: lb(i),
      aliasZoneId: LB_ZONE,
      resource: `service/default/svc${i}`,
    });
  }
  // Real names reach the plan parsed from Route53's and the ledger's responses, as flat strings;
  // the template strings built above are ropes that V8 would flatten on first hash, a cost the
  // product never pays. A JSON round trip hands the plan what a response parser would.
  return JSON.parse(JSON.stringify({ zone, desired })) as {
    zone: ResourceRecordSet[];
    desired: DesiredDnsRecord[];
  };
}

function servePages(mock: ReturnType<typeof mockClient>, records: ResourceRecordSet[]): void {
  const index = new Map(records.map((r, i) => [`${r.Name}|${r.Type}|${r.SetIdentifier ?? ''}`, i]));
  mock.on(ListResourceRecordSetsCommand).callsFake((input: ListResourceRecordSetsCommandInput) => {
    const start =
      input.StartRecordName === undefined
        ? 0
        : (index.get(
            `${input.StartRecordName}|${input.StartRecordType}|${input.StartRecordIdentifier ?? ''}`,
          ) ?? records.length);
    const size = Math.min(input.MaxItems ?? 100, ROUTE53_PAGE_SIZE);
    const next = records[start + size];
    return {
      ResourceRecordSets: records.slice(start, start + size),
      IsTruncated: next !== undefined,
      MaxItems: size,
      ...(next ? { NextRecordName: next.Name, NextRecordType: next.Type } : {}),
    };
  });
}

export async function runDnsBench(options: DnsBenchOptions = {}): Promise<DnsBenchResult> {
  const hostnames = options.hostnames ?? 100_000;
  const zoneRecords = options.zoneRecords ?? 100_000;
  const { zone, desired } = dnsScenario(hostnames, zoneRecords);

  const client = new Route53Client({ region: 'us-east-1' });
  const mock = mockClient(client);
  servePages(mock, zone);
  mock.on(ChangeResourceRecordSetsCommand).resolves({});
  const clock = fakeClock();
  const caller = new Route53Caller(client, { clock, limiter: route53RateLimiter(clock) });

  try {
    const recordSets = await new Route53ZoneReader(client, { caller }).readZone(ZONE.id);
    const reads = caller.calls;

    (globalThis as { gc?: () => void }).gc?.();
    const started = performance.now();
    const cpu = process.cpuUsage();
    const plan = planDns(
      { snapshots: [{ zone: ZONE, recordSets }], desired },
      { ownerId: OWNER, zones: [ZONE] },
    );
    const planMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const planCpuMs = (used.user + used.system) / 1000;

    const report = await new Route53Applier(client, { caller }).apply(plan.changes);
    const costs = plan.changes.map(groupCost);
    const route53Changes = costs.reduce((n, c) => n + c.changes, 0);
    const chars = costs.reduce((n, c) => n + c.valueChars, 0);
    const rrs = costs.reduce((n, c) => n + c.resourceRecords, 0);

    const result: DnsBenchResult = {
      hostnames,
      zoneRecords: zone.length,
      planMs,
      planCpuMs,
      hostnamesPerSecond: Math.round(hostnames / (planMs / 1000)),
      changes: {
        create: plan.create.length,
        update: plan.update.length,
        delete: plan.delete.length,
        route53Changes,
      },
      reads: { calls: reads, minimum: Math.ceil(zone.length / ROUTE53_PAGE_SIZE) },
      writes: {
        calls: report.writeCalls,
        minimum: Math.ceil(route53Changes / 1000),
        quotaMinimum: Math.max(
          Math.ceil(route53Changes / 1000),
          Math.ceil(chars / 32_000),
          Math.ceil(rrs / 1000),
        ),
      },
      rateLimitedSeconds: clock.now() / 1000,
    };
    if (options.print ?? true) printResult(result);
    return result;
  } finally {
    mock.restore();
  }
}

function printResult(r: DnsBenchResult): void {
  const table = new Table({
    head: ['dns-plan', 'value', 'minimum'],
    style: { head: [], border: [] },
  });
  table.push(
    ['hostnames / zone records', `${r.hostnames} / ${r.zoneRecords}`, ''],
    [
      'plan time',
      `${r.planMs.toFixed(0)} ms (${r.hostnamesPerSecond.toLocaleString('en-US')} hostnames/s)`,
      '',
    ],
    [
      'create / update / delete',
      `${r.changes.create} / ${r.changes.update} / ${r.changes.delete}`,
      '',
    ],
    ['Route53 changes (record + TXT)', `${r.changes.route53Changes}`, ''],
    ['ListResourceRecordSets calls', `${r.reads.calls}`, `${r.reads.minimum} (records/300)`],
    [
      'ChangeResourceRecordSets calls',
      `${r.writes.calls}`,
      `${r.writes.minimum} (changes/1000); ${r.writes.quotaMinimum} with the 32,000-char quota`,
    ],
    [
      'time at 5 req/s',
      `${r.rateLimitedSeconds.toFixed(1)} s`,
      `${((r.reads.minimum + r.writes.minimum - 1) / 5).toFixed(1)} s`,
    ],
  );
  console.log(table.toString());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runDnsBench();
}
