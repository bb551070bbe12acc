import { describe, expect, test } from 'vitest';
import type { AuditEntry } from '#core/network/network-ports.ts';
import { applyElbEvent } from '#core/targets/apply-elb-event.ts';
import type { ElbChange } from '#core/targets/elb-event.ts';
import {
  applyAll,
  CLUSTER,
  DELAY,
  delaySet,
  LB,
  lbCreated,
  lbDeleted,
  TG,
  TG_FACTS,
  tagsAdded,
  tagsRemoved,
  targetWorld,
  tgCreated,
  tgDeleted,
  time,
} from '#test/unit/use-cases/target-world.ts';

/**
 * AddTags and RemoveTags name several ARNs at once: each is tagged on its own, a deleted or
 * foreign one is skipped, one not filed yet waits under its subject, and the outcome says all
 * of it in one line.
 */
type World = ReturnType<typeof targetWorld>;
const ARN = 'arn:aws:elasticloadbalancing:us-east-1:111122223333';
const APP_LB = `${ARN}:loadbalancer/app/web/2`;
const GWY_LB = `${ARN}:loadbalancer/gwy/fw/3`;
const CLASSIC_LB = `${ARN}:loadbalancer/legacy`;
const LISTENER = `${ARN}:listener/net/web/1/abc`;
const TG2 = `${ARN}:targetgroup/api/2`;
const OTHER = { 'elbv2.k8s.aws/cluster': 'other' };

interface Case {
  readonly name: string;
  readonly given?: readonly ElbChange[];
  readonly prepare?: (w: World) => void;
  readonly when: ElbChange;
  readonly status: string;
  readonly reason: string;
  readonly audit: readonly AuditEntry[];
  readonly parkedOn?: string;
  /** Subjects waiting afterwards. */
  readonly parked?: readonly string[];
}

const cases: Case[] = [
  {
    name: 'tags added to a load balancer and a target group are written to both',
    given: [lbCreated(1), tgCreated(1, { eventId: 'ev-tg' })],
    when: tagsAdded(2, [LB, TG], { team: 'a' }),
    status: 'applied',
    reason: `tags-added team ${LB}, tags-added team ${TG}`,
    audit: [
      { entity: LB, action: 'tags-added team' },
      { entity: TG, action: 'tags-added team' },
    ],
  },
  {
    name: 'removed tags name every key removed',
    given: [tgCreated(1)],
    when: tagsRemoved(2, [TG], ['team', 'service.k8s.aws/stack']),
    status: 'applied',
    reason: `tags-removed team,service.k8s.aws/stack ${TG}`,
    audit: [{ entity: TG, action: 'tags-removed team,service.k8s.aws/stack' }],
  },
  {
    name: 'a deleted load balancer is skipped and the rest tagged',
    given: [lbCreated(1), lbDeleted(2), tgCreated(1, { eventId: 'ev-tg' })],
    when: tagsAdded(3, [LB, TG], { team: 'a' }),
    status: 'applied',
    reason: `tags-added team ${TG}; skipped ${LB}: deleted`,
    audit: [{ entity: TG, action: 'tags-added team' }],
  },
  {
    name: 'tags only for a deleted load balancer are ignored',
    given: [lbCreated(1), lbDeleted(2)],
    when: tagsAdded(3, [LB], { team: 'a' }),
    status: 'ignored',
    reason: `${LB}: deleted`,
    audit: [],
  },
  {
    name: 'tags for a deleted target group are ignored',
    given: [tgCreated(1), tgDeleted(2)],
    when: tagsAdded(3, [TG], { team: 'a' }),
    status: 'ignored',
    reason: `target group ${TG} was deleted`,
    audit: [],
  },
  {
    name: 'tags for a target group of another cluster are ignored',
    given: [tgCreated(1, { tags: OTHER })],
    when: tagsAdded(3, [TG], { team: 'a' }),
    status: 'ignored',
    reason: `target group ${TG}: cluster other is not configured (CLUSTERS=${CLUSTER})`,
    audit: [],
  },
  {
    name: 'a listener and a Classic Load Balancer are neither load balancer nor target group',
    when: tagsAdded(3, [LISTENER, CLASSIC_LB], { team: 'a' }),
    status: 'ignored',
    reason: `${LISTENER}: not a load balancer or target group; ${CLASSIC_LB}: not a load balancer or target group`,
    audit: [],
  },
  {
    name: 'tags for an application load balancer not filed yet wait for it',
    when: tagsAdded(3, [APP_LB], { team: 'a' }),
    status: 'parked',
    reason: `load-balancer:${APP_LB} is not in the ledger yet; parked until it is filed`,
    audit: [],
    parkedOn: `load-balancer:${APP_LB}`,
    parked: [`load-balancer:${APP_LB}`],
  },
  {
    name: 'tags for a gateway load balancer not filed yet wait for it',
    when: tagsAdded(3, [GWY_LB], { team: 'a' }),
    status: 'parked',
    reason: `load-balancer:${GWY_LB} is not in the ledger yet; parked until it is filed`,
    audit: [],
    parkedOn: `load-balancer:${GWY_LB}`,
    parked: [`load-balancer:${GWY_LB}`],
  },
  {
    name: 'tags for a target group nobody knows wait for it',
    when: tagsAdded(3, [TG], { team: 'a' }),
    status: 'parked',
    reason: `target-group:${TG} is not in the ledger yet; parked until it is filed`,
    audit: [],
    parkedOn: `target-group:${TG}`,
    parked: [`target-group:${TG}`],
  },
  {
    name: 'tags for two subjects not filed yet wait apart, and the event itself is applied',
    when: tagsAdded(3, [APP_LB, LB], { team: 'a' }),
    status: 'applied',
    reason: `no change; parked for load-balancer:${APP_LB}, load-balancer:${LB}`,
    audit: [],
    parked: [`load-balancer:${APP_LB}`, `load-balancer:${LB}`],
  },
  {
    name: 'a skipped ARN and one that waits: the waiting part is parked, the event applied',
    when: tagsAdded(3, [LISTENER, LB], { team: 'a' }),
    status: 'applied',
    reason: `no change; skipped ${LISTENER}: not a load balancer or target group; parked for load-balancer:${LB}`,
    audit: [],
    parked: [`load-balancer:${LB}`],
  },
  {
    name: 'a target group ELBv2 knows is read, filed and tagged',
    prepare: (w) => {
      w.elbv2.targetGroups.set(TG, TG_FACTS);
    },
    when: tagsAdded(3, [TG], { team: 'a' }),
    status: 'applied',
    reason: `tags-added team ${TG}`,
    audit: [{ entity: TG, action: 'tags-added team' }],
  },
  {
    name: 'tags older than the ones the ledger holds change nothing',
    given: [tgCreated(1), tagsAdded(5, [TG], { team: 'b' })],
    when: { ...tagsAdded(3, [TG], { team: 'a' }), eventId: 'ev-old' },
    status: 'stale',
    reason: 'the ledger already holds newer state',
    audit: [],
  },
];

