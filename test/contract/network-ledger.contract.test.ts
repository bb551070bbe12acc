import { describe, expect, test } from 'vitest';
import type { EventStamp } from '#core/events/event-envelope.ts';
import type { AddressFacts, EniFacts } from '#core/network/network.ts';
import type { EniEntry, NetworkLedger } from '#core/network/network-ports.ts';
import { networkLedgers } from '#test/contract/implementations.ts';
import { holderAt } from '#test/helpers/holder-at.ts';

/**
 * What every NetworkLedger promises, held against the DynamoDB ledger (DynamoDB Local) and
 * the memory ledger alike: idempotent writes, monotonic by event stamp (time, then event id),
 * tombstones for deleted ENIs, and the same answers to the same queries.
 */
const VPC = 'vpc-1';
const SUBNET = 'subnet-a';
const NODE = 'i-node1';
const OTHER_NODE = 'i-node2';

/** Minute `m` of the story; equal minutes are ordered by the event id. */
const at = (m: number, id = `ev-${m}`): EventStamp => ({
  eventTime: `2026-11-21T10:${String(m).padStart(2, '0')}:00Z`,
  eventId: id,
});

const secondary = (address: string): AddressFacts => ({
  address,
  kind: 'secondary',
  consumer: 'vpc-cni',
});

function eni(eniId: string, extra: Partial<EniFacts> = {}): EniFacts {
  return {
    eniId,
    vpcId: VPC,
    subnetId: SUBNET,
    description: `aws-K8S-${NODE}`,
    tags: {},
    secondaryIps: [],
    prefixes: [],
    ...extra,
  };
}

function cniEntry(
  eniId: string,
  addresses: readonly string[] = [],
  facts: Partial<EniFacts> = {},
): EniEntry {
  return {
    facts: eni(eniId, facts),
    kind: 'vpc-cni',
    cluster: 'c1',
    instanceId: NODE,
    addresses: addresses.map(secondary),
  };
}

function otherEntry(eniId: string, attachedTo: string, addresses: readonly string[] = []) {
  return {
    facts: eni(eniId, {
      description: 'something else',
      attachment: { instanceId: attachedTo, attachmentId: `attach-${eniId}` },
    }),
    kind: 'other',
    addresses: addresses.map((address) => ({ address, kind: 'secondary', consumer: 'other' })),
  } satisfies EniEntry;
}

const addressesOf = async (ledger: NetworkLedger, instanceId: string) =>
  (await ledger.nodeView(instanceId)).addresses.map((a) => `${a.eniId} ${a.address}`);

