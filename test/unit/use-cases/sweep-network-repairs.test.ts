import { describe, expect, test } from 'vitest';
import type { EniFacts } from '#core/network/network.ts';
import type { NetworkLedger } from '#core/network/network-ports.ts';
import { readLedger, type SweepFiling, sweepNetwork } from '#core/network/sweep-network.ts';
import {
  at,
  cniEni,
  event,
  instance,
  NODE,
  NODE_B,
  nodeLines,
  primaryEni,
  SUBNET,
  SUBNET_FACTS,
  sweepWorld,
} from '#test/unit/use-cases/network-world.ts';

/**
 * What a sweep counts as repaired, what it reads, and which repairs it writes together: only
 * writes that changed the ledger are repairs; the ledger's read can be handed in; a node's
 * repairs and its ENIs' go through one unit of work, which is told what it need not read.
 */
const SWEEP_AT = at(30).eventTime;

const launched = (m: number, node = NODE, eni = primaryEni('eni-pa', node)) =>
  event(m, { type: 'instances-launched', instances: [instance(node)], enis: [eni] });
const created = (m: number, eni: EniFacts) => event(m, { type: 'eni-created', eni });
const withSecondaries = (eni: EniFacts, ips: string[]): EniFacts => ({ ...eni, secondaryIps: ips });
/** An EKS control-plane ENI: attached to no node, made for none. */
const eksEni: EniFacts = {
  ...cniEni('eni-e'),
  description: 'Amazon EKS c1',
  tags: {},
  primaryIp: '10.0.0.40',
};

describe('sweepNetwork: what counts as a repair', () => {
  test('an ENI the ledger holds deleted stays deleted while EC2 still lists it, and is no repair', async () => {
    // Prepare: DeleteNetworkInterface came before DescribeNetworkInterfaces stopped listing it
    const { ledger, deps } = await sweepWorld(
      [launched(1), created(2, cniEni('eni-c')), event(3, { type: 'eni-deleted', eniId: 'eni-c' })],
      {
        instances: [instance()],
        enis: [primaryEni('eni-pa'), cniEni('eni-c', NODE, { primaryIp: '10.0.0.20' })],
        subnets: [SUBNET_FACTS],
      },
    );

    // Act
    const report = await sweepNetwork(deps, SWEEP_AT);

    // Assess
    expect([report.repairs, report.byType]).toStrictEqual([0, {}]);
    expect((await ledger.getEni('eni-c'))?.deleted).toBe(true);
    expect((await nodeLines(ledger)).addresses).toStrictEqual(['eni-pa 10.0.0.10 primary']);
    expect(await ledger.hasProcessed(`sweep:${SWEEP_AT}`)).toBe(false);
  });

  test('repairs of one kind are counted one by one', async () => {
    // Prepare
    const { deps } = await sweepWorld([], {
      instances: [instance(), instance(NODE_B)],
      enis: [primaryEni('eni-pa'), primaryEni('eni-pb', NODE_B, '10.0.0.30'), eksEni],
      subnets: [SUBNET_FACTS],
    });

    // Act
    const report = await sweepNetwork(deps, SWEEP_AT);

    // Assess
    expect([report.repairs, report.byType]).toStrictEqual([
      8,
      { 'put-node': 2, 'node-state': 2, 'put-eni': 3, 'put-subnet': 1 },
    ]);
  });

  test('a node EC2 no longer lists is terminated and named; its ENI, listed nowhere, names no subnet', async () => {
    // Prepare
    const { ledger, deps } = await sweepWorld([launched(1)], { subnets: [SUBNET_FACTS] });

    // Act
    const report = await sweepNetwork(deps, SWEEP_AT);

    // Assess
    expect(report).toStrictEqual({
      repairs: 2,
      byType: { 'node-state': 1, 'delete-eni': 1 },
      affected: { nodes: [NODE], subnets: [] },
      parked: { applied: 0, discarded: 0 },
    });
    expect((await nodeLines(ledger)).state).toBe('terminated');
  });

  test.each<{ name: string; ips: string[]; ec2Ips: string[]; audit: string[] }>([
    { name: 'an assign', ips: [], ec2Ips: ['10.0.0.11'], audit: ['sweep assign'] },
    { name: 'an unassign', ips: ['10.0.0.11'], ec2Ips: [], audit: ['sweep unassign'] },
  ])('$name is audited under its ENI', async ({ ips, ec2Ips, audit }) => {
    // Prepare
    const { ledger, deps } = await sweepWorld(
      [
        launched(1),
        event(2, {
          type: 'addresses-assigned',
          eniId: 'eni-pa',
          ips,
          prefixes: [],
          complete: true,
        }),
      ],
      {
        instances: [instance()],
        enis: [withSecondaries(primaryEni('eni-pa'), ec2Ips)],
        subnets: [SUBNET_FACTS],
      },
    );

    // Act
    await sweepNetwork(deps, SWEEP_AT);

    // Assess
    const sweepLines = ledger.events.auditOf('eni-pa').filter((a) => a.eventName === 'Sweep');
    expect(sweepLines.map((a) => a.action)).toStrictEqual(audit);
  });

  test('a delete is audited under the ENI it deleted', async () => {
    // Prepare
    const { ledger, deps } = await sweepWorld([launched(1), created(2, cniEni('eni-c'))], {
      instances: [instance()],
      enis: [primaryEni('eni-pa')],
      subnets: [SUBNET_FACTS],
    });

    // Act
    await sweepNetwork(deps, SWEEP_AT);

    // Assess
    const sweepLines = ledger.events.auditOf('eni-c').filter((a) => a.eventName === 'Sweep');
    expect(sweepLines.map((a) => a.action)).toStrictEqual(['sweep delete-eni']);
  });
});

