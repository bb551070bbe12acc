import { describe, expect, test } from 'vitest';
import { MemoryNetworkLedger } from '#adapters/memory/memory-network-ledger.ts';
import { applyEc2Event } from '#core/network/apply-ec2-event.ts';
import type { Ec2Event } from '#core/network/ec2-event.ts';
import type { EniFacts } from '#core/network/network.ts';
import { sweepNetwork } from '#core/network/sweep-network.ts';
import {
  at,
  cniEni,
  type Ec2Now,
  event,
  instance,
  NODE,
  NODE_B,
  networkWorld,
  nodeLines,
  primaryEni,
  SUBNET,
  SUBNET_FACTS,
  sweepWorld,
} from '#test/unit/use-cases/network-world.ts';

/**
 * sweepNetwork on the memory ledger: given what the events left in the ledger and what EC2
 * reports now, the sweep repairs exactly the difference, with the sweep's start as its stamp.
 */
const SWEEP_AT = at(30).eventTime;

interface Case {
  readonly name: string;
  readonly events?: readonly Ec2Event[];
  readonly ec2: Ec2Now;
  readonly repairs: Readonly<Record<string, number>>;
  readonly node?: Partial<Awaited<ReturnType<typeof nodeLines>>>;
  readonly nodeB?: Partial<Awaited<ReturnType<typeof nodeLines>>>;
}

const launched = (m: number, node = NODE, eni = primaryEni('eni-pa', node)) =>
  event(m, { type: 'instances-launched', instances: [instance(node)], enis: [eni] });
const withSecondaries = (eni: EniFacts, ips: string[]): EniFacts => ({ ...eni, secondaryIps: ips });

const cases: Case[] = [
  {
    name: 'an empty ledger is filled with the nodes, ENIs, addresses and subnets EC2 reports',
    ec2: {
      instances: [instance()],
      enis: [withSecondaries(primaryEni('eni-pa'), ['10.0.0.11'])],
      subnets: [SUBNET_FACTS],
    },
    repairs: { 'put-node': 1, 'node-state': 1, 'put-eni': 1, 'put-subnet': 1 },
    node: {
      state: 'running',
      enis: ['eni-pa node-primary attached'],
      addresses: ['eni-pa 10.0.0.10 primary', 'eni-pa 10.0.0.11 secondary'],
    },
  },
  {
    name: 'a ledger that agrees with EC2 needs no repair',
    events: [launched(1)],
    ec2: { instances: [instance()], enis: [primaryEni('eni-pa')], subnets: [SUBNET_FACTS] },
    repairs: {},
  },
  {
    name: 'an ENI EC2 no longer has is deleted, and its addresses with it',
    events: [
      launched(1),
      event(2, {
        type: 'eni-created',
        eni: cniEni('eni-c', NODE, { secondaryIps: ['10.0.0.21'] }),
      }),
    ],
    ec2: { instances: [instance()], enis: [primaryEni('eni-pa')], subnets: [SUBNET_FACTS] },
    repairs: { 'delete-eni': 1 },
    node: { enis: ['eni-pa node-primary attached'], addresses: ['eni-pa 10.0.0.10 primary'] },
  },
  {
    name: 'addresses missed by the events are assigned, released ones unassigned',
    events: [
      launched(1),
      event(2, {
        type: 'addresses-assigned',
        eniId: 'eni-pa',
        ips: ['10.0.0.11'],
        prefixes: [],
        complete: true,
      }),
    ],
    ec2: {
      instances: [instance()],
      enis: [withSecondaries(primaryEni('eni-pa'), ['10.0.0.12'])],
      subnets: [SUBNET_FACTS],
    },
    repairs: { assign: 1, unassign: 1 },
    node: { addresses: ['eni-pa 10.0.0.10 primary', 'eni-pa 10.0.0.12 secondary'] },
  },
  {
    name: 'a node EC2 no longer lists at all is marked terminated',
    events: [launched(1)],
    ec2: { instances: [], enis: [], subnets: [SUBNET_FACTS] },
    repairs: { 'node-state': 1, 'delete-eni': 1 },
    node: { state: 'terminated', enis: [], addresses: [] },
  },
  {
    name: 'an attachment the events missed is repaired',
    events: [launched(1), event(2, { type: 'eni-created', eni: cniEni('eni-c') })],
    ec2: {
      instances: [instance()],
      enis: [
        primaryEni('eni-pa'),
        cniEni('eni-c', NODE, { attachment: { instanceId: NODE, deviceIndex: 1 } }),
      ],
      subnets: [SUBNET_FACTS],
    },
    repairs: { attachment: 1 },
    node: { enis: ['eni-c vpc-cni attached', 'eni-pa node-primary attached'] },
  },
  {
    name: 'resources outside the configured VPCs and clusters are left alone',
    ec2: {
      instances: [instance(NODE_B, { tags: { 'eks:cluster-name': 'other' } })],
      enis: [{ ...primaryEni('eni-x', NODE_B), vpcId: 'vpc-other' }],
      subnets: [{ ...SUBNET_FACTS, subnetId: 'subnet-x', vpcId: 'vpc-other' }],
    },
    repairs: {},
    nodeB: { state: undefined, enis: [] },
  },
  {
    name: 'an event that happened after the sweep began wins over what the sweep read',
    events: [
      launched(1),
      event(35, { type: 'instance-state', instanceId: NODE, state: 'stopping' }),
    ],
    ec2: { instances: [instance()], enis: [primaryEni('eni-pa')], subnets: [SUBNET_FACTS] },
    repairs: {},
    node: { state: 'stopping' },
  },
];

