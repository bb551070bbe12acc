import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { EventOutcome } from '#core/network/apply-ec2-event.ts';
import { METRICS } from './metric-names.ts';
import { logger, metrics, tracer } from './powertools.ts';

const METRIC: Record<EventOutcome['status'], string> = {
  applied: METRICS.eventsApplied,
  duplicate: METRICS.eventsDuplicate,
  stale: METRICS.eventsStale,
  ignored: METRICS.eventsIgnored,
  parked: METRICS.eventsParked,
};

/**
 * The stack every event handler shares: Lambda context in each log line, one
 * log line and one metric per outcome, an X-Ray segment. Exceptions are not
 * caught: a throttled or failing AWS call fails the invocation so Lambda
 * retries it and, at the end, the DLQ keeps the event.
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
    metrics.addMetric(METRIC[outcome.status], MetricUnit.Count, 1);
    return outcome;
  })
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}
