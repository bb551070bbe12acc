import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { DnsWiring } from '#app/dns-wiring.ts';
import type { Ec2HandlerDeps } from '#app/ec2-handler.ts';
import type { ElbHandlerDeps } from '#app/elb-handler.ts';
import { ALERT_KINDS } from '#core/alerts/alert.ts';
import type { AlertStore } from '#core/alerts/alert-store.ts';
import { deliverPending } from '#core/alerts/settle-alert.ts';
import { snapshotCapacityLedger } from '#core/capacity/ledger-snapshot.ts';
import { rememberedUsage } from '#core/capacity/remembered-usage.ts';
import {
  type CapacityMeasures,
  capacityGauges,
  reviewCapacity,
} from '#core/capacity/review-capacity.ts';
import { sampleUsage, type UsageGauge } from '#core/capacity/sample-usage.ts';
import { refreshZonesAndSync } from '#core/dns/sync-dns.ts';
import { snapshotHolders } from '#core/network/address-holder.ts';
import type { LedgerState } from '#core/network/plan-network-sweep.ts';
import { readLedger, sweepNetwork } from '#core/network/sweep-network.ts';
import { sweepLoadBalancers } from '#core/targets/sweep-load-balancers.ts';
import { unreportedChangesWarning } from '#core/targets/unreported-changes.ts';
import { METRICS } from '#shared/metric-names.ts';
import { logger, metrics, tracer } from '#shared/powertools.ts';

export interface SweepHandlerDeps {
  readonly network: Ec2HandlerDeps;
  readonly elb?: ElbHandlerDeps;
  readonly dns?: DnsWiring;
}

/**
 * One EMF metric set per subnet and node group, so teams can graph free addresses and the
 * forecast next to the rest: SubnetAddressesUsed/Free and SubnetHoursToExhaustion (only
 * while usage is rising) by SubnetId; NodeGroupSlotsUsed/Free by NodeGroup.
 */
function publishUsageGauges(gauges: readonly UsageGauge[]): void {
  // A single metric publishes on addMetric and then forgets its dimension: one per value.
  const gauge = (dimension: string, subject: string, name: UsageMetric, value: number) => {
    const single = metrics.singleMetric();
    single.addDimension(dimension, subject);
    single.addMetric(METRICS[name], MetricUnit.Count, value);
  };
  for (const g of gauges) {
    if (g.kind === 'subnet') {
      gauge('SubnetId', g.subject, 'subnetAddressesUsed', g.used);
      gauge('SubnetId', g.subject, 'subnetAddressesFree', Math.max(0, g.capacity - g.used));
      if (g.forecast.trend === 'rising') {
        const hours = Math.round(g.forecast.hoursToExhaustion * 10) / 10;
        gauge('SubnetId', g.subject, 'subnetHoursToExhaustion', hours);
      }
    } else {
      gauge('NodeGroup', g.subject, 'nodeGroupSlotsUsed', g.used);
      gauge('NodeGroup', g.subject, 'nodeGroupSlotsFree', Math.max(0, g.capacity - g.used));
    }
  }
}

type UsageMetric =
  | 'subnetAddressesUsed'
  | 'subnetAddressesFree'
  | 'subnetHoursToExhaustion'
  | 'nodeGroupSlotsUsed'
  | 'nodeGroupSlotsFree';

/**
 * Time the network repairs leave to the rest of the sweep (reviews, load balancers and targets,
 * DNS): a third of the invocation, at most 5 minutes (of Lambda's 15). Past it no more nodes are
 * started, and the next scheduled sweep goes on from there.
 */
export const SWEEP_RESERVE_MS = 300_000;
/**
 * Time the load balancer repairs leave to DNS and the alert outbox: a sixth of the invocation,
 * at most 2 minutes. Past it no more target groups are started or reviewed.
 */
export const LOAD_BALANCER_RESERVE_MS = 120_000;

/**
 * Lambda's clock, where there is one (tests and the CLI pass no context, or one whose remaining
 * time never falls: never out of time then): out of time once less than `reserveMs`, or
 * `share` of what the invocation had at its start, is left.
 */
