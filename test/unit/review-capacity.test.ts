import { describe, expect, test } from 'vitest';
import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import type { CapacitySettings } from '#core/capacity/capacity-settings.ts';
import { InstanceTypeDataError } from '#core/capacity/instance-type.ts';
import { capacityGauges, reviewCapacity } from '#core/capacity/review-capacity.ts';
import type { NodeView } from '#core/network/network-ports.ts';
import { StaticInstanceTypeCatalog } from '#test/helpers/capacity-fakes.ts';
import {
  at,
  limits,
  NODE,
  nodeView,
  SUBNET,
  settings,
  subnetView,
  world,
} from '#test/helpers/review-capacity-world.ts';

describe('reviewCapacity: node-pod-capacity', () => {
  test('a t3.medium with 3/3 ENIs and 2 free slots opens one alert that says why', async () => {
    // Prepare: 5 + 5 + 3 of 15 secondary-IP slots in use
    const { ledger, alerts, notifier, review } = world();
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 5, 3] }));

    // Act
    const result = await review([NODE], [], 0);

    // Assess
    expect(result.alerts).toEqual([
      {
        kind: 'node-pod-capacity',
        subject: NODE,
        cluster: 'myeks',
        active: true,
        outcome: 'opened',
      },
    ]);
    expect(notifier.sent).toHaveLength(1);
    expect(notifier.sent[0]).toMatchObject({
      type: 'open',
      kind: 'node-pod-capacity',
      subject: NODE,
      cluster: 'myeks',
      severity: 'warning',
      facts: { instanceType: 't3.medium', enisAttached: 3, eniLimit: 3, freeSlots: 2 },
    });
    expect(notifier.sent[0]?.summary).toContain('3/3 ENIs, 13/15 secondary IPs');
    expect(notifier.sent[0]?.summary).toContain('pods beyond 17');
    expect((await alerts.get('node-pod-capacity', NODE))?.status).toBe('open');
  });

  test('low free slots with an ENI still attachable raise nothing (the CNI will attach it)', async () => {
    // Prepare: 5 + 5 of 15 slots, eth2 not attached yet; thresholds high enough to call 5 free "low"
    const { ledger, alerts, notifier } = world();
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 5] }));
    const eager: CapacitySettings = {
      ...settings,
      thresholds: {
        ...settings.thresholds,
        node: { minFreeSlots: 8, minFreePercent: 0, clearMarginSlots: 0 },
      },
    };
    const run = (view: NodeView) => {
      ledger.nodes.set(NODE, view);
      return reviewCapacity(
        { nodes: [NODE], subnets: [] },
        {
          ledger,
          alerts,
          catalog: new StaticInstanceTypeCatalog(limits),
          notifier,
          settings: eager,
          now: at(0),
        },
      );
    };

    // Act
    const before = await run(nodeView(NODE, { secondaries: [5, 5] }));
    const after = await run(nodeView(NODE, { secondaries: [5, 5, 0] }));

    // Assess: the same free slots alert only once the last ENI is attached
    expect(before.alerts).toEqual([]);
    expect(after.alerts.map((a) => a.outcome)).toEqual(['opened']);
    expect(notifier.sent).toHaveLength(1);
  });

  test('MAX_ENIS of the cluster counts as the ENI limit', async () => {
    // Prepare: cluster "capped" allows 2 ENIs; both are attached and full
    const { ledger, notifier, review } = world();
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 5], cluster: 'capped' }));

    // Act
    await review([NODE], [], 0);

    // Assess
    expect(notifier.sent.map((n) => n.type)).toEqual(['open']);
    expect(notifier.sent[0]?.facts).toMatchObject({ eniLimit: 2, freeSlots: 0 });
    expect(notifier.sent[0]?.severity).toBe('critical');
  });

  test('opens once, reminds once per interval, and stays quiet in between', async () => {
    // Prepare
    const { ledger, notifier, review } = world();
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 5, 4] }));

    // Act
    const outcomes = [];
    for (const seconds of [0, 60, 3599, 3600, 3660, 7199, 7200]) {
      outcomes.push((await review([NODE], [], seconds)).alerts[0]?.outcome);
    }

    // Assess
    expect(outcomes).toEqual([
      'opened',
      'unchanged',
      'unchanged',
      'reminded',
      'unchanged',
      'unchanged',
      'reminded',
    ]);
    expect(notifier.sent.map((n) => n.type)).toEqual(['open', 'remind', 'remind']);
  });

  test.each([
    { free: 4, resolves: false },
    { free: 5, resolves: false },
    { free: 6, resolves: true },
  ])(
    'hysteresis: an open alert with $free free slots resolves: $resolves',
    async ({ free, resolves }) => {
      // Prepare: opened at 2 free slots; threshold 3, clear margin 2
      const { ledger, notifier, review } = world();
      ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 5, 3] }));
      await review([NODE], [], 0);
      // 15 - free slots in use, filling eth0, eth1, eth2 in order
      const used = 15 - free;
      const secondaries = [0, 5, 10].map((start) => Math.min(5, Math.max(0, used - start)));
      ledger.nodes.set(NODE, nodeView(NODE, { secondaries }));

      // Act
      const result = await review([NODE], [], 60);

      // Assess
      expect(result.alerts[0]?.outcome).toBe(resolves ? 'resolved' : 'updated');
      expect(notifier.sent.map((n) => n.type)).toEqual(resolves ? ['open', 'resolve'] : ['open']);
    },
  );

  test('a terminated node is not evaluated, but its open alert is resolved', async () => {
    // Prepare
    const { ledger, catalog, notifier, review } = world();
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 5, 5] }));
    await review([NODE], [], 0);
    ledger.nodes.set(NODE, {
      node: { instanceId: NODE, instanceType: 't3.medium', cluster: 'myeks', state: 'terminated' },
      enis: [],
      addresses: [],
    });
    catalog.lookups.length = 0;

    // Act
    const result = await review([NODE], [], 60);

    // Assess
    expect(catalog.lookups).toEqual([]);
    expect(result.skipped).toEqual([{ subject: NODE, reason: 'node is terminated' }]);
    expect(notifier.sent.map((n) => n.type)).toEqual(['open', 'resolve']);
    expect(notifier.sent[1]).toMatchObject({
      title: notifier.sent[0]?.title,
      summary: expect.stringContaining('terminated'),
      resolvedAt: at(60),
    });
  });

  test('a terminated node that never alerted stays silent', async () => {
    // Prepare
    const { ledger, alerts, notifier, review } = world();
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [], state: 'terminated' }));

    // Act
    const result = await review([NODE], [], 0);

    // Assess
    expect(result.alerts).toEqual([]);
    expect(notifier.sent).toEqual([]);
    expect(alerts.writes).toEqual([]);
  });

  test.each([
    { what: 'not in the ledger', view: undefined, reason: 'node not in the ledger' },
    {
      what: 'of an unknown type',
      view: nodeView(NODE, { secondaries: [5, 5, 5], type: 'x9.mega' }),
      reason: 'instance type x9.mega unknown to EC2',
    },
    {
      what: 'of a type with bad data',
      view: nodeView(NODE, { secondaries: [5, 5, 5], type: 'broken' }),
      reason: 'broken: NetworkInfo is missing',
    },
  ])('a node $what is skipped with its reason', async ({ view, reason }) => {
    // Prepare
    const { ledger, notifier, alerts } = world();
    if (view) ledger.nodes.set(NODE, view);
    const catalog = new StaticInstanceTypeCatalog({
      ...limits,
      broken: new InstanceTypeDataError('broken: NetworkInfo is missing'),
    });

    // Act
    const result = await reviewCapacity(
      { nodes: [NODE], subnets: [] },
      { ledger, alerts, catalog, notifier, settings, now: at(0) },
    );

    // Assess
    expect(result.skipped).toEqual([{ subject: NODE, reason }]);
    expect(notifier.sent).toEqual([]);
  });
});

