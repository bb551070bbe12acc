import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeEach, describe, expect, test } from 'vitest';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { unavailableEc2 } from '#adapters/ec2/ec2-unavailable.ts';
import type { Scope } from '#core/events/scope.ts';
import type { Ec2Deps } from '#core/network/apply-ec2-event.ts';
import { handleEc2Event } from '#core/network/handle-ec2-event.ts';
import type { Ec2Reader } from '#core/network/network-ports.ts';
import { holderAt } from '#test/helpers/holder-at.ts';
import { ledgerSnapshot } from '#test/helpers/ledger-snapshot.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { type SampleEvent, sample, sampleFolder } from '#test/helpers/samples.ts';
import { SimulatedEc2 } from '#test/helpers/simulated-ec2.ts';

const SCOPE: Scope = { clusters: ['myeks'], vpcIds: ['vpc-0a1b2c3d4e5f60718'] };
const LIFECYCLE = sampleFolder('ec2/node-lifecycle').map((s) => s.event);
const TERMINATION = sampleFolder('ec2/node-termination').map((s) => s.event);

/** A fresh copy of the i-th lifecycle event. */
function lifecycle(i: number): SampleEvent {
  const event = LIFECYCLE[i];
  if (!event) throw new Error(`no lifecycle event ${i}`);
  return structuredClone(event);
}

async function newLedger() {
  const { client, tableName } = await freshLedgerTable();
  return new DynamoNetworkLedger(DynamoDBDocumentClient.from(client), tableName);
}

async function replay(events: readonly unknown[], deps: Ec2Deps) {
  const outcomes = [];
  for (const e of events) outcomes.push(await handleEc2Event(structuredClone(e), deps));
  return outcomes;
}