describe("sweepNetwork: the ledger's read", () => {
  test('compares EC2 with the read it is handed, not with a read of its own', async () => {
    // Prepare: the ledger agrees with EC2, the read handed in was taken before anything was filed
    const { deps } = await sweepWorld([launched(1)], {
      instances: [instance()],
      enis: [primaryEni('eni-pa')],
      subnets: [SUBNET_FACTS],
    });
    const empty = { nodes: [], enis: [], addresses: [], subnets: [] };

    // Act
    const fromEmpty = await sweepNetwork(deps, SWEEP_AT, empty);
    const own = await sweepNetwork(deps, at(40).eventTime);

    // Assess
    expect(fromEmpty.byType).toStrictEqual({
      'put-node': 1,
      'node-state': 1,
      'put-eni': 1,
      'put-subnet': 1,
    });
    expect(own.repairs).toBe(0);
  });

  test("readLedger holds every node and subnet, and each subnet's live ENIs and assigned addresses", async () => {
    // Prepare
    const { ledger, deps } = await sweepWorld(
      [
        launched(1),
        launched(2, NODE_B, { ...primaryEni('eni-pb', NODE_B, '10.0.1.10'), subnetId: 'subnet-b' }),
        created(3, cniEni('eni-c', NODE, { primaryIp: '10.0.0.20' })),
        event(4, { type: 'eni-deleted', eniId: 'eni-c' }),
      ],
      {},
    );

    // Act
    const read = await readLedger(deps.ledger);

    // Assess
    expect({
      nodes: read.nodes.map((n) => n.instanceId),
      subnets: read.subnets.map((s) => s.subnetId),
      enis: read.enis.map((e) => e.eniId),
      addresses: read.addresses.map((a) => `${a.eniId} ${a.address}`),
    }).toStrictEqual({
      nodes: [NODE, NODE_B],
      subnets: [SUBNET, 'subnet-b'],
      enis: ['eni-pa', 'eni-pb'],
      addresses: ['eni-pa 10.0.0.10', 'eni-pb 10.0.1.10'],
    });
    expect(read.subnets).toStrictEqual(await ledger.listSubnets());
  });
});

