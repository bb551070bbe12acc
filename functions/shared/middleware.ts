import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { EventOutcome } from '#core/apply-ec2-event.ts';
import { logger } from './powertools.ts';

/**
 * The stack every event handler shares: Lambda context in each log line, and
 * one log line per outcome. Exceptions are not caught: a throttled or failing
 * AWS call fails the invocation so Lambda retries it and, at the end, the DLQ
 * keeps the event.
 */
export function eventHandler<E>(handle: (event: E) => Promise<EventOutcome>) {
  return middy(async (event: E) => {
    const outcome = await handle(event);
    const line = {
      eventId: outcome.eventId,
      eventName: outcome.name,
      status: outcome.status,
      reason: outcome.reason,
    };
    if (outcome.status === 'ignored') logger.warn('event ignored', line);
    else logger.info(`event ${outcome.status}`, line);
    return outcome;
  }).use(injectLambdaContext(logger));
}
