import { inEventUnit, type OpenEventUnit, type UnitReport } from '#app/event-unit.ts';
import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import type { AlertRef, AlertStore } from '#core/alerts/alert-store.ts';
import { AlertsReadAhead } from '#core/alerts/alerts-read-ahead.ts';
import type { Notifier } from '#core/alerts/notifier.ts';
import type { InstanceTypeCatalog, UsageHistory } from '#core/capacity/capacity-ports.ts';
import type { CapacitySettings } from '#core/capacity/capacity-settings.ts';
import {
  type CapacityReview,
  capacityAlertRefs,
  capacityAlertRefsNamedBy,
  reviewCapacity,
} from '#core/capacity/review-capacity.ts';
import type { Affected, Ec2Deps, EventOutcome } from '#core/network/apply-ec2-event.ts';
import { parseEc2Event } from '#core/network/ec2-event.ts';
import { handleEc2Event } from '#core/network/handle-ec2-event.ts';
import type { NetworkLedger, NodeView } from '#core/network/network-ports.ts';
import {
  reviewTargetsForIps,
  reviewTargetsForNodes,
  type TargetReview,
  type TargetReviewDeps,
} from '#core/targets/review-targets.ts';
import type { TargetRecord } from '#core/targets/target-ports.ts';
import { eventHandler } from '#shared/middleware.ts';
import { logger } from '#shared/powertools.ts';

/** What the capacity review needs besides the ledger; absent when no alert topic is configured. */
export interface CapacityWiring {
  readonly alerts: AlertStore;
  readonly catalog: InstanceTypeCatalog;
  readonly notifier: Notifier;
  readonly settings: CapacitySettings;
  /** The current time as ISO-8601: read here, at the edge, never in core. */
  readonly clock: () => string;
  /** Usage samples (written by the sweep) for the exhaustion forecast; without them, thresholds only. */
  readonly usage?: UsageHistory | undefined;
}

/** What the stale-target review needs; absent when no alert topic is configured. */
export type TargetWiring = TargetReviewDeps & { readonly clock: () => string };

export interface Ec2HandlerDeps extends Ec2Deps {
  readonly capacity?: CapacityWiring | undefined;
  readonly targets?: TargetWiring | undefined;
  /** Each event's ledger writes as one unit (DynamoDB: one transaction); absent, item by item. */
  readonly unitOfWork?: OpenEventUnit | undefined;
}

export type Ec2HandlerOutcome = EventOutcome & {
  readonly capacity?: CapacityReview;
  readonly targets?: TargetReview;
  readonly unit?: UnitReport;
};

/** The handler behind both EC2 rules; Lambda wires AWS adapters, local replay wires its own. */
export function ec2EventHandler(deps: Ec2HandlerDeps) {
  return eventHandler(async (event: unknown): Promise<Ec2HandlerOutcome> => {
    const parsed = parseEc2Event(event);
    const ahead = parsed.ok
      ? { eventId: parsed.value.stamp.eventId, change: parsed.value.change }
      : undefined;
    // The node views applying the event read (a termination reads the node's to release its
    // ENIs); a rerun item by item starts afresh.
    const views = new Map<string, NodeView>();
    // The capacity alerts the change names, as the unit read them with the event's items.
    let readAhead: ReadAhead | undefined;
    // The targets at the addresses the event moved, per address group, as the unit found them.
    let targetsAt: (readonly TargetRecord[])[] | undefined;
    const outcome = await inEventUnit(deps.unitOfWork, ahead, async (ports) => {
      views.clear();
      targetsAt = undefined;
      if (ports?.alerts && ahead && deps.capacity) {
        const refs = capacityAlertRefsNamedBy(ahead.change);
        readAhead = { refs, records: await ports.alerts.getMany(refs) };
      }
      const ledger = rememberingNodeViews(ports ? ports.network : deps.ledger, views);
      const handled = await handleEc2Event(event, { ...deps, ledger });
      // The event wrote no target: found now, with the IPs' entries read ahead with its items.
      const moved = handled.affected?.addresses;
      if (ports && deps.targets && moved) {
        targetsAt = await Promise.all(moved.map((g) => ports.targets.targetsByIps(g.vpcId, g.ips)));
      }
      return handled;
    });
    // A duplicate is reviewed again: its first delivery may have died between recording the
    // event as processed and settling the alerts (Lambda retries an invocation that failed).
    const reviewed = outcome.status === 'applied' || outcome.status === 'duplicate';
    if (!reviewed || !outcome.affected) return outcome;
    const { capacity, targets: targetWiring } = readingAlertsAhead(
      deps,
      outcome.affected,
      readAhead,
    );
    const targets = targetWiring
      ? await reviewTargets(outcome.affected, targetWiring, targetsAt)
      : undefined;
    const withTargets = targets ? { ...outcome, targets } : outcome;
    if (!capacity) return withTargets;
    // A failed review throws: the event is redelivered, found a duplicate and reviewed again;
    // after the last retry the DLQ keeps it and the sweep settles the alert.
    const review = await reviewCapacity(outcome.affected, {
      ledger: terminatedFrom(views, deps.ledger),
      alerts: capacity.alerts,
      catalog: capacity.catalog,
      notifier: capacity.notifier,
      settings: capacity.settings,
      now: capacity.clock(),
      usage: capacity.usage,
    });
    const changed = review.alerts.filter((a) => a.outcome !== 'unchanged');
    if (changed.length > 0 || review.skipped.length > 0) {
      logger.info('capacity reviewed', {
        eventId: outcome.eventId,
        alerts: changed,
        skipped: review.skipped,
      });
    }
    return { ...withTargets, capacity: review };
  });
}

