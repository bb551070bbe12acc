import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { DnsWiring } from '#app/dns-wiring.ts';
import type { Ec2HandlerDeps } from '#app/ec2-handler.ts';
import type { ElbHandlerDeps } from '#app/elb-handler.ts';
import { ALERT_KINDS } from '#core/alerts/alert.ts';
import type { AlertStore } from '#core/alerts/alert-store.ts';
import {
  type CapacityMeasures,
  capacityGauges,
  reviewCapacity,
} from '#core/capacity/review-capacity.ts';
import { refreshZonesAndSync } from '#core/dns/sync-dns.ts';
import { sweepNetwork } from '#core/network/sweep-network.ts';
import { sweepLoadBalancers } from '#core/targets/sweep-load-balancers.ts';
import { unreportedChangesWarning } from '#core/targets/unreported-changes.ts';
import { METRICS } from '#shared/metric-names.ts';
import { logger, metrics, tracer } from '#shared/powertools.ts';

export interface SweepHandlerDeps {
  readonly network: Ec2HandlerDeps;
  readonly elb?: ElbHandlerDeps;
  readonly dns?: DnsWiring;
}

export class SweepFailedError extends Error {
  override readonly name = 'SweepFailedError';
}

/**
 * Runs the sweep: EC2, then load balancers and targets, then DNS. Each part
 * runs even when an earlier one failed (they repair different things); any
 * failure is thrown at the end so the schedule's alarm and DLQ see it. A
 * partial sweep is safe because every repair is an idempotent conditional write.
 */
export function sweepHandler(deps: SweepHandlerDeps, clock: () => Date = () => new Date()) {
  return middy(async () => {
    const started = clock();
    const startedAt = started.toISOString();
    const failures: string[] = [];
    const part = async <T>(name: string, run: () => Promise<T>): Promise<T | undefined> => {
      try {
        const result = await run();
        logger.info(`sweep ${name} finished`, { startedAt, result });
        return result;
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
        logger.error(`sweep ${name} failed`, error as Error);
        return undefined;
      }
    };
    const network = await part('network', () => sweepNetwork(deps.network, startedAt));
    if (network) metrics.addMetric(METRICS.sweepNetworkRepairs, MetricUnit.Count, network.repairs);
    const capacity = deps.network.capacity;
    if (network && capacity) {
      // Re-evaluate every node and subnet, not only repaired ones, so reminders and
      // resolutions happen even when no event arrives.
      const nodes = (await deps.network.ledger.listNodes()).map((n) => n.instanceId);
      const subnets = (await deps.network.ledger.listSubnets()).map((s) => s.subnetId);
      const review = await part('capacity', () =>
        reviewCapacity(
          { nodes, subnets },
          { ledger: deps.network.ledger, ...capacity, now: capacity.clock() },
        ),
      );
      if (review?.measures) publishCapacityGauges(review.measures);
      await part('open alerts', () => publishOpenAlerts(capacity.alerts));
    }
    const elb = deps.elb;
    const loadBalancers = elb
      ? await part('load balancers', () => sweepLoadBalancers(elb, elb.clock()))
      : undefined;
    const dns = deps.dns;
    const records = dns
      ? await part('dns', () => refreshZonesAndSync(dns(clock().toISOString())))
      : undefined;
    if (loadBalancers)
      metrics.addMetric(METRICS.sweepLoadBalancerRepairs, MetricUnit.Count, loadBalancers.repaired);
    // Once per run, whatever the number of repairs.
    const unreported = unreportedChangesWarning({
      network: network?.repairs,
      loadBalancers: loadBalancers?.repaired,
    });
    if (unreported) logger.warn(unreported);
    metrics.addMetric(METRICS.sweepFailedParts, MetricUnit.Count, failures.length);
    const seconds = (clock().getTime() - started.getTime()) / 1000;
    metrics.addMetric(METRICS.sweepDuration, MetricUnit.Seconds, seconds);
    if (failures.length > 0) throw new SweepFailedError(`sweep incomplete: ${failures.join('; ')}`);
    return { startedAt, network, loadBalancers, dns: records ? { plan: records.plan } : undefined };
  })
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

/** The tightest subnet, and per cluster the tightest node, as dashboard gauges. */
function publishCapacityGauges(measures: CapacityMeasures): void {
  const gauges = capacityGauges(measures);
  if (gauges.minSubnetFreeAddresses !== undefined) {
    metrics.addMetric(
      METRICS.minSubnetFreeAddresses,
      MetricUnit.Count,
      gauges.minSubnetFreeAddresses,
    );
  }
  for (const [cluster, headroom] of Object.entries(gauges.minPodHeadroomByCluster)) {
    const single = metrics.singleMetric();
    single.addDimension('Cluster', cluster);
    single.addMetric(METRICS.minPodHeadroom, MetricUnit.Count, headroom);
  }
}

/** Open alerts by kind, zeros included, so a graph drops back to 0 when they resolve. */
async function publishOpenAlerts(alerts: AlertStore): Promise<Record<string, number>> {
  const open = await alerts.listOpen();
  const counts: Record<string, number> = {};
  for (const kind of ALERT_KINDS) counts[kind] = open.filter((a) => a.kind === kind).length;
  for (const [kind, count] of Object.entries(counts)) {
    const single = metrics.singleMetric();
    single.addDimension('Kind', kind);
    single.addMetric(METRICS.openAlerts, MetricUnit.Count, count);
  }
  return counts;
}