describe('sweepNetwork', () => {
  test.each(cases)('$name', async (c) => {
    // Prepare
    const { ledger, ec2, deps } = networkWorld();
    for (const e of c.events ?? []) await applyEc2Event(e, deps);
    ec2.subnets.clear();
    for (const i of c.ec2.instances ?? []) ec2.instances.set(i.instanceId, i);
    for (const e of c.ec2.enis ?? []) ec2.enis.set(e.eniId, e);
    for (const s of c.ec2.subnets ?? []) ec2.subnets.set(s.subnetId, s);

    // Act
    const report = await sweepNetwork(deps, SWEEP_AT);

    // Assess
    expect(report.byType).toEqual(c.repairs);
    expect(report.repairs).toBe(Object.values(c.repairs).reduce((a, b) => a + b, 0));
    if (c.node) expect(await nodeLines(ledger, NODE)).toMatchObject(c.node);
    if (c.nodeB) expect(await nodeLines(ledger, NODE_B)).toMatchObject(c.nodeB);
  });

  test('a second sweep over the same EC2 finds nothing left to repair', async () => {
    // Prepare
    const { ec2, deps } = networkWorld();
    ec2.instances.set(NODE, instance());
    ec2.enis.set('eni-pa', withSecondaries(primaryEni('eni-pa'), ['10.0.0.11', '10.0.0.12']));

    // Act
    const first = await sweepNetwork(deps, SWEEP_AT);
    const second = await sweepNetwork(deps, at(40).eventTime);

    // Assess
    expect(first.repairs).toBeGreaterThan(0);
    expect(second).toEqual({
      repairs: 0,
      byType: {},
      affected: { nodes: [], subnets: [] },
      parked: { applied: 0, discarded: 0 },
    });
  });

  test('the repairs name the nodes and subnets whose capacity they changed', async () => {
    // Prepare
    const { ec2, deps } = networkWorld();
    ec2.instances.set(NODE, instance());
    ec2.enis.set('eni-pa', primaryEni('eni-pa'));

    // Act
    const report = await sweepNetwork(deps, SWEEP_AT);

    // Assess
    expect(report.affected).toEqual({ nodes: [NODE], subnets: [SUBNET] });
    expect(await deps.ledger.hasProcessed(`sweep:${SWEEP_AT}`)).toBe(true);
  });

  test('changes parked for an ENI the sweep files: newer than its read apply, older ones are superseded', async () => {
    // Prepare: two assigns arrive before anything about the ENI (EC2 cannot answer yet)
    const { ledger, ec2, deps } = networkWorld();
    const assign = (m: number, ip: string) =>
      event(m, {
        type: 'addresses-assigned',
        eniId: 'eni-c',
        ips: [ip],
        prefixes: [],
        complete: true,
      });
    for (const e of [assign(5, '10.0.0.31'), assign(35, '10.0.0.32')]) {
      expect((await applyEc2Event(e, deps)).status).toBe('parked');
    }
    // By the sweep's read .31 was released again (that record is still on its way).
    ec2.instances.set(NODE, instance());
    ec2.enis.set('eni-pa', primaryEni('eni-pa'));
    ec2.enis.set(
      'eni-c',
      cniEni('eni-c', NODE, {
        primaryIp: '10.0.0.30',
        attachment: { instanceId: NODE, deviceIndex: 1 },
      }),
    );

    // Act
    const report = await sweepNetwork(deps, SWEEP_AT);

    // Assess
    expect(report.parked).toEqual({ applied: 1, discarded: 1 });
    expect(await ledger.listParked()).toEqual([]);
    expect((await nodeLines(ledger)).addresses).toEqual([
      'eni-c 10.0.0.30 primary',
      'eni-c 10.0.0.32 secondary',
      'eni-pa 10.0.0.10 primary',
    ]);
    expect(await ledger.hasProcessed(at(5).eventId)).toBe(true);
  });
});

