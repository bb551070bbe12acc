import { describe, expect, test } from 'vitest';
import { applyElbEvent } from '#core/targets/apply-elb-event.ts';
import type { ElbChange } from '#core/targets/elb-event.ts';
import {
  applyAll,
  DELAY,
  delaySet,
  deregistered,
  lambdaTgCreated,
  meta,
  NODE,
  registered,
  TG,
  TG_FACTS,
  targetWorld,
  tgCreated,
  tgDeleted,
  time,
} from '#test/unit/use-cases/target-world.ts';

/**
 * The deregistration delay around an event: ModifyTargetGroupAttributes records it (the
 * response's whole map when it has one), and a registration into a group whose delay the
 * ledger does not know reads it once from ELBv2 before judging drift, never guessing "unset".
 */
type World = ReturnType<typeof targetWorld>;
const STICKY = 'stickiness.enabled';

const modified = (
  m: number,
  attributes: Record<string, string>,
  resultingAttributes?: Record<string, string>,
): ElbChange => ({
  ...meta(m),
  kind: 'target-group-attributes-modified',
  arn: TG,
  attributes,
  ...(resultingAttributes ? { resultingAttributes } : {}),
});

interface ReadCase {
  readonly name: string;
  readonly given: readonly ElbChange[];
  /** What DescribeTargetGroupAttributes answers; absent: the group has none to give. */
  readonly aws?: Record<string, string>;
  readonly prepare?: (w: World) => void;
  readonly when: ElbChange;
  readonly calls: readonly string[];
  readonly attributes: Record<string, string> | undefined;
}

const readCases: ReadCase[] = [
  {
    name: 'a registration into a group with no known delay reads the attributes once',
    given: [tgCreated(1)],
    aws: { [DELAY]: '300', [STICKY]: 'false' },
    when: registered(3, '10.0.0.20'),
    calls: [`DescribeTargetGroupAttributes ${TG}`],
    attributes: { [DELAY]: '300', [STICKY]: 'false' },
  },
  {
    name: 'a read without the delay key records the delay as unset',
    given: [tgCreated(1)],
    aws: { [STICKY]: 'false' },
    when: registered(3, '10.0.0.20'),
    calls: [`DescribeTargetGroupAttributes ${TG}`],
    attributes: { [DELAY]: '', [STICKY]: 'false' },
  },
  {
    name: 'a group ELBv2 has no attributes for records nothing',
    given: [tgCreated(1)],
    when: registered(3, '10.0.0.20'),
    calls: [`DescribeTargetGroupAttributes ${TG}`],
    attributes: {},
  },
  {
    name: 'a known delay is not read again',
    given: [tgCreated(1), delaySet(2, 60)],
    aws: { [DELAY]: '300' },
    when: registered(3, '10.0.0.20'),
    calls: [],
    attributes: { [DELAY]: '60' },
  },
  {
    name: 'a deregistration does not read the delay',
    given: [tgCreated(1)],
    aws: { [DELAY]: '300' },
    when: deregistered(3, '10.0.0.20'),
    calls: [],
    attributes: {},
  },
  {
    name: 'a lambda group, which has no delay, is not read',
    given: [lambdaTgCreated(1)],
    aws: { [DELAY]: '300' },
    when: {
      ...meta(3),
      kind: 'targets-registered',
      tgArn: TG,
      targets: [{ type: 'arn', arn: 'arn:aws:lambda:us-east-1:111122223333:function:fn' }],
    },
    calls: [],
    attributes: {},
  },
  {
    name: 'a deleted group is not read',
    given: [tgCreated(1)],
    aws: { [DELAY]: '300' },
    when: tgDeleted(3),
    calls: [],
    attributes: {},
  },
  {
    name: 'a group the event had to read from ELBv2 has spent its one describe',
    given: [],
    aws: { [DELAY]: '300' },
    prepare: (w) => {
      w.elbv2.targetGroups.set(TG, TG_FACTS);
    },
    when: registered(3, '10.0.0.20'),
    calls: [`DescribeTargetGroups ${TG}`],
    attributes: {},
  },
];

