import { describe, expect, test } from 'vitest';
import { subject } from '#core/events/parking.ts';
import type { ElbChange } from '#core/targets/elb-event.ts';
import { type Listed, settleParkedElbChanges } from '#core/targets/settle-parked-elb-changes.ts';
import {
  applyAll,
  at,
  LB,
  ledgerHas,
  registered,
  TG,
  TG_FACTS,
  tagsAdded,
  targetWorld,
  time,
} from '#test/unit/use-cases/target-world.ts';

/**
 * What the load-balancer sweep does with the ELB changes still parked once it has read ELBv2
 * (at minute 30): by how ELBv2 listed each subject, older changes are dropped (audited, marked
 * processed) and newer ones applied or left to wait; changes parked for anything else are not
 * its business.
 */
type World = ReturnType<typeof targetWorld>;
const READ = at(30, 'sweep:30');
const TG_SUBJECT = subject.targetGroup(TG);
const LB_SUBJECT = subject.loadBalancer(LB);
const TG2 = `${TG}-2`;

const parkedIds = async (w: World) => (await w.targets.listParked()).map((p) => p.stamp.eventId);

interface Case {
  readonly name: string;
  readonly listed: Listed;
  /** Whether the ledger files the group (as the sweep would have just done). */
  readonly filed: boolean;
  readonly settled: { applied: number; discarded: number };
  readonly waiting: readonly string[];
  /** Why the older change was dropped, as its audit line says. */
  readonly why: string;
}

const cases: Case[] = [
  {
    name: 'listed in scope: the older change is dropped and the newer one applied',
    listed: new Map([[TG, 'in-scope']]),
    filed: true,
    settled: { applied: 1, discarded: 1 },
    waiting: [],
    why: `superseded by the sweep's read at ${time(30)}`,
  },
  {
    name: 'listed out of scope: the older change is dropped and the newer one waits',
    listed: new Map([[TG, 'out-of-scope']]),
    filed: true,
    settled: { applied: 0, discarded: 1 },
    waiting: ['ev-40'],
    why: 'ELBv2 lists it out of scope',
  },
  {
    name: 'not listed: the older change is dropped and the newer one waits',
    listed: new Map(),
    filed: true,
    settled: { applied: 0, discarded: 1 },
    waiting: ['ev-40'],
    why: 'ELBv2 no longer lists it',
  },
  {
    name: 'listed in scope but not filed: a newer change that parks again is not counted applied',
    listed: new Map([[TG, 'in-scope']]),
    filed: false,
    settled: { applied: 0, discarded: 1 },
    waiting: ['ev-40'],
    why: `superseded by the sweep's read at ${time(30)}`,
  },
];

// Equivalent mutants: `audit.length > 0` forced true (or >= 0), and discardParkedElbChanges'
// `dropped.length === 0` forced false: both only add an audit call with no entries, which
// writes nothing.
describe('settleParkedElbChanges', () => {
  test.each(cases)('$name', async (c) => {
    // Prepare: a registration before the read and one after it wait for the group
    const w = targetWorld();
    await applyAll(w, [registered(5, '10.0.0.20'), registered(40, '10.0.0.21')]);
    if (c.filed) await ledgerHas(w);

    // Act
    const settled = await settleParkedElbChanges(w.deps, c.listed, READ);

    // Assess
    expect(settled).toStrictEqual(c.settled);
    expect(await parkedIds(w)).toStrictEqual(c.waiting);
    expect(w.events.auditOf(TG_SUBJECT).map((a) => a.detail)).toStrictEqual([
      `ev-5 at ${time(5)}: ${c.why}`,
    ]);
  });

  test('the parked part of an event already processed still applies', async () => {
    // Prepare: one AddTags for the filed load balancer and a group not filed yet (newer than
    // the read); the group is filed afterwards
    const w = targetWorld();
    await ledgerHas(w);
    await applyAll(w, [tagsAdded(40, [LB, TG2], { team: 'a' })]);
    await w.targets.putTargetGroup({ ...TG_FACTS, arn: TG2 }, at(41));

    // Act
    const settled = await settleParkedElbChanges(w.deps, new Map([[TG2, 'in-scope']]), READ);

    // Assess
    expect(settled).toStrictEqual({ applied: 1, discarded: 0 });
    expect((await w.targets.getTargetGroup(TG2))?.tags).toStrictEqual({ team: 'a' });
  });

  test('a dropped change is audited under its subject and marked processed', async () => {
    // Prepare
    const w = targetWorld();
    await applyAll(w, [registered(5, '10.0.0.20')]);

    // Act
    await settleParkedElbChanges(w.deps, new Map(), READ);

    // Assess
    expect(
      w.events.auditOf(TG_SUBJECT).map((a) => [a.action, a.eventName, a.eventId, a.detail]),
    ).toStrictEqual([
      [
        'discarded parked RegisterTargets',
        'sweep',
        'sweep:30',
        `ev-5 at ${time(5)}: ELBv2 no longer lists it`,
      ],
    ]);
    expect(await w.targets.hasProcessed('ev-5')).toBe(true);
  });

  test('subjects are settled in order, so the audit reads the same every time', async () => {
    // Prepare: the group's change parked before the load balancer's
    const w = targetWorld();
    await applyAll(w, [registered(5, '10.0.0.20'), tagsAdded(6, [LB], { team: 'a' })]);

    // Act
    await settleParkedElbChanges(w.deps, new Map(), READ);

    // Assess
    expect(w.events.snapshot().audit.map((a) => a.entity)).toStrictEqual([LB_SUBJECT, TG_SUBJECT]);
  });

  test('nothing dropped, nothing audited', async () => {
    // Prepare
    const w = targetWorld();
    await applyAll(w, [registered(40, '10.0.0.21')]);

    // Act
    const settled = await settleParkedElbChanges(w.deps, new Map(), READ);

    // Assess
    expect(settled).toStrictEqual({ applied: 0, discarded: 0 });
    expect(w.events.snapshot().audit).toStrictEqual([]);
  });

  test('changes parked for anything but a target group or load balancer are left alone', async () => {
    // Prepare: an EC2 change waits for its ENI in the same parking lot
    const w = targetWorld();
    await w.events.park({
      subject: subject.eni('eni-a'),
      stamp: at(5),
      name: 'AttachNetworkInterface',
      change: { type: 'eni-attached', eniId: 'eni-a', instanceId: 'i-a' },
    });
    const tagged: ElbChange = tagsAdded(6, [LB], { team: 'a' });
    await applyAll(w, [tagged]);

    // Act
    const settled = await settleParkedElbChanges(w.deps, new Map(), READ);

    // Assess
    expect(settled).toStrictEqual({ applied: 0, discarded: 1 });
    expect((await w.targets.listParked()).map((p) => p.subject)).toStrictEqual([
      subject.eni('eni-a'),
    ]);
  });
});