describe('reviewCapacity: subnets', () => {
  // A /27: 32 addresses, 5 kept by AWS, 27 usable.
  const small = (n: number) => Array.from({ length: n }, (_, i) => `10.1.0.${4 + i}`);

  test('a /27 with 7 free addresses opens subnet-exhaustion; with 13 free it resolves', async () => {
    // Prepare
    const { ledger, notifier, review } = world();
    ledger.subnets.set(SUBNET, subnetView('10.1.0.0/27', small(20)));

    // Act
    const opened = await review([], [SUBNET], 0);
    ledger.subnets.set(SUBNET, subnetView('10.1.0.0/27', small(14)));
    const resolved = await review([], [SUBNET], 60);

    // Assess
    expect(opened.alerts).toContainEqual(
      expect.objectContaining({ kind: 'subnet-exhaustion', subject: SUBNET, outcome: 'opened' }),
    );
    expect(resolved.alerts).toContainEqual(
      expect.objectContaining({ kind: 'subnet-exhaustion', outcome: 'resolved' }),
    );
    expect(notifier.sent.map((n) => [n.kind, n.type, n.facts.free])).toEqual([
      ['subnet-exhaustion', 'open', 32 - 5 - 20],
      ['subnet-exhaustion', 'resolve', 32 - 5 - 14],
    ]);
    expect(notifier.sent[0]?.cluster).toBe('myeks');
  });

  // One address in each /28 block of a /24 but the first and last (which AWS-reserved addresses already break).
  const scattered = Array.from({ length: 14 }, (_, i) => `10.2.0.${(i + 1) * 16 + 5}`);

  test.each([
    { cluster: 'pd', alerts: ['subnet-fragmentation'] },
    { cluster: 'myeks', alerts: [] },
  ])(
    'a /24 with no free /28 block: fragmentation alert for cluster $cluster: $alerts',
    async ({ cluster, alerts }) => {
      // Prepare
      const { ledger, notifier, review } = world();
      ledger.subnets.set(SUBNET, subnetView('10.2.0.0/24', scattered, cluster));

      // Act
      await review([], [SUBNET], 0);

      // Assess
      expect(notifier.sent.map((n) => n.kind)).toEqual(alerts);
      if (alerts.length > 0)
        expect(notifier.sent[0]?.facts).toMatchObject({ freePrefixBlocks: 0, free: 256 - 5 - 14 });
    },
  );

  test('a subnet whose CIDR is not known is skipped', async () => {
    // Prepare
    const { ledger, notifier, review } = world();
    ledger.subnets.set(SUBNET, subnetView(undefined, small(27)));

    // Act
    const result = await review([], [SUBNET], 0);

    // Assess
    expect(result.skipped).toEqual([{ subject: SUBNET, reason: 'subnet CIDR not known' }]);
    expect(notifier.sent).toEqual([]);
  });
});

