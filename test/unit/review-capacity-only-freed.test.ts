import { describe, expect, test } from 'vitest';
import { reviewCapacity } from '#core/capacity/review-capacity.ts';
import type { NodeView, SubnetView } from '#core/network/network-ports.ts';
import {
  at,
  NODE,
  nodeView,
  SUBNET,
  settings,
  subnetView,
  world,
} from '#test/helpers/review-capacity-world.ts';

/**
 * After a change that only gave back (addresses unassigned, an ENI detached or deleted, a node
 * gone), the review reads a node's or subnet's view only when one of its alerts is open or has
 * a notification unsent: nothing else can follow from less pressure.
 */
const small = (n: number) => Array.from({ length: n }, (_, i) => `10.1.0.${4 + i}`);

/** The world's ledger, writing down which views the review read. */
function counted() {
  const w = world();
  const read: string[] = [];
  const nodeView = w.ledger.nodeView.bind(w.ledger);
  const subnetView = w.ledger.subnetView.bind(w.ledger);
  w.ledger.nodeView = async (id: string): Promise<NodeView> => {
    read.push(id);
    return nodeView(id);
  };
  w.ledger.subnetView = async (id: string): Promise<SubnetView> => {
    read.push(id);
    return subnetView(id);
  };
  const freed = (seconds: number, onlyFreed = true) =>
    reviewCapacity(
      { nodes: [NODE], subnets: [SUBNET], ...(onlyFreed ? { onlyFreed } : {}) },
      {
        ledger: w.ledger,
        alerts: w.alerts,
        catalog: w.catalog,
        notifier: w.notifier,
        settings,
        now: at(seconds),
      },
    );
  return { ...w, read, freed };
}

describe('reviewCapacity after a change that only freed', () => {
  test('reads nothing of a node and a subnet that have no alert', async () => {
    // Prepare: both tight enough to alert, had anyone looked (they cannot have become so by a release)
    const { ledger, read, freed, notifier } = counted();
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 5, 5] }));
    ledger.subnets.set(SUBNET, subnetView('10.1.0.0/27', small(20)));

    // Act
    const review = await freed(0);

    // Assess
    expect(read).toEqual([]);
    expect(review.alerts).toEqual([]);
    expect(notifier.sent).toEqual([]);
  });

  test('the same review after any other change reads both and opens both alerts', async () => {
    // Prepare
    const { ledger, read, freed } = counted();
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 5, 5] }));
    ledger.subnets.set(SUBNET, subnetView('10.1.0.0/27', small(20)));

    // Act
    const review = await freed(0, false);

    // Assess
    expect(read).toEqual([NODE, SUBNET]);
    expect(review.alerts.map((a) => [a.kind, a.outcome])).toEqual([
      ['node-pod-capacity', 'opened'],
      ['subnet-exhaustion', 'opened'],
    ]);
  });

  test('reads and resolves what has an open alert, and only that', async () => {
    // Prepare: both open; then the node is freed enough, the subnet not yet read again
    const { ledger, read, freed } = counted();
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 5, 5] }));
    ledger.subnets.set(SUBNET, subnetView('10.1.0.0/27', small(20)));
    await freed(0, false);
    read.length = 0;
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 1, 0] }));
    ledger.subnets.set(SUBNET, subnetView('10.1.0.0/27', small(10)));

    // Act
    const review = await freed(60);

    // Assess
    expect(read).toEqual([NODE, SUBNET]);
    expect(review.alerts.map((a) => [a.kind, a.outcome])).toEqual([
      ['node-pod-capacity', 'resolved'],
      ['subnet-exhaustion', 'resolved'],
    ]);
  });

  test('reads a subject whose resolve is still in the outbox, and sends it', async () => {
    // Prepare: the node's alert opened, then its resolve failed to go out
    const { ledger, read, freed, notifier, alerts } = counted();
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 5, 5] }));
    ledger.subnets.set(SUBNET, subnetView('10.1.0.0/27', small(2)));
    await freed(0, false);
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 1, 0] }));
    notifier.failNext = new Error('SNS down');
    await expect(freed(60)).rejects.toThrow('SNS down');
    const unsent = await alerts.get('node-pod-capacity', NODE);
    read.length = 0;

    // Act
    await freed(120);

    // Assess: the subnet never alerted, so it is not read
    expect(unsent).toMatchObject({ status: 'resolved', pending: { type: 'resolve' } });
    expect(read).toEqual([NODE]);
    expect(notifier.sent.map((n) => `${n.type} ${n.kind}`)).toEqual([
      'open node-pod-capacity',
      'resolve node-pod-capacity',
    ]);
  });

  test('a closed alert with nothing unsent is as good as none', async () => {
    // Prepare: opened and resolved, both delivered
    const { ledger, read, freed } = counted();
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 5, 5] }));
    ledger.subnets.set(SUBNET, subnetView('10.1.0.0/27', small(2)));
    await freed(0, false);
    ledger.nodes.set(NODE, nodeView(NODE, { secondaries: [5, 1, 0] }));
    await freed(60, false);
    read.length = 0;

    // Act
    const review = await freed(120);

    // Assess
    expect(read).toEqual([]);
    expect(review.alerts).toEqual([]);
  });
});
