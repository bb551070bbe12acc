import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, test } from 'vitest';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { unavailableEc2 } from '#adapters/ec2/ec2-unavailable.ts';
import type { Scope } from '#core/events/scope.ts';
import { handleEc2Event } from '#core/network/handle-ec2-event.ts';
import { sweepNetwork } from '#core/network/sweep-network.ts';
import { ledgerSnapshot } from '#test/helpers/ledger-snapshot.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { sampleFolder } from '#test/helpers/samples.ts';
import { SimulatedEc2 } from '#test/helpers/simulated-ec2.ts';

const SCOPE: Scope = { clusters: ['myeks'], vpcIds: ['vpc-0a1b2c3d4e5f60718'] };
const VPC = 'vpc-0a1b2c3d4e5f60718';

async function newLedger() {
  const { client, tableName } = await freshLedgerTable();
  return new DynamoNetworkLedger(DynamoDBDocumentClient.from(client), tableName);
}

/** The account as it stands after the node-lifecycle story, with the count-only assignment resolved. */
function accountAfterLifecycle(): SimulatedEc2 {
  const ec2 = new SimulatedEc2();
  ec2.subnets.set('subnet-0aa1111111111111a', {
    subnetId: 'subnet-0aa1111111111111a',
    vpcId: VPC,
    cidr: '192.168.1.0/24',
    availabilityZone: 'ap-northeast-2a',
    reservations: [],
  });
  ec2.instances.set('i-0a1b2c3d4e5f00001', {
    instanceId: 'i-0a1b2c3d4e5f00001',
    instanceType: 't3.medium',
    availabilityZone: 'ap-northeast-2a',
    vpcId: VPC,
    subnetId: 'subnet-0aa1111111111111a',
    privateIp: '192.168.1.10',
    state: 'running',
    tags: { 'eks:cluster-name': 'myeks' },
    cluster: 'myeks',
  });
  ec2.enis.set('eni-0a1b2c3d4e5f60001', {
    eniId: 'eni-0a1b2c3d4e5f60001',
    vpcId: VPC,
    subnetId: 'subnet-0aa1111111111111a',
    description: '',
    tags: {},
    attachment: { instanceId: 'i-0a1b2c3d4e5f00001', deviceIndex: 0 },
    primaryIp: '192.168.1.10',
    secondaryIps: ['192.168.1.21', '192.168.1.22', '192.168.1.23', '192.168.1.26', '192.168.1.27'],
    prefixes: [],
  });
  ec2.enis.set('eni-0a1b2c3d4e5f60011', {
    eniId: 'eni-0a1b2c3d4e5f60011',
    vpcId: VPC,
    subnetId: 'subnet-0aa1111111111111a',
    description: 'aws-K8S-i-0a1b2c3d4e5f00001',
    tags: {
      'node.k8s.amazonaws.com/instance_id': 'i-0a1b2c3d4e5f00001',
      'cluster.k8s.amazonaws.com/name': 'myeks',
    },
    attachment: {
      instanceId: 'i-0a1b2c3d4e5f00001',
      deviceIndex: 1,
      attachmentId: 'eni-attach-0a1b2c3d4e5f60011',
    },
    primaryIp: '192.168.1.40',
    secondaryIps: ['192.168.1.41', '192.168.1.42', '192.168.1.43', '192.168.1.44', '192.168.1.45'],
    prefixes: [],
  });
  return ec2;
}

