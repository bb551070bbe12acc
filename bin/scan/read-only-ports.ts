import { batchChangeGroups, ROUTE53_LIMITS } from '#core/dns/dns-batch.ts';
import type { DnsApplyReport, DnsChangeApplier } from '#core/dns/dns-ports.ts';
import type { DnsChangeGroup } from '#core/dns/dns-record.ts';
import type { Elbv2Port } from '#core/targets/elbv2-port.ts';

/** A scan tried to change something in AWS; it never should, so this is a bug, not bad input. */
export class ReadOnlyScanError extends Error {
  override readonly name = 'ReadOnlyScanError';
}

/**
 * ELBv2 for `scan`: every read passes through, the one write (setting a deregistration delay
 * back) refuses. Remediation is switched off as well; this is the second lock.
 */
export function readOnlyElbv2(reader: Elbv2Port): Elbv2Port {
  return {
    describeTargetGroupAttributes: (arn) => reader.describeTargetGroupAttributes(arn),
    describeTargetHealth: (arn) => reader.describeTargetHealth(arn),
    describeLoadBalancers: () => reader.describeLoadBalancers(),
    describeTargetGroups: (options) => reader.describeTargetGroups(options),
    describeTargetGroup: (arn) => reader.describeTargetGroup(arn),
    describeTags: (arns) => reader.describeTags(arns),
    setDeregistrationDelay: async (arn) => {
      throw new ReadOnlyScanError(`scan must not change ${arn}`);
    },
  };
}

/** Route53 for `scan`: DNS runs as a dry run, and this applier would only keep the plan. */
export class PlanOnlyApplier implements DnsChangeApplier {
  readonly planned: DnsChangeGroup[] = [];

  async apply(groups: readonly DnsChangeGroup[]): Promise<DnsApplyReport> {
    this.planned.push(...groups);
    return {
      dryRun: true,
      batches: batchChangeGroups(groups, ROUTE53_LIMITS).batches,
      applied: [],
      failed: [],
      alerts: [],
      writeCalls: 0,
      complete: true,
    };
  }
}