describe('sweepNetwork: the audit trail', () => {
  test.each<{ name: string; events: Ec2Event[]; ec2: Ec2Now; audit: Record<string, string[]> }>([
    {
      name: 'each repair of an empty ledger, under the node, ENI or subnet it repaired',
      events: [],
      ec2: { instances: [instance()], enis: [primaryEni('eni-pa')], subnets: [SUBNET_FACTS] },
      audit: {
        [NODE]: ['sweep put-node', 'sweep node-state'],
        'eni-pa': ['sweep put-eni'],
        [SUBNET]: ['sweep put-subnet'],
      },
    },
    {
      name: 'a detach the events missed, under the ENI',
      events: [
        launched(1),
        event(2, { type: 'eni-created', eni: cniEni('eni-c') }),
        event(3, { type: 'eni-attached', eniId: 'eni-c', instanceId: NODE, attachmentId: 'att-c' }),
      ],
      ec2: {
        instances: [instance()],
        enis: [primaryEni('eni-pa'), cniEni('eni-c')],
        subnets: [SUBNET_FACTS],
      },
      audit: { [NODE]: [], 'eni-pa': [], 'eni-c': ['sweep attachment'] },
    },
  ])('$name', async ({ events, ec2, audit }) => {
    const { ledger, deps } = await sweepWorld(events, ec2);

    await sweepNetwork(deps, SWEEP_AT);

    for (const [entity, actions] of Object.entries(audit)) {
      const sweepLines = ledger.events.auditOf(entity).filter((a) => a.eventName === 'Sweep');
      expect(sweepLines.map((a) => a.action)).toStrictEqual(actions);
      for (const line of sweepLines) expect(line.eventId).toBe(`sweep:${SWEEP_AT}`);
    }
  });

  test('a sweep with nothing to repair writes no processed marker', async () => {
    const { deps } = await sweepWorld([launched(1)], {
      instances: [instance()],
      enis: [primaryEni('eni-pa')],
      subnets: [SUBNET_FACTS],
    });

    await sweepNetwork(deps, SWEEP_AT);

    expect(await deps.ledger.hasProcessed(`sweep:${SWEEP_AT}`)).toBe(false);
  });
});

describe('sweepNetwork: the nodes and subnets whose capacity may have changed', () => {
  test.each<{ name: string; events: Ec2Event[]; ec2: Ec2Now; affected: unknown }>([
    {
      name: 'a node whose state changed, though none of its ENIs did',
      events: [launched(1)],
      ec2: {
        instances: [instance(NODE, { state: 'stopping' })],
        enis: [primaryEni('eni-pa')],
        subnets: [SUBNET_FACTS],
      },
      affected: { nodes: [NODE], subnets: [] },
    },
    {
      name: 'a node whose instance type changed, though none of its ENIs did',
      events: [launched(1)],
      ec2: {
        instances: [instance(NODE, { instanceType: 'm5.large' })],
        enis: [primaryEni('eni-pa')],
        subnets: [SUBNET_FACTS],
      },
      affected: { nodes: [NODE], subnets: [] },
    },
    {
      name: 'nodes and subnets in id order, whatever order EC2 lists them in',
      events: [],
      ec2: {
        instances: [instance(NODE_B), instance(NODE)],
        enis: [
          { ...primaryEni('eni-pb', NODE_B, '10.0.1.10'), subnetId: 'subnet-b' },
          primaryEni('eni-pa', NODE),
        ],
      },
      affected: { nodes: [NODE, NODE_B], subnets: [SUBNET, 'subnet-b'] },
    },
  ])('$name', async ({ events, ec2, affected }) => {
    const { deps } = await sweepWorld(events, ec2);
    expect((await sweepNetwork(deps, SWEEP_AT)).affected).toStrictEqual(affected);
  });
});

