import type { ElbDeps, ElbEventOutcome } from '#core/apply-elb-event.ts';
import { handleElbEvent } from '#core/handle-elb-event.ts';
import { eventHandler } from './middleware.ts';
import { logger } from './powertools.ts';

export interface ElbHandlerDeps extends ElbDeps {
  /** The current time as ISO-8601: read here, at the edge, never in core. */
  readonly clock: () => string;
}

/** The handler behind the elb-activity rule; Lambda wires AWS adapters, local replay its own. */
export function elbEventHandler(deps: ElbHandlerDeps) {
  return eventHandler(async (event: unknown): Promise<ElbEventOutcome> => {
    const outcome = await handleElbEvent(event, deps, deps.clock());
    const review = outcome.review;
    if (!review) return outcome;
    for (const plan of review.remediations) {
      if (plan.action === 'dry-run') logger.info(`dry run: ${plan.description}`, { ...plan });
      else if (plan.action === 'apply') logger.warn(`remediated: ${plan.description}`, { ...plan });
    }
    const changed = review.alerts.filter((a) => a.outcome !== 'unchanged');
    if (changed.length > 0 || review.skipped.length > 0) {
      logger.info('targets reviewed', {
        eventId: outcome.eventId,
        alerts: changed,
        skipped: review.skipped,
      });
    }
    return outcome;
  });
}