describe('reviewCapacity: concurrency and failed deliveries', () => {
  test('when another invocation stores the alert first, ours is dropped unsent', async () => {
    // Prepare: a concurrent invocation opens the same alert between our read and our write
    const { ledger, alerts, notifier, review } = world();
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 5, 5] }));
    alerts.beforePut = async (record) => {
      alerts.beforePut = undefined;
      await alerts.put({ ...record, openedAt: at(-1) });
    };

    // Act
    const result = await review([NODE], [], 0);

    // Assess
    expect(result.alerts[0]?.outcome).toBe('conflict');
    expect(notifier.sent).toEqual([]);
  });

  test('a failed open is rethrown and sent, as that open, by the next review', async () => {
    // Prepare
    const { ledger, notifier, review } = world();
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 5, 5] }));
    notifier.failNext = new Error('SNS throttled');

    // Act
    const failed = review([NODE], [], 0);
    await expect(failed).rejects.toThrow('SNS throttled');
    await review([NODE], [], 10);

    // Assess
    expect(notifier.sent.map((n) => n.type)).toEqual(['open']);
    expect(notifier.sent[0]?.openedAt).toBe(at(0));
  });

  test('a failed resolve stays in the outbox, so the next review sends that resolve', async () => {
    // Prepare
    const { ledger, alerts, notifier, review } = world();
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 5, 5] }));
    await review([NODE], [], 0);
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 1, 0] }));
    notifier.failNext = new Error('SNS down');

    // Act
    await expect(review([NODE], [], 60)).rejects.toThrow('SNS down');
    const unsent: AlertRecord | undefined = await alerts.get('node-pod-capacity', NODE);
    await review([NODE], [], 120);

    // Assess
    expect(unsent).toMatchObject({ status: 'resolved', pending: { type: 'resolve' } });
    expect(notifier.sent[1]?.resolvedAt).toBe(at(60));
    expect(notifier.sent.map((n) => n.type)).toEqual(['open', 'resolve']);
  });

  test('one failed delivery does not keep the other subjects from being reviewed', async () => {
    // Prepare
    const { ledger, notifier, review } = world();
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 5, 5] }));
    ledger.subnets.set(
      SUBNET,
      subnetView(
        '10.1.0.0/27',
        Array.from({ length: 27 }, (_, i) => `10.1.0.${4 + i}`),
      ),
    );
    notifier.failNext = new Error('SNS down');

    // Act / Assess
    await expect(review([NODE], [SUBNET], 0)).rejects.toThrow('SNS down');
    expect(notifier.sent.map((n) => n.kind)).toEqual(['subnet-exhaustion']);
  });
});

describe('capacityGauges', () => {
  test.each([
    {
      name: 'the tightest subnet and the tightest node per cluster',
      measures: {
        nodes: [
          { instanceId: 'i-1', cluster: 'a', headroom: 9 },
          { instanceId: 'i-2', cluster: 'a', headroom: 2 },
          { instanceId: 'i-3', cluster: 'b', headroom: 14 },
        ],
        subnets: [
          { subnetId: 's-1', free: 200 },
          { subnetId: 's-2', free: 12 },
        ],
      },
      gauges: { minSubnetFreeAddresses: 12, minPodHeadroomByCluster: { a: 2, b: 14 } },
    },
    {
      name: 'nothing measured: no subnet gauge, no cluster',
      measures: { nodes: [], subnets: [] },
      gauges: { minPodHeadroomByCluster: {} },
    },
    {
      name: 'a full node reads 0',
      measures: { nodes: [{ instanceId: 'i-1', cluster: 'a', headroom: 0 }], subnets: [] },
      gauges: { minPodHeadroomByCluster: { a: 0 } },
    },
  ])('$name', ({ measures, gauges }) => {
    expect(capacityGauges(measures)).toEqual(gauges);
  });
});
