import type { Elbv2Port } from '#core/targets/elbv2-port.ts';
import type {
  LoadBalancer,
  Tags,
  TargetGroup,
  TargetHealthDescription,
} from '#core/targets/target-group.ts';

/**
 * An ELBv2 account held in memory, behind the same port as the SDK adapter. It records each
 * call (API name and argument) so tests can hold handlers to "at most one describe per event".
 */
export class MemoryElbv2 implements Elbv2Port {
  readonly loadBalancers = new Map<string, LoadBalancer>();
  readonly targetGroups = new Map<string, TargetGroup>();
  readonly attributes = new Map<string, Record<string, string>>();
  readonly health = new Map<string, TargetHealthDescription[]>();
  readonly tags = new Map<string, Tags>();
  readonly calls: string[] = [];
  /** Thrown by the next call, as the SDK does once its retries run out. */
  failNext: Error | undefined;

  async describeTargetGroupAttributes(tgArn: string) {
    this.record(`DescribeTargetGroupAttributes ${tgArn}`);
    const a = this.attributes.get(tgArn);
    return a ? { ...a } : undefined;
  }
  async describeTargetHealth(tgArn: string) {
    this.record(`DescribeTargetHealth ${tgArn}`);
    if (!this.targetGroups.has(tgArn)) return undefined;
    return [...(this.health.get(tgArn) ?? [])];
  }
  async describeLoadBalancers() {
    this.record('DescribeLoadBalancers *');
    return [...this.loadBalancers.values()];
  }
  async describeTargetGroups(options: { loadBalancerArn?: string } = {}) {
    this.record(`DescribeTargetGroups ${options.loadBalancerArn ?? '*'}`);
    const all = [...this.targetGroups.values()];
    if (!options.loadBalancerArn) return all;
    if (!this.loadBalancers.has(options.loadBalancerArn)) return undefined;
    return all.filter((tg) => tg.loadBalancerArns.includes(options.loadBalancerArn as string));
  }
  async describeTargetGroup(tgArn: string) {
    this.record(`DescribeTargetGroups ${tgArn}`);
    return this.targetGroups.get(tgArn);
  }
  async describeTags(arns: readonly string[]) {
    this.record(`DescribeTags ${arns.length}`);
    const out = new Map<string, Tags>();
    for (const arn of arns) {
      const t = this.tags.get(arn);
      if (t) out.set(arn, t);
    }
    return out;
  }
  async setDeregistrationDelay(tgArn: string, seconds: number) {
    this.record(`ModifyTargetGroupAttributes ${tgArn}`);
    const a = this.attributes.get(tgArn);
    if (!a) return undefined;
    a['deregistration_delay.timeout_seconds'] = String(seconds);
    return { ...a };
  }

  /** Describe* calls only, the ones the per-event budget limits. */
  describeCalls(): string[] {
    return this.calls.filter((c) => c.startsWith('Describe'));
  }

  private record(call: string) {
    this.calls.push(call);
    const failure = this.failNext;
    if (failure) {
      this.failNext = undefined;
      throw failure;
    }
  }
}
