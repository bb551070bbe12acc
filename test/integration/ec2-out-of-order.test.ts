import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, test } from 'vitest';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { unavailableEc2 } from '#adapters/ec2/ec2-unavailable.ts';
import type { Scope } from '#core/events/scope.ts';
import type { Ec2Deps } from '#core/network/apply-ec2-event.ts';
import { handleEc2Event } from '#core/network/handle-ec2-event.ts';
import type { EniEntry } from '#core/network/network-ports.ts';
import { decideStaleTarget } from '#core/targets/stale-target.ts';
import { holderAt } from '#test/helpers/holder-at.ts';
import { ledgerSnapshot } from '#test/helpers/ledger-snapshot.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { type SampleEvent, sampleFolder } from '#test/helpers/samples.ts';
import { SimulatedEc2 } from '#test/helpers/simulated-ec2.ts';

/**
 * Delivery orders that AWS really produces: state-change notifications within
 * seconds, CloudTrail records minutes later. Each case must end where the
 * in-order replay ends.
 */
const VPC = 'vpc-0a1b2c3d4e5f60718';
const SCOPE: Scope = { clusters: ['myeks'], vpcIds: [VPC] };
const NODE = 'i-0a1b2c3d4e5f00001';
const story = sampleFolder('ec2/node-lifecycle').map((s) => s.event);
const ending = sampleFolder('ec2/node-termination').map((s) => s.event);
const L = (i: number): SampleEvent => structuredClone(story[i] as SampleEvent);
const TERMINATED = (): SampleEvent => structuredClone(ending[3] as SampleEvent);
const DETACH = (): SampleEvent => structuredClone(ending[0] as SampleEvent);
const DELETE = (): SampleEvent => structuredClone(ending[1] as SampleEvent);

async function newLedger() {
  const { client, tableName } = await freshLedgerTable();
  return new DynamoNetworkLedger(DynamoDBDocumentClient.from(client), tableName);
}

/** DescribeInstances keeps answering for a terminated instance for about an hour. */
function ec2KnowingTheDeadNode() {
  const ec2 = new SimulatedEc2();
  ec2.instances.set(NODE, {
    instanceId: NODE,
    instanceType: 't3.medium',
    state: 'terminated',
    vpcId: VPC,
    tags: { 'eks:cluster-name': 'myeks' },
  });
  return ec2;
}

async function replay(events: readonly SampleEvent[], deps: Ec2Deps) {
  const statuses = [];
  for (const e of events) statuses.push((await handleEc2Event(structuredClone(e), deps)).status);
  return statuses;
}

async function inOrder(events: readonly SampleEvent[], ec2 = unavailableEc2 as Ec2Deps['ec2']) {
  const ledger = await newLedger();
  await replay(events, { ledger, ec2, scope: SCOPE });
  return ledgerSnapshot(ledger);
}

describe('termination known before the ENI events', () => {
  test('"terminated" before RunInstances: the primary ENI and its addresses are released', async () => {
    const events = [L(0), L(1), L(2), TERMINATED()];
    const expected = await inOrder(events, ec2KnowingTheDeadNode());
    const ledger = await newLedger();
    const deps = { ledger, ec2: ec2KnowingTheDeadNode(), scope: SCOPE };
    await replay([TERMINATED(), L(0), L(1), L(2)], deps);
    await replay(events, deps);
    const snap = await ledgerSnapshot(ledger);
    expect(snap).toEqual(expected);
    expect(snap.nodes.find((n) => n.row.instanceId === NODE)?.row).toMatchObject({
      enis: 0,
      addresses: 0,
    });
  });

  test('AttachNetworkInterface after "terminated": eth1 is released with the node', async () => {
    const events = [L(0), L(1), L(2), L(3), L(4), TERMINATED()];
    const expected = await inOrder(events);
    const ledger = await newLedger();
    const deps = { ledger, ec2: unavailableEc2, scope: SCOPE };
    await replay([L(0), L(1), L(2), L(3), TERMINATED(), L(4)], deps);
    await replay(events, deps);
    expect(await ledgerSnapshot(ledger)).toEqual(expected);
    expect(await holderAt(ledger, VPC, '192.168.1.41')).toBeUndefined();
  });
});

