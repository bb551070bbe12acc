import { describe, expect, test } from 'vitest';
import type { EventStatus } from '#core/network/apply-ec2-event.ts';
import { handleEc2Event } from '#core/network/handle-ec2-event.ts';
import type { EniFacts } from '#core/network/network.ts';
import { Ec2EventBuilder, type EniSpec, type NodeSpec } from '#test/helpers/ec2-events.ts';
import { sample } from '#test/helpers/samples.ts';
import { networkWorld, nodeLines } from '#test/unit/use-cases/network-world.ts';

/**
 * A node's life as EventBridge delivers it, from the real-shaped samples in events/samples/ec2
 * (through the builder that varies their ids, addresses and times), parsed and applied on the
 * memory ledger: after each delivery, what the node's view holds.
 */
const VPC = 'vpc-0a1b2c3d4e5f60718';
const SUBNET = 'subnet-0aa1111111111111a';
const SCOPE = { clusters: ['myeks'], vpcIds: [VPC] };
const NODE: NodeSpec = {
  instanceId: 'i-0a1b2c3d4e5f00001',
  instanceType: 't3.medium',
  subnetId: SUBNET,
  eniId: 'eni-0a1b2c3d4e5f60001',
  privateIp: '192.168.1.10',
};
const ETH1: EniSpec = {
  eniId: 'eni-0a1b2c3d4e5f60002',
  instanceId: NODE.instanceId,
  subnetId: SUBNET,
  primaryIp: '192.168.1.20',
  secondaryIps: ['192.168.1.21', '192.168.1.22'],
};
/** eth1 as DescribeNetworkInterfaces shows it after the count-only assign of two more. */
const ETH1_READ_BACK: EniFacts = {
  eniId: ETH1.eniId,
  vpcId: VPC,
  subnetId: SUBNET,
  description: `aws-K8S-${NODE.instanceId}`,
  tags: { 'cluster.k8s.amazonaws.com/name': 'myeks' },
  attachment: { instanceId: NODE.instanceId, attachmentId: 'eni-attach-e1', deviceIndex: 1 },
  primaryIp: '192.168.1.20',
  secondaryIps: ['192.168.1.21', '192.168.1.22', '192.168.1.23', '192.168.1.24'],
  prefixes: [],
};

const eth0 = (ip: string, kind: string) => `${NODE.eniId} ${ip} ${kind}`;
const eth1 = (ip: string, kind: string) => `${ETH1.eniId} ${ip} ${kind}`;

interface Step {
  readonly title: string;
  readonly status: EventStatus;
  readonly state: string;
  readonly enis: readonly string[];
  readonly addresses: readonly string[];
}

