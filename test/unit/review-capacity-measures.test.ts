import { describe, expect, test } from 'vitest';

// What a capacity review measures for the gauges (each node's headroom and cluster, each
// subnet's free addresses) and which nodes it cannot measure yet. The builders are those of
// review-capacity.test.ts.
import { NODE, nodeView, SUBNET, subnetView, world } from '#test/helpers/review-capacity-world.ts';

describe('reviewCapacity: measures', () => {
  test('headroom per measured node, free addresses per subnet; a node without a type is skipped', async () => {
    const { ledger, review } = world();
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 5, 3] }));
    const untyped = nodeView('i-0a1b2c3d4e5f00002', { secondaries: [1] });
    ledger.nodes.set('i-0a1b2c3d4e5f00002', {
      ...untyped,
      node: { instanceId: 'i-0a1b2c3d4e5f00002', cluster: 'myeks', state: 'running' },
    });
    const noCluster = nodeView('i-0a1b2c3d4e5f00003', { secondaries: [1] });
    ledger.nodes.set('i-0a1b2c3d4e5f00003', {
      ...noCluster,
      node: { instanceId: 'i-0a1b2c3d4e5f00003', instanceType: 't3.medium', state: 'running' },
    });
    ledger.subnets.set(
      SUBNET,
      subnetView('192.168.0.0/24', ['192.168.0.20', '192.168.0.21', '192.168.0.22']),
    );

    // Headroom: free slots of 3 ENIs x 5 secondary IPs (t3.medium), attached or attachable.
    const result = await review([NODE, 'i-0a1b2c3d4e5f00002', 'i-0a1b2c3d4e5f00003'], [SUBNET], 0);

    expect(result.measures).toStrictEqual({
      nodes: [
        { instanceId: NODE, cluster: 'myeks', headroom: 15 - 13 },
        { instanceId: 'i-0a1b2c3d4e5f00003', cluster: 'unknown', headroom: 15 - 1 },
      ],
      subnets: [{ subnetId: SUBNET, free: 256 - 5 - 3 }],
    });
    expect(result.skipped).toStrictEqual([
      { subject: 'i-0a1b2c3d4e5f00002', reason: 'instance type not known yet' },
    ]);
  });

  test('a node gone since it alerted: the resolve says its state, and it is not measured', async () => {
    const { ledger, notifier, review } = world();
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 5, 5] }));
    await review([NODE], [], 0);
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [], state: 'shutting-down' }));

    const result = await review([NODE], [], 60);

    expect(notifier.sent[1]).toMatchObject({ type: 'resolve', facts: { state: 'shutting-down' } });
    expect(notifier.sent[1]?.facts).toStrictEqual({ state: 'shutting-down' });
    expect(result.measures).toStrictEqual({ nodes: [], subnets: [] });
  });

  test('nothing reviewed, nothing measured', async () => {
    const { review } = world();
    const result = await review([], [], 0);
    expect(result.measures).toStrictEqual({ nodes: [], subnets: [] });
  });
});
