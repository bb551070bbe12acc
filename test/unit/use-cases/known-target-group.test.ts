import { describe, expect, test } from 'vitest';
import { DescribeBudget, knownTargetGroup } from '#core/targets/known-target-group.ts';
import {
  applyAll,
  at,
  TG,
  TG_FACTS,
  targetWorld,
  tgCreated,
  tgDeleted,
  time,
} from '#test/unit/use-cases/target-world.ts';

/**
 * The target group an ELB change names: from the ledger, else from one DescribeTargetGroups per
 * event, else the change waits parked under it. What it answers decides whether the change
 * applies, is dropped, or waits.
 */
type World = ReturnType<typeof targetWorld>;
const NOW = time(20);

/** The answer reduced to its decision: record (and whether it was just filed), ignored or park. */
const decision = (answer: Awaited<ReturnType<typeof knownTargetGroup>>) =>
  'record' in answer
    ? ['record', answer.record.name, answer.filed === true]
    : 'ignored' in answer
      ? ['ignored']
      : ['park', answer.park];

interface Case {
  readonly name: string;
  readonly prepare: (w: World) => Promise<void> | void;
  /** Whether this event has already spent its one describe. */
  readonly spent?: boolean;
  readonly decision: unknown[];
  readonly calls: string[];
}

const cases: Case[] = [
  {
    name: 'a group the ledger files is answered from it',
    prepare: (w) => applyAll(w, [tgCreated(1)]),
    decision: ['record', 'web', false],
    calls: [],
  },
  {
    name: 'a group the ledger remembers as out of scope is ignored',
    prepare: (w) => applyAll(w, [tgCreated(1, { tags: { 'elbv2.k8s.aws/cluster': 'x' } })]),
    decision: ['ignored'],
    calls: [],
  },
  {
    name: 'a deleted group is ignored',
    prepare: (w) => applyAll(w, [tgCreated(1), tgDeleted(2)]),
    decision: ['ignored'],
    calls: [],
  },
  {
    name: 'a group known only by its tags is read from ELBv2 and filed',
    prepare: async (w) => {
      await w.targets.setTags('target-group', TG, { team: 'a' }, at(1));
      w.elbv2.targetGroups.set(TG, TG_FACTS);
    },
    decision: ['record', 'web', true],
    calls: [`DescribeTargetGroups ${TG}`],
  },
  {
    name: 'a group ELBv2 does not know waits for its creation',
    prepare: () => undefined,
    decision: ['park', `target-group:${TG}`],
    calls: [`DescribeTargetGroups ${TG}`],
  },
  {
    name: 'a group when the event has spent its describe waits without asking',
    prepare: (w) => {
      w.elbv2.targetGroups.set(TG, TG_FACTS);
    },
    spent: true,
    decision: ['park', `target-group:${TG}`],
    calls: [],
  },
  {
    name: 'a group ELBv2 places in another VPC is ignored and not filed',
    prepare: (w) => {
      w.elbv2.targetGroups.set(TG, { ...TG_FACTS, vpcId: 'vpc-other' });
    },
    decision: ['ignored'],
    calls: [`DescribeTargetGroups ${TG}`],
  },
];

// Equivalent or unreachable: the "vanished from the ledger" answer (a ledger that has just
// filed the group always reads it back), and the describe stamp's event id emptied (it only
// breaks ties between writes of the same second).
describe('knownTargetGroup', () => {
  test.each(cases)('$name', async (c) => {
    // Prepare
    const w = targetWorld();
    await c.prepare(w);
    w.elbv2.calls.length = 0;
    const budget = new DescribeBudget();
    if (c.spent) budget.take();

    // Act
    const answer = await knownTargetGroup(TG, w.deps, budget, NOW);

    // Assess
    expect(decision(answer)).toStrictEqual(c.decision);
    expect(w.elbv2.calls).toStrictEqual(c.calls);
  });

  test('a group read from ELBv2 is filed as of now, so an older record cannot overwrite it', async () => {
    // Prepare
    const w = targetWorld();
    w.elbv2.targetGroups.set(TG, TG_FACTS);
    await knownTargetGroup(TG, w.deps, new DescribeBudget(), NOW);

    // Act
    const older = await w.targets.putTargetGroup({ ...TG_FACTS, port: 8080 }, at(19));
    const newer = await w.targets.putTargetGroup({ ...TG_FACTS, port: 8081 }, at(21));

    // Assess
    expect([older, newer]).toStrictEqual(['stale', 'applied']);
  });

  test('a group in another VPC is not filed', async () => {
    // Prepare
    const w = targetWorld();
    w.elbv2.targetGroups.set(TG, { ...TG_FACTS, vpcId: 'vpc-other' });

    // Act
    await knownTargetGroup(TG, w.deps, new DescribeBudget(), NOW);

    // Assess
    expect(await w.targets.getTargetGroup(TG)).toBeUndefined();
  });
});

describe('DescribeBudget', () => {
  test('allows one describe per event', () => {
    // Prepare
    const budget = new DescribeBudget();

    // Act
    const takes = [budget.take(), budget.take(), budget.take()];

    // Assess
    expect(takes).toStrictEqual([true, false, false]);
  });
});
