import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expect, test } from 'vitest';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { dynamoUnitOfWork } from '#adapters/dynamodb/ledger-unit-of-work.ts';
import type { Scope } from '#core/events/scope.ts';
import { sweepNetwork } from '#core/network/sweep-network.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { recordWrites } from '#test/helpers/request-log.ts';
import { SimulatedEc2 } from '#test/helpers/simulated-ec2.ts';

/**
 * The sweep into an empty ledger writes each item once: a new node's facts and state in one
 * write, a new ENI with its attachment and addresses in one transaction.
 */
const VPC = 'vpc-1';
const SCOPE: Scope = { clusters: ['c1'], vpcIds: [VPC] };

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
  ec2.enis.set('eni-1', {
    eniId: 'eni-1',
    vpcId: VPC,
    subnetId: 'subnet-a',
    description: 'aws-K8S-i-1',
    tags: { 'node.k8s.amazonaws.com/instance_id': 'i-1', 'cluster.k8s.amazonaws.com/name': 'c1' },
    attachment: { instanceId: 'i-1', attachmentId: 'attach-1', deviceIndex: 1 },
    primaryIp: '10.0.0.11',
    secondaryIps: ['10.0.0.12', '10.0.0.13'],
    prefixes: [],
  });
  return ec2;
}

/** Write requests by the partitions they touch, counted at the client. */
async function sweptWith(units: boolean) {
  const { client, tableName } = await freshLedgerTable();
  const writes = recordWrites(client);
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const ledger = new DynamoNetworkLedger(db, tableName);
  await sweepNetwork(
    {
      ledger,
      ec2: account(),
      scope: SCOPE,
      ...(units ? { unitOfWork: () => dynamoUnitOfWork(db, tableName) } : {}),
    },
    '2026-11-30T12:00:00.000Z',
  );
  const touching = (pk: string) => writes.filter((w) => w.includes(pk)).length;
  return { ledger, node: touching('NODE#i-1'), eni: touching('ENI#eni-1') };
}

test('a new node and a new ENI are each written in one request', async () => {
  const { ledger, node, eni } = await sweptWith(true);
  expect(node).toBe(1);
  expect(eni).toBe(1);
  expect(await ledger.getNode('i-1')).toMatchObject({
    state: 'running',
    instanceType: 't3.medium',
    cluster: 'c1',
  });
  const view = await ledger.nodeView('i-1');
  expect(view.enis.map((e) => e.attachment?.attachmentId)).toEqual(['attach-1']);
  expect(view.addresses.map((a) => a.address).sort()).toEqual([
    '10.0.0.11',
    '10.0.0.12',
    '10.0.0.13',
  ]);
});

test('without units, the new node takes a write for its facts and another for its state', async () => {
  const { node } = await sweptWith(false);
  expect(node).toBe(2);
});
