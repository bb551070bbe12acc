import type {
  LoadBalancer,
  Tags,
  TargetGroup,
  TargetHealthDescription,
} from '#core/targets/target-group.ts';

/**
 * What netledger needs from ELBv2. Reads return `undefined` when the resource no longer exists
 * (it was deleted between the event and the read); every other failure, throttling included,
 * rejects, so that a caller can never mistake a failed read for an empty or unset one.
 */
export interface Elbv2Port {
  /** Every attribute of a target group, key to value. */
  describeTargetGroupAttributes(tgArn: string): Promise<Record<string, string> | undefined>;
  /** Every registered target with its health. */
  describeTargetHealth(tgArn: string): Promise<TargetHealthDescription[] | undefined>;
  /** Every load balancer in the account and region (all pages). */
  describeLoadBalancers(): Promise<LoadBalancer[]>;
  /**
   * Every target group (all pages), or those of one load balancer; `undefined` when that load
   * balancer does not exist.
   */
  describeTargetGroups(options?: { loadBalancerArn?: string }): Promise<TargetGroup[] | undefined>;
  /** One target group by ARN (DescribeTargetGroups with TargetGroupArns); `undefined` when gone. */
  describeTargetGroup(tgArn: string): Promise<TargetGroup | undefined>;
  /** Tags by ARN, for any number of ARNs; ARNs that no longer exist are left out of the map. */
  describeTags(arns: readonly string[]): Promise<Map<string, Tags>>;
  /**
   * Remediation: ModifyTargetGroupAttributes with the one delay attribute. Returns every attribute
   * after the change, or `undefined` when the target group no longer exists.
   */
  setDeregistrationDelay(
    tgArn: string,
    seconds: number,
  ): Promise<Record<string, string> | undefined>;
}
