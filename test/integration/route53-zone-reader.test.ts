import {
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandInput,
  type ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, test } from 'vitest';
import { Route53PagingError, Route53ZoneReader } from '#adapters/route53/route53-zone-reader.ts';
import type { Clock } from '#adapters/route53/token-bucket.ts';

const r53 = mockClient(Route53Client);
const client = new Route53Client({ region: 'us-east-1' });
const instantClock: Clock = (() => {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
  };
})();

/** Serves `records` the way Route53 pages: at most 300, resuming at the Next* cursor. */
function servePages(records: ResourceRecordSet[]): void {
  r53.on(ListResourceRecordSetsCommand).callsFake((input: ListResourceRecordSetsCommandInput) => {
    const start =
      input.StartRecordName === undefined
        ? 0
        : records.findIndex(
            (r) =>
              r.Name === input.StartRecordName &&
              r.Type === input.StartRecordType &&
              r.SetIdentifier === input.StartRecordIdentifier,
          );
    const size = Math.min(input.MaxItems ?? 100, 300);
    const page = records.slice(start, start + size);
    const next = records[start + size];
    return {
      ResourceRecordSets: page,
      IsTruncated: next !== undefined,
      MaxItems: size,
      ...(next
        ? {
            NextRecordName: next.Name,
            NextRecordType: next.Type,
            NextRecordIdentifier: next.SetIdentifier,
          }
        : {}),
    };
  });
}

beforeEach(() => {
  r53.reset();
});

describe('Route53ZoneReader', () => {
  test('reads every page of 300 with the Start* cursor and keeps order', async () => {
    // Prepare: 1,000 record sets, some weighted (set identifiers share a name and type).
    const records: ResourceRecordSet[] = Array.from({ length: 1000 }, (_, i) => ({
      Name: `r${String(Math.floor(i / 2)).padStart(4, '0')}.example.com.`,
      Type: 'A',
      SetIdentifier: i % 2 === 0 ? 'blue' : 'green',
      Weight: 1,
      TTL: 60,
      ResourceRecords: [{ Value: `10.0.${Math.floor(i / 256)}.${i % 256}` }],
    }));
    servePages(records);

    // Act
    const read = await new Route53ZoneReader(client, { clock: instantClock }).readZone('Z1');

    // Assess
    const calls = r53.commandCalls(ListResourceRecordSetsCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(Math.ceil(1000 / 300));
    expect(calls.every((c) => c.MaxItems === 300 && c.HostedZoneId === 'Z1')).toBe(true);
    expect(calls[1]?.StartRecordName).toBe(records[300]?.Name);
    expect(calls[1]?.StartRecordIdentifier).toBe(records[300]?.SetIdentifier);
    expect(read.map((r) => `${r.Name}|${r.SetIdentifier}`)).toEqual(
      records.map((r) => `${r.Name}|${r.SetIdentifier}`),
    );
    // Fields the plan does not model survive, because a DELETE must repeat them.
    expect((read[0] as { Weight?: number }).Weight).toBe(1);
  });

  test('a truncated page that repeats its cursor is an error, not an endless loop', async () => {
    r53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [],
      IsTruncated: true,
      NextRecordName: 'a.example.com.',
      NextRecordType: 'A',
      MaxItems: 300,
    });

    await expect(
      new Route53ZoneReader(client, { clock: instantClock }).readZone('Z1'),
    ).rejects.toBeInstanceOf(Route53PagingError);
  });
});
