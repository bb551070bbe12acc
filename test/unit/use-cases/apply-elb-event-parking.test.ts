import { describe, expect, test } from 'vitest';
import { subject } from '#core/events/parking.ts';
import { applyElbEvent } from '#core/targets/apply-elb-event.ts';
import type { ElbChange } from '#core/targets/elb-event.ts';
import {
  applyAll,
  delaySet,
  LB,
  lbCreated,
  lbDeleted,
  ledgerHas,
  registered,
  TG,
  TG_FACTS,
  tagsAdded,
  targetWorld,
  tgCreated,
  tgDeleted,
  time,
} from '#test/unit/use-cases/target-world.ts';

/**
 * Changes that overtook the creation of their subject wait parked under it: the creating event
 * lets them through (outcome `later`), a delete or an out-of-scope creation ends them (outcome
 * `discarded`, audited under the subject with the ending event's stamp).
 */
type World = ReturnType<typeof targetWorld>;
const OTHER = { 'elbv2.k8s.aws/cluster': 'other' };

const parkedSubjects = async (w: World) => (await w.targets.listParked()).map((p) => p.subject);

interface Case {
  readonly name: string;
  readonly parked: readonly ElbChange[];
  readonly prepare?: (w: World) => Promise<void> | void;
  readonly when: ElbChange;
  readonly status: string;
  readonly later?: readonly string[];
  readonly discarded?: number;
  readonly stillParked: readonly string[];
}

const TG_SUBJECT = subject.targetGroup(TG);
const LB_SUBJECT = subject.loadBalancer(LB);

const cases: Case[] = [
  {
    name: 'creating a load balancer applies the tags that waited for it',
    parked: [tagsAdded(2, [LB], { team: 'a' })],
    when: lbCreated(1),
    status: 'applied',
    later: ['applied'],
    stillParked: [],
  },
  {
    name: 'creating a target group applies what waited for it, oldest first',
    parked: [registered(4, '10.0.0.21'), registered(3, '10.0.0.20')],
    when: tgCreated(1),
    status: 'applied',
    later: ['applied', 'applied'],
    stillParked: [],
  },
  {
    name: 'a load balancer of another cluster ends what waited for it',
    parked: [tagsAdded(2, [LB], { team: 'a' }), tagsAdded(3, [LB], { team: 'b' })],
    when: lbCreated(1, { tags: OTHER }),
    status: 'ignored',
    discarded: 2,
    stillParked: [],
  },
  {
    name: 'a target group of another cluster ends what waited for it',
    parked: [registered(3, '10.0.0.20')],
    when: tgCreated(1, { tags: OTHER }),
    status: 'ignored',
    discarded: 1,
    stillParked: [],
  },
  {
    name: 'deleting a load balancer ends what waited for it',
    parked: [tagsAdded(2, [LB], { team: 'a' })],
    when: lbDeleted(3),
    status: 'applied',
    discarded: 1,
    stillParked: [],
  },
  {
    name: 'deleting a target group ends what waited for it, not what waits for others',
    parked: [registered(3, '10.0.0.20'), tagsAdded(2, [LB], { team: 'a' })],
    when: tgDeleted(4),
    status: 'applied',
    discarded: 1,
    stillParked: [LB_SUBJECT],
  },
  {
    name: 'reading a target group from ELBv2 files it and lets what waited through',
    parked: [registered(3, '10.0.0.20')],
    prepare: (w) => {
      w.elbv2.targetGroups.set(TG, TG_FACTS);
    },
    when: delaySet(4, 60),
    status: 'applied',
    later: ['applied'],
    stillParked: [],
  },
  {
    name: 'a registration that reads its group from ELBv2 lets what waited for it through',
    parked: [registered(3, '10.0.0.20')],
    prepare: (w) => {
      w.elbv2.targetGroups.set(TG, TG_FACTS);
    },
    when: registered(4, '10.0.0.21'),
    status: 'applied',
    later: ['applied'],
    stillParked: [],
  },
  {
    name: 'tags that read their group from ELBv2 let what waited for it through',
    parked: [registered(3, '10.0.0.20')],
    prepare: (w) => {
      w.elbv2.targetGroups.set(TG, TG_FACTS);
    },
    when: tagsAdded(4, [TG], { team: 'a' }),
    status: 'applied',
    later: ['applied'],
    stillParked: [],
  },
  {
    name: 'tags for a group the ledger already files let nothing through: only a filing does',
    parked: [registered(3, '10.0.0.20')],
    prepare: async (w) => {
      await ledgerHas(w);
    },
    when: tagsAdded(4, [TG], { team: 'a' }),
    status: 'applied',
    stillParked: [TG_SUBJECT],
  },
  {
    name: 'a creation lets through only what waited for that subject',
    parked: [tagsAdded(2, [LB], { team: 'a' })],
    when: tgCreated(1),
    status: 'applied',
    stillParked: [LB_SUBJECT],
  },
];

