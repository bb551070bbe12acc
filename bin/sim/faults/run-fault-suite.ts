import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { listAllAlerts } from '#adapters/dynamodb/ledger-alert-history.ts';
import { localClientConfig } from '#local/dynamodb-local.ts';
import { createLedgerTable } from '#local/ledger-table.ts';
import { type MotoServer, motoClientConfig } from '#local/moto-server.ts';
import { type RunResult, runScenario } from '../run-scenario.ts';
import type { Scenario } from '../scenario.ts';
import { SeededRandom } from '../seeded-random.ts';
import { FaultPlan, type FaultSettings } from './fault-plan.ts';
import { startFaultProxy } from './fault-proxy.ts';
import { type CrashSettings, type CrashStats, crashingHandlers } from './worker-handlers.ts';

/** The seeds' story trimmed so that a fault-free and a faulty run fit the suite's 90 s. */
export const FAULT_SCENARIO = fileURLToPath(
  new URL('../../../events/scenarios/faults.json', import.meta.url),
);

export const DEFAULT_FAULTS: FaultSettings = {
  rate: 0.2,
  // A few per run: at a quarter, an event settling several alerts could meet a new outage on
  // each of Lambda's three attempts and end in the DLQ, where a passing alert is the
  // operator's to redrive, not the suite's to count.
  publishOutageRate: 0.1,
  // The suite checks that the reference announces more than 5 transitions, so a faulty run
  // that loses none publishes at least that many notifications: one of the first 5 is always
  // an outage, however many requests of other kinds the handlers make.
  firstOutageWithin: 5,
  // The SNS client of the handlers (sim-handlers.ts, like aws-clients.ts) makes 5 attempts.
  snsAttempts: 5,
};

export const DEFAULT_CRASHES: CrashSettings = {
  rate: 0.12,
  maxRequest: 40,
  sweepRate: 0.5,
  sweepMaxRequest: 250,
};

/** The handlers' SDK retry waits run at a fiftieth of real time (see retry-time.ts). */
const RETRY_DELAY_SCALE = 0.02;

/** At-least-once delivery as the suite plays it: an event arrives up to 3 times. */
const DUPLICATES = { rate: 0.35, maxCopies: 3 };

export interface FaultFigures {
  readonly events: number;
  readonly duplicates: number;
  readonly faultsInjected: number;
  readonly crashes: number;
  readonly mismatches: number;
  readonly alertsLost: number;
  readonly alertsDoubled: number;
  readonly recordsLost: number;
  readonly foreignRecordsTouched: number;
}

export interface FaultSuiteResult {
  readonly figures: FaultFigures;
  /** Everything behind the figures, to explain a non-zero one. */
  readonly details: {
    readonly diff: readonly string[];
    readonly lost: readonly string[];
    readonly doubled: readonly string[];
    /** Transitions only the faulty run announced (passing alerts of a late redelivery). */
    readonly extra: readonly string[];
    /** What the faulty run's alert topic delivered, as compared. */
    readonly published: readonly string[];
    /** What the fault-free run's alert topic delivered. */
    readonly expected: readonly string[];
    readonly recordsLost: readonly string[];
    readonly foreignTouched: readonly string[];
    readonly failures: readonly string[];
    readonly injectedByService: Readonly<Record<string, number>>;
    readonly publishOutages: number;
    readonly unexpectedExits: number;
    readonly reference: { readonly transitions: number; readonly records: number };
    /** The reference and faulty runs (side by side with a second moto), and the whole. */
    readonly seconds: {
      readonly reference: number;
      readonly faulty: number;
      readonly total: number;
    };
  };
}

export interface FaultSuiteOptions {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly moto: MotoServer;
  /** A second moto for the fault-free reference run, so it runs alongside the faulty one. */
  readonly referenceMoto?: MotoServer | undefined;
  readonly dynamoEndpoint: string;
  readonly faults?: FaultSettings;
  readonly crashes?: CrashSettings;
  /** Sabotage (see worker-handlers.ts): a crashed event is not delivered again. */
  readonly dropCrashedEvents?: boolean | undefined;
  /** One line per story step and alert, for a person following a run. */
  readonly out?: (line: string) => void;
}

