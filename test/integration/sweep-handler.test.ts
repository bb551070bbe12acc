import { readFileSync } from 'node:fs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { describe, expect, test, vi } from 'vitest';
import { DynamoAlertStore } from '#adapters/dynamodb/ledger-alerts.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import { SweepFailedError, sweepHandler } from '#app/sweep-handler.ts';
import { instanceTypeEntries, parseInstanceTypeInfo } from '#core/capacity/instance-type.ts';
import type { EniFacts } from '#core/network/network.ts';
import { loadConfig } from '#shared/config.ts';
import { logger } from '#shared/powertools.ts';
import { RecordingNotifier, StaticInstanceTypeCatalog } from '#test/helpers/capacity-fakes.ts';
import { forgetTargetsAtIps, freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { SimulatedEc2 } from '#test/helpers/simulated-ec2.ts';
import { SimulatedElbv2 } from '#test/helpers/simulated-elbv2.ts';

const VPC = 'vpc-0a1b2c3d4e5f60718';
const NODE = 'i-0a1b2c3d4e5f00001';
const SUBNET = 'subnet-0aa1111111111111a';
const context = { functionName: 'sweep', awsRequestId: 'test' } as unknown as Context;
const config = loadConfig({ TABLE_NAME: 'unused', CLUSTERS: 'myeks', VPC_IDS: VPC });
const t3medium = parseInstanceTypeInfo(
  instanceTypeEntries(
    JSON.parse(
      readFileSync(new URL('../fixtures/instance-types-sample.json', import.meta.url), 'utf8'),
    ),
  ).find((t) => (t as { InstanceType?: string }).InstanceType === 't3.medium'),
);

/** A t3.medium whose three ENIs hold all 15 secondary addresses: 17 pods, no headroom. */
function fullNode(): SimulatedEc2 {
  const ec2 = new SimulatedEc2();
  ec2.subnets.set(SUBNET, {
    subnetId: SUBNET,
    vpcId: VPC,
    cidr: '192.168.1.0/24',
    reservations: [],
  });
  ec2.instances.set(NODE, {
    instanceId: NODE,
    instanceType: 't3.medium',
    vpcId: VPC,
    state: 'running',
    cluster: 'myeks',
    tags: { 'eks:cluster-name': 'myeks' },
  });
  for (const device of [0, 1, 2]) {
    const eni: EniFacts = {
      eniId: `eni-0a1b2c3d4e5f6000${device}`,
      vpcId: VPC,
      subnetId: SUBNET,
      description: device === 0 ? '' : `aws-K8S-${NODE}`,
      tags: device === 0 ? {} : { 'cluster.k8s.amazonaws.com/name': 'myeks' },
      attachment: { instanceId: NODE, deviceIndex: device },
      primaryIp: `192.168.1.${10 + device * 10}`,
      secondaryIps: [1, 2, 3, 4, 5].map((n) => `192.168.1.${10 + device * 10 + n}`),
      prefixes: [],
    };
    ec2.enis.set(eni.eniId, eni);
  }
  return ec2;
}

async function deps(ec2: SimulatedEc2, elbv2 = new SimulatedElbv2()) {
  const { client, tableName } = await freshLedgerTable();
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const ledger = new DynamoNetworkLedger(db, tableName);
  const notifier = new RecordingNotifier();
  const alerts = new DynamoAlertStore(db, tableName);
  const clock = () => '2026-11-21T12:00:00.000Z';
  return {
    ledger,
    notifier,
    db,
    tableName,
    handlerDeps: {
      network: {
        ledger,
        ec2,
        scope: config.scope,
        capacity: {
          alerts,
          catalog: new StaticInstanceTypeCatalog({ 't3.medium': t3medium }),
          notifier,
          settings: config.capacity,
          clock,
        },
      },
      elb: {
        targets: new DynamoTargetLedger(db, tableName),
        network: ledger,
        elbv2,
        scope: config.scope,
        settings: config.targets,
        clock,
      },
    },
  };
}

describe('the sweep handler', () => {
  test('repairs the ledger from EC2 and opens the capacity alert no event reported', async () => {
    const w = await deps(fullNode());
    const result = await sweepHandler(w.handlerDeps, () => new Date('2026-11-21T12:00:00Z'))(
      {},
      context,
    );
    expect(result.network?.byType).toMatchObject({ 'put-node': 1, 'put-eni': 3 });
    expect(w.notifier.sent).toEqual([
      expect.objectContaining({ type: 'open', kind: 'node-pod-capacity', subject: NODE }),
    ]);
  });

  test('repairs no event reported: one warning per run about the CloudTrail trail, then none', async () => {
    const w = await deps(fullNode());
    const warn = vi.spyOn(logger, 'warn');
    const sweep = sweepHandler(w.handlerDeps, () => new Date('2026-11-21T12:00:00Z'));
    try {
      await sweep({}, context);
      const first = warn.mock.calls.filter(([m]) => String(m).includes('no event reported'));
      warn.mockClear();
      await sweep({}, context);
      const second = warn.mock.calls.filter(([m]) => String(m).includes('no event reported'));
      expect(first).toHaveLength(1);
      expect(String(first[0]?.[0])).toMatch(
        /repaired \d+ ENI\/address change\(s\).*CloudTrail trail/,
      );
      // The ledger is current now: nothing repaired, nothing to warn about.
      expect(second).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  test('a failing part does not stop the others, and the sweep still fails loudly', async () => {
    const elbv2 = new SimulatedElbv2();
    elbv2.failNext = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    const w = await deps(fullNode(), elbv2);
    await expect(
      sweepHandler(w.handlerDeps, () => new Date('2026-11-21T12:00:00Z'))({}, context),
    ).rejects.toThrow(SweepFailedError);
    // The EC2 part ran and its repairs stayed.
    expect((await w.ledger.nodeView(NODE)).enis).toHaveLength(3);
  });

  test('fills the targets-at-IP entries of a table written before they were kept, once', async () => {
    // Prepare: a registered IP target, its entry and the ready marker gone
    const w = await deps(fullNode());
    const targets = w.handlerDeps.elb.targets;
    const tgArn = 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/1';
    const stamp = { eventTime: '2026-11-21T11:00:00Z', eventId: 'old' };
    await targets.putTargetGroup(
      { arn: tgArn, name: 'web', targetType: 'ip', protocol: 'TCP', port: 80, vpcId: VPC },
      stamp,
    );
    await targets.registerTargets(
      tgArn,
      [{ id: '192.168.1.11', port: 80, kind: 'ip', vpcId: VPC }],
      stamp,
    );
    await forgetTargetsAtIps(w.db, w.tableName);
    const info = vi.spyOn(logger, 'info');
    const sweep = sweepHandler(w.handlerDeps, () => new Date('2026-11-21T12:00:00Z'));

    // Act
    let results: unknown[];
    try {
      await sweep({}, context);
      await sweep({}, context);
      results = info.mock.calls
        .filter(([m]) => m === 'sweep target index finished')
        .map(([, extra]) => (extra as { result: unknown }).result);
    } finally {
      info.mockRestore();
    }

    // Assess: filled by the first sweep (one target), found ready by the second
    expect(results).toEqual([1, 'ready']);
    expect(await targets.targetsAtIpsReady()).toBe(true);
  });
});
