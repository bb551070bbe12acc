import type { Elbv2Port } from '#core/targets/elbv2-port.ts';

/**
 * The ELBv2 port of local replay, where no AWS account stands behind the ledger: every
 * resource is "not found" and there is nothing to list. Remediation has nothing to change.
 */
export const unavailableElbv2: Elbv2Port = {
  describeTargetGroupAttributes: async () => undefined,
  describeTargetHealth: async () => undefined,
  describeLoadBalancers: async () => [],
  describeTargetGroups: async () => undefined,
  describeTargetGroup: async () => undefined,
  describeTags: async () => new Map(),
  setDeregistrationDelay: async () => undefined,
};
