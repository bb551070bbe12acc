import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { DnsWiring } from '#app/dns-wiring.ts';
import type { Ec2HandlerDeps } from '#app/ec2-handler.ts';
import type { ElbHandlerDeps } from '#app/elb-handler.ts';
import { snapshotCapacityLedger } from '#core/capacity/ledger-snapshot.ts';
import { reviewCapacity } from '#core/capacity/review-capacity.ts';
import { sampleUsage, type UsageGauge } from '#core/capacity/sample-usage.ts';
import { refreshZonesAndSync } from '#core/dns/sync-dns.ts';
import { snapshotHolders } from '#core/network/address-holder.ts';
import type { LedgerState } from '#core/network/plan-network-sweep.ts';
import { readLedger, sweepNetwork } from '#core/network/sweep-network.ts';
import { sweepLoadBalancers } from '#core/targets/sweep-load-balancers.ts';
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
  const gauge = (dimension: string, subject: string, name: string, value: number) => {
    const single = metrics.singleMetric();
    single.addDimension(dimension, subject);
    single.addMetric(name, MetricUnit.Count, value);
  };
  for (const g of gauges) {
    const subnet = g.kind === 'subnet';
    const dimension = subnet ? 'SubnetId' : 'NodeGroup';
    const prefix = subnet ? 'SubnetAddresses' : 'NodeGroupSlots';
    gauge(dimension, g.subject, `${prefix}Used`, g.used);
    gauge(dimension, g.subject, `${prefix}Free`, Math.max(0, g.capacity - g.used));
    if (subnet && g.forecast.trend === 'rising') {
      const hours = Math.round(g.forecast.hoursToExhaustion * 10) / 10;
      gauge(dimension, g.subject, 'SubnetHoursToExhaustion', hours);
    }
  }
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
    const startedAt = clock().toISOString();
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
      return sweepNetwork(deps.network, startedAt, read);
    });
    if (network) metrics.addMetric('SweepNetworkRepairs', MetricUnit.Count, network.repairs);
    // The ledger after the network sweep: the sweep's own read when it changed nothing, else
    // read once more; the capacity and target reviews both work from it.
    let after: Promise<LedgerState> | undefined;
    const ledgerAfter = () => {
      after ??=
        network?.repairs === 0 && read ? Promise.resolve(read) : readLedger(deps.network.ledger);
      return after;
    };
    const capacity = deps.network.capacity;
    if (network && capacity) {
      const usage = capacity.usage;
      if (usage) {
        const gauges = await part('usage', () =>
          sampleUsage({ ledger: deps.network.ledger, ...capacity, usage, now: capacity.clock() }),
        );
        publishUsageGauges(gauges ?? []);
      }
      // Re-evaluate every node and subnet, not only repaired ones, so reminders and
      // resolutions happen even when no event arrives.
      await part('capacity', async () => {
        const view = await ledgerAfter();
        return reviewCapacity(
          {
            nodes: view.nodes.map((n) => n.instanceId),
            subnets: view.subnets.map((s) => s.subnetId),
          },
          { ledger: snapshotCapacityLedger(view), ...capacity, now: capacity.clock() },
        );
      });
    }
    const elb = deps.elb;
    const loadBalancers = elb
      ? await part('load balancers', async () => {
          // Without a network sweep (it failed) the holders come from the ledger itself.
          const network = read ? snapshotHolders(await ledgerAfter()) : elb.network;
          return sweepLoadBalancers({ ...elb, network }, elb.clock());
        })
      : undefined;
    const dns = deps.dns;
    const records = dns
      ? await part('dns', () => refreshZonesAndSync(dns(clock().toISOString())))
      : undefined;
    if (loadBalancers)
      metrics.addMetric('SweepLoadBalancerRepairs', MetricUnit.Count, loadBalancers.repaired);
    metrics.addMetric('SweepFailedParts', MetricUnit.Count, failures.length);
    if (failures.length > 0) throw new SweepFailedError(`sweep incomplete: ${failures.join('; ')}`);
    return { startedAt, network, loadBalancers, dns: records ? { plan: records.plan } : undefined };
  })
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}