function story() {
  const b = new Ec2EventBuilder();
  const run = b.runInstances(NODE);
  const running = b.after(20).instanceState(NODE.instanceId, 'running');
  const assignEth0 = b
    .after(60)
    .assignPrivateIpAddresses(NODE.eniId, ['192.168.1.11', '192.168.1.12']);
  const eth0Pool = [
    eth0('192.168.1.10', 'primary'),
    eth0('192.168.1.11', 'secondary'),
    eth0('192.168.1.12', 'secondary'),
  ];
  const eth1Pool = [
    eth1('192.168.1.20', 'primary'),
    eth1('192.168.1.21', 'secondary'),
    eth1('192.168.1.22', 'secondary'),
  ];
  const primary = `${NODE.eniId} node-primary attached`;
  return [
    [
      run,
      {
        title: 'RunInstances files the node, pending, with eth0',
        status: 'applied',
        state: 'pending',
        enis: [primary],
        addresses: [eth0('192.168.1.10', 'primary')],
      },
    ],
    [
      running,
      {
        title: 'running',
        status: 'applied',
        state: 'running',
        enis: [primary],
        addresses: [eth0('192.168.1.10', 'primary')],
      },
    ],
    [
      assignEth0,
      {
        title: 'ipamd assigns two pod addresses on eth0',
        status: 'applied',
        state: 'running',
        enis: [primary],
        addresses: eth0Pool,
      },
    ],
    [
      b.after(60).createNetworkInterface(ETH1),
      {
        title: 'ipamd creates eth1 with its warm pool',
        status: 'applied',
        state: 'running',
        enis: [primary, `${ETH1.eniId} vpc-cni detached`],
        addresses: [...eth0Pool, ...eth1Pool],
      },
    ],
    [
      b.after(5).attachNetworkInterfaceAs(ETH1.eniId, NODE.instanceId, 1, 'eni-attach-e1'),
      {
        title: 'and attaches it',
        status: 'applied',
        state: 'running',
        enis: [primary, `${ETH1.eniId} vpc-cni attached`],
        addresses: [...eth0Pool, ...eth1Pool],
      },
    ],
    [
      b.after(60).assignPrivateIpAddressCount(ETH1.eniId, 2),
      {
        title: 'a count-only assign is read back from EC2',
        status: 'applied',
        state: 'running',
        enis: [primary, `${ETH1.eniId} vpc-cni attached`],
        addresses: [
          ...eth0Pool,
          ...eth1Pool,
          eth1('192.168.1.23', 'secondary'),
          eth1('192.168.1.24', 'secondary'),
        ],
      },
    ],
    [
      b.after(60).unassignPrivateIpAddresses(NODE.eniId, ['192.168.1.11']),
      {
        title: 'a pod address on eth0 is released',
        status: 'applied',
        state: 'running',
        enis: [primary, `${ETH1.eniId} vpc-cni attached`],
        addresses: [
          eth0('192.168.1.10', 'primary'),
          eth0('192.168.1.12', 'secondary'),
          ...eth1Pool,
          eth1('192.168.1.23', 'secondary'),
          eth1('192.168.1.24', 'secondary'),
        ],
      },
    ],
    [
      b.after(60).detachNetworkInterface('eni-attach-e1'),
      {
        title: 'eth1 is detached: a CNI ENI stays filed under its node, with its pool',
        status: 'applied',
        state: 'running',
        enis: [primary, `${ETH1.eniId} vpc-cni detached`],
        addresses: [
          eth0('192.168.1.10', 'primary'),
          eth0('192.168.1.12', 'secondary'),
          ...eth1Pool,
          eth1('192.168.1.23', 'secondary'),
          eth1('192.168.1.24', 'secondary'),
        ],
      },
    ],
    [
      b.after(5).deleteNetworkInterface(ETH1.eniId),
      {
        title: 'eth1 is deleted',
        status: 'applied',
        state: 'running',
        enis: [primary],
        addresses: [eth0('192.168.1.10', 'primary'), eth0('192.168.1.12', 'secondary')],
      },
    ],
    [
      assignEth0,
      {
        title: 'a redelivery of the first assign is a duplicate and brings nothing back',
        status: 'duplicate',
        state: 'running',
        enis: [primary],
        addresses: [eth0('192.168.1.10', 'primary'), eth0('192.168.1.12', 'secondary')],
      },
    ],
    [
      b.after(600).instanceState(NODE.instanceId, 'shutting-down'),
      {
        title: 'shutting down',
        status: 'applied',
        state: 'shutting-down',
        enis: [primary],
        addresses: [eth0('192.168.1.10', 'primary'), eth0('192.168.1.12', 'secondary')],
      },
    ],
    [
      b.after(30).instanceState(NODE.instanceId, 'terminated'),
      {
        title: 'terminated: eth0 goes with the instance',
        status: 'applied',
        state: 'terminated',
        enis: [],
        addresses: [],
      },
    ],
  ] as const satisfies readonly (readonly [unknown, Step])[];
}

function world() {
  const w = networkWorld();
  w.ec2.enis.set(ETH1.eniId, ETH1_READ_BACK);
  return { ...w, deps: { ...w.deps, scope: SCOPE } };
}

describe('a node’s life from the EC2 samples', () => {
  test('each delivery leaves the node’s view as the story says', async () => {
    // Prepare
    const { ledger, deps } = world();

    for (const [raw, step] of story()) {
      // Act
      const outcome = await handleEc2Event(raw, deps);

      // Assess
      expect([step.title, outcome.status], outcome.reason).toStrictEqual([step.title, step.status]);
      expect(await nodeLines(ledger, NODE.instanceId), step.title).toStrictEqual({
        state: step.state,
        facts: `t3.medium ${VPC} myeks`,
        enis: step.enis,
        addresses: step.addresses,
      });
    }
  });

  test('delivered newest first, each twice, the ledger ends as the story does', async () => {
    // Prepare
    const inOrder = world();
    const reversed = world();
    const events = story().map(([raw]) => raw);
    for (const raw of events) await handleEc2Event(raw, inOrder.deps);

    // Act
    for (const raw of [...events].reverse()) {
      await handleEc2Event(raw, reversed.deps);
      await handleEc2Event(raw, reversed.deps);
    }

    // Assess
    const lines = (w: typeof inOrder) => nodeLines(w.ledger, NODE.instanceId);
    expect(await lines(reversed)).toStrictEqual(await lines(inOrder));
    expect(await reversed.ledger.listParked()).toStrictEqual([]);
  });

  test.each<{ file: string; status: EventStatus }>([
    { file: 'rejected/01-assign-private-ip-addresses-error.json', status: 'ignored' },
    { file: 'rejected/02-create-network-interface-other-cluster.json', status: 'ignored' },
    { file: 'rejected/03-assign-private-ip-addresses-unknown-eni.json', status: 'parked' },
  ])('$file is $status and files nothing', async ({ file, status }) => {
    // Prepare
    const { ledger, deps } = world();

    // Act
    const outcome = await handleEc2Event(sample(`ec2/${file}`), deps);

    // Assess
    expect(outcome.status).toBe(status);
    expect(await ledger.listNodes()).toStrictEqual([]);
    expect(await ledger.listSubnets()).toStrictEqual([]);
    expect(await ledger.hasProcessed(outcome.eventId ?? '')).toBe(false);
  });
});
