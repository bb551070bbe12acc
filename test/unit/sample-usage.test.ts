import { describe, expect, test } from 'vitest';
import { MemoryUsageHistory } from '#adapters/memory/memory-usage-history.ts';
import type { CapacitySettings } from '#core/capacity/capacity-settings.ts';
import { InstanceTypeDataError } from '#core/capacity/instance-type.ts';
import { sampleUsage } from '#core/capacity/sample-usage.ts';
import type { InstanceState } from '#core/network/network.ts';
import type {
  AddressRecord,
  NodeRecord,
  NodeView,
  SubnetRecord,
  SubnetView,
} from '#core/network/network-ports.ts';
import { InMemoryCapacityLedger, StaticInstanceTypeCatalog } from '#test/helpers/capacity-fakes.ts';
import { t3Medium } from '#test/helpers/instance-types.ts';

// What the sweep samples: one gauge per subnet whose CIDR is known (addresses used of the
// usable ones) and one per node group (cluster and instance type: pod slots used of the slots
// its nodes' ENIs give), each sample kept in the usage history it is fitted from.

const NOW = '2026-11-21T10:00:00.000Z';
const VPC = 'vpc-0a1b2c3d4e5f60718';
const stamp = { eventId: 'e-1', eventTime: NOW };
const settings: CapacitySettings = {
  clusters: { prefixDelegation: [], customNetworking: [], maxEnis: {} },
  thresholds: {
    node: { minFreeSlots: 3, minFreePercent: 0, clearMarginSlots: 2 },
    subnetExhaustion: { minFreeAddresses: 8, minFreePercent: 0, clearMarginAddresses: 4 },
    subnetFragmentation: { minFreePrefixBlocks: 2, clearMarginBlocks: 1 },
  },
  alertPolicy: { remindAfterSeconds: 3600 },
};
// t3.medium: 3 ENIs of 6 addresses, one of each the ENI's own: 15 pod slots a node.
const T3_SLOTS = 15;

interface NodeSpec {
  readonly id: string;
  readonly pods: number;
  readonly type?: string;
  readonly cluster?: string;
  readonly state?: InstanceState;
}

/** A node with its primary ENI holding `pods` secondary addresses. */
function nodeView({ id, pods, type, cluster, state }: NodeSpec): NodeView {
  const eniId = `eni-${id}`;
  const base = { eniId, subnetId: 'subnet-a', vpcId: VPC, instanceId: id, stamp };
  const addresses: AddressRecord[] = Array.from({ length: pods }, (_, n) => ({
    ...base,
    address: `10.0.${id.length}.${20 + n}`,
    kind: 'secondary',
    consumer: 'vpc-cni',
  }));
  return {
    node: {
      instanceId: id,
      ...(type === undefined ? {} : { instanceType: type }),
      ...(cluster === undefined ? {} : { cluster }),
      state: state ?? 'running',
    },
    enis: [
      {
        eniId,
        vpcId: VPC,
        subnetId: 'subnet-a',
        description: '',
        kind: 'node-primary',
        instanceId: id,
        attachment: { instanceId: id, deviceIndex: 0, networkCardIndex: 0 },
        deleted: false,
      },
    ],
    addresses,
  };
}

function world(nodes: NodeSpec[], subnets: { id: string; cidr?: string; used: number }[] = []) {
  const views = new InMemoryCapacityLedger();
  const nodeRecords: NodeRecord[] = [];
  for (const spec of nodes) {
    const view = nodeView(spec);
    views.nodes.set(spec.id, view);
    if (view.node) nodeRecords.push(view.node);
  }
  const subnetRecords: SubnetRecord[] = [];
  for (const s of subnets) {
    const record: SubnetRecord = {
      subnetId: s.id,
      vpcId: VPC,
      reservations: [],
      ...(s.cidr ? { cidr: s.cidr } : {}),
    };
    subnetRecords.push(record);
    const view: SubnetView = {
      subnet: record,
      enis: [],
      addresses: Array.from({ length: s.used }, (_, n) => ({
        address: `10.1.0.${10 + n}`,
        kind: 'secondary',
        consumer: 'vpc-cni',
        eniId: 'eni-x',
        subnetId: s.id,
        vpcId: VPC,
        stamp,
      })),
    };
    views.subnets.set(s.id, view);
  }
  const ledger = {
    nodeView: (id: string) => views.nodeView(id),
    subnetView: (id: string) => views.subnetView(id),
    listNodes: async () => nodeRecords,
    listSubnets: async () => subnetRecords,
  };
  return ledger;
}

