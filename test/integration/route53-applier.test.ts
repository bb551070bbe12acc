import {
  ChangeResourceRecordSetsCommand,
  type ChangeResourceRecordSetsCommandInput,
  InvalidChangeBatch,
  PriorRequestNotComplete,
  Route53Client,
  Route53ServiceException,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, test } from 'vitest';
import { Route53Applier } from '#adapters/route53/route53-applier.ts';
import { Route53Caller } from '#adapters/route53/route53-call.ts';
import { type Clock, route53RateLimiter } from '#adapters/route53/token-bucket.ts';
import { planDns } from '#core/dns/dns-plan.ts';
import type { DnsChangeGroup } from '#core/dns/dns-record.ts';

const r53 = mockClient(Route53Client);
const client = new Route53Client({ region: 'us-east-1' });

function fakeClock(): Clock & { sleeps: number[] } {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

/** 1,250 hostnames, each an alias A plus its ownership TXT: 2,500 Route53 changes. */
function plannedGroups(count = 1250): DnsChangeGroup[] {
  const zone = { id: 'Z1', name: 'example.com' };
  const desired = Array.from({ length: count }, (_, i) => ({
    name: `h${String(i).padStart(4, '0')}.example.com`,
    type: 'A' as const,
    target: 'lb-1.elb.ap-northeast-2.amazonaws.com',
    aliasZoneId: 'ZIBE1TIR4HY56',
  }));
  // Short owner, no resource label: keeps the TXT values small enough that the change
  // count, not the 32,000-character quota, decides the batching here.
  return [
    ...planDns({ snapshots: [{ zone, recordSets: [] }], desired }, { ownerId: 'o', zones: [zone] })
      .changes,
  ];
}

function build(clock: Clock, extra: { dryRun?: boolean; maxRetries?: number } = {}) {
  const caller = new Route53Caller(client, {
    clock,
    limiter: route53RateLimiter(clock),
    random: () => 0.5,
    maxRetries: extra.maxRetries ?? 8,
  });
  return new Route53Applier(client, {
    caller,
    cluster: 'demo',
    ...(extra.dryRun ? { dryRun: true } : {}),
  });
}

/** Largest number of calls inside any half-open one-second window. */
function busiestSecond(times: readonly number[]): number {
  let most = 0;
  for (const start of times)
    most = Math.max(most, times.filter((t) => t >= start && t < start + 1000).length);
  return most;
}

function changedNames(input: ChangeResourceRecordSetsCommandInput): string[] {
  return (input.ChangeBatch?.Changes ?? []).map(
    (c) => `${c.ResourceRecordSet?.Type} ${c.ResourceRecordSet?.Name}`,
  );
}

beforeEach(() => {
  r53.reset();
});

describe('Route53Applier', () => {
  test('2,500 changes go out in 3 requests, never more than 5 in any second', async () => {
    // Prepare
    const clock = fakeClock();
    const callTimes: number[] = [];
    const written: string[] = [];
    r53
      .on(ChangeResourceRecordSetsCommand)
      .callsFake((input: ChangeResourceRecordSetsCommandInput) => {
        callTimes.push(clock.now());
        written.push(...changedNames(input));
        return { ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date(0) } };
      });
    const groups = plannedGroups();

    // Act
    const report = await build(clock).apply(groups);

    // Assess
    expect(groups.flatMap((g) => g.changes)).toHaveLength(2500);
    expect(r53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(3);
    expect(report.writeCalls).toBe(3);
    expect(written).toHaveLength(2500);
    expect(new Set(written).size).toBe(2500);
    expect(report.failed).toEqual([]);
    expect(busiestSecond(callTimes)).toBeLessThanOrEqual(5);
  });

  test('many small requests are paced to 5 per second', async () => {
    const clock = fakeClock();
    const callTimes: number[] = [];
    r53.on(ChangeResourceRecordSetsCommand).callsFake(() => {
      callTimes.push(clock.now());
      return {};
    });
    const caller = new Route53Caller(client, { clock, limiter: route53RateLimiter(clock) });
    const applier = new Route53Applier(client, {
      caller,
      limits: { maxChanges: 2, maxResourceRecords: 1000, maxValueChars: 32_000 },
    });

    await applier.apply(plannedGroups(30));

    expect(callTimes).toHaveLength(30);
    expect(busiestSecond(callTimes)).toBeLessThanOrEqual(5);
  });

  test.each([
    ['names the bad record', true],
    ['gives no names', false],
  ])(
    'an InvalidChangeBatch that %s does not stop the other 2,498 changes',
    async (_title, named) => {
      // Prepare: Route53 rejects any batch that contains the bad hostname, atomically.
      const clock = fakeClock();
      const callTimes: number[] = [];
      const written = new Set<string>();
      const bad = 'h0777.example.com';
      r53
        .on(ChangeResourceRecordSetsCommand)
        .callsFake((input: ChangeResourceRecordSetsCommandInput) => {
          callTimes.push(clock.now());
          const names = changedNames(input);
          if (names.includes(`A ${bad}`)) {
            throw new InvalidChangeBatch({
              $metadata: { httpStatusCode: 400 },
              message: 'Invalid change batch',
              messages: [
                named
                  ? `Tried to create resource record set [name='${bad}.', type='A'] but it already exists`
                  : 'bad batch',
              ],
            });
          }
          for (const n of names) written.add(n);
          return {};
        });
      const groups = plannedGroups();

      // Act
      const report = await build(clock).apply(groups);

      // Assess
      expect(written.size).toBe(2498);
      expect(written.has(`A ${bad}`)).toBe(false);
      expect(report.applied).toHaveLength(1249);
      expect(report.failed.map((f) => [f.group.hostname, f.reason])).toEqual([
        [bad, 'invalid-change'],
      ]);
      expect(report.alerts.map((a) => [a.kind, a.subject, a.cluster])).toEqual([
        ['dns-failure', bad, 'demo'],
      ]);
      expect(busiestSecond(callTimes)).toBeLessThanOrEqual(5);
    },
  );

  test('Throttling and PriorRequestNotComplete are retried with backoff and nothing is lost', async () => {
    // Prepare: the first, third and fourth attempts are turned away.
    const clock = fakeClock();
    const written = new Set<string>();
    let attempt = 0;
    r53
      .on(ChangeResourceRecordSetsCommand)
      .callsFake((input: ChangeResourceRecordSetsCommandInput) => {
        attempt++;
        if (attempt === 1 || attempt === 4) {
          throw new Route53ServiceException({
            name: 'Throttling',
            $fault: 'client',
            $metadata: { httpStatusCode: 400 },
            message: 'Rate exceeded',
          });
        }
        if (attempt === 3) {
          throw new PriorRequestNotComplete({
            $metadata: { httpStatusCode: 400 },
            message: 'still processing',
          });
        }
        for (const n of changedNames(input)) written.add(n);
        return {};
      });

    // Act
    const report = await build(clock).apply(plannedGroups());

    // Assess
    expect(written.size).toBe(2500);
    expect(report.failed).toEqual([]);
    expect(report.complete).toBe(true);
    expect(report.writeCalls).toBe(3 + 3);
    // Backoff waits beyond the rate limiter's own 200 ms spacing.
    expect(clock.sleeps.some((ms) => ms > 200)).toBe(true);
  });

  test('throttling that outlasts the retries is reported for every unsent hostname', async () => {
    const clock = fakeClock();
    r53.on(ChangeResourceRecordSetsCommand).rejects(
      new Route53ServiceException({
        name: 'Throttling',
        $fault: 'client',
        $metadata: {},
        message: 'Rate exceeded',
      }),
    );
    const groups = plannedGroups();

    const report = await build(clock, { maxRetries: 2 }).apply(groups);

    expect(r53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(3);
    expect(report.complete).toBe(false);
    expect(report.applied).toEqual([]);
    expect(report.failed).toHaveLength(groups.length);
    expect(new Set(report.failed.map((f) => f.reason))).toEqual(new Set(['throttled']));
    expect(report.alerts).toHaveLength(groups.length);
  });

  test('dry run batches the plan but makes no write call', async () => {
    const clock = fakeClock();
    const logged: string[] = [];
    const caller = new Route53Caller(client, { clock });
    const applier = new Route53Applier(client, {
      caller,
      dryRun: true,
      log: (m) => logged.push(m),
    });

    const report = await applier.apply(plannedGroups());

    expect(r53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
    expect(report.dryRun).toBe(true);
    expect(report.batches).toHaveLength(3);
    expect(logged).toHaveLength(3);
  });

  test('a non-retryable error fails its batch as dns-failure and the next batch still goes', async () => {
    const clock = fakeClock();
    let call = 0;
    r53.on(ChangeResourceRecordSetsCommand).callsFake(() => {
      call++;
      if (call === 1) {
        throw new Route53ServiceException({
          name: 'AccessDenied',
          $fault: 'client',
          $metadata: {},
          message: 'nope',
        });
      }
      return {};
    });

    const report = await build(clock).apply(plannedGroups());

    expect(report.failed).toHaveLength(500);
    expect(new Set(report.failed.map((f) => f.reason))).toEqual(new Set(['error']));
    expect(report.applied).toHaveLength(750);
  });
});