describe('the sweep', () => {
  test('fills a ledger that missed every event, then finds nothing left to repair', async () => {
    // Prepare
    const ledger = await newLedger();
    const ec2 = accountAfterLifecycle();
    // Act
    const first = await sweepNetwork({ ledger, ec2, scope: SCOPE }, '2026-11-21T12:00:00.000Z');
    const second = await sweepNetwork({ ledger, ec2, scope: SCOPE }, '2026-11-21T12:10:00.000Z');
    // Assess
    expect(first.byType).toEqual({ 'put-node': 1, 'node-state': 1, 'put-eni': 2, 'put-subnet': 1 });
    expect(first.affected.nodes).toEqual(['i-0a1b2c3d4e5f00001']);
    expect(second.repairs).toBe(0);
    const snap = await ledgerSnapshot(ledger);
    expect(snap.nodes.map((n) => n.row)).toEqual([
      expect.objectContaining({
        instanceId: 'i-0a1b2c3d4e5f00001',
        enis: 2,
        addresses: 10,
        state: 'running',
      }),
    ]);
  });

  test('repairs what the events got wrong and leaves the rest', async () => {
    // Prepare: events built the ledger, but the count-only assignment could not be read back
    const ledger = await newLedger();
    for (const { event } of sampleFolder('ec2/node-lifecycle').slice(0, 7)) {
      await handleEc2Event(event, { ledger, ec2: unavailableEc2, scope: SCOPE });
    }
    const ec2 = accountAfterLifecycle();
    // Act
    const report = await sweepNetwork({ ledger, ec2, scope: SCOPE }, '2026-11-21T12:00:00.000Z');
    // Assess: only the two addresses EC2 assigned and the subnet CIDR were missing
    expect(report.byType).toEqual({ assign: 1, 'put-subnet': 1 });
    const view = await ledger.nodeView('i-0a1b2c3d4e5f00001');
    expect(view.addresses.map((a) => a.address)).toEqual(
      expect.arrayContaining(['192.168.1.26', '192.168.1.27']),
    );
    expect((await ledger.getSubnet('subnet-0aa1111111111111a'))?.cidr).toBe('192.168.1.0/24');
  });

  test('a late event older than the sweep does not undo its repair', async () => {
    // Prepare: eth1 was created and attached, then EC2 deleted it and the delete event was lost
    const ledger = await newLedger();
    const story = sampleFolder('ec2/node-lifecycle').map((s) => s.event);
    for (const event of story.slice(0, 5))
      await handleEc2Event(event, { ledger, ec2: unavailableEc2, scope: SCOPE });
    const ec2 = accountAfterLifecycle();
    ec2.enis.delete('eni-0a1b2c3d4e5f60011');
    const report = await sweepNetwork({ ledger, ec2, scope: SCOPE }, '2026-11-21T12:00:00.000Z');
    expect(report.byType['delete-eni']).toBe(1);
    // Act: an assignment to eth1 from 10:30 arrives after the sweep
    const late = structuredClone(story[2]);
    if (!late) throw new Error('missing sample');
    late.id = 'late-assign';
    late.detail.eventID = 'late-assign';
    late.detail.eventTime = '2026-11-21T10:30:00Z';
    late.detail.requestParameters.networkInterfaceId = 'eni-0a1b2c3d4e5f60011';
    late.detail.responseElements.networkInterfaceId = 'eni-0a1b2c3d4e5f60011';
    const outcome = await handleEc2Event(late, { ledger, ec2: unavailableEc2, scope: SCOPE });
    // Assess
    expect(outcome.status).toBe('stale');
    expect((await ledger.nodeView('i-0a1b2c3d4e5f00001')).enis.map((e) => e.eniId)).toEqual([
      'eni-0a1b2c3d4e5f60001',
    ]);
  });

  test('an event parked for an ENI the sweep files is applied then', async () => {
    // Prepare: the unassign on eth0 arrives before anything about the node (no read-back in local mode)
    const ledger = await newLedger();
    const story = sampleFolder('ec2/node-lifecycle').map((s) => s.event);
    const unassign = structuredClone(story[6]);
    if (!unassign) throw new Error('missing sample');
    const parked = await handleEc2Event(unassign, { ledger, ec2: unavailableEc2, scope: SCOPE });
    expect(parked).toMatchObject({ status: 'parked', parkedOn: 'eni:eni-0a1b2c3d4e5f60001' });
    const ec2 = accountAfterLifecycle();
    const eth0 = ec2.enis.get('eni-0a1b2c3d4e5f60001');
    if (!eth0) throw new Error('missing ENI');
    const released = unassign.detail.requestParameters.privateIpAddressesSet.item.map(
      (i: { privateIpAddress: string }) => i.privateIpAddress,
    ) as string[];
    ec2.enis.set(eth0.eniId, { ...eth0, secondaryIps: [...eth0.secondaryIps, ...released] });

    // Act: the sweep (stamped before the unassign happened) files eth0 with those addresses
    const report = await sweepNetwork({ ledger, ec2, scope: SCOPE }, '2026-11-21T10:00:00.000Z');

    // Assess: the parked unassign applied after the sweep filed eth0, and nothing waits any more
    expect(report.parked.applied).toBe(1);
    expect(await ledger.listParked()).toEqual([]);
    const held = (await ledger.nodeView('i-0a1b2c3d4e5f00001')).addresses.map((a) => a.address);
    for (const ip of released) expect(held).not.toContain(ip);
  });
});
