import { describe, expect, test } from 'vitest';
import { MemoryNetworkLedger } from '#adapters/memory/memory-network-ledger.ts';
import type { Affected, EventOutcome } from '#core/network/apply-ec2-event.ts';
import {
  applyParkedEc2Changes,
  withLaterAffected,
} from '#core/network/apply-parked-ec2-changes.ts';
import { discardParkedEc2Changes } from '#core/network/discard-parked-ec2-changes.ts';
import type { Ec2Event } from '#core/network/ec2-event.ts';
import { awaitsFacts } from '#core/network/node-awaiting-facts.ts';

// What an event reports as touched once the changes parked behind it applied too, and what
// a deleted ENI does to the changes still waiting for it.

const outcome = (affected?: Affected): EventOutcome => ({
  status: 'applied',
  reason: 'applied',
  audit: [],
  ...(affected ? { affected } : {}),
});

describe('withLaterAffected', () => {
  test("nothing applied later that touched anything: the event's own answer, as it was", () => {
    const own: Affected = { nodes: ['i-b'], subnets: ['subnet-a'] };
    expect(withLaterAffected(own, [outcome(), outcome()])).toBe(own);
  });

  test('nodes and subnets are the sorted union; released nodes and addresses only when any', () => {
    const own: Affected = { nodes: ['i-b'], subnets: ['subnet-b'] };
    const later = [
      outcome({ nodes: ['i-a', 'i-b'], subnets: ['subnet-a'] }),
      outcome({
        nodes: [],
        subnets: ['subnet-b'],
        releasedFrom: ['i-c'],
        addresses: [{ vpcId: 'vpc-1', ips: ['10.0.0.5'] }],
      }),
    ];
    expect(withLaterAffected(own, later)).toStrictEqual({
      nodes: ['i-a', 'i-b'],
      subnets: ['subnet-a', 'subnet-b'],
      releasedFrom: ['i-c'],
      addresses: [{ vpcId: 'vpc-1', ips: ['10.0.0.5'] }],
    });
    expect(withLaterAffected(own, [outcome({ nodes: ['i-a'], subnets: [] })])).toStrictEqual({
      nodes: ['i-a', 'i-b'],
      subnets: ['subnet-b'],
    });
  });
});

describe('discardParkedEc2Changes', () => {
  const stamp = (m: number) => ({ eventId: `ev-${m}`, eventTime: `2026-11-21T10:0${m}:00Z` });

  test("a deleted ENI's parked changes, and the detach waiting for a discarded attach, are discarded and audited", async () => {
    const ledger = new MemoryNetworkLedger();
    await ledger.park({
      subject: 'eni:eni-c',
      stamp: stamp(1),
      name: 'AttachNetworkInterface',
      change: { type: 'eni-attached', eniId: 'eni-c', instanceId: 'i-a', attachmentId: 'att-c' },
    });
    await ledger.park({
      subject: 'attachment:att-c',
      stamp: stamp(2),
      name: 'DetachNetworkInterface',
      change: { type: 'eni-detached', attachmentId: 'att-c' },
    });
    await ledger.park({
      subject: 'eni:eni-other',
      stamp: stamp(3),
      name: 'AssignPrivateIpAddresses',
      change: {
        type: 'addresses-assigned',
        eniId: 'eni-other',
        ips: ['10.0.0.9'],
        prefixes: [],
        complete: true,
      },
    });

    const audit = await discardParkedEc2Changes(['eni:eni-c'], ledger);

    expect(audit.map(({ entity, action }) => ({ entity, action }))).toStrictEqual([
      { entity: 'eni:eni-c', action: 'discarded parked AttachNetworkInterface' },
      { entity: 'attachment:att-c', action: 'discarded parked DetachNetworkInterface' },
    ]);
    expect((await ledger.listParked()).map((p) => p.subject)).toStrictEqual(['eni:eni-other']);
  });
});

describe('applyParkedEc2Changes', () => {
  test('a detach parked under the attachment an attach just filed learns its ENI; others go as parked', async () => {
    const ledger = new MemoryNetworkLedger();
    const detach = (m: number, attachmentId: string) => ({
      subject: `attachment:${attachmentId}`,
      stamp: { eventId: `ev-${m}`, eventTime: `2026-11-21T10:0${m}:00Z` },
      name: 'DetachNetworkInterface',
      change: { type: 'eni-detached' as const, attachmentId },
    });
    await ledger.park(detach(2, 'att-c'));
    await ledger.park(detach(3, 'att-d'));
    const applied: Ec2Event[] = [];

    await applyParkedEc2Changes(
      ledger,
      ['attachment:att-c', 'attachment:att-d'],
      { attachmentId: 'att-c', eniId: 'eni-c' },
      async (e) => {
        applied.push(e);
        return outcome();
      },
    );

    expect(applied.map((e) => e.change)).toStrictEqual([
      { type: 'eni-detached', attachmentId: 'att-c', eniId: 'eni-c' },
      { type: 'eni-detached', attachmentId: 'att-d' },
    ]);
  });
});

describe('awaitsFacts: a node filed from its state alone', () => {
  test.each([
    ['neither VPC nor instance type', {}, true],
    ['a VPC', { vpcId: 'vpc-1' }, false],
    ['an instance type', { instanceType: 't3.medium' }, false],
    ['both', { vpcId: 'vpc-1', instanceType: 't3.medium' }, false],
  ])('with %s: %s', (_title, node, awaits) => {
    expect(awaitsFacts(node)).toBe(awaits);
  });
});