describe('applyElbEvent: learning the delay once', () => {
  test.each(readCases)('$name', async (c) => {
    // Prepare: the registered IP is on a node, so no target looks stale
    const w = targetWorld();
    await w.holdIps(NODE, 'eni-a', ['10.0.0.20'], 0);
    await applyAll(w, c.given);
    if (c.aws) w.elbv2.attributes.set(TG, c.aws);
    c.prepare?.(w);
    w.elbv2.calls.length = 0;

    // Act
    await applyElbEvent(c.when, w.deps, c.when.eventTime);

    // Assess
    expect(w.elbv2.calls).toStrictEqual(c.calls);
    expect((await w.targets.getTargetGroup(TG))?.attributes).toStrictEqual(c.attributes);
  });

  test('a delay read as unset is judged as AWS’s 300 s against the policy', async () => {
    // Prepare
    const w = targetWorld();
    await w.holdIps(NODE, 'eni-a', ['10.0.0.20'], 0);
    await applyAll(w, [tgCreated(1)]);
    w.elbv2.attributes.set(TG, {});

    // Act
    const outcome = await applyElbEvent(registered(3, '10.0.0.20'), w.deps, time(3));

    // Assess
    expect(outcome.review?.alerts.map((a) => [a.kind, a.outcome, a.active])).toStrictEqual([
      ['deregistration-delay-drift', 'opened', true],
    ]);
  });

  test('a failed read fails the event, which stays unprocessed for the retry', async () => {
    // Prepare
    const w = targetWorld();
    await applyAll(w, [tgCreated(1)]);
    w.elbv2.failNext = new Error('Throttling: Rate exceeded');

    // Act
    const applying = applyElbEvent(registered(3, '10.0.0.20'), w.deps, time(3));

    // Assess
    await expect(applying).rejects.toThrow('Throttling');
    expect(await w.targets.hasProcessed('ev-3')).toBe(false);
    expect((await w.targets.getTargetGroup(TG))?.attributes).toStrictEqual({});
  });
});

describe('applyElbEvent: ModifyTargetGroupAttributes', () => {
  test('a response with the whole map outranks an older change of a key it does not name', async () => {
    // Prepare
    const w = targetWorld();
    await applyAll(w, [tgCreated(1), modified(5, { [DELAY]: '60' }, { [DELAY]: '60' })]);

    // Act
    const older = await applyElbEvent(
      { ...modified(3, { [STICKY]: 'true' }), eventId: 'ev-old' },
      w.deps,
      time(3),
    );

    // Assess
    expect(older.status).toBe('stale');
    expect((await w.targets.getTargetGroup(TG))?.attributes).toStrictEqual({ [DELAY]: '60' });
  });

  test('a request alone stamps only its own keys, so an older change of another key applies', async () => {
    // Prepare
    const w = targetWorld();
    await applyAll(w, [tgCreated(1), modified(5, { [DELAY]: '60' })]);

    // Act
    const older = await applyElbEvent(
      { ...modified(3, { [STICKY]: 'true' }), eventId: 'ev-old' },
      w.deps,
      time(3),
    );

    // Assess
    expect([older.status, older.audit]).toStrictEqual([
      'applied',
      [{ entity: TG, action: 'attributes set' }],
    ]);
    expect((await w.targets.getTargetGroup(TG))?.attributes).toStrictEqual({
      [DELAY]: '60',
      [STICKY]: 'true',
    });
  });

  test('the response’s values are recorded over the request’s', async () => {
    // Prepare
    const w = targetWorld();
    await applyAll(w, [tgCreated(1)]);

    // Act
    const outcome = await applyElbEvent(
      modified(2, { [STICKY]: 'true' }, { [STICKY]: 'true', [DELAY]: '120' }),
      w.deps,
      time(2),
    );

    // Assess
    expect(outcome.audit).toStrictEqual([
      { entity: TG, action: 'attributes set (delay 120 s by alice (AssumedRole, api))' },
    ]);
    expect((await w.targets.getTargetGroup(TG))?.attributes).toStrictEqual({
      [STICKY]: 'true',
      [DELAY]: '120',
    });
  });

  test('who changed the delay is kept only when the request changed it', async () => {
    // Prepare
    const w = targetWorld();
    await applyAll(w, [tgCreated(1), delaySet(2, 120)]);

    // Act
    await applyElbEvent(modified(3, { [STICKY]: 'true' }), w.deps, time(3));

    // Assess
    expect((await w.targets.getTargetGroup(TG))?.lastDelayChange).toStrictEqual({
      by: 'alice (AssumedRole, api)',
      at: time(2),
      seconds: 120,
    });
  });

  test('attributes of a group nobody knows wait for it', async () => {
    // Prepare
    const w = targetWorld();

    // Act
    const outcome = await applyElbEvent(delaySet(2, 60), w.deps, time(2));

    // Assess
    expect([outcome.status, outcome.parkedOn]).toStrictEqual(['parked', `target-group:${TG}`]);
    expect(await w.targets.getTargetGroup(TG)).toBeUndefined();
  });
});