describe('replaying the EC2 samples into DynamoDB Local', () => {
  let ledger: DynamoNetworkLedger;
  let deps: Ec2Deps;
  beforeEach(async () => {
    ledger = await newLedger();
    deps = { ledger, ec2: unavailableEc2, scope: SCOPE };
  });

  test('builds the nodes the story describes', async () => {
    // Act
    const outcomes = await replay(LIFECYCLE, deps);
    // Assess
    expect(outcomes.map((o) => o.status)).toEqual([
      'applied',
      'applied',
      'applied',
      'applied',
      'applied',
      'ignored', // a count-only assignment, and no EC2 to read the ENI back from
      'applied',
      'applied',
      'applied',
      'applied',
    ]);
    const snap = await ledgerSnapshot(ledger);
    expect(snap.nodes.map((n) => n.row)).toEqual([
      expect.objectContaining({
        instanceId: 'i-0a1b2c3d4e5f00001',
        instanceType: 't3.medium',
        state: 'running',
        enis: 2,
        addresses: 3 + 5,
        prefixes: 0,
      }),
      expect.objectContaining({
        instanceId: 'i-0a1b2c3d4e5f00002',
        instanceType: 'm5.large',
        state: 'pending',
        enis: 1,
        addresses: 0,
        prefixes: 1,
      }),
    ]);
    const subnetA = snap.subnets.find((s) => s.subnetId === 'subnet-0aa1111111111111a');
    // node primary + 3 pod IPs on eth0, and eth1's primary + 5 secondaries
    expect(subnetA).toMatchObject({
      enis: 2,
      used: 10,
      byKind: { 'node-primary': 1, 'vpc-cni': 9 },
    });
    const subnetC = snap.subnets.find((s) => s.subnetId === 'subnet-0cc3333333333333c');
    expect(subnetC).toMatchObject({ enis: 1, used: 1, byKind: { 'eks-control-plane': 1 } });
  });

  test('replaying every event twice changes nothing the second time', async () => {
    await replay(LIFECYCLE, deps);
    const once = await ledgerSnapshot(ledger);
    const second = await replay(LIFECYCLE, deps);
    expect(second.map((o) => o.status)).toEqual(
      LIFECYCLE.map((_, i) => (i === 5 ? 'ignored' : 'duplicate')),
    );
    expect(await ledgerSnapshot(ledger)).toEqual(once);
  });

  test('an older event never overwrites newer state', async () => {
    // Prepare: the node is running, then a late, older "pending" arrives as a new event
    await replay(LIFECYCLE.slice(0, 2), deps);
    const late = lifecycle(1);
    late.id = 'late-0001';
    late.time = '2026-11-21T10:00:20Z';
    late.detail.state = 'pending';
    // Act
    const outcome = await handleEc2Event(late, deps);
    // Assess
    expect(outcome.status).toBe('stale');
    expect((await ledger.getNode('i-0a1b2c3d4e5f00001'))?.state).toBe('running');
  });

  test('termination releases the ENIs and addresses of the node', async () => {
    await replay([...LIFECYCLE, ...TERMINATION], deps);
    const snap = await ledgerSnapshot(ledger);
    const node = snap.nodes.find((n) => n.row.instanceId === 'i-0a1b2c3d4e5f00001');
    expect(node?.row).toMatchObject({ state: 'terminated', enis: 0, addresses: 0 });
    expect(node?.addresses).toEqual([]);
    expect(snap.subnets.find((s) => s.subnetId === 'subnet-0aa1111111111111a')).toMatchObject({
      enis: 0,
      used: 0,
    });
    expect(await holderAt(ledger, 'vpc-0a1b2c3d4e5f60718', '192.168.1.41')).toBeUndefined();
  });

  test.each([
    [
      'ec2/rejected/01-assign-private-ip-addresses-error.json',
      /failed in AWS \(PrivateIpAddressLimitExceeded\)/,
    ],
    [
      'ec2/rejected/02-create-network-interface-other-cluster.json',
      /cluster othercluster is not configured/,
    ],
  ])('%s is ignored with a reason and leaves the ledger unchanged', async (file, reason) => {
    await replay(LIFECYCLE, deps);
    const before = await ledgerSnapshot(ledger);
    const outcome = await handleEc2Event(sample(file), deps);
    expect(outcome).toMatchObject({ status: 'ignored', reason: expect.stringMatching(reason) });
    expect(await ledgerSnapshot(ledger)).toEqual(before);
  });

  test('an assign for an ENI the ledger does not know is parked under it, nothing else changes', async () => {
    await replay(LIFECYCLE, deps);
    const before = await ledgerSnapshot(ledger);
    const outcome = await handleEc2Event(
      sample('ec2/rejected/03-assign-private-ip-addresses-unknown-eni.json'),
      deps,
    );
    expect(outcome).toMatchObject({
      status: 'parked',
      parkedOn: 'eni:eni-0dead0dead0dead01',
      reason: expect.stringMatching(/unknown ENI eni-0dead0dead0dead01/),
    });
    expect(await ledgerSnapshot(ledger)).toEqual(before);
    expect((await ledger.listParked()).map((p) => p.subject)).toEqual([
      'eni:eni-0dead0dead0dead01',
    ]);
  });

  test('a truncated event is ignored with a reason and changes nothing', async () => {
    await replay(LIFECYCLE, deps);
    const before = await ledgerSnapshot(ledger);
    const truncated = lifecycle(2);
    delete truncated.detail.requestParameters;
    const outcome = await handleEc2Event(truncated, deps);
    expect(outcome).toMatchObject({
      status: 'ignored',
      reason: expect.stringMatching(/networkInterfaceId/),
    });
    expect(await ledgerSnapshot(ledger)).toEqual(before);
  });
});

describe('order independence', () => {
  test('any shuffle followed by the in-order replay ends where one in-order replay ends', async () => {
    const all = [...LIFECYCLE, ...TERMINATION];
    const reference = await newLedger();
    await replay(all, { ledger: reference, ec2: unavailableEc2, scope: SCOPE });
    const expected = await ledgerSnapshot(reference);
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(all, { minLength: all.length }), async (shuffled) => {
        const ledger = await newLedger();
        const deps = { ledger, ec2: unavailableEc2, scope: SCOPE };
        await replay(shuffled, deps);
        await replay(all, deps);
        expect(await ledgerSnapshot(ledger)).toEqual(expected);
      }),
      { numRuns: 6 },
    );
  }, 120_000);
});

