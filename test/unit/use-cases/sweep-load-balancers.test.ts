import { describe, expect, test } from 'vitest';
import { applyElbEvent } from '#core/targets/apply-elb-event.ts';
import type { ElbChange } from '#core/targets/elb-event.ts';
import { sweepLoadBalancers } from '#core/targets/sweep-load-balancers.ts';
import {
  at,
  awsHas,
  DELAY,
  delaySet,
  deregistered,
  healthy,
  LB,
  ledgerHas,
  meta,
  NODE,
  registered,
  TG,
  targetWorld,
  time,
} from '#test/unit/use-cases/target-world.ts';

/**
 * sweepLoadBalancers on the memory ledgers and the memory ELBv2: given what the events left in
 * the ledger and what ELBv2 reports now, the sweep repairs exactly the difference, with its
 * start time as the stamp, then reviews every target group.
 */
type World = ReturnType<typeof targetWorld>;
const SWEEP_AT = time(30);

interface Case {
  readonly name: string;
  readonly prepare: (w: World) => Promise<void> | void;
  readonly byType: Readonly<Record<string, number>>;
  readonly targets?: readonly string[];
}

const cases: Case[] = [
  {
    name: 'an empty ledger is filled with the load balancers, target groups, tags, attributes and targets',
    prepare: (w) => awsHas(w, [healthy('10.0.0.20')]),
    byType: {
      'put-lb': 1,
      'lb-tags': 1,
      'put-tg': 1,
      'tg-tags': 1,
      'tg-attributes': 1,
      'register-target': 1,
    },
    targets: ['10.0.0.20'],
  },
  {
    name: 'a ledger that agrees with ELBv2 needs no repair',
    prepare: async (w) => {
      awsHas(w, [healthy('10.0.0.20')]);
      await ledgerHas(w, ['10.0.0.20']);
    },
    byType: {},
    targets: ['10.0.0.20'],
  },
  {
    name: 'targets the events missed are registered, gone ones deregistered, draining ones too',
    prepare: async (w) => {
      awsHas(w, [healthy('10.0.0.21'), healthy('10.0.0.22', 'draining')]);
      await ledgerHas(w, ['10.0.0.20', '10.0.0.22']);
    },
    byType: { 'register-target': 1, 'deregister-target': 2 },
    targets: ['10.0.0.21'],
  },
  {
    name: 'load balancers and target groups ELBv2 no longer has are deleted',
    prepare: async (w) => {
      await ledgerHas(w, ['10.0.0.20']);
    },
    byType: { 'delete-lb': 1, 'delete-tg': 1 },
    targets: [],
  },
  {
    name: 'a tag removed behind the events is removed from the ledger',
    prepare: async (w) => {
      awsHas(w);
      w.elbv2.tags.set(TG, { 'elbv2.k8s.aws/cluster': 'c1' });
      await ledgerHas(w);
    },
    byType: { 'tg-tags': 1 },
  },
  {
    name: 'load balancers and target groups of other clusters are left alone',
    prepare: (w) => {
      awsHas(w, [healthy('10.0.0.20')]);
      w.elbv2.tags.set(LB, { 'elbv2.k8s.aws/cluster': 'other' });
      w.elbv2.tags.set(TG, { 'elbv2.k8s.aws/cluster': 'other' });
    },
    byType: {},
    targets: [],
  },
  {
    name: 'a delay changed after the sweep began is not put back by the sweep',
    prepare: async (w) => {
      awsHas(w);
      await ledgerHas(w);
      await w.targets.setAttributes(TG, { [DELAY]: '120' }, at(35));
    },
    byType: {},
  },
];

