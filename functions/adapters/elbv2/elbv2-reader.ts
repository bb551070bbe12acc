import {
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  type ElasticLoadBalancingV2ClientConfig,
  type LoadBalancer as SdkLoadBalancer,
  type TargetGroup as SdkTargetGroup,
  type TargetHealthDescription as SdkTargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Elbv2Port } from '#core/targets/elbv2-port.ts';
import {
  classifyTargetId,
  LOAD_BALANCER_TYPES,
  type LoadBalancer,
  type LoadBalancerType,
  TARGET_TYPES,
  type Tags,
  type TargetGroup,
  type TargetHealthDescription,
  type TargetHealthState,
  type TargetRef,
  type TargetType,
} from '#core/targets/target-group.ts';

/**
 * ELBv2 adapter. Retries are the SDK's: the client passed in must be built with
 * `elbv2ClientConfig()` (or equivalent), so that Throttling and 5xx are retried with backoff and,
 * when retries run out, reject. Nothing here catches an error except "not found".
 */

/** ELBv2's Describe* calls share a low account-wide rate; the sweep makes many of them at once. */
export const ELBV2_MAX_ATTEMPTS = 6;

/** Options for the ElasticLoadBalancingV2Client that this adapter expects. */
export function elbv2ClientConfig(
  overrides: ElasticLoadBalancingV2ClientConfig = {},
): ElasticLoadBalancingV2ClientConfig {
  return { maxAttempts: ELBV2_MAX_ATTEMPTS, retryMode: 'standard', ...overrides };
}

/** DescribeTags accepts at most 20 ARNs per call. */
export const DESCRIBE_TAGS_BATCH = 20;
const PAGE_SIZE = 400;
const MAX_PAGES = 1000;

/** The API answered with a paging marker that would loop, or never stopped. */
export class Elbv2PagingError extends Error {
  override readonly name = 'Elbv2PagingError';
}

/** A reader without `withDelayRemediation` was asked to change a target group. */
export class Elbv2RemediationNotWiredError extends Error {
  override readonly name = 'Elbv2RemediationNotWiredError';
}

/** A value ELBv2 returned that netledger's domain types cannot hold. */
export class Elbv2ShapeError extends Error {
  override readonly name = 'Elbv2ShapeError';
}

const NOT_FOUND = new Set([
  'TargetGroupNotFoundException',
  'LoadBalancerNotFoundException',
  'ListenerNotFoundException',
  'RuleNotFoundException',
  // The query protocol's error codes, should an error arrive unmapped.
  'TargetGroupNotFound',
  'LoadBalancerNotFound',
  'ListenerNotFound',
  'RuleNotFound',
]);

export function isNotFound(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { Code?: unknown }).Code;
  return NOT_FOUND.has(err.name) || (typeof code === 'string' && NOT_FOUND.has(code));
}

export async function orUndefinedIfGone<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export function createElbv2Reader(client: ElasticLoadBalancingV2Client): Elbv2Port {
  async function allPages<T>(
    fetch: (marker: string | undefined) => Promise<{ items: T[]; next?: string | undefined }>,
  ) {
    const out: T[] = [];
    const seen = new Set<string>();
    let marker: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { items, next } = await fetch(marker);
      out.push(...items);
      if (!next) return out;
      if (seen.has(next)) throw new Elbv2PagingError(`paging marker repeated: ${next}`);
      seen.add(next);
      marker = next;
    }
    throw new Elbv2PagingError(`more than ${MAX_PAGES} pages`);
  }

  async function tagsOf(arns: readonly string[]): Promise<Map<string, Tags>> {
    const res = await client.send(new DescribeTagsCommand({ ResourceArns: [...arns] }));
    const out = new Map<string, Tags>();
    for (const d of res.TagDescriptions ?? []) {
      if (!d.ResourceArn) continue;
      const tags: Record<string, string> = {};
      for (const t of d.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
      out.set(d.ResourceArn, tags);
    }
    return out;
  }

  return {
    describeTargetGroupAttributes: (tgArn) =>
      orUndefinedIfGone(async () => {
        const res = await client.send(
          new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tgArn }),
        );
        return attributeMap(res.Attributes);
      }),

    describeTargetHealth: (tgArn) =>
      orUndefinedIfGone(async () => {
        const res = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
        return (res.TargetHealthDescriptions ?? []).map(toTargetHealth);
      }),

    describeLoadBalancers: () =>
      allPages(async (Marker) => {
        const res = await client.send(
          new DescribeLoadBalancersCommand({ Marker, PageSize: PAGE_SIZE }),
        );
        return { items: (res.LoadBalancers ?? []).map(toLoadBalancer), next: res.NextMarker };
      }),

    describeTargetGroups: (options = {}) =>
      orUndefinedIfGone(() =>
        allPages(async (Marker) => {
          const res = await client.send(
            new DescribeTargetGroupsCommand({
              Marker,
              PageSize: PAGE_SIZE,
              ...(options.loadBalancerArn ? { LoadBalancerArn: options.loadBalancerArn } : {}),
            }),
          );
          return { items: (res.TargetGroups ?? []).map(toTargetGroup), next: res.NextMarker };
        }),
      ),

    describeTargetGroup: (tgArn) =>
      orUndefinedIfGone(async () => {
        const res = await client.send(
          new DescribeTargetGroupsCommand({ TargetGroupArns: [tgArn] }),
        );
        const tg = res.TargetGroups?.[0];
        return tg ? toTargetGroup(tg) : undefined;
      }),

    async describeTags(arns) {
      const out = new Map<string, Tags>();
      const unique = [...new Set(arns)];
      for (let i = 0; i < unique.length; i += DESCRIBE_TAGS_BATCH) {
        const batch = unique.slice(i, i + DESCRIBE_TAGS_BATCH);
        // One deleted ARN fails its whole batch; then ask one by one so the others still count.
        const found = await orUndefinedIfGone(() => tagsOf(batch));
        if (found) {
          for (const [arn, tags] of found) out.set(arn, tags);
          continue;
        }
        for (const arn of batch) {
          const one = await orUndefinedIfGone(() => tagsOf([arn]));
          for (const [k, tags] of one ?? []) out.set(k, tags);
        }
      }
      return out;
    },

    // Remediation lives in elbv2-remediation.ts, so only the bundles that remediate (elb-activity,
    // sweep) carry ModifyTargetGroupAttributes, and only their roles are granted it.
    setDeregistrationDelay: (tgArn) =>
      Promise.reject(
        new Elbv2RemediationNotWiredError(
          `cannot set the deregistration delay of ${tgArn}: this function is not wired to modify target groups`,
        ),
      ),
  };
}

