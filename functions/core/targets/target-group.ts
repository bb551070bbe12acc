import ipaddr from 'ipaddr.js';

/**
 * Domain vocabulary for ELBv2 load balancers, target groups and their targets, shared by the
 * CloudTrail parser (elb-event), the decisions (stale-target, deregistration-delay) and the
 * ELBv2 port. Field names are ours, not the API's: adapters translate.
 */

export type TargetType = 'ip' | 'instance' | 'lambda' | 'alb';
export const TARGET_TYPES: readonly TargetType[] = ['ip', 'instance', 'lambda', 'alb'];

export type LoadBalancerType = 'application' | 'network' | 'gateway';
export const LOAD_BALANCER_TYPES: readonly LoadBalancerType[] = [
  'application',
  'network',
  'gateway',
];

export type Tags = Readonly<Record<string, string>>;

/** A target as ELBv2 names it: a pod/host IP, an EC2 instance, or a Lambda/ALB ARN. */
export type TargetRef =
  | { readonly type: 'ip'; readonly ip: string; readonly port?: number; readonly az?: string }
  | {
      readonly type: 'instance';
      readonly instanceId: string;
      readonly port?: number;
      readonly az?: string;
    }
  | { readonly type: 'arn'; readonly arn: string; readonly port?: number; readonly az?: string };

export interface TargetGroup {
  readonly arn: string;
  readonly name: string;
  readonly targetType: TargetType;
  /** Absent for Lambda target groups. */
  readonly protocol?: string;
  readonly port?: number;
  readonly vpcId?: string;
  readonly loadBalancerArns: readonly string[];
}

export interface LoadBalancerZone {
  readonly zoneName: string;
  readonly subnetId?: string;
}

export interface LoadBalancer {
  readonly arn: string;
  readonly name: string;
  readonly type: LoadBalancerType;
  readonly scheme: string;
  readonly dnsName: string;
  readonly canonicalHostedZoneId: string;
  readonly vpcId: string;
  readonly ipAddressType?: string;
  /** ISO 8601. */
  readonly createdAt?: string;
  readonly state?: string;
  readonly availabilityZones: readonly LoadBalancerZone[];
}

export type TargetHealthState =
  | 'initial'
  | 'healthy'
  | 'unhealthy'
  | 'unhealthy.draining'
  | 'unused'
  | 'draining'
  | 'unavailable';

export interface TargetHealthDescription {
  readonly target: TargetRef;
  readonly state: TargetHealthState;
  readonly reason?: string;
  readonly description?: string;
  readonly healthCheckPort?: string;
}

/** Tags the AWS Load Balancer Controller puts on everything it creates. */
export const LBC_TAGS = {
  cluster: 'elbv2.k8s.aws/cluster',
  serviceStack: 'service.k8s.aws/stack',
  serviceResource: 'service.k8s.aws/resource',
  ingressStack: 'ingress.k8s.aws/stack',
  ingressResource: 'ingress.k8s.aws/resource',
} as const;

/** `namespace/name` of the Service (or Ingress group) that owns an LBC-made resource. */
export function stackOf(tags: Tags): string | undefined {
  return tags[LBC_TAGS.serviceStack] ?? tags[LBC_TAGS.ingressStack];
}

export function clusterOf(tags: Tags): string | undefined {
  return tags[LBC_TAGS.cluster];
}

/**
 * What kind of id a RegisterTargets/DeregisterTargets record carries. The API gives only a string;
 * the target group's type decides its meaning, but the form is unambiguous, so the parser need not
 * know the target group. Returns undefined for anything that is none of the three.
 */
export function classifyTargetId(
  id: string,
):
  | { type: 'ip'; ip: string }
  | { type: 'instance'; instanceId: string }
  | { type: 'arn'; arn: string }
  | undefined {
  if (/^i-[0-9a-f]{8,17}$/.test(id)) return { type: 'instance', instanceId: id };
  if (id.startsWith('arn:')) return { type: 'arn', arn: id };
  // isValidFourPartDecimal rejects forms like "10.1" or "0x0a.0.0.1" that ipaddr.isValid accepts.
  if (ipaddr.IPv4.isValidFourPartDecimal(id) || ipaddr.IPv6.isValid(id))
    return { type: 'ip', ip: id };
  return undefined;
}

/** Stable identity of one IP target in a target group, as used for alert subjects and ledger keys. */
export function ipTargetKey(tgArn: string, ip: string, port: number): string {
  return `${tgArn}|${ip}:${port}`;
}

/** `targetgroup/<name>/<id>` is the last part of a target group ARN; the name is handy in messages. */
export function targetGroupNameFromArn(arn: string): string | undefined {
  const m = /:targetgroup\/([^/]+)\//.exec(arn);
  return m?.[1];
}