describe('sweepNetwork: which repairs share a unit of work', () => {
  /** Units that write straight through to the ledger, each noting what it was told and wrote. */
  function recordingUnits(ledger: NetworkLedger) {
    const units: { id: string; unread: SweepFiling['unread']; writes: string[] }[] = [];
    const WRITES = new Set([
      'putNodeFacts',
      'setNodeState',
      'forgetNode',
      'putEni',
      'setEniAttachment',
      'deleteEni',
      'assignAddresses',
      'unassignAddresses',
      'putSubnet',
    ]);
    const unitOfWork = () => {
      const unit = {
        id: '',
        unread: { nodes: [], enis: [] } as SweepFiling['unread'],
        writes: [] as string[],
      };
      units.push(unit);
      const network = new Proxy(ledger, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (WRITES.has(String(key))) unit.writes.push(`${String(key)} ${subjectArg(args[0])}`);
            return value.apply(target, args);
          };
        },
      });
      return {
        ports: { network },
        prepare: async (id: string, filing: SweepFiling) => {
          unit.id = id;
          unit.unread = filing.unread;
        },
        commit: async () => ({ status: 'committed' as const, requests: 1 }),
      };
    };
    return { units, unitOfWork };
  }
  /** The id a write is about: an instance id, an ENI id, or the ENI of an ENI entry. */
  const subjectArg = (arg: unknown) => {
    if (typeof arg === 'string') return arg;
    const a = arg as { facts?: { eniId: string }; eniId?: string; instanceId?: string };
    return a.facts?.eniId ?? a.eniId ?? a.instanceId;
  };

  test("a new node's facts, state and ENIs are one unit that reads none of them; a subnet alone needs none", async () => {
    // Prepare
    const { ledger, deps } = await sweepWorld([], {
      instances: [instance()],
      enis: [
        withSecondaries(primaryEni('eni-pa'), ['10.0.0.11']),
        cniEni('eni-c', NODE, { primaryIp: '10.0.0.20' }),
      ],
      subnets: [SUBNET_FACTS],
    });
    const { units, unitOfWork } = recordingUnits(ledger);

    // Act
    await sweepNetwork({ ...deps, unitOfWork }, SWEEP_AT);

    // Assess
    expect(units).toStrictEqual([
      {
        id: `sweep:${SWEEP_AT}`,
        unread: { nodes: [NODE], enis: ['eni-pa', 'eni-c'] },
        writes: [`putNodeFacts ${NODE}`, `setNodeState ${NODE}`, 'putEni eni-pa', 'putEni eni-c'],
      },
    ]);
    expect(await ledger.getSubnet(SUBNET)).toStrictEqual(SUBNET_FACTS);
  });

  test('a new ENI of no node is a unit of its own', async () => {
    // Prepare
    const { ledger, deps } = await sweepWorld([launched(1)], {
      instances: [instance()],
      enis: [primaryEni('eni-pa'), eksEni],
      subnets: [SUBNET_FACTS],
    });
    const { units, unitOfWork } = recordingUnits(ledger);

    // Act
    await sweepNetwork({ ...deps, unitOfWork }, SWEEP_AT);

    // Assess
    expect(units).toStrictEqual([
      { id: `sweep:${SWEEP_AT}`, unread: { nodes: [], enis: ['eni-e'] }, writes: ['putEni eni-e'] },
    ]);
  });

  test("a known node's state and its known ENIs' repairs are one unit that reads them all", async () => {
    // Prepare: the node stopped, eth0 gained an address, and its CNI ENI, gone from EC2, is deleted
    const { ledger, deps } = await sweepWorld([launched(1), created(2, cniEni('eni-c'))], {
      instances: [instance(NODE, { state: 'stopped' })],
      enis: [withSecondaries(primaryEni('eni-pa'), ['10.0.0.11'])],
      subnets: [SUBNET_FACTS],
    });
    const { units, unitOfWork } = recordingUnits(ledger);

    // Act
    await sweepNetwork({ ...deps, unitOfWork }, SWEEP_AT);

    // Assess
    expect(units).toStrictEqual([
      {
        id: `sweep:${SWEEP_AT}`,
        unread: { nodes: [], enis: [] },
        writes: [`setNodeState ${NODE}`, 'assignAddresses eni-pa', 'deleteEni eni-c'],
      },
    ]);
  });

  test('a single repair of a known node needs no unit', async () => {
    // Prepare
    const { ledger, deps } = await sweepWorld([launched(1)], {
      instances: [instance(NODE, { state: 'stopped' })],
      enis: [primaryEni('eni-pa')],
      subnets: [SUBNET_FACTS],
    });
    const { units, unitOfWork } = recordingUnits(ledger);

    // Act
    const report = await sweepNetwork({ ...deps, unitOfWork }, SWEEP_AT);

    // Assess
    expect(units).toStrictEqual([]);
    expect(report.byType).toStrictEqual({ 'node-state': 1 });
  });
});

describe('sweepNetwork: changes parked under an instance the sweep files', () => {
  // An earlier version of the instance-state rule parked changes under the instance; the sweep
  // filing the node lets them through, and one that still lacks its subject parks again.
  test('apply when newer than the read; one still waiting for its ENI parks again and is not counted', async () => {
    // Prepare
    const { ledger, deps } = await sweepWorld([], {
      instances: [instance()],
      enis: [primaryEni('eni-pa')],
      subnets: [SUBNET_FACTS],
    });
    const waiting = (m: number, eniId: string) => ({
      subject: `instance:${NODE}`,
      stamp: at(m),
      name: 'AssignPrivateIpAddresses',
      change: {
        type: 'addresses-assigned' as const,
        eniId,
        ips: ['10.0.0.11'],
        prefixes: [],
        complete: true,
      },
    });
    await ledger.park(waiting(35, 'eni-pa'));
    await ledger.park(waiting(36, 'eni-x'));

    // Act
    const report = await sweepNetwork(deps, SWEEP_AT);

    // Assess
    expect(report.parked).toStrictEqual({ applied: 1, discarded: 0 });
    expect((await ledger.listParked()).map((p) => p.subject)).toStrictEqual(['eni:eni-x']);
    expect((await nodeLines(ledger)).addresses).toStrictEqual([
      'eni-pa 10.0.0.10 primary',
      'eni-pa 10.0.0.11 secondary',
    ]);
  });
});