const gaugesOf = async (
  nodes: NodeSpec[],
  subnets: { id: string; cidr?: string; used: number }[] = [],
  catalog = new StaticInstanceTypeCatalog({ 't3.medium': t3Medium }),
) => {
  const usage = new MemoryUsageHistory();
  const gauges = await sampleUsage({
    ledger: world(nodes, subnets),
    catalog,
    settings,
    usage,
    now: NOW,
  });
  return { gauges, usage };
};

describe('sampleUsage', () => {
  test('a subnet: addresses used of the usable ones (a /28 less the 5 AWS keeps); one without a CIDR is not sampled', async () => {
    const { gauges } = await gaugesOf(
      [],
      [
        { id: 'subnet-a', cidr: '10.1.0.0/28', used: 3 },
        { id: 'subnet-unread', used: 2 },
      ],
    );
    expect(
      gauges.map(({ kind, subject, used, capacity }) => ({ kind, subject, used, capacity })),
    ).toStrictEqual([{ kind: 'subnet', subject: 'subnet-a', used: 3, capacity: 11 }]);
  });

  test.each<{ title: string; nodes: NodeSpec[]; groups: [string, number, number][] }>([
    {
      title: 'nodes of one cluster and type add up into one group',
      nodes: [
        { id: 'i-1', pods: 4, type: 't3.medium', cluster: 'myeks' },
        { id: 'i-2', pods: 6, type: 't3.medium', cluster: 'myeks' },
      ],
      groups: [['myeks/t3.medium', 10, 2 * T3_SLOTS]],
    },
    {
      title: 'another cluster is another group; a node in none is in the unknown one',
      nodes: [
        { id: 'i-1', pods: 4, type: 't3.medium', cluster: 'myeks' },
        { id: 'i-2', pods: 6, type: 't3.medium', cluster: 'blue' },
        { id: 'i-3', pods: 1, type: 't3.medium' },
      ],
      groups: [
        ['myeks/t3.medium', 4, T3_SLOTS],
        ['blue/t3.medium', 6, T3_SLOTS],
        ['unknown/t3.medium', 1, T3_SLOTS],
      ],
    },
    {
      title: 'a stopped node still counts; shutting-down and terminated ones do not',
      nodes: [
        { id: 'i-1', pods: 4, type: 't3.medium', cluster: 'myeks', state: 'stopped' },
        { id: 'i-2', pods: 6, type: 't3.medium', cluster: 'myeks', state: 'shutting-down' },
        { id: 'i-3', pods: 6, type: 't3.medium', cluster: 'myeks', state: 'terminated' },
      ],
      groups: [['myeks/t3.medium', 4, T3_SLOTS]],
    },
    {
      title: 'a node with no instance type, or a type the catalog does not know, is left out',
      nodes: [
        { id: 'i-1', pods: 4, type: 't3.medium', cluster: 'myeks' },
        { id: 'i-2', pods: 6, cluster: 'myeks' },
        { id: 'i-3', pods: 6, type: 'x9.unknown', cluster: 'myeks' },
      ],
      groups: [['myeks/t3.medium', 4, T3_SLOTS]],
    },
  ])('$title', async ({ nodes, groups }) => {
    const { gauges } = await gaugesOf(nodes);
    expect(gauges.map((g) => [g.subject, g.used, g.capacity])).toStrictEqual(groups);
    expect(gauges.every((g) => g.kind === 'node-group')).toBe(true);
  });

  test('a type whose catalog data is broken is left out; any other catalog failure is not swallowed', async () => {
    const nodes = [
      { id: 'i-1', pods: 4, type: 't3.medium', cluster: 'myeks' },
      { id: 'i-2', pods: 6, type: 'broken.large', cluster: 'myeks' },
    ];
    const broken = new StaticInstanceTypeCatalog({
      't3.medium': t3Medium,
      'broken.large': new InstanceTypeDataError('broken.large has no ENI limits'),
    });
    const { gauges } = await gaugesOf(nodes, [], broken);
    expect(gauges.map((g) => g.subject)).toStrictEqual(['myeks/t3.medium']);

    const failing = new StaticInstanceTypeCatalog({
      't3.medium': t3Medium,
      'broken.large': new Error('throttled'),
    });
    await expect(gaugesOf(nodes, [], failing)).rejects.toThrow('throttled');
  });

  test('every gauge is recorded once, at the time given, and its forecast reads that history', async () => {
    const { gauges, usage } = await gaugesOf(
      [{ id: 'i-1', pods: 4, type: 't3.medium', cluster: 'myeks' }],
      [{ id: 'subnet-a', cidr: '10.1.0.0/28', used: 3 }],
    );
    expect(await usage.recent('subnet', 'subnet-a', '')).toStrictEqual([
      { at: NOW, used: 3, capacity: 11 },
    ]);
    expect(await usage.recent('node-group', 'myeks/t3.medium', '')).toStrictEqual([
      { at: NOW, used: 4, capacity: T3_SLOTS },
    ]);
    for (const g of gauges) expect(g.forecast.samples).toBe(1);
  });

  test("a gauge's forecast fits the samples of the last hours as well as this one, each once", async () => {
    const usage = new MemoryUsageHistory();
    const hourAgo = new Date(Date.parse(NOW) - 3_600_000).toISOString();
    await usage.record({ kind: 'subnet', subject: 'subnet-a', at: hourAgo, used: 1, capacity: 11 });

    const [gauge] = await sampleUsage({
      ledger: world([], [{ id: 'subnet-a', cidr: '10.1.0.0/28', used: 3 }]),
      catalog: new StaticInstanceTypeCatalog({}),
      settings,
      usage,
      now: NOW,
    });

    expect(gauge?.forecast.samples).toBe(2);
  });

  describe('on a fixed schedule, only changes are stored', () => {
    const EVERY = 10 * 60_000;
    const later = (ms: number) => new Date(Date.parse(NOW) + ms).toISOString();
    const sweepAt = (usage: MemoryUsageHistory, now: string, used: number) =>
      sampleUsage({
        ledger: world([], [{ id: 'subnet-a', cidr: '10.1.0.0/28', used }]),
        catalog: new StaticInstanceTypeCatalog({}),
        settings: { ...settings, sweepEveryMs: EVERY },
        usage,
        now,
      });

    test.each<{ name: string; second: { after: number; used: number }; stored: number }>([
      {
        name: 'an unchanged value one sweep later is not stored',
        second: { after: EVERY, used: 3 },
        stored: 1,
      },
      { name: 'a changed value is', second: { after: EVERY, used: 4 }, stored: 2 },
      {
        name: 'an unchanged value six hours on is stored again',
        second: { after: 6 * 3_600_000, used: 3 },
        stored: 2,
      },
    ])('$name', async ({ second, stored }) => {
      // Prepare
      const usage = new MemoryUsageHistory();
      await sweepAt(usage, NOW, 3);

      // Act
      const [gauge] = await sweepAt(usage, later(second.after), second.used);

      // Assess
      const samples = await usage.recent('subnet', 'subnet-a', '');
      expect(samples).toHaveLength(stored);
      expect(samples[0]).toStrictEqual({ at: NOW, used: 3, capacity: 11, everyMs: EVERY });
      // Every sweep counts in the trend, stored or not.
      expect(gauge?.forecast.samples).toBe(second.after / EVERY + 1);
    });
  });
});
