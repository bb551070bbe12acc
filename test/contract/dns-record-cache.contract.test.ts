import { describe, expect, test } from 'vitest';
import type { RecordSet } from '#core/dns/dns-record.ts';
import { dnsRecordCaches } from '#test/contract/implementations.ts';

/**
 * What every DnsRecordCache promises, held against the DynamoDB cache and the memory cache
 * alike: writes only over older observations, tombstones for applied deletes, normalized
 * names and zone ids, and the same answers in the same order.
 */
const ZONE = 'Z1';
const T1 = '2026-11-21T10:00:00.000Z';
const T2 = '2026-11-21T10:05:00.000Z';
const T3 = '2026-11-21T10:10:00.000Z';

const alias = (name: string, target = 'web.elb.amazonaws.com.'): RecordSet => ({
  Name: name,
  Type: 'A',
  AliasTarget: { DNSName: target, HostedZoneId: 'ZELB', EvaluateTargetHealth: true },
});
const txt = (name: string, value: string): RecordSet => ({
  Name: name,
  Type: 'TXT',
  TTL: 300,
  ResourceRecords: [{ Value: value }],
});

const names = (recordSets: readonly RecordSet[]) => recordSets.map((rs) => `${rs.Name} ${rs.Type}`);

describe.each(dnsRecordCaches)('DnsRecordCache contract: $name', ({ make }) => {
  test('a full read replaces the zone and says when it was taken; records come back in key order', async () => {
    // Prepare
    const cache = await make();
    await cache.replaceZone(ZONE, [alias('old.example.com.')], T1);

    // Act
    await cache.replaceZone(
      `/hostedzone/${ZONE}`,
      [txt('b.example.com.', '"x"'), alias('b.example.com.'), alias('a.example.com.')],
      T2,
    );

    // Assess
    const zone = await cache.readZone(ZONE);
    expect(zone.refreshedAt).toBe(T2);
    expect(names(zone.recordSets)).toEqual([
      'a.example.com. A',
      'b.example.com. A',
      'b.example.com. TXT',
    ]);
    expect(await cache.readZone('Z-never-read')).toEqual({ recordSets: [] });
  });

  test('an older full read cannot undo a newer applied change or revive a deleted record', async () => {
    // Prepare
    const cache = await make();
    await cache.replaceZone(ZONE, [alias('gone.example.com.'), alias('web.example.com.')], T1);
    await cache.applyChanges(
      ZONE,
      [
        { Action: 'DELETE', ResourceRecordSet: alias('gone.example.com.') },
        { Action: 'UPSERT', ResourceRecordSet: alias('web.example.com.', 'new.elb.') },
      ],
      T3,
    );

    // Act: a slow sweep that read Route53 before the change finishes afterwards
    await cache.replaceZone(ZONE, [alias('gone.example.com.'), alias('web.example.com.')], T2);

    // Assess
    const zone = await cache.readZone(ZONE);
    expect(zone.recordSets).toEqual([alias('web.example.com.', 'new.elb.')]);
    expect(zone.refreshedAt).toBe(T2);
  });

  test('a change applied at the same time as a read saw it wins; an older change loses', async () => {
    // Prepare
    const cache = await make();
    await cache.replaceZone(ZONE, [alias('web.example.com.')], T2);

    // Act
    await cache.applyChanges(
      ZONE,
      [{ Action: 'UPSERT', ResourceRecordSet: alias('web.example.com.', 'same.elb.') }],
      T2,
    );
    await cache.applyChanges(
      ZONE,
      [{ Action: 'UPSERT', ResourceRecordSet: alias('web.example.com.', 'older.elb.') }],
      T1,
    );

    // Assess
    expect((await cache.readZone(ZONE)).recordSets).toEqual([
      alias('web.example.com.', 'same.elb.'),
    ]);
  });

  test('the refresh time never moves backwards', async () => {
    // Prepare
    const cache = await make();
    await cache.replaceZone(ZONE, [], T3);

    // Act
    await cache.replaceZone(ZONE, [alias('a.example.com.')], T1);

    // Assess
    expect(await cache.readZone(ZONE)).toEqual({
      refreshedAt: T3,
      recordSets: [alias('a.example.com.')],
    });
  });

  test('reading names finds every type at exactly those names, whatever their case or final dot', async () => {
    // Prepare
    const cache = await make();
    await cache.replaceZone(
      ZONE,
      [
        alias('web.example.com.'),
        txt('a-web.example.com.', '"owner"'),
        alias('web.example.com.au.'),
        alias('other.example.com.'),
      ],
      T1,
    );

    // Act
    const read = await cache.readNames(ZONE, ['WEB.example.com', 'a-web.example.com.', 'none.']);

    // Assess
    expect(read.refreshedAt).toBe(T1);
    expect(names(read.recordSets)).toEqual(['web.example.com. A', 'a-web.example.com. TXT']);
  });

  test('claimed hostnames are replaced as a set, normalized and sorted', async () => {
    // Prepare
    const cache = await make();
    await cache.setClaimedHostnames('arn:lb/1', ['b.example.com', 'A.example.com.'], T1);

    // Act
    await cache.setClaimedHostnames('arn:lb/1', ['c.example.com', 'a.example.com'], T2);
    const claims = await cache.claimedHostnames(['arn:lb/1', 'arn:lb/2', 'arn:lb/1']);

    // Assess
    expect([...claims.entries()].sort()).toEqual([
      ['arn:lb/1', ['a.example.com', 'c.example.com']],
      ['arn:lb/2', []],
    ]);
  });
});
