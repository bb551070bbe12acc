import type { DnsWiring } from '#app/dns-wiring.ts';
import {
  type EventLedgerPorts,
  inEventUnit,
  type OpenEventUnit,
  type UnitReport,
} from '#app/event-unit.ts';
import { readingAheadFrom } from '#core/alerts/alerts-read-ahead.ts';
import { type DnsSyncResult, syncDnsForLoadBalancers } from '#core/dns/sync-dns.ts';
import type { ElbDeps, ElbEventOutcome } from '#core/targets/apply-elb-event.ts';
import { type ElbChange, parseElbEvent } from '#core/targets/elb-event.ts';
import { handleElbEvent } from '#core/targets/handle-elb-event.ts';
import { eventHandler } from '#shared/middleware.ts';
import { logger } from '#shared/powertools.ts';

export interface ElbHandlerDeps extends ElbDeps {
  /** The current time as ISO-8601: read here, at the edge, never in core. */
  readonly clock: () => string;
  /** Route53 sync for the load balancers an event touched; absent while DNS is disabled. */
  readonly dns?: DnsWiring | undefined;
  /** Each event's ledger writes as one unit (DynamoDB: one transaction); absent, item by item. */
  readonly unitOfWork?: OpenEventUnit | undefined;
}

export type ElbHandlerOutcome = ElbEventOutcome & {
  readonly dns?: DnsSyncResult;
  readonly unit?: UnitReport;
};

/** The handler behind the elb-activity rule; Lambda wires AWS adapters, local replay its own. */
export function elbEventHandler(deps: ElbHandlerDeps) {
  return eventHandler(async (event: unknown): Promise<ElbHandlerOutcome> => {
    const parsed = parseElbEvent(event);
    const ahead = parsed.ok ? { eventId: parsed.value.eventId, change: parsed.value } : undefined;
    const now = deps.clock();
    const outcome = await inEventUnit(deps.unitOfWork, ahead, (ports) =>
      handleElbEvent(event, ports ? onUnit(deps, ports) : deps, now),
    );
    const dns = await syncDnsAfter(outcome, deps);
    const review = outcome.review;
    if (!review) return dns ? { ...outcome, dns } : outcome;
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
    return dns ? { ...outcome, dns } : outcome;
  });
}

/**
 * The use case's ports inside the unit: its ledgers, and the review's alerts read from what
 * the unit read ahead with the event's items (written, as ever, straight to the store).
 */
function onUnit(deps: ElbHandlerDeps, ports: EventLedgerPorts): ElbHandlerDeps {
  const { alerting } = deps;
  const alerts =
    alerting && ports.alerts
      ? { alerting: { ...alerting, alerts: readingAheadFrom(ports.alerts, alerting.alerts) } }
      : {};
  return { ...deps, targets: ports.targets, network: ports.network, ...alerts };
}

/** Load balancers created, deleted or retagged may gain or lose hostnames. */
async function syncDnsAfter(
  outcome: ElbEventOutcome,
  deps: ElbHandlerDeps,
): Promise<DnsSyncResult | undefined> {
  if (!deps.dns || outcome.status !== 'applied' || !outcome.change) return undefined;
  const arns = loadBalancerArnsOf(outcome.change);
  if (arns.length === 0) return undefined;
  const result = await syncDnsForLoadBalancers(arns, deps.dns(deps.clock()));
  logger.info('dns synced', {
    loadBalancers: arns,
    create: result.plan.create.length,
    update: result.plan.update.length,
    delete: result.plan.delete.length,
    conflicts: result.plan.conflicts.length,
    deferredZones: result.deferredZones,
  });
  return result;
}

function loadBalancerArnsOf(change: ElbChange): string[] {
  switch (change.kind) {
    case 'load-balancer-created':
    case 'load-balancer-deleted':
      return [change.arn];
    case 'tags-added':
    case 'tags-removed':
      return change.arns.filter((arn) => arn.includes(':loadbalancer/'));
    default:
      return [];
  }
}