/** The ledger, writing down every node view it answers. */
function rememberingNodeViews(ledger: NetworkLedger, views: Map<string, NodeView>): NetworkLedger {
  const nodeView = async (instanceId: string) => {
    const view = await ledger.nodeView(instanceId);
    views.set(instanceId, view);
    return view;
  };
  return new Proxy(ledger, {
    get: (target, name) => {
      if (name === 'nodeView') return nodeView;
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The capacity review's ledger: a node the event saw terminated is answered with the view the
 * event read, not queried again. A termination is final (it wins whatever arrives after it)
 * and instance facts never change, so its record is the one the review would read; of a gone
 * node the review reads only the record, not its ENIs (which the event has since released).
 */
function terminatedFrom(
  views: ReadonlyMap<string, NodeView>,
  ledger: NetworkLedger,
): Pick<NetworkLedger, 'nodeView' | 'subnetView'> {
  return {
    nodeView: async (instanceId) => {
      const seen = views.get(instanceId);
      return seen?.node?.state === 'terminated' ? seen : ledger.nodeView(instanceId);
    },
    subnetView: (subnetId) => ledger.subnetView(subnetId),
  };
}

interface ReadAhead {
  readonly refs: readonly AlertRef[];
  readonly records: readonly AlertRecord[];
}

/**
 * Both reviews on one alert store that reads ahead, given the alerts read with the event's
 * items and told of the other capacity alerts now: the first alert read of the event then
 * fetches those and the target review's in one request.
 */
function readingAlertsAhead(
  deps: Ec2HandlerDeps,
  affected: Affected,
  readAhead: ReadAhead | undefined,
): Pick<Ec2HandlerDeps, 'capacity' | 'targets'> {
  const { capacity, targets } = deps;
  if (!capacity) return { capacity, targets };
  const alerts = new AlertsReadAhead(capacity.alerts);
  if (readAhead) alerts.know(readAhead.refs, readAhead.records);
  alerts.expect(capacityAlertRefs(affected));
  const shared = targets?.alerting?.alerts === capacity.alerts;
  return {
    capacity: { ...capacity, alerts },
    targets:
      targets?.alerting && shared
        ? { ...targets, alerting: { ...targets.alerting, alerts } }
        : targets,
  };
}

/**
 * Addresses that moved or went away can leave a registered target pointing at the wrong pod
 * or at nothing: review the targets of the IPs and nodes the event touched.
 */
async function reviewTargets(
  affected: Affected,
  wiring: TargetWiring,
  targetsAt: readonly (readonly TargetRecord[])[] | undefined,
): Promise<TargetReview> {
  const now = wiring.clock();
  const reviews: TargetReview[] = [];
  if (affected.releasedFrom?.length) {
    reviews.push(await reviewTargetsForNodes(affected.releasedFrom, wiring, now));
  }
  for (const [i, group] of (affected.addresses ?? []).entries()) {
    reviews.push(await reviewTargetsForIps(group.vpcId, group.ips, wiring, now, targetsAt?.[i]));
  }
  const review: TargetReview = {
    alerts: reviews.flatMap((r) => r.alerts),
    remediations: reviews.flatMap((r) => r.remediations),
    skipped: reviews.flatMap((r) => r.skipped),
  };
  const changed = review.alerts.filter((a) => a.outcome !== 'unchanged');
  if (changed.length > 0) logger.info('targets reviewed', { alerts: changed });
  return review;
}
