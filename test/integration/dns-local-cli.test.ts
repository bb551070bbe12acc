import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, test } from 'vitest';
import { DynamoDnsRecordCache } from '#adapters/dynamodb/ledger-dns.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import { HOSTNAME_TAG } from '#core/dns/dns-desired.ts';
import { localDnsDeps } from '#local/local-dns.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { runDns } from '../../bin/commands/dns.ts';

const ARN =
  'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:loadbalancer/net/web/0123456789abcdef';
const DNS_NAME = 'web-0123456789abcdef.elb.ap-northeast-2.amazonaws.com';

async function localLedgerWithLb() {
  const { client, tableName } = await freshLedgerTable();
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const targets = new DynamoTargetLedger(db, tableName);
  const stamp = { eventId: 'e1', eventTime: '2026-11-21T10:00:00.000Z' };
  await targets.putLoadBalancer(
    {
      arn: ARN,
      name: 'web',
      type: 'network',
      scheme: 'internet-facing',
      dnsName: DNS_NAME,
      canonicalHostedZoneId: 'ZIBE1TIR4HY56',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      ipAddressType: 'ipv4',
      availabilityZones: [],
    },
    stamp,
  );
  await targets.setTags('load-balancer', ARN, { [HOSTNAME_TAG]: 'web.example.com' }, stamp);
  let closed = 0;
  const open = async () => ({
    db,
    tableName,
    close: async () => {
      closed++;
    },
  });
  return { db, tableName, open, closed: () => closed };
}

async function run(argv: string[], deps: ReturnType<typeof localDnsDeps>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDns(argv, {
    ...deps,
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  return { code, out: out.join(''), err: err.join('') };
}

describe('netledger dns in local mode', () => {
  test('plan shows what the ledger LBs want; apply writes it to the local cache; plan is then empty', async () => {
    // Prepare
    const local = await localLedgerWithLb();
    const deps = () =>
      localDnsDeps({
        open: local.open,
        env: { DNS_ZONES: 'Z0LOCAL=example.com', DNS_OWNER_ID: 'dev' },
      });

    // Act
    const before = await run(['plan', '--json'], deps());
    const applied = await run(['apply'], deps());
    const after = await run(['plan', '--json'], deps());

    // Assess
    expect(before.code).toBe(0);
    const plan = JSON.parse(before.out);
    expect(plan.create).toEqual([
      {
        zoneId: 'Z0LOCAL',
        name: 'web.example.com',
        type: 'A',
        target: DNS_NAME,
        aliasZoneId: 'ZIBE1TIR4HY56',
      },
    ]);
    expect(applied.code).toBe(0);
    expect(applied.out).toContain('2 record change(s) applied, 0 failed, in 1 batch(es).');
    const cached = await new DynamoDnsRecordCache(local.db, local.tableName).readZone('Z0LOCAL');
    expect(cached.recordSets.map((rs) => `${rs.Name} ${rs.Type}`).sort()).toEqual([
      'a-web.example.com TXT',
      'web.example.com A',
    ]);
    // The owner came from DNS_OWNER_ID.
    expect(JSON.stringify(cached.recordSets)).toContain('external-dns/owner=dev');
    expect(JSON.parse(after.out)).toEqual({ create: [], update: [], delete: [], conflicts: [] });
    expect(local.closed()).toBe(3);
  });

  test('--zone overrides DNS_ZONES, and without any zone the command says what is missing', async () => {
    // Prepare
    const local = await localLedgerWithLb();

    // Act
    const withZone = await run(
      ['plan', '--json', '--zone', 'Z0OTHER=web.example.com'],
      localDnsDeps({ open: local.open, env: {} }),
    );
    const without = await run(['plan'], localDnsDeps({ open: local.open, env: {} }));

    // Assess
    expect(JSON.parse(withZone.out).create.map((r: { zoneId: string }) => r.zoneId)).toEqual([
      'Z0OTHER',
    ]);
    expect(without.code).toBe(1);
    expect(without.err).toContain('--zone ID=NAME or set DNS_ZONES');
  });
});
