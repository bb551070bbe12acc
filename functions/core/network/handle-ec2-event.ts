import { applyEc2Event, type Ec2Deps, type EventOutcome } from '#core/network/apply-ec2-event.ts';
import { parseEc2Event } from '#core/network/ec2-event.ts';

/** Parse, then apply: the whole job of the instance-state and eni-activity functions. */
export async function handleEc2Event(raw: unknown, deps: Ec2Deps): Promise<EventOutcome> {
  const parsed = parseEc2Event(raw);
  if (!parsed.ok) {
    const id = (raw as { id?: unknown } | null)?.id;
    return {
      status: 'ignored',
      reason: parsed.reason,
      audit: [],
      ...(typeof id === 'string' ? { eventId: id } : {}),
    };
  }
  return applyEc2Event(parsed.value, deps);
}
