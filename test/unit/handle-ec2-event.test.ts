import { describe, expect, test } from 'vitest';
import { handleEc2Event } from '#core/network/handle-ec2-event.ts';
import { sample } from '#test/helpers/samples.ts';
import { networkWorld } from '#test/unit/use-cases/network-world.ts';

// The whole job of the EC2 Lambdas: an event that does not parse is ignored with its reason,
// its id kept when it has one, and nothing is written; one that parses is applied.

const exploded = () => {
  const e = sample('ec2/node-lifecycle/02-instance-running.json');
  e.detail.state = 'exploded';
  return e;
};

describe('handleEc2Event', () => {
  test.each<{ title: string; raw: () => unknown; eventId?: string }>([
    {
      title: 'a malformed event keeps its id',
      raw: exploded,
      eventId: sample('ec2/node-lifecycle/02-instance-running.json').id,
    },
    { title: 'an id that is not a string is not kept', raw: () => ({ ...exploded(), id: 42 }) },
    { title: 'null has no id', raw: () => null },
    { title: 'neither has a string', raw: () => 'not an event' },
  ])('$title, is ignored with a reason and writes nothing', async ({ raw, eventId }) => {
    const { ledger, deps } = networkWorld();

    const outcome = await handleEc2Event(raw(), deps);

    expect(outcome).toStrictEqual({
      status: 'ignored',
      reason: expect.any(String),
      audit: [],
      ...(eventId === undefined ? {} : { eventId }),
    });
    expect(outcome.reason.length).toBeGreaterThan(0);
    expect(await ledger.listNodes()).toStrictEqual([]);
    expect(await ledger.listSubnets()).toStrictEqual([]);
  });

  test("a well-formed event is applied, under CloudTrail's event id", async () => {
    const { deps } = networkWorld();
    const raw = sample('ec2/node-lifecycle/01-run-instances.json');
    const scope = { clusters: ['myeks'], vpcIds: ['vpc-0a1b2c3d4e5f60718'] }; // the sample's

    const outcome = await handleEc2Event(raw, { ...deps, scope });

    expect(outcome.eventId).toBe(raw.detail.eventID);
    expect(outcome.status).toBe('applied');
  });
});
