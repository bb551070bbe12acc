import { readFileSync } from 'node:fs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { describe, expect, test } from 'vitest';
import { DynamoAlertStore } from '#adapters/dynamodb/ledger-alerts.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoUsageHistory } from '#adapters/dynamodb/ledger-usage.ts';
import { sweepHandler } from '#app/sweep-handler.ts';
import { instanceTypeEntries, parseInstanceTypeInfo } from '#core/capacity/instance-type.ts';
import { loadConfig } from '#shared/config.ts';
import { RecordingNotifier, StaticInstanceTypeCatalog } from '#test/helpers/capacity-fakes.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { SimulatedEc2 } from '#test/helpers/simulated-ec2.ts';

const VPC = 'vpc-0a1b2c3d4e5f60718';
const SUBNET = 'subnet-0aa1111111111111a';
const context = { functionName: 'sweep', awsRequestId: 'test' } as unknown as Context;
const config = loadConfig({ TABLE_NAME: 'unused', CLUSTERS: 'myeks', VPC_IDS: VPC });
const m5large = parseInstanceTypeInfo(
  instanceTypeEntries(
    JSON.parse(
      readFileSync(new URL('../fixtures/instance-types-sample.json', import.meta.url), 'utf8'),
    ),
  ).find((t) => (t as { InstanceType?: string }).InstanceType === 'm5.large'),
);

/** Another node every hour, each with a CNI ENI of 9 secondary addresses: +11 addresses an hour. */
function addNode(ec2: SimulatedEc2, n: number): void {
  const id = `i-0a1b2c3d4e5f000${10 + n}`;
  ec2.instances.set(id, {
    instanceId: id,
    instanceType: 'm5.large',
    vpcId: VPC,
    state: 'running',
    cluster: 'myeks',
    tags: { 'eks:cluster-name': 'myeks' },
  });
  for (const device of [0, 1]) {
    const base = 10 + n * 20 + device * 10;
    ec2.enis.set(`eni-0a1b2c3d4e5f6${n}${device}`, {
      eniId: `eni-0a1b2c3d4e5f6${n}${device}`,
      vpcId: VPC,
      subnetId: SUBNET,
      description: device === 0 ? '' : `aws-K8S-${id}`,
      tags: device === 0 ? {} : { 'cluster.k8s.amazonaws.com/name': 'myeks' },
      attachment: { instanceId: id, deviceIndex: device },
      primaryIp: `192.168.1.${base}`,
      secondaryIps:
        device === 0 ? [] : Array.from({ length: 9 }, (_, i) => `192.168.1.${base + 1 + i}`),
      prefixes: [],
    });
  }
}

describe('the sweep samples usage and forecasts exhaustion', () => {
  test('a subnet filling at a steady rate warns of exhaustion before its threshold', async () => {
    // Prepare: a /24 (251 usable), threshold 64 free; 11 more addresses every hourly sweep.
    const ec2 = new SimulatedEc2();
    ec2.subnets.set(SUBNET, {
      subnetId: SUBNET,
      vpcId: VPC,
      cidr: '192.168.1.0/24',
      reservations: [],
    });
    const { client, tableName } = await freshLedgerTable();
    const db = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const ledger = new DynamoNetworkLedger(db, tableName);
    const usage = new DynamoUsageHistory(db, tableName);
    const notifier = new RecordingNotifier();
    let now = new Date('2026-11-21T00:00:00Z');
    const handler = sweepHandler(
      {
        network: {
          ledger,
          ec2,
          scope: config.scope,
          capacity: {
            alerts: new DynamoAlertStore(db, tableName),
            catalog: new StaticInstanceTypeCatalog({ 'm5.large': m5large }),
            notifier,
            settings: config.capacity,
            clock: () => now.toISOString(),
            usage,
          },
        },
      },
      () => now,
    );

    // Act
    const opened: number[] = [];
    for (let hour = 0; hour < 4; hour++) {
      addNode(ec2, hour);
      now = new Date(Date.UTC(2026, 10, 21, hour));
      await handler({}, context);
      if (notifier.sent.some((n) => n.kind === 'subnet-exhaustion')) opened.push(hour);
    }

    // Assess: 4 x 11 = 44 used, 207 free, far above the threshold of 64 free; at 11 an hour
    // that runs out in about 19 hours, within the 72 h horizon, once 3 samples show the trend.
    const samples = await usage.recent('subnet', SUBNET, '2026-11-20T00:00:00.000Z');
    expect(samples.map((s) => s.used)).toEqual([11, 22, 33, 44]);
    expect(opened[0]).toBe(2);
    expect(notifier.sent.find((n) => n.kind === 'subnet-exhaustion')).toMatchObject({
      type: 'open',
      severity: 'warning',
      subject: SUBNET,
    });
    const alert = await new DynamoAlertStore(db, tableName).get('subnet-exhaustion', SUBNET);
    expect(alert?.summary).toMatch(
      /207\/251 addresses free, runs out in about 19 hours at the current rate/,
    );
    expect(
      await usage.recent('node-group', 'myeks/m5.large', '2026-11-20T00:00:00.000Z'),
    ).toHaveLength(4);
  }, 60_000);
});
