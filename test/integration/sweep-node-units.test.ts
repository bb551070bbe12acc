import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expect, test } from 'vitest';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { dynamoUnitOfWork } from '#adapters/dynamodb/ledger-unit-of-work.ts';
import type { Scope } from '#core/events/scope.ts';
import { sweepNetwork } from '#core/network/sweep-network.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { SimulatedEc2 } from '#test/helpers/simulated-ec2.ts';

/**
 * The sweep files a new node with its ENIs in one request and, for what its own read of the
 * ledger did not find, reads nothing more; a writer that files the node in between makes that
 * request fail, and the node is filed write by write, the newer write standing.
 */
const VPC = 'vpc-1';
const SCOPE: Scope = { clusters: ['c1'], vpcIds: [VPC] };
const SWEEP_AT = '2026-11-30T12:00:00.000Z';

function account(): SimulatedEc2 {
  const ec2 = new SimulatedEc2();
  ec2.subnets.set('subnet-a', {
    subnetId: 'subnet-a',
    vpcId: VPC,
    cidr: '10.0.0.0/24',
    availabilityZone: 'az-a',
    reservations: [],
  });
  ec2.instances.set('i-1', {
    instanceId: 'i-1',
    instanceType: 't3.medium',
    availabilityZone: 'az-a',
    vpcId: VPC,
    subnetId: 'subnet-a',
    privateIp: '10.0.0.10',
    state: 'running',
    tags: { 'eks:cluster-name': 'c1' },
    cluster: 'c1',
  });
  for (const [n, device] of [
    [1, 0],
    [2, 1],
  ] as const) {
    ec2.enis.set(`eni-${n}`, {
      eniId: `eni-${n}`,
      vpcId: VPC,
      subnetId: 'subnet-a',
      description: device === 0 ? '' : 'aws-K8S-i-1',
      tags:
        device === 0
          ? {}
          : { 'node.k8s.amazonaws.com/instance_id': 'i-1', 'cluster.k8s.amazonaws.com/name': 'c1' },
      attachment: { instanceId: 'i-1', attachmentId: `attach-${n}`, deviceIndex: device },
      primaryIp: `10.0.0.${10 * n + 1}`,
      secondaryIps: [`10.0.0.${10 * n + 2}`, `10.0.0.${10 * n + 3}`],
      prefixes: [],
    });
  }
  return ec2;
}

/** The partitions each request names, by kind of request, counted at the client. */
async function ledger() {
  const { client, tableName } = await freshLedgerTable();
  const requests: { read: boolean; partitions: string[] }[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      const text = JSON.stringify(args.input);
      const partitions = [...text.matchAll(/"(NODE#i-1|ENI#eni-\d)"/g)].map((m) => String(m[1]));
      const read = ['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand'].includes(name);
      const write = [
        'PutItemCommand',
        'UpdateItemCommand',
        'DeleteItemCommand',
        'TransactWriteItemsCommand',
      ].includes(name);
      if ((read || write) && partitions.length > 0) requests.push({ read, partitions });
      return next(args);
    },
    { step: 'build', name: 'partitionCounter' },
  );
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { db, tableName, ledger: new DynamoNetworkLedger(db, tableName), requests };
}

test('a new node with its two ENIs and their addresses is one write and no read', async () => {
  // Prepare
  const l = await ledger();

  // Act
  const report = await sweepNetwork(
    {
      ledger: l.ledger,
      ec2: account(),
      scope: SCOPE,
      unitOfWork: () => dynamoUnitOfWork(l.db, l.tableName),
    },
    SWEEP_AT,
  );

  // Assess
  expect(report.byType).toMatchObject({ 'put-node': 1, 'node-state': 1, 'put-eni': 2 });
  expect(l.requests.filter((r) => !r.read)).toHaveLength(1);
  expect(l.requests.filter((r) => r.read)).toEqual([]);
  const view = await l.ledger.nodeView('i-1');
  expect([view.node?.state, view.node?.instanceType]).toEqual(['running', 't3.medium']);
  expect(view.enis.map((e) => e.attachment?.attachmentId).sort()).toEqual(['attach-1', 'attach-2']);
  expect(view.addresses.map((a) => a.address).sort()).toEqual([
    '10.0.0.11',
    '10.0.0.12',
    '10.0.0.13',
    '10.0.0.21',
    '10.0.0.22',
    '10.0.0.23',
  ]);
});

test('a node filed by another writer after the read: the unit is lost, the newer state stands', async () => {
  // Prepare: the node's stop is recorded (newer than the sweep) just before the unit commits
  const l = await ledger();
  const stopped = { eventTime: '2026-11-30T12:00:05.000Z', eventId: 'ev-stop' };
  const unitOfWork = () => {
    const unit = dynamoUnitOfWork(l.db, l.tableName);
    return {
      ...unit,
      commit: async () => {
        await l.ledger.setNodeState('i-1', 'stopping', stopped);
        return unit.commit();
      },
    };
  };

  // Act
  await sweepNetwork({ ledger: l.ledger, ec2: account(), scope: SCOPE, unitOfWork }, SWEEP_AT);

  // Assess
  const view = await l.ledger.nodeView('i-1');
  expect([view.node?.state, view.node?.instanceType]).toEqual(['stopping', 't3.medium']);
  expect(view.enis).toHaveLength(2);
  expect(view.addresses).toHaveLength(6);
});