describe('sweepNetwork: events parked for what the sweep files or deletes', () => {
  const attachedC = cniEni('eni-c', NODE, {
    attachment: { instanceId: NODE, attachmentId: 'att-c', deviceIndex: 1 },
  });
  test.each<{ name: string; events: Ec2Event[]; ec2: Ec2Now }>([
    {
      name: 'an assign parked for an ENI the sweep files',
      events: [
        launched(1),
        event(35, {
          type: 'addresses-assigned',
          eniId: 'eni-c',
          ips: ['10.0.0.21'],
          prefixes: [],
          complete: true,
        }),
      ],
      ec2: {
        instances: [instance()],
        enis: [primaryEni('eni-pa'), cniEni('eni-c', NODE, { secondaryIps: ['10.0.0.21'] })],
        subnets: [SUBNET_FACTS],
      },
    },
    {
      name: 'a detach parked for an attachment the sweep files with a new ENI',
      events: [launched(1), event(35, { type: 'eni-detached', attachmentId: 'att-c' })],
      ec2: {
        instances: [instance()],
        enis: [primaryEni('eni-pa'), attachedC],
        subnets: [SUBNET_FACTS],
      },
    },
    {
      name: 'a detach parked for an attachment the sweep files on a known ENI',
      events: [
        launched(1),
        event(2, { type: 'eni-created', eni: cniEni('eni-c') }),
        event(35, { type: 'eni-detached', attachmentId: 'att-c' }),
      ],
      ec2: {
        instances: [instance()],
        enis: [primaryEni('eni-pa'), attachedC],
        subnets: [SUBNET_FACTS],
      },
    },
  ])(
    "$name, newer than the sweep's read, is applied and no longer parked",
    async ({ events, ec2 }) => {
      const { ledger, deps } = await sweepWorld(events, ec2);
      expect(await ledger.listParked()).toHaveLength(1);

      const report = await sweepNetwork(deps, SWEEP_AT);

      expect(report.parked).toStrictEqual({ applied: 1, discarded: 0 });
      expect(await ledger.listParked()).toStrictEqual([]);
    },
  );

  test("a change parked for an ENI the sweep files, older than the sweep's read, is discarded with an audit line", async () => {
    const { ledger, deps } = await sweepWorld(
      [
        launched(1),
        event(5, {
          type: 'addresses-assigned',
          eniId: 'eni-c',
          ips: ['10.0.0.21'],
          prefixes: [],
          complete: true,
        }),
      ],
      {
        instances: [instance()],
        enis: [primaryEni('eni-pa'), cniEni('eni-c', NODE, { secondaryIps: ['10.0.0.21'] })],
        subnets: [SUBNET_FACTS],
      },
    );

    const report = await sweepNetwork(deps, SWEEP_AT);

    expect(report.parked).toStrictEqual({ applied: 0, discarded: 1 });
    expect(report.byType).toStrictEqual({ 'put-eni': 1 });
    // The event's name, as parked (these test events are named for their change).
    expect(ledger.events.auditOf('eni:eni-c').map((a) => a.action)).toStrictEqual([
      'discarded parked addresses-assigned',
    ]);
  });

  test('a change parked for an ENI the sweep deletes is discarded, audited, and not counted as a repair', async () => {
    const { ledger, deps } = await sweepWorld(
      [launched(1), event(2, { type: 'eni-created', eni: cniEni('eni-c') })],
      { instances: [instance()], enis: [primaryEni('eni-pa')], subnets: [SUBNET_FACTS] },
    );
    await ledger.park({
      subject: 'eni:eni-c',
      stamp: at(3, 'ev-late-assign'),
      name: 'AssignPrivateIpAddresses',
      change: {
        type: 'addresses-assigned',
        eniId: 'eni-c',
        ips: ['10.0.0.21'],
        prefixes: [],
        complete: true,
      },
    });

    const report = await sweepNetwork(deps, SWEEP_AT);

    expect(report.parked).toStrictEqual({ applied: 0, discarded: 1 });
    expect(report.byType).toStrictEqual({ 'delete-eni': 1 });
    expect(report.repairs).toBe(1);
    expect(ledger.events.auditOf('eni:eni-c').map((a) => a.action)).toStrictEqual([
      'discarded parked AssignPrivateIpAddresses',
    ]);
    expect(await ledger.listParked()).toStrictEqual([]);
  });
});

