import type { Ec2Deps, EventOutcome } from '#core/apply-ec2-event.ts';
import type { AlertStore, InstanceTypeCatalog } from '#core/capacity-ports.ts';
import type { CapacitySettings } from '#core/capacity-settings.ts';
import { handleEc2Event } from '#core/handle-ec2-event.ts';
import type { Notifier } from '#core/notifier.ts';
import { type CapacityReview, reviewCapacity } from '#core/review-capacity.ts';
import { eventHandler } from './middleware.ts';
import { logger } from './powertools.ts';

/** What the capacity review needs besides the ledger; absent when no alert topic is configured. */
export interface CapacityWiring {
  readonly alerts: AlertStore;
  readonly catalog: InstanceTypeCatalog;
  readonly notifier: Notifier;
  readonly settings: CapacitySettings;
  /** The current time as ISO-8601: read here, at the edge, never in core. */
  readonly clock: () => string;
}

export interface Ec2HandlerDeps extends Ec2Deps {
  readonly capacity?: CapacityWiring | undefined;
}

export type Ec2HandlerOutcome = EventOutcome & { readonly capacity?: CapacityReview };

/** The handler behind both EC2 rules; Lambda wires AWS adapters, local replay wires its own. */
export function ec2EventHandler(deps: Ec2HandlerDeps) {
  return eventHandler(async (event: unknown): Promise<Ec2HandlerOutcome> => {
    const outcome = await handleEc2Event(event, deps);
    const { capacity } = deps;
    if (!capacity || outcome.status !== 'applied' || !outcome.affected) return outcome;
    // The event is already recorded as processed, so a redelivery will not review again:
    // a failed review throws for the log, the alarm and the DLQ, and the next event or
    // sweep touching the node settles the alert.
    const review = await reviewCapacity(outcome.affected, {
      ledger: deps.ledger,
      alerts: capacity.alerts,
      catalog: capacity.catalog,
      notifier: capacity.notifier,
      settings: capacity.settings,
      now: capacity.clock(),
    });
    const changed = review.alerts.filter((a) => a.outcome !== 'unchanged');
    if (changed.length > 0 || review.skipped.length > 0) {
      logger.info('capacity reviewed', {
        eventId: outcome.eventId,
        alerts: changed,
        skipped: review.skipped,
      });
    }
    return { ...outcome, capacity: review };
  });
}