export function figureLine(f: FaultFigures): string {
  return `fault suite: events ${f.events}, duplicates ${f.duplicates}, faults injected ${f.faultsInjected}, crashes ${f.crashes}, mismatches ${f.mismatches}, alerts lost ${f.alertsLost}, alerts doubled ${f.alertsDoubled}, records lost ${f.recordsLost}, foreign records touched ${f.foreignRecordsTouched}`;
}

/**
 * Plays the scenario twice: once fault-free (handlers in this process) for the reference,
 * then with faults; both with the same delivery (events up to three times, shuffled within
 * CloudTrail's delay, from the seed). The faults: a share of EC2, ELBv2, Route53, SNS and
 * DynamoDB requests failed at the fault proxy under the SDK's retries, some alert publishes
 * failing on every attempt after the ledger stored the alert, and the handler process
 * SIGKILLed mid-event and the event redelivered. Then compares: the ledger with moto, the
 * alert topic's messages with the reference's, the owned records with the reference's, and
 * the records netledger does not own with what was seeded.
 */
export async function runFaultSuite(o: FaultSuiteOptions): Promise<FaultSuiteResult> {
  const out = o.out ?? (() => undefined);
  const t0 = performance.now();
  const referenceMoto = o.referenceMoto ?? o.moto;
  const referenceRun = (async () => {
    const run = await runScenario({
      scenario: o.scenario,
      endpoint: referenceMoto.endpoint,
      resetAccount: () => referenceMoto.reset(),
      ledger: await freshLedger(o.dynamoEndpoint),
      // The same delivery as the faulty run (CloudTrail delay, copies, shuffles from the same
      // seed): what differs is only the faults.
      chaos: { enabled: true, seed: o.seed, duplicates: DUPLICATES, retryAtOnce: true },
      afterSetup: seedForeignRecords,
      out: () => undefined,
    });
    const names = await stableNames(referenceMoto.endpoint, o.scenario.region, run.vpcId);
    return { run, names, seconds: (performance.now() - t0) / 1000 };
  })();
  referenceRun.catch(() => undefined);
  // On one moto the runs take turns; with a second one the reference runs alongside.
  const early = o.referenceMoto ? undefined : await referenceRun;
  const t1 = performance.now();

  const random = new SeededRandom(o.seed);
  const plan = new FaultPlan(o.seed * 7919 + 1, o.faults ?? DEFAULT_FAULTS);
  const proxy = await startFaultProxy({ moto: o.moto.endpoint, dynamodb: o.dynamoEndpoint }, plan);
  const stats: CrashStats = { crashes: 0, unexpectedExits: 0 };
  let foreignBefore: string[] = [];
  let faulty: RunResult;
  const faultyLedger = await freshLedger(o.dynamoEndpoint);
  try {
    faulty = await runScenario({
      scenario: o.scenario,
      endpoint: o.moto.endpoint,
      resetAccount: () => o.moto.reset(),
      ledger: faultyLedger,
      chaos: { enabled: true, seed: o.seed, duplicates: DUPLICATES, retryAtOnce: true },
      afterSetup: async (account) => {
        await seedForeignRecords(account);
        foreignBefore = await foreignRecords(o.moto.endpoint, account.zoneId);
      },
      handlers: (handlerOptions) =>
        crashingHandlers(handlerOptions, {
          proxy: proxy.endpoint,
          plan,
          random,
          crash: o.crashes ?? DEFAULT_CRASHES,
          stats,
          retryDelayScale: RETRY_DELAY_SCALE,
          dropCrashedEvents: o.dropCrashedEvents,
        }),
      out,
      verbose: o.out !== undefined,
    });
  } finally {
    await proxy.close();
  }
  const faultyNames = await stableNames(o.moto.endpoint, o.scenario.region, faulty.vpcId);
  const t2 = performance.now();
  const {
    run: reference,
    names: referenceNames,
    seconds: referenceSeconds,
  } = early ?? (await referenceRun);

  const expected = transitions(reference, referenceNames);
  const got = transitions(faulty, faultyNames);
  // Lost: a transition of the fault-free run the faulty run never announced. (The faulty run
  // may announce more: events redelivered late can open and resolve passing alerts.)
  const lost: string[] = [];
  for (const [key, want] of expected) {
    for (let i = got.get(key) ?? 0; i < want; i++) lost.push(key);
  }
  // Doubled: one notification published more than once (the same transition, byte for byte).
  const doubled: string[] = [];
  const bodies = new Map<string, number>();
  for (const m of faulty.published) {
    const body = String(m.Message);
    bodies.set(body, (bodies.get(body) ?? 0) + 1);
  }
  for (const [body, n] of bodies) {
    for (let i = 1; i < n; i++) doubled.push(transitionKey(JSON.parse(body), faultyNames));
  }
  // And the faulty run against its own ledger: every alert's last transition announced,
  // nothing left in an outbox.
  for (const record of await listAllAlerts(faultyLedger.db, faultyLedger.tableName)) {
    const key = transitionKey(
      {
        kind: record.kind,
        subject: record.subject,
        type: record.status === 'open' ? 'open' : 'resolve',
      },
      faultyNames,
    );
    if (record.pending) lost.push(`${key} (still in the outbox)`);
    const announced = faulty.published.some((m) => {
      const n = JSON.parse(String(m.Message)) as Announced & {
        openedAt: string;
        resolvedAt?: string;
      };
      return (
        n.kind === record.kind &&
        n.subject === record.subject &&
        (record.status === 'open'
          ? n.type === 'open' && n.openedAt === record.openedAt
          : n.type === 'resolve' && n.resolvedAt === record.resolvedAt)
      );
    });
    if (!announced && !lost.includes(key)) lost.push(`${key} (stored, never published)`);
  }
  const extra: string[] = [];
  for (const [key, have] of got) {
    for (let i = expected.get(key) ?? 0; i < have; i++) extra.push(key);
  }
  const foreignAfter = await foreignRecords(o.moto.endpoint, faulty.zoneId);
  const foreignTouched = symmetricDifference(foreignBefore, foreignAfter);
  const owned = (records: readonly string[]) => records.filter((r) => !isForeign(r));
  const faultyRecords = new Set(faulty.truth.account.records);
  const recordsLost = owned(reference.truth.account.records).filter((r) => !faultyRecords.has(r));

  return {
    figures: {
      events: faulty.delivered.events,
      duplicates: faulty.delivered.duplicates,
      faultsInjected: plan.counts.injected,
      crashes: stats.crashes,
      mismatches: faulty.truth.diff.length,
      alertsLost: lost.length,
      alertsDoubled: doubled.length,
      recordsLost: recordsLost.length,
      foreignRecordsTouched: foreignTouched.length,
    },
    details: {
      diff: faulty.truth.diff,
      lost,
      doubled,
      extra,
      published: faulty.published.map((m) =>
        transitionKey(JSON.parse(String(m.Message)) as Announced, faultyNames),
      ),
      expected: reference.published.map((m) =>
        transitionKey(JSON.parse(String(m.Message)) as Announced, referenceNames),
      ),
      recordsLost,
      foreignTouched,
      failures: faulty.failures,
      injectedByService: plan.counts.injectedByService,
      publishOutages: plan.counts.publishOutages,
      unexpectedExits: stats.unexpectedExits,
      reference: {
        transitions: [...expected.values()].reduce((a, b) => a + b, 0),
        records: owned(reference.truth.account.records).length,
      },
      seconds: {
        reference: referenceSeconds,
        faulty: (t2 - t1) / 1000,
        total: (performance.now() - t0) / 1000,
      },
    },
  };
}