describe('sweepNetwork: a unit of work per repaired subject', () => {
  // A stand-in unit: its ports write into a ledger of their own, and commit answers as told.
  // What a committed unit wrote is the unit's business (the DynamoDB unit is tested on DynamoDB
  // Local); the sweep's part is which repairs go through it and what happens when it is lost.
  const unitsAnswering = (status: 'committed' | 'lost') => {
    const staged = new MemoryNetworkLedger();
    const unitOfWork = () => ({
      ports: { network: staged },
      prepare: async () => {},
      commit: async () =>
        status === 'committed'
          ? { status: 'committed' as const, requests: 1 }
          : { status: 'lost' as const, reason: 'an item moved' },
    });
    return { staged, unitOfWork };
  };

  test.each<{ status: 'committed' | 'lost'; inUnit: boolean }>([
    { status: 'committed', inUnit: true },
    { status: 'lost', inUnit: false },
  ])(
    "a new node's two repairs go through one unit; a $status unit leaves them in the unit: $inUnit",
    async ({ status, inUnit }) => {
      const { ledger, deps } = await sweepWorld([], {
        instances: [instance()],
        subnets: [SUBNET_FACTS],
      });
      const { staged, unitOfWork } = unitsAnswering(status);

      const report = await sweepNetwork({ ...deps, unitOfWork }, SWEEP_AT);

      expect(report.byType).toStrictEqual({ 'put-node': 1, 'node-state': 1, 'put-subnet': 1 });
      // A lost unit wrote nothing: its repairs were applied again, item by item.
      expect((await nodeLines(staged)).state).toBe('running');
      expect((await nodeLines(ledger)).state).toBe(inUnit ? undefined : 'running');
      // A subject with one repair needs no unit.
      expect((await staged.listSubnets()).map((s) => s.subnetId)).toStrictEqual([]);
      expect((await ledger.listSubnets()).map((s) => s.subnetId)).toStrictEqual([SUBNET]);
    },
  );
});

describe('sweepNetwork: a node filed from its state alone', () => {
  test('is forgotten once EC2 shows it belongs to another cluster', async () => {
    const { ledger, deps } = await sweepWorld(
      [event(5, { type: 'instance-state', instanceId: NODE_B, state: 'running' })],
      {
        instances: [instance(NODE_B, { tags: { 'eks:cluster-name': 'other' } })],
        subnets: [SUBNET_FACTS],
      },
    );
    expect((await nodeLines(ledger, NODE_B)).state).toBe('running');

    const report = await sweepNetwork(deps, SWEEP_AT);

    expect(report.byType).toStrictEqual({ 'forget-node': 1, 'put-subnet': 1 });
    expect((await nodeLines(ledger, NODE_B)).state).toBeUndefined();
    expect(ledger.events.auditOf(NODE_B).map((a) => a.action)).toContain('sweep forget-node');
  });
});

describe('sweepNetwork: only a delete ends what is parked', () => {
  test('a change parked under an ENI the sweep re-attaches stays parked', async () => {
    const { ledger, deps } = await sweepWorld(
      [launched(1), event(2, { type: 'eni-created', eni: cniEni('eni-c') })],
      {
        instances: [instance()],
        enis: [
          primaryEni('eni-pa'),
          cniEni('eni-c', NODE, { attachment: { instanceId: NODE, deviceIndex: 1 } }),
        ],
        subnets: [SUBNET_FACTS],
      },
    );
    const parked = {
      subject: 'eni:eni-c',
      stamp: at(3, 'ev-waiting'),
      name: 'AssignPrivateIpAddresses',
      change: {
        type: 'addresses-assigned' as const,
        eniId: 'eni-c',
        ips: ['10.0.0.21'],
        prefixes: [],
        complete: true,
      },
    };
    await ledger.park(parked);

    const report = await sweepNetwork(deps, SWEEP_AT);

    expect(report.byType).toStrictEqual({ attachment: 1 });
    expect(report.parked).toStrictEqual({ applied: 0, discarded: 0 });
    expect(await ledger.listParked()).toStrictEqual([parked]);
  });
});

// Equivalent survivors in sweepNetwork: the grouping key of applyAll (its 'subnet' / 'eni' /
// 'node' prefix, however mutated, still gives each subject one key, since EC2 ids carry their
// kind); pMap's `{ concurrency }` dropped (the bound is for the ledger's sake, not a result);
// `outcomes.get(repair)?.` without `?.` (every planned repair has outcomes); the `['missing']`
// of an assign or unassign whose ENI vanished (any value but 'applied' means the same); and
// the `[]` fallbacks of filedBy and of the ended list made `['Stryker was here']` (a subject
// nothing is parked under), and filedBy's `default:` dropped (undefined, flattened, is such a
// subject too); and nodeOf's put-node test made false (subjectOf names the same instance).
// (filedBy's put-node case is not equivalent: changes an earlier version parked under an
// instance still wait there; sweep-network-repairs.test.ts holds it.)