describe.each(networkLedgers)('NetworkLedger contract: $name', ({ make }) => {
  describe('nodes', () => {
    test('a node state moves forward by stamp: older is stale, the same stamp again applies and changes nothing', async () => {
      // Prepare
      const ledger = await make();

      // Act
      const first = await ledger.setNodeState(NODE, 'running', at(5));
      const older = await ledger.setNodeState(NODE, 'pending', at(1));
      const again = await ledger.setNodeState(NODE, 'running', at(5));
      const sameTimeLowerId = await ledger.setNodeState(NODE, 'stopped', at(5, 'ev-0'));
      const sameTimeHigherId = await ledger.setNodeState(NODE, 'terminated', at(5, 'ev-9'));

      // Assess
      expect([first, older, again, sameTimeLowerId, sameTimeHigherId]).toEqual([
        'applied',
        'stale',
        'applied',
        'stale',
        'applied',
      ]);
      expect(await ledger.getNode(NODE)).toEqual({
        instanceId: NODE,
        state: 'terminated',
        stateStamp: at(5, 'ev-9'),
      });
    });

    test('node facts are merged: a later write without a fact keeps the earlier value', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putNodeFacts(
        { instanceId: NODE, instanceType: 't3.medium', vpcId: VPC, state: 'running', tags: {} },
        'c1',
      );

      // Act
      const w = await ledger.putNodeFacts(
        { instanceId: NODE, privateIp: '10.0.0.10', state: 'running', tags: {} },
        undefined,
      );

      // Assess
      expect(w).toBe('applied');
      expect(await ledger.getNode(NODE)).toEqual({
        instanceId: NODE,
        instanceType: 't3.medium',
        vpcId: VPC,
        privateIp: '10.0.0.10',
        cluster: 'c1',
      });
    });

    test('a node filed from its state alone can be forgotten; a node with facts never is', async () => {
      // Prepare
      const ledger = await make();
      await ledger.setNodeState(NODE, 'running', at(1));
      await ledger.setNodeState(OTHER_NODE, 'running', at(1));
      await ledger.putNodeFacts(
        {
          instanceId: OTHER_NODE,
          instanceType: 't3.medium',
          vpcId: VPC,
          state: 'running',
          tags: {},
        },
        'c1',
      );

      // Act
      const placeholder = await ledger.forgetNode(NODE);
      const complete = await ledger.forgetNode(OTHER_NODE);
      const absent = await ledger.forgetNode('i-nobody');

      // Assess
      expect([placeholder, complete, absent]).toEqual(['applied', 'unchanged', 'missing']);
      expect((await ledger.listNodes()).map((n) => n.instanceId)).toEqual([OTHER_NODE]);
    });

    test('nodes and subnets are listed by id', async () => {
      // Prepare
      const ledger = await make();
      for (const id of ['i-c', 'i-a', 'i-b']) await ledger.setNodeState(id, 'running', at(1));
      for (const id of ['subnet-z', 'subnet-m']) {
        await ledger.putSubnet({ subnetId: id, vpcId: VPC, cidr: '10.0.0.0/24', reservations: [] });
      }

      // Act
      const nodes = await ledger.listNodes();
      const subnets = await ledger.listSubnets();

      // Assess
      expect(nodes.map((n) => n.instanceId)).toEqual(['i-a', 'i-b', 'i-c']);
      expect(subnets.map((s) => s.subnetId)).toEqual(['subnet-m', 'subnet-z']);
    });

    test('an unknown node has an empty view', async () => {
      // Prepare
      const ledger = await make();

      // Act
      const view = await ledger.nodeView('i-nobody');

      // Assess
      expect(view).toEqual({ node: undefined, enis: [], addresses: [] });
      expect(await ledger.getNode('i-nobody')).toBeUndefined();
    });
  });

  describe('ENIs', () => {
    test('a CNI ENI not yet attached is filed under the node it was made for, with its addresses', async () => {
      // Prepare
      const ledger = await make();
      await ledger.setNodeState(NODE, 'running', at(1));

      // Act
      const w = await ledger.putEni(cniEntry('eni-b', ['10.0.0.21', '10.0.0.20']), at(2));

      // Assess
      expect(w).toBe('applied');
      const view = await ledger.nodeView(NODE);
      expect(view.enis.map((e) => [e.eniId, e.instanceId, e.attachment])).toEqual([
        ['eni-b', NODE, undefined],
      ]);
      expect(await addressesOf(ledger, NODE)).toEqual(['eni-b 10.0.0.20', 'eni-b 10.0.0.21']);
      expect(view.addresses[0]).toEqual({
        address: '10.0.0.20',
        kind: 'secondary',
        consumer: 'vpc-cni',
        eniId: 'eni-b',
        subnetId: SUBNET,
        vpcId: VPC,
        instanceId: NODE,
        stamp: at(2),
      });
    });

    test('an attached ENI is found by its attachment id until it is detached', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putEni(otherEntry('eni-o', NODE), at(1));
      const found = await ledger.findEniByAttachment('attach-eni-o');

      // Act
      const w = await ledger.setEniAttachment('eni-o', undefined, at(2));

      // Assess
      expect(w).toBe('applied');
      expect(found?.eniId).toBe('eni-o');
      expect(found?.attachment).toEqual({ instanceId: NODE, attachmentId: 'attach-eni-o' });
      expect(await ledger.findEniByAttachment('attach-eni-o')).toBeUndefined();
    });

    test('an attachment older than the one the ledger holds is stale and changes nothing', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putEni(cniEntry('eni-b'), at(1));
      await ledger.setEniAttachment('eni-b', { instanceId: NODE, attachmentId: 'att-new' }, at(5));

      // Act
      const older = await ledger.setEniAttachment('eni-b', undefined, at(3));
      const missing = await ledger.setEniAttachment('eni-nope', { instanceId: NODE }, at(6));

      // Assess
      expect(older).toBe('stale');
      expect(missing).toBe('missing');
      expect((await ledger.getEni('eni-b'))?.attachment).toEqual({
        instanceId: NODE,
        attachmentId: 'att-new',
      });
    });

    test('a detached CNI ENI stays filed under its node; another kind of ENI leaves it', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putEni(cniEntry('eni-c', ['10.0.0.30']), at(1));
      await ledger.setEniAttachment('eni-c', { instanceId: NODE, attachmentId: 'att-c' }, at(2));
      await ledger.putEni(otherEntry('eni-o', NODE, ['10.0.0.40']), at(2));

      // Act
      await ledger.setEniAttachment('eni-c', undefined, at(3));
      await ledger.setEniAttachment('eni-o', undefined, at(3));

      // Assess
      const view = await ledger.nodeView(NODE);
      expect(view.enis.map((e) => [e.eniId, e.attachment])).toEqual([['eni-c', undefined]]);
      expect(await addressesOf(ledger, NODE)).toEqual(['eni-c 10.0.0.30']);
      expect((await ledger.getEni('eni-o'))?.instanceId).toBeUndefined();
    });

    test('re-attaching an ENI to another node moves its addresses to that node', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putEni(otherEntry('eni-o', NODE, ['10.0.0.40']), at(1));

      // Act
      await ledger.setEniAttachment('eni-o', { instanceId: OTHER_NODE }, at(2));

      // Assess
      expect(await addressesOf(ledger, NODE)).toEqual([]);
      expect(await addressesOf(ledger, OTHER_NODE)).toEqual(['eni-o 10.0.0.40']);
    });

    test('a deleted ENI is a final tombstone: no later write brings it back', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putEni(cniEntry('eni-d', ['10.0.0.50']), at(1));

      // Act
      const deleted = await ledger.deleteEni('eni-d', at(5));
      const again = await ledger.deleteEni('eni-d', at(6));
      const refiled = await ledger.putEni(cniEntry('eni-d', ['10.0.0.50']), at(9));
      const attached = await ledger.setEniAttachment('eni-d', { instanceId: NODE }, at(9));

      // Assess
      expect([deleted, again, refiled, attached]).toEqual([
        'applied',
        'unchanged',
        'stale',
        'stale',
      ]);
      expect((await ledger.getEni('eni-d'))?.deleted).toBe(true);
      expect(await ledger.nodeView(NODE)).toMatchObject({ enis: [], addresses: [] });
      expect((await ledger.subnetView(SUBNET)).enis).toEqual([]);
      expect(await holderAt(ledger, VPC, '10.0.0.50')).toBeUndefined();
    });

    test('deleting an ENI the ledger never saw leaves a tombstone that a late create cannot undo', async () => {
      // Prepare
      const ledger = await make();

      // Act
      const deleted = await ledger.deleteEni('eni-ghost', at(5));
      const lateCreate = await ledger.putEni(cniEntry('eni-ghost', ['10.0.0.60']), at(1));

      // Assess
      expect([deleted, lateCreate]).toEqual(['applied', 'stale']);
      expect(await ledger.getEni('eni-ghost')).toEqual({
        eniId: 'eni-ghost',
        vpcId: '',
        subnetId: '',
        description: '',
        kind: 'other',
        deleted: true,
      });
      expect(await holderAt(ledger, VPC, '10.0.0.60')).toBeUndefined();
    });

    test('filing a live ENI again updates its facts and keeps its attachment', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putEni(cniEntry('eni-b'), at(1));
      await ledger.setEniAttachment('eni-b', { instanceId: NODE, attachmentId: 'att-b' }, at(2));

      // Act
      const w = await ledger.putEni(cniEntry('eni-b', [], { interfaceType: 'interface' }), at(3));

      // Assess
      expect(w).toBe('applied');
      expect(await ledger.getEni('eni-b')).toEqual({
        eniId: 'eni-b',
        vpcId: VPC,
        subnetId: SUBNET,
        description: `aws-K8S-${NODE}`,
        interfaceType: 'interface',
        kind: 'vpc-cni',
        cluster: 'c1',
        instanceId: NODE,
        attachment: { instanceId: NODE, attachmentId: 'att-b' },
        deleted: false,
      });
    });
  });

  describe('addresses', () => {
    test('an assignment applies by stamp: older is stale, the same stamp again applies', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putEni(cniEntry('eni-b'), at(1));
      const record = await ledger.getEni('eni-b');
      if (!record) throw new Error('eni-b not filed');

      // Act
      const first = await ledger.assignAddresses(record, [secondary('10.0.0.20')], at(5));
      const again = await ledger.assignAddresses(record, [secondary('10.0.0.20')], at(5));
      const older = await ledger.unassignAddresses(record, ['10.0.0.20'], at(4));

      // Assess
      expect([first, again, older]).toEqual([['applied'], ['applied'], ['stale']]);
      expect(await addressesOf(ledger, NODE)).toEqual(['eni-b 10.0.0.20']);
    });

    test('a release that arrives before the older assignment keeps the address released', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putEni(cniEntry('eni-b'), at(1));
      const record = await ledger.getEni('eni-b');
      if (!record) throw new Error('eni-b not filed');

      // Act
      const released = await ledger.unassignAddresses(record, ['10.0.0.20'], at(6));
      const lateAssign = await ledger.assignAddresses(record, [secondary('10.0.0.20')], at(5));

      // Assess
      expect([released, lateAssign]).toEqual([['applied'], ['stale']]);
      expect(await addressesOf(ledger, NODE)).toEqual([]);
      expect(await holderAt(ledger, VPC, '10.0.0.20')).toBeUndefined();
    });

    test('a newer release frees the address everywhere', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putEni(cniEntry('eni-b', ['10.0.0.20', '10.0.0.21']), at(1));
      const record = await ledger.getEni('eni-b');
      if (!record) throw new Error('eni-b not filed');

      // Act
      const w = await ledger.unassignAddresses(record, ['10.0.0.20'], at(2));

      // Assess
      expect(w).toEqual(['applied']);
      expect(await addressesOf(ledger, NODE)).toEqual(['eni-b 10.0.0.21']);
      expect((await ledger.subnetView(SUBNET)).addresses.map((a) => a.address)).toEqual([
        '10.0.0.21',
      ]);
      expect(await holderAt(ledger, VPC, '10.0.0.20')).toBeUndefined();
    });

    test('the newest assignment holds an address that two live ENIs claim', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putEni(otherEntry('eni-old', NODE, ['10.0.0.70']), at(1));
      await ledger.putEni(otherEntry('eni-new', OTHER_NODE, ['10.0.0.70']), at(3));

      // Act
      const holder = await holderAt(ledger, VPC, '10.0.0.70');
      const elsewhere = await holderAt(ledger, 'vpc-other', '10.0.0.70');

      // Assess
      expect(holder).toMatchObject({ eniId: 'eni-new', instanceId: OTHER_NODE, stamp: at(3) });
      expect(elsewhere).toBeUndefined();
    });

    test("a detached ENI's addresses are held by no node", async () => {
      // Prepare
      const ledger = await make();
      await ledger.putEni(cniEntry('eni-c', ['10.0.0.30']), at(1));

      // Act
      const holder = await holderAt(ledger, VPC, '10.0.0.30');

      // Assess
      expect(holder).toEqual({
        address: '10.0.0.30',
        kind: 'secondary',
        consumer: 'vpc-cni',
        eniId: 'eni-c',
        subnetId: SUBNET,
        vpcId: VPC,
        stamp: at(1),
      });
    });

    test('holdersOf answers for several addresses what holderOf answers for each', async () => {
      // Prepare: two claims on .70, a released .20, a detached ENI's .30, nothing at .99
      const ledger = await make();
      await ledger.putEni(otherEntry('eni-old', NODE, ['10.0.0.70']), at(1));
      await ledger.putEni(otherEntry('eni-new', OTHER_NODE, ['10.0.0.70', '10.0.0.71']), at(3));
      await ledger.putEni(cniEntry('eni-b', ['10.0.0.20', '10.0.0.21']), at(1));
      await ledger.putEni(cniEntry('eni-c', ['10.0.0.30']), at(1));
      const b = await ledger.getEni('eni-b');
      if (!b) throw new Error('eni-b not filed');
      await ledger.unassignAddresses(b, ['10.0.0.20'], at(2));
      const asked = ['10.0.0.70', '10.0.0.71', '10.0.0.20', '10.0.0.21', '10.0.0.30', '10.0.0.99'];

      // Act
      const together = await ledger.holdersOf(VPC, [...asked, '10.0.0.70']);
      const oneByOne = new Map();
      for (const a of asked) {
        const holder = await holderAt(ledger, VPC, a);
        if (holder) oneByOne.set(a, holder);
      }

      // Assess
      expect(together).toEqual(oneByOne);
      expect([...together].map(([a, h]) => `${a} ${h.eniId}`).sort()).toEqual([
        '10.0.0.21 eni-b',
        '10.0.0.30 eni-c',
        '10.0.0.70 eni-new',
        '10.0.0.71 eni-new',
      ]);
      expect(await ledger.holdersOf('vpc-other', asked)).toEqual(new Map());
    });

    test('holdersOf looks in the second place it is given only for an address nobody holds', async () => {
      // Prepare: a /28 on eni-p; .20 in it held on its own by eni-b; .50 in it claimed only by
      // the deleted eni-d; .40 in it claimed by nobody; .70 outside it
      const ledger = await make();
      const prefixEntry = {
        ...otherEntry('eni-p', OTHER_NODE),
        addresses: [{ address: '10.0.0.16/28', kind: 'prefix', consumer: 'vpc-cni' }],
      } satisfies EniEntry;
      await ledger.putEni(prefixEntry, at(1));
      await ledger.putEni(cniEntry('eni-b', ['10.0.0.20']), at(2));
      await ledger.putEni(cniEntry('eni-d', ['10.0.0.25']), at(2));
      await ledger.deleteEni('eni-d', at(3));
      const inPrefix = (a: string) => (a === '10.0.0.70' ? undefined : '10.0.0.16/28');

      // Act
      const held = await ledger.holdersOf(
        VPC,
        ['10.0.0.20', '10.0.0.25', '10.0.0.24', '10.0.0.70'],
        inPrefix,
      );

      // Assess
      expect([...held].map(([a, h]) => `${a} ${h.eniId} ${h.address}`)).toEqual([
        '10.0.0.20 eni-b 10.0.0.20',
        '10.0.0.25 eni-p 10.0.0.16/28',
        '10.0.0.24 eni-p 10.0.0.16/28',
      ]);
      expect(held.get('10.0.0.24')).toEqual(await holderAt(ledger, VPC, '10.0.0.16/28'));
    });
  });

  describe('subnets', () => {
    test('a subnet view holds the subnet, its live ENIs and their addresses in address order', async () => {
      // Prepare
      const ledger = await make();
      await ledger.putSubnet({
        subnetId: SUBNET,
        vpcId: VPC,
        cidr: '10.0.0.0/24',
        availabilityZone: 'az-a',
        reservations: ['10.0.0.128/28'],
      });
      await ledger.putEni(cniEntry('eni-b', ['10.0.0.9', '10.0.0.10']), at(1));
      await ledger.putEni(otherEntry('eni-o', NODE, ['10.0.0.5']), at(1));
      await ledger.putEni(cniEntry('eni-gone', ['10.0.0.7']), at(1));
      await ledger.deleteEni('eni-gone', at(2));

      // Act
      const view = await ledger.subnetView(SUBNET);

      // Assess
      expect(view.subnet).toEqual({
        subnetId: SUBNET,
        vpcId: VPC,
        cidr: '10.0.0.0/24',
        availabilityZone: 'az-a',
        reservations: ['10.0.0.128/28'],
      });
      expect(view.enis.map((e) => e.eniId)).toEqual(['eni-b', 'eni-o']);
      expect(view.addresses.map((a) => a.address)).toEqual(['10.0.0.10', '10.0.0.5', '10.0.0.9']);
    });
  });

  describe('processed events', () => {
    test('an event marked processed is known as processed; others are not', async () => {
      // Prepare
      const ledger = await make();

      // Act
      await ledger.markProcessed(at(1, 'ev-done'), 'RunInstances', [
        { entity: NODE, action: 'launched' },
      ]);

      // Assess
      expect(await ledger.hasProcessed('ev-done')).toBe(true);
      expect(await ledger.hasProcessed('ev-other')).toBe(false);
    });
  });
});
