import {
  applyElbEvent,
  type ElbDeps,
  type ElbEventOutcome,
} from '#core/targets/apply-elb-event.ts';
import { parseElbEvent } from '#core/targets/elb-event.ts';

/** Parse, then apply: the whole job of the elb-activity function. The outcome carries the change. */
export async function handleElbEvent(
  raw: unknown,
  deps: ElbDeps,
  now: string,
): Promise<ElbEventOutcome> {
  const parsed = parseElbEvent(raw);
  if (!parsed.ok) {
    return {
      status: 'ignored',
      reason: parsed.reason,
      audit: [],
      ...(parsed.eventId ? { eventId: parsed.eventId } : {}),
      ...(parsed.eventName ? { name: parsed.eventName } : {}),
    };
  }
  return applyElbEvent(parsed.value, deps, now);
}