function deadline(
  context: Partial<Pick<Context, 'getRemainingTimeInMillis'>> | undefined,
): (reserveMs: number, share: number) => (() => boolean) | undefined {
  const remaining = context?.getRemainingTimeInMillis;
  if (typeof remaining !== 'function') return () => undefined;
  const atStart = remaining.call(context);
  return (reserveMs, share) => {
    const reserve = Math.min(reserveMs, atStart * share);
    return () => remaining.call(context) < reserve;
  };
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
  return middy(
    async (_event: unknown, context?: Partial<Pick<Context, 'getRemainingTimeInMillis'>>) => {
      const started = clock();
      const outOfTime = deadline(context);
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
      let read: LedgerState | undefined;
      const network = await part('network', async () => {
        read = await readLedger(deps.network.ledger);
        const networkOutOfTime = outOfTime(SWEEP_RESERVE_MS, 1 / 3);
        return sweepNetwork({ ...deps.network, outOfTime: networkOutOfTime }, startedAt, read);
      });
      if (network)
        metrics.addMetric(METRICS.sweepNetworkRepairs, MetricUnit.Count, network.repairs);
      if (network?.deferred) {
        logger.warn(
          `sweep ran out of time: ${network.deferred} network repairs left for the next run`,
        );
      }
      // The ledger after the network sweep: the sweep's own read when it changed nothing, else
      // read once more; the capacity and target reviews both work from it.
      let after: Promise<LedgerState> | undefined;
      const ledgerAfter = () => {
        after ??=
          network?.repairs === 0 && read ? Promise.resolve(read) : readLedger(deps.network.ledger);
        return after;
      };
      const sweptCapacity = deps.network.capacity;
      if (network && sweptCapacity) {
        // Sampling and the review both fit each subnet's recent usage: read once.
        const usage = sweptCapacity.usage && rememberedUsage(sweptCapacity.usage);
        const capacity = { ...sweptCapacity, usage };
        if (usage) {
          const gauges = await part('usage', async () =>
            sampleUsage({
              ...capacity,
              ledger: snapshotCapacityLedger(await ledgerAfter()),
              usage,
              now: capacity.clock(),
            }),
          );
          publishUsageGauges(gauges ?? []);
        }
        // Re-evaluate every node and subnet, not only repaired ones, so reminders and
        // resolutions happen even when no event arrives.
        const review = await part('capacity', async () => {
          const view = await ledgerAfter();
          return reviewCapacity(
            {
              nodes: view.nodes.map((n) => n.instanceId),
              subnets: view.subnets.map((s) => s.subnetId),
            },
            { ...capacity, ledger: snapshotCapacityLedger(view), now: capacity.clock() },
          );
        });
        if (review?.measures) publishCapacityGauges(review.measures);
        await part('open alerts', () => publishOpenAlerts(capacity.alerts));
      }
      const elb = deps.elb;
      const index = elb?.targets;
      if (index?.completeTargetsAtIps) {
        // Once per table, before the targets' repair, whose registrations keep the index.
        await part('target index', async () =>
          (await index.targetsAtIpsReady?.()) ? 'ready' : index.completeTargetsAtIps?.(),
        );
      }
      const loadBalancers = elb
        ? await part('load balancers', async () => {
            // Without a network sweep (it failed) the holders come from the ledger itself.
            const network = read ? snapshotHolders(await ledgerAfter()) : elb.network;
            const lbOutOfTime = outOfTime(LOAD_BALANCER_RESERVE_MS, 1 / 6);
            return sweepLoadBalancers({ ...elb, network, outOfTime: lbOutOfTime }, elb.clock());
          })
        : undefined;
      const dns = deps.dns;
      const records = dns
        ? await part('dns', () => refreshZonesAndSync(dns(clock().toISOString())))
        : undefined;
      // Last, once every review had its chance to send its own: notifications a crash or a
      // failed publish left in the outbox of alerts nothing evaluates any more.
      const settling = deps.network.capacity ?? deps.elb?.alerting;
      if (settling) await part('alert outbox', () => deliverPending(settling));
      if (loadBalancers?.deferred) {
        logger.warn(
          `sweep ran out of time: ${loadBalancers.deferred} target groups left for the next run`,
        );
      }
      if (loadBalancers)
        metrics.addMetric(
          METRICS.sweepLoadBalancerRepairs,
          MetricUnit.Count,
          loadBalancers.repaired,
        );
      // Once per run, whatever the number of repairs.
      const unreported = unreportedChangesWarning({
        network: network?.repairs,
        loadBalancers: loadBalancers?.repaired,
      });
      if (unreported) logger.warn(unreported);
      metrics.addMetric(METRICS.sweepFailedParts, MetricUnit.Count, failures.length);
      const seconds = (clock().getTime() - started.getTime()) / 1000;
      metrics.addMetric(METRICS.sweepDuration, MetricUnit.Seconds, seconds);
      if (failures.length > 0)
        throw new SweepFailedError(`sweep incomplete: ${failures.join('; ')}`);
      return {
        startedAt,
        network,
        loadBalancers,
        dns: records ? { plan: records.plan } : undefined,
      };
    },
  )
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