describe('sweepLoadBalancers', () => {
  test.each(cases)('$name', async (c) => {
    // Prepare
    const w = targetWorld();
    await c.prepare(w);

    // Act
    const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect(report.byType).toEqual(c.byType);
    expect(report.repaired).toBe(Object.values(c.byType).reduce((a, b) => a + b, 0));
    if (c.targets) {
      expect((await w.targets.targetsOf(TG)).map((t) => t.id)).toEqual(c.targets);
    }
  });

  test('a second sweep over the same ELBv2 finds nothing left to repair', async () => {
    // Prepare
    const w = targetWorld();
    awsHas(w, [healthy('10.0.0.20'), healthy('10.0.0.21')]);

    // Act
    const first = await sweepLoadBalancers(w.deps, SWEEP_AT);
    const second = await sweepLoadBalancers(w.deps, time(40));

    // Assess
    expect(first.repaired).toBeGreaterThan(0);
    expect([second.repaired, second.byType]).toEqual([0, {}]);
  });

  test('a registration the events missed takes who holds the IP now as its baseline', async () => {
    // Prepare
    const w = targetWorld();
    awsHas(w, [healthy('10.0.0.20')]);
    await w.holdIps(NODE, 'eni-a', ['10.0.0.20'], 1);

    // Act
    await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    const target = await w.targets.getTarget(TG, { id: '10.0.0.20', port: 80 });
    expect([target?.nodeAtRegistration, target?.eniAtRegistration]).toEqual([NODE, 'eni-a']);
    expect(w.notifier.sent).toEqual([]);
  });

  test('every target group is reviewed: a target on no ENI and a drifted delay alert', async () => {
    // Prepare
    const w = targetWorld();
    awsHas(w, [healthy('10.0.0.99')]);
    w.elbv2.attributes.set(TG, { [DELAY]: '300' });

    // Act
    const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

    // Assess
    expect(report.reviewed).toBe(1);
    expect(report.alerts.map((a) => [a.kind, a.outcome]).sort()).toEqual([
      ['deregistration-delay-drift', 'opened'],
      ['stale-target', 'opened'],
    ]);
    expect(report.remediations.map((r) => r.action)).toEqual(['dry-run']);
  });

  describe('changes parked for a target group or load balancer', () => {
    /** Each change arrives while ELBv2 cannot describe its group yet: parked. */
    async function parkAll(w: World, changes: ElbChange[]) {
      for (const c of changes) {
        const outcome = await applyElbEvent(c, w.deps, c.eventTime);
        expect(outcome.status).toBe('parked');
      }
    }
    const other = (c: ElbChange, tgArn: string): ElbChange => ({ ...c, tgArn }) as ElbChange;
    const GONE_TG = `${TG}-gone`;

    test('newer than the sweep apply in stamp order once it files their group; older ones are superseded by its read', async () => {
      // Prepare: a registration and a deregistration older than the sweep, a delay and a
      // registration after it
      const w = targetWorld();
      await parkAll(w, [
        registered(35, '10.0.0.23'),
        deregistered(6, '10.0.0.21'),
        // .24 was deregistered before the sweep by a call whose record is still on its way
        registered(5, '10.0.0.21', '10.0.0.22', '10.0.0.24'),
        delaySet(36, 90),
      ]);
      awsHas(w, [healthy('10.0.0.20'), healthy('10.0.0.22')]);

      // Act
      const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

      // Assess
      expect(report.parked).toEqual({ applied: 2, discarded: 2 });
      expect((await w.targets.targetsOf(TG)).map((t) => t.id)).toEqual([
        '10.0.0.20',
        '10.0.0.22',
        '10.0.0.23',
      ]);
      expect((await w.targets.getTargetGroup(TG))?.attributes[DELAY]).toBe('90');
      expect(await w.targets.listParked()).toEqual([]);
      expect(w.events.auditOf(`target-group:${TG}`).map((a) => a.action)).toContain(
        'discarded parked RegisterTargets',
      );
      expect(await w.targets.hasProcessed('ev-5')).toBe(true);
    });

    test('are discarded with an audit line when ELBv2 no longer lists their group; newer ones wait', async () => {
      // Prepare
      const w = targetWorld();
      awsHas(w);
      await parkAll(w, [
        other(registered(5, '10.0.0.30'), GONE_TG),
        other(registered(40, '10.0.0.31'), GONE_TG),
      ]);

      // Act
      const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

      // Assess
      expect(report.parked).toEqual({ applied: 0, discarded: 1 });
      expect((await w.targets.listParked()).map((p) => p.stamp.eventTime)).toEqual([time(40)]);
      expect(w.events.auditOf(`target-group:${GONE_TG}`)).toMatchObject([
        {
          action: 'discarded parked RegisterTargets',
          detail: `ev-5 at ${time(5)}: ELBv2 no longer lists it`,
        },
      ]);
    });

    test('are discarded when ELBv2 lists their load balancer out of scope', async () => {
      // Prepare: tags for the load balancer arrived before its create; it belongs to another cluster
      const w = targetWorld();
      const tagged: ElbChange = {
        ...meta(5),
        kind: 'tags-added',
        arns: [LB],
        tags: { team: 'web' },
      };
      await parkAll(w, [tagged]);
      awsHas(w);
      w.elbv2.tags.set(LB, { 'elbv2.k8s.aws/cluster': 'other' });

      // Act
      const report = await sweepLoadBalancers(w.deps, SWEEP_AT);

      // Assess
      expect(report.parked).toEqual({ applied: 0, discarded: 1 });
      expect(await w.targets.getLoadBalancer(LB)).toBeUndefined();
      expect(await w.targets.listParked()).toEqual([]);
    });
  });
});