describe('applyElbEvent: parked changes', () => {
  test.each(cases)('$name', async (c) => {
    // Prepare
    const w = targetWorld();
    await applyAll(w, c.parked);
    expect(new Set(await parkedSubjects(w)).size).toBeGreaterThan(0);
    await c.prepare?.(w);

    // Act
    const outcome = await applyElbEvent(c.when, w.deps, c.when.eventTime);

    // Assess
    expect(outcome.status).toBe(c.status);
    expect(outcome.later?.map((o) => o.status)).toStrictEqual(c.later);
    expect(outcome.discarded).toBe(c.discarded);
    expect(await parkedSubjects(w)).toStrictEqual(c.stillParked);
  });

  test('what a creation lets through is in the ledger and named in the reason', async () => {
    // Prepare
    const w = targetWorld();
    await applyAll(w, [tagsAdded(2, [LB], { team: 'a' })]);

    // Act
    const outcome = await applyElbEvent(lbCreated(1), w.deps, lbCreated(1).eventTime);

    // Assess
    expect(outcome.reason).toMatch(/1 parked applied/);
    expect((await w.targets.getLoadBalancer(LB))?.tags.team).toBe('a');
  });

  test('each discarded change is audited under its subject with the ending event', async () => {
    // Prepare
    const w = targetWorld();
    await applyAll(w, [registered(3, '10.0.0.20')]);

    // Act
    await applyElbEvent(tgDeleted(4), w.deps, tgDeleted(4).eventTime);

    // Assess
    expect(
      w.events.auditOf(TG_SUBJECT).map((a) => [a.action, a.eventName, a.eventId]),
    ).toStrictEqual([['discarded parked RegisterTargets', 'DeleteTargetGroup', 'ev-4']]);
  });

  test('nothing parked, nothing discarded: the outcome says neither', async () => {
    // Prepare
    const w = targetWorld();

    // Act
    const ignored = await applyElbEvent(lbCreated(1, { tags: OTHER }), w.deps, time(10));
    const deleted = await applyElbEvent(tgDeleted(2), w.deps, time(10));

    // Assess
    expect(['discarded' in ignored, 'discarded' in deleted, 'later' in deleted]).toStrictEqual([
      false,
      false,
      false,
    ]);
  });

  test('a parked part of an event applies although the event was marked processed', async () => {
    // Prepare: one AddTags for a known target group and a load balancer not filed yet
    const w = targetWorld();
    await applyAll(w, [tgCreated(1), delaySet(2, 60)]);
    const both = tagsAdded(3, [LB, TG], { team: 'a' });
    const first = await applyElbEvent(both, w.deps, both.eventTime);

    // Act
    const lb = { ...lbCreated(1), eventId: 'ev-lb' };
    const created = await applyElbEvent(lb, w.deps, lb.eventTime);

    // Assess
    expect([first.status, first.reason]).toStrictEqual([
      'applied',
      `tags-added team ${TG}; parked for ${LB_SUBJECT}`,
    ]);
    expect(created.later?.map((o) => o.status)).toStrictEqual(['applied']);
    expect((await w.targets.getLoadBalancer(LB))?.tags.team).toBe('a');
  });
});