describe('who holds an address', () => {
  test('an IP on a detached CNI ENI is held by no node', async () => {
    const ledger = await newLedger();
    await replay([...story, DETACH()], { ledger, ec2: unavailableEc2, scope: SCOPE });
    const holder = await holderAt(ledger, VPC, '192.168.1.41');
    expect(holder).toMatchObject({ eniId: 'eni-0a1b2c3d4e5f60011' });
    expect(holder?.instanceId).toBeUndefined();
    const decision = decideStaleTarget(
      {
        tgArn: 'tg',
        ip: '192.168.1.41',
        port: 80,
        registeredAt: '2026-11-21T10:06:00.000Z',
        targetType: 'ip',
        nodeAtRegistration: NODE,
        eniAtRegistration: 'eni-0a1b2c3d4e5f60011',
      },
      holder,
    );
    expect(decision).toEqual({ stale: true, reason: 'ip-on-detached-eni' });
  });

  test.each([
    ['the later assignment wins', '10:01', '10:06', 'eni-000000000000000a1'],
    ['whatever the ENI ids', '10:06', '10:01', 'eni-000000000000000b2'],
  ])('two live ENIs claim one IP while a release is in flight: %s', async (_, atB, atA, winner) => {
    const ledger = await newLedger();
    const stamp = (time: string, id: string) => ({
      eventTime: `2026-11-21T${time}:00.000Z`,
      eventId: id,
    });
    const entry = (eniId: string, node: string): EniEntry => ({
      facts: {
        eniId,
        vpcId: VPC,
        subnetId: 'subnet-0aa1111111111111a',
        description: '',
        tags: {},
        secondaryIps: [],
        prefixes: [],
        attachment: { instanceId: node, deviceIndex: 1 },
      },
      kind: 'vpc-cni',
      addresses: [],
      cluster: 'myeks',
    });
    await ledger.putEni(
      entry('eni-000000000000000a1', 'i-000000000000000a1'),
      stamp('10:00', 'e1'),
    );
    await ledger.putEni(
      entry('eni-000000000000000b2', 'i-000000000000000b2'),
      stamp('10:00', 'e2'),
    );
    const ip = [
      { address: '192.168.1.77', kind: 'secondary' as const, consumer: 'vpc-cni' as const },
    ];
    const a = await ledger.getEni('eni-000000000000000a1');
    const b = await ledger.getEni('eni-000000000000000b2');
    if (!a || !b) throw new Error('ENIs not filed');
    await ledger.assignAddresses(b, ip, stamp(atB, 'e3'));
    await ledger.assignAddresses(a, ip, stamp(atA, 'e4'));
    expect((await holderAt(ledger, VPC, '192.168.1.77'))?.eniId).toBe(winner);
  });
});

test('a late count-only assignment to a deleted ENI is stale and writes nothing', async () => {
  const ledger = await newLedger();
  const deps = { ledger, ec2: unavailableEc2, scope: SCOPE };
  await replay([L(0), L(1), L(2), L(3), L(4), DETACH(), DELETE()], deps);
  const before = await ledgerSnapshot(ledger);
  const late = L(2);
  late.id = 'late-assign';
  late.detail.eventID = 'late-assign';
  late.detail.eventTime = '2026-11-21T10:06:00Z';
  late.detail.requestParameters = {
    networkInterfaceId: 'eni-0a1b2c3d4e5f60011',
    secondaryPrivateIpAddressCount: 3,
  };
  late.detail.responseElements.assignedPrivateIpAddressesSet = {
    assignedPrivateIpAddressSetType: [{ privateIpAddress: '192.168.1.61' }],
  };
  const outcome = await handleEc2Event(late, deps);
  expect(outcome.status).toBe('stale');
  expect(await ledgerSnapshot(ledger)).toEqual(before);
  expect(await holderAt(ledger, VPC, '192.168.1.61')).toBeUndefined();
});
