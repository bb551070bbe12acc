import { describe, expect, test } from 'vitest';
import type { EventStamp } from '#core/events/event-envelope.ts';
import type { InstanceFacts } from '#core/network/network.ts';
import { eventUnits } from '#test/contract/implementations.ts';

/**
 * What every event unit of work promises (DynamoDB on DynamoDB Local, and memory): the unit
 * reads its own writes, nobody else sees them before the commit, the commit applies them all,
 * and a commit after another writer changed what the unit read is 'lost' and applies nothing.
 */
const at = (m: number): EventStamp => ({
  eventTime: `2026-11-21T10:${String(m).padStart(2, '0')}:00Z`,
  eventId: `ev-${m}`,
});

const NODE: InstanceFacts = {
  instanceId: 'i-1',
  instanceType: 't3.medium',
  vpcId: 'vpc-1',
  subnetId: 'subnet-a',
  availabilityZone: 'ap-northeast-2a',
  privateIp: '10.0.0.10',
  state: 'running',
  tags: {},
};

describe.each(eventUnits)('event unit of work contract: $name', ({ make }) => {
  test('reads its own writes, hides them until the commit, then applies them all', async () => {
    const { plain, open } = await make();
    const unit = open();
    await unit.ports.network.putNodeFacts(NODE, 'c1');
    expect(await unit.ports.network.setNodeState('i-1', 'running', at(1))).toBe('applied');
    await unit.ports.network.markProcessed(at(1), 'RunInstances', [
      { entity: 'i-1', action: 'launched' },
    ]);
    expect((await unit.ports.network.getNode('i-1'))?.state).toBe('running');
    expect(await unit.ports.network.hasProcessed('ev-1')).toBe(true);
    expect(await plain.network.getNode('i-1')).toBeUndefined();
    expect(await plain.network.hasProcessed('ev-1')).toBe(false);
    expect((await unit.commit()).status).toBe('committed');
    expect(await plain.network.getNode('i-1')).toMatchObject({
      state: 'running',
      cluster: 'c1',
      stateStamp: at(1),
    });
    expect(await plain.network.hasProcessed('ev-1')).toBe(true);
  });

  test('a condition decided in the unit that another writer moved loses the whole commit', async () => {
    const { plain, open } = await make();
    await plain.network.putNodeFacts(NODE, 'c1');
    await plain.network.setNodeState('i-1', 'running', at(1));
    const unit = open();
    expect(await unit.ports.network.setNodeState('i-1', 'stopping', at(5))).toBe('applied');
    await unit.ports.network.markProcessed(at(5), 'StopInstances', []);
    // A newer state lands after the unit read the node.
    expect(await plain.network.setNodeState('i-1', 'terminated', at(9))).toBe('applied');
    const commit = await unit.commit();
    expect(commit.status).toBe('lost');
    expect((await plain.network.getNode('i-1'))?.state).toBe('terminated');
    expect(await plain.network.hasProcessed('ev-5')).toBe(false);
  });

  test('a write the unit judged stale answers stale at once and is not committed', async () => {
    const { plain, open } = await make();
    await plain.network.putNodeFacts(NODE, 'c1');
    await plain.network.setNodeState('i-1', 'terminated', at(9));
    const unit = open();
    expect(await unit.ports.network.setNodeState('i-1', 'running', at(1))).toBe('stale');
    expect((await unit.commit()).status).toBe('committed');
    expect((await plain.network.getNode('i-1'))?.state).toBe('terminated');
  });
});