describe('applyElbEvent: tag changes', () => {
  test.each(cases)('$name', async (c) => {
    // Prepare
    const w = targetWorld();
    await applyAll(w, c.given ?? []);
    c.prepare?.(w);

    // Act
    const outcome = await applyElbEvent(c.when, w.deps, c.when.eventTime);

    // Assess
    expect([outcome.status, outcome.reason, outcome.audit, outcome.parkedOn]).toStrictEqual([
      c.status,
      c.reason,
      c.audit,
      c.parkedOn,
    ]);
    expect((await w.targets.listParked()).map((p) => p.subject)).toStrictEqual(c.parked ?? []);
  });

  test('each waiting part carries only its own ARN', async () => {
    // Prepare
    const w = targetWorld();

    // Act
    await applyElbEvent(tagsAdded(3, [APP_LB, LB], { team: 'a' }), w.deps, time(10));

    // Assess
    const parked = await w.targets.listParked();
    expect(parked.map((p) => [p.name, (p.change as { arns: string[] }).arns])).toStrictEqual([
      ['AddTags', [APP_LB]],
      ['AddTags', [LB]],
    ]);
  });

  test('the tagged target group is reviewed: the first one named when there are several', async () => {
    // Prepare: TG has drifted to 300 s, TG2 is at the policy's 60 s
    const w = targetWorld();
    await applyAll(w, [
      tgCreated(1),
      { ...tgCreated(1, { arn: TG2, name: 'api' }), eventId: 'ev-tg2' },
      { ...delaySet(2, 300) },
      { ...delaySet(2, 60), arn: TG2, eventId: 'ev-tg2-delay' } as ElbChange,
    ]);
    const before = w.notifier.sent.length;

    // Act
    const second = await applyElbEvent(tagsAdded(3, [TG2, TG], { team: 'a' }), w.deps, time(10));
    const first = await applyElbEvent(
      { ...tagsAdded(4, [TG, TG2], { team: 'b' }) },
      w.deps,
      time(11),
    );

    // Assess
    expect(before).toBe(1);
    // TG2 is in sync, so its review settles nothing; TG's finds its drift alert still open.
    expect(second.review?.alerts.map((a) => [a.subject, a.active])).toStrictEqual([]);
    expect(first.review?.alerts.map((a) => [a.subject, a.active])).toStrictEqual([[TG, true]]);
  });

  test('a delay tag on a target group changes what its delay should be', async () => {
    // Prepare
    const w = targetWorld();
    await applyAll(w, [tgCreated(1), delaySet(2, 300)]);

    // Act
    const outcome = await applyElbEvent(
      tagsAdded(3, [TG], { 'netledger/deregistration-delay': '300' }),
      w.deps,
      time(10),
    );

    // Assess
    expect(outcome.review?.alerts.map((a) => [a.kind, a.outcome])).toStrictEqual([
      ['deregistration-delay-drift', 'resolved'],
    ]);
    expect((await w.targets.getTargetGroup(TG))?.attributes[DELAY]).toBe('300');
  });
});