describe('reading back what an event does not carry', () => {
  test('a count-only assignment reads that one ENI back, once', async () => {
    // Prepare: EC2 knows eth0 with the two extra addresses the CNI asked for
    const ec2 = new SimulatedEc2();
    const ledger = await newLedger();
    const deps = { ledger, ec2: ec2 as Ec2Reader, scope: SCOPE };
    await replay(LIFECYCLE.slice(0, 3), deps);
    ec2.enis.set('eni-0a1b2c3d4e5f60001', {
      eniId: 'eni-0a1b2c3d4e5f60001',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      subnetId: 'subnet-0aa1111111111111a',
      description: '',
      tags: {},
      attachment: { instanceId: 'i-0a1b2c3d4e5f00001', deviceIndex: 0 },
      primaryIp: '192.168.1.10',
      secondaryIps: [
        '192.168.1.21',
        '192.168.1.22',
        '192.168.1.23',
        '192.168.1.24',
        '192.168.1.25',
        '192.168.1.26',
        '192.168.1.27',
      ],
      prefixes: [],
    });
    ec2.calls.length = 0;
    // Act
    const outcome = await handleEc2Event(lifecycle(5), deps);
    // Assess
    expect(outcome.status).toBe('applied');
    expect(ec2.calls).toEqual(['DescribeNetworkInterfaces eni-0a1b2c3d4e5f60001']);
    const view = await ledger.nodeView('i-0a1b2c3d4e5f00001');
    expect(
      view.addresses
        .filter((a) => a.kind === 'secondary')
        .map((a) => a.address)
        .sort(),
    ).toEqual([
      '192.168.1.21',
      '192.168.1.22',
      '192.168.1.23',
      '192.168.1.24',
      '192.168.1.25',
      '192.168.1.26',
      '192.168.1.27',
    ]);
  });

  test('an event that carries the whole answer makes no EC2 call', async () => {
    const ec2 = new SimulatedEc2();
    const ledger = await newLedger();
    ec2.subnets.set('subnet-0aa1111111111111a', {
      subnetId: 'subnet-0aa1111111111111a',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      cidr: '192.168.1.0/24',
      reservations: [],
    });
    await replay(LIFECYCLE.slice(0, 2), { ledger, ec2, scope: SCOPE });
    ec2.calls.length = 0;
    await replay([lifecycle(2), lifecycle(3), lifecycle(4), lifecycle(6)], {
      ledger,
      ec2,
      scope: SCOPE,
    });
    expect(ec2.calls).toEqual([]);
  });

  test('a state change for an unknown instance reads it once and files it with its type', async () => {
    const ec2 = new SimulatedEc2();
    ec2.instances.set('i-0a1b2c3d4e5f00001', {
      instanceId: 'i-0a1b2c3d4e5f00001',
      instanceType: 't3.medium',
      state: 'running',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      tags: { 'eks:cluster-name': 'myeks' },
    });
    const ledger = await newLedger();
    const outcome = await handleEc2Event(lifecycle(1), { ledger, ec2, scope: SCOPE });
    expect(outcome.status).toBe('applied');
    expect(ec2.calls).toEqual(['DescribeInstances i-0a1b2c3d4e5f00001']);
    expect(await ledger.getNode('i-0a1b2c3d4e5f00001')).toMatchObject({
      instanceType: 't3.medium',
      cluster: 'myeks',
      state: 'running',
    });
  });

  test('a throttled read fails the event instead of dropping it, and nothing is marked processed', async () => {
    const ec2 = new SimulatedEc2();
    const ledger = await newLedger();
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'RequestLimitExceeded' });
    ec2.failNext = throttled;
    await expect(handleEc2Event(lifecycle(1), { ledger, ec2, scope: SCOPE })).rejects.toThrow(
      'Rate exceeded',
    );
    expect(await ledger.hasProcessed(lifecycle(1).id)).toBe(false);
  });
});