async function freshLedger(endpoint: string) {
  const client = new DynamoDBClient(localClientConfig(endpoint));
  const tableName = `fault-suite-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  await createLedgerTable(client, tableName);
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { db, tableName };
}

interface Announced {
  readonly kind: string;
  readonly subject: string;
  readonly type: string;
  readonly escalated?: boolean;
}

/** `kind subject type` of every notification the alert topic delivered, counted. */
function transitions(run: RunResult, names: StableNames): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of run.published) {
    const key = transitionKey(JSON.parse(String(m.Message)) as Announced, names);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function transitionKey(n: Announced, names: StableNames): string {
  const type = n.type === 'remind' && n.escalated ? 'escalate' : n.type;
  return `${n.kind} ${names(n.subject)} ${type}`;
}

type StableNames = (text: string) => string;

/**
 * moto draws every id (instances, subnets, the suffix of ELB ARNs) from one random generator
 * that each request it answers advances, so the same story gets other ids when the handlers
 * make other requests (as retries and crashes do). Alert subjects are compared by what the
 * story fixes instead: an instance by its primary address, a subnet by its CIDR, an ELB ARN
 * without its random suffix.
 */
async function stableNames(endpoint: string, region: string, vpcId: string): Promise<StableNames> {
  const ec2 = new EC2Client(motoClientConfig(endpoint, region));
  const names = new Map<string, string>();
  try {
    const vpc = [{ Name: 'vpc-id', Values: [vpcId] }];
    const reservations = await ec2.send(new DescribeInstancesCommand({ Filters: vpc }));
    for (const i of (reservations.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
      if (i.InstanceId) names.set(i.InstanceId, `node@${i.PrivateIpAddress}`);
    }
    for (const s of (await ec2.send(new DescribeSubnetsCommand({ Filters: vpc }))).Subnets ?? []) {
      if (s.SubnetId) names.set(s.SubnetId, `subnet@${s.CidrBlock}`);
    }
  } finally {
    ec2.destroy();
  }
  return (text) =>
    text
      .replace(/\b(i|subnet)-[0-9a-f]{8,17}\b/g, (id) => names.get(id) ?? id)
      .replace(/(targetgroup|loadbalancer\/(?:app|net))\/([^/|]+)\/[0-9a-f]+/g, '$1/$2');
}

/**
 * Records in the zone that netledger does not own: a plain A record, a CNAME, and a pair that
 * another ExternalDNS owner holds (its TXT names that owner). None may change.
 */
const FOREIGN = ['legacy', 'docs', 'shop', 'a-shop'];

function isForeign(record: string): boolean {
  const label = record.split('.')[0] ?? '';
  return FOREIGN.includes(label);
}

async function seedForeignRecords(account: {
  readonly route53: Route53Client;
  readonly zoneId?: string | undefined;
}): Promise<void> {
  if (!account.zoneId) return;
  const zone = await zoneName(account.route53, account.zoneId);
  const set = (Name: string, Type: 'A' | 'CNAME' | 'TXT', value: string): ResourceRecordSet => ({
    Name: `${Name}.${zone}`,
    Type,
    TTL: 300,
    ResourceRecords: [{ Value: value }],
  });
  await account.route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: account.zoneId,
      ChangeBatch: {
        Changes: [
          set('legacy', 'A', '192.168.1.250'),
          set('docs', 'CNAME', 'docs.example.com'),
          set('shop', 'A', '192.168.1.251'),
          set(
            'a-shop',
            'TXT',
            '"heritage=external-dns,external-dns/owner=other-team,external-dns/resource=service/default/shop"',
          ),
        ].map((ResourceRecordSet) => ({ Action: 'CREATE' as const, ResourceRecordSet })),
      },
    }),
  );
}

async function zoneName(route53: Route53Client, zoneId: string): Promise<string> {
  const sets = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
  const soa = sets.ResourceRecordSets?.find((r) => r.Type === 'SOA');
  if (!soa?.Name) throw new Error(`zone ${zoneId} has no SOA record`);
  return soa.Name;
}

/** The foreign records, whole (name, type, TTL, values), as moto holds them now. */
async function foreignRecords(endpoint: string, zoneId: string | undefined): Promise<string[]> {
  if (!zoneId) return [];
  const route53 = new Route53Client(motoClientConfig(endpoint, 'us-east-1'));
  try {
    const sets = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    return (sets.ResourceRecordSets ?? [])
      .filter((r) => isForeign(`${r.Name}`))
      .map((r) => JSON.stringify([r.Name, r.Type, r.TTL, r.ResourceRecords, r.AliasTarget]))
      .sort();
  } finally {
    route53.destroy();
  }
}

function symmetricDifference(a: readonly string[], b: readonly string[]): string[] {
  const sa = new Set(a);
  const sb = new Set(b);
  return [...a.filter((x) => !sb.has(x)), ...b.filter((x) => !sa.has(x))];
}