export function attributeMap(
  attributes: { Key?: string | undefined; Value?: string | undefined }[] | undefined,
) {
  const out: Record<string, string> = {};
  for (const a of attributes ?? []) if (a.Key) out[a.Key] = a.Value ?? '';
  return out;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === null || value === '') {
    throw new Elbv2ShapeError(`ELBv2 returned no ${what}`);
  }
  return value;
}

function toLoadBalancer(lb: SdkLoadBalancer): LoadBalancer {
  const type = lb.Type as LoadBalancerType | undefined;
  if (!type || !LOAD_BALANCER_TYPES.includes(type)) {
    throw new Elbv2ShapeError(`unknown load balancer type ${String(lb.Type)}`);
  }
  return {
    arn: required(lb.LoadBalancerArn, 'LoadBalancerArn'),
    name: required(lb.LoadBalancerName, 'LoadBalancerName'),
    type,
    scheme: lb.Scheme ?? 'internet-facing',
    dnsName: required(lb.DNSName, 'DNSName'),
    canonicalHostedZoneId: required(lb.CanonicalHostedZoneId, 'CanonicalHostedZoneId'),
    vpcId: required(lb.VpcId, 'VpcId'),
    ...(lb.IpAddressType ? { ipAddressType: lb.IpAddressType } : {}),
    ...(lb.CreatedTime ? { createdAt: lb.CreatedTime.toISOString() } : {}),
    ...(lb.State?.Code ? { state: lb.State.Code } : {}),
    availabilityZones: (lb.AvailabilityZones ?? []).flatMap((az) =>
      az.ZoneName
        ? [{ zoneName: az.ZoneName, ...(az.SubnetId ? { subnetId: az.SubnetId } : {}) }]
        : [],
    ),
  };
}

function toTargetGroup(tg: SdkTargetGroup): TargetGroup {
  const targetType = (tg.TargetType ?? 'instance') as TargetType;
  if (!TARGET_TYPES.includes(targetType)) {
    throw new Elbv2ShapeError(`unknown target type ${String(tg.TargetType)}`);
  }
  return {
    arn: required(tg.TargetGroupArn, 'TargetGroupArn'),
    name: required(tg.TargetGroupName, 'TargetGroupName'),
    targetType,
    ...(tg.Protocol ? { protocol: tg.Protocol } : {}),
    ...(tg.Port !== undefined ? { port: tg.Port } : {}),
    ...(tg.VpcId ? { vpcId: tg.VpcId } : {}),
    loadBalancerArns: tg.LoadBalancerArns ?? [],
  };
}

function toTargetHealth(d: SdkTargetHealthDescription): TargetHealthDescription {
  const id = required(d.Target?.Id, 'Target.Id');
  const kind = classifyTargetId(id);
  if (!kind) throw new Elbv2ShapeError(`unrecognised target id ${id}`);
  const target = {
    ...kind,
    ...(d.Target?.Port !== undefined ? { port: d.Target.Port } : {}),
    ...(d.Target?.AvailabilityZone ? { az: d.Target.AvailabilityZone } : {}),
  } as TargetRef;
  return {
    target,
    state: (d.TargetHealth?.State ?? 'unavailable') as TargetHealthState,
    ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
    ...(d.TargetHealth?.Description ? { description: d.TargetHealth.Description } : {}),
    ...(d.HealthCheckPort ? { healthCheckPort: d.HealthCheckPort } : {}),
  };
}
