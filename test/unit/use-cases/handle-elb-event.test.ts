import { describe, expect, test } from 'vitest';
import { handleElbEvent } from '#core/targets/handle-elb-event.ts';
import { sample } from '#test/helpers/samples.ts';
import { targetWorld } from '#test/unit/use-cases/target-world.ts';

// The whole job of the elb-activity function: an event that does not parse is ignored with its
// reason, its ids kept when it has them, and nothing is written; one that parses is applied.

const ADD_TAGS = 'elb/add-tags.json';
const addTagsId = () => sample(ADD_TAGS).detail.eventID as string;
const SCOPE = { clusters: ['myeks'], vpcIds: ['vpc-0a1b2c3d4e5f60718'] }; // the samples'

describe('handleElbEvent', () => {
  test.each<{
    title: string;
    raw: () => unknown;
    ids: { eventId?: string; name?: string };
  }>([
    {
      title: 'a record with a broken body keeps its event id and name',
      raw: () => {
        const e = sample(ADD_TAGS);
        e.detail.requestParameters.tags = [];
        return e;
      },
      ids: { eventId: addTagsId(), name: 'AddTags' },
    },
    {
      title: 'a failed call keeps its event id and name',
      raw: () => sample('elb/modify-target-group-attributes-access-denied.json'),
      ids: {
        eventId: 'b7f3c9a8-2d0e-4f6a-9c87-9e4dba0f1207',
        name: 'ModifyTargetGroupAttributes',
      },
    },
    { title: 'an event that is not EventBridge’s has neither', raw: () => 'not an event', ids: {} },
  ])('$title, is ignored with a reason and writes nothing', async ({ raw, ids }) => {
    // Prepare
    const w = targetWorld();

    // Act
    const outcome = await handleElbEvent(
      raw(),
      { ...w.deps, scope: SCOPE },
      '2026-11-21T10:00:00Z',
    );

    // Assess
    expect(outcome).toStrictEqual({
      status: 'ignored',
      reason: expect.stringMatching(/^(malformed|failed-call): /),
      audit: [],
      ...ids,
    });
    expect(await w.targets.listParked()).toStrictEqual([]);
    expect(await w.targets.hasProcessed(ids.eventId ?? '')).toBe(false);
  });

  test('a well-formed event is applied under its event id and carries the parsed change', async () => {
    // Prepare
    const w = targetWorld();
    const raw = sample('elb/create-target-group.json');

    // Act
    const outcome = await handleElbEvent(raw, { ...w.deps, scope: SCOPE }, raw.detail.eventTime);

    // Assess
    expect([outcome.status, outcome.eventId, outcome.name, outcome.change?.kind]).toStrictEqual([
      'applied',
      raw.detail.eventID,
      'CreateTargetGroup',
      'target-group-created',
    ]);
    expect(await w.targets.hasProcessed(raw.detail.eventID)).toBe(true);
  });
});
