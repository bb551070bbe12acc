import * as z from 'zod';
import {
  type CloudTrailDetail,
  describeIssue,
  type IgnoreCode,
  type Ignored,
  ignored,
  type ParseResult,
  parseCloudTrail,
  parsed,
  parseEnvelope,
} from '#core/events/event-envelope.ts';
import {
  DEREGISTRATION_DELAY_ATTRIBUTE,
  parseDelaySeconds,
} from '#core/targets/deregistration-delay.ts';
import {
  classifyTargetId,
  LOAD_BALANCER_TYPES,
  type LoadBalancerType,
  type LoadBalancerZone,
  TARGET_TYPES,
  type Tags,
  type TargetRef,
  type TargetType,
} from '#core/targets/target-group.ts';

/**
 * CloudTrail records of ELBv2 API calls, as EventBridge delivers them ("AWS API Call via
 * CloudTrail"), turned into domain changes. Schemas validate only what we use and let every other
 * field through, because CloudTrail adds fields over time (eventVersion 1.08 -> 1.11 added several).
 */

export const ELB_EVENT_NAMES = [
  'RegisterTargets',
  'DeregisterTargets',
  'CreateTargetGroup',
  'DeleteTargetGroup',
  'ModifyTargetGroupAttributes',
  'CreateLoadBalancer',
  'DeleteLoadBalancer',
  'AddTags',
  'RemoveTags',
] as const;
export type ElbEventName = (typeof ELB_EVENT_NAMES)[number];

// ---------------------------------------------------------------------------------------------
// Output: the normalised changes

/** Who made the call, from `userIdentity` and `userAgent`. */
export interface Actor {
  /** CloudTrail's userIdentity.type: IAMUser, AssumedRole, Root, AWSService, ... */
  readonly type: string;
  readonly arn?: string;
  readonly principalId?: string;
  /** IAM user name, or the role session name of an assumed role (e.g. an SSO user's name). */
  readonly userName?: string;
  /** The role behind an assumed-role session. */
  readonly roleName?: string;
  readonly userAgent?: string;
  /** How the call was made: the AWS Load Balancer Controller, the console, or any other API client. */
  readonly via: 'aws-load-balancer-controller' | 'console' | 'api';
  /** One line for messages, e.g. "alice (IAMUser, console)". */
  readonly label: string;
}

export interface ElbChangeMeta {
  readonly eventId: string;
  /** ISO 8601, when the API call happened (not when EventBridge delivered it). */
  readonly eventTime: string;
  readonly region: string;
  readonly account: string;
  readonly actor: Actor;
}

export interface TargetsRegistered extends ElbChangeMeta {
  readonly kind: 'targets-registered';
  readonly tgArn: string;
  readonly targets: readonly TargetRef[];
}

export interface TargetsDeregistered extends ElbChangeMeta {
  readonly kind: 'targets-deregistered';
  readonly tgArn: string;
  readonly targets: readonly TargetRef[];
}

export interface TargetGroupCreated extends ElbChangeMeta {
  readonly kind: 'target-group-created';
  readonly arn: string;
  readonly name: string;
  readonly targetType: TargetType;
  /** Absent for Lambda target groups, like port and vpcId. */
  readonly protocol?: string;
  readonly port?: number;
  readonly vpcId?: string;
  /** Usually empty at creation: a listener or rule attaches the target group later. */
  readonly lbArns?: readonly string[];
  readonly tags: Tags;
}

export interface TargetGroupDeleted extends ElbChangeMeta {
  readonly kind: 'target-group-deleted';
  readonly arn: string;
}

export interface TargetGroupAttributesModified extends ElbChangeMeta {
  readonly kind: 'target-group-attributes-modified';
  readonly arn: string;
  /** The attributes the caller asked to change. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Every attribute after the change, when the response carried them. */
  readonly resultingAttributes?: Readonly<Record<string, string>>;
}

export interface LoadBalancerCreated extends ElbChangeMeta {
  readonly kind: 'load-balancer-created';
  readonly arn: string;
  readonly name: string;
  readonly type: LoadBalancerType;
  readonly dnsName: string;
  readonly canonicalHostedZoneId: string;
  readonly ipAddressType?: string;
  readonly vpcId: string;
  readonly scheme: string;
  /** ISO 8601, parsed from CloudTrail's "Nov 21, 2026 10:01:02 AM"; the event time if unreadable. */
  readonly createdAt: string;
  readonly availabilityZones: readonly LoadBalancerZone[];
  readonly tags: Tags;
}

export interface LoadBalancerDeleted extends ElbChangeMeta {
  readonly kind: 'load-balancer-deleted';
  readonly arn: string;
}

export interface TagsAdded extends ElbChangeMeta {
  readonly kind: 'tags-added';
  readonly arns: readonly string[];
  readonly tags: Tags;
}

export interface TagsRemoved extends ElbChangeMeta {
  readonly kind: 'tags-removed';
  readonly arns: readonly string[];
  readonly keys: readonly string[];
}

export type ElbChange =
  | TargetsRegistered
  | TargetsDeregistered
  | TargetGroupCreated
  | TargetGroupDeleted
  | TargetGroupAttributesModified
  | LoadBalancerCreated
  | LoadBalancerDeleted
  | TagsAdded
  | TagsRemoved;
export type ElbChangeKind = ElbChange['kind'];

export type { IgnoreCode, Ignored };

// ---------------------------------------------------------------------------------------------
// Input schemas

const ElbArn = z.string().regex(/^arn:aws[a-z-]*:elasticloadbalancing:/, 'expected an ELB ARN');

// The API allows an empty tag value, and CloudTrail then may leave `value` out.
const KeyValue = z.object({ key: z.string().min(1), value: z.string().optional() });

const TargetDescription = z.object({
  id: z.string().refine((id) => classifyTargetId(id) !== undefined, {
    message: 'expected an IP address, an instance id or an ARN',
  }),
  port: z.number().int().min(1).max(65535).optional(),
  availabilityZone: z.string().optional(),
});

const SessionIssuer = z.object({
  type: z.string().optional(),
  arn: z.string().optional(),
  userName: z.string().optional(),
});

const UserIdentity = z.object({
  type: z.string().optional(),
  principalId: z.string().optional(),
  arn: z.string().optional(),
  accountId: z.string().optional(),
  userName: z.string().optional(),
  invokedBy: z.string().optional(),
  sessionContext: z.object({ sessionIssuer: SessionIssuer.optional() }).optional(),
});

const Targets = z.object({ targetGroupArn: ElbArn, targets: z.array(TargetDescription).min(1) });
const TargetGroupArnOnly = z.object({ targetGroupArn: ElbArn });
const LoadBalancerArnOnly = z.object({ loadBalancerArn: ElbArn });

const CreateTargetGroupRequest = z.object({
  name: z.string().min(1),
  targetType: z.enum(TARGET_TYPES).optional(),
  protocol: z.string().optional(),
  port: z.number().int().optional(),
  vpcId: z.string().optional(),
  tags: z.array(KeyValue).optional(),
});
const CreateTargetGroupResponse = z.object({
  targetGroups: z
    .array(
      z.object({
        targetGroupArn: ElbArn,
        targetGroupName: z.string().min(1),
        targetType: z.enum(TARGET_TYPES).optional(),
        protocol: z.string().optional(),
        port: z.number().int().optional(),
        vpcId: z.string().optional(),
        loadBalancerArns: z.array(ElbArn).optional(),
      }),
    )
    .min(1),
});

const ModifyAttributesRequest = z.object({
  targetGroupArn: ElbArn,
  attributes: z.array(KeyValue).min(1),
});
const ModifyAttributesResponse = z.object({ attributes: z.array(KeyValue) }).nullish();

const CreateLoadBalancerRequest = z.object({ tags: z.array(KeyValue).optional() }).nullish();
const CreateLoadBalancerResponse = z.object({
  loadBalancers: z
    .array(
      z.object({
        loadBalancerArn: ElbArn,
        loadBalancerName: z.string().min(1),
        dNSName: z.string().min(1),
        canonicalHostedZoneId: z.string().min(1),
        createdTime: z.string().optional(),
        scheme: z.string().min(1),
        vpcId: z.string().min(1),
        type: z.enum(LOAD_BALANCER_TYPES),
        ipAddressType: z.string().optional(),
        availabilityZones: z
          .array(z.object({ zoneName: z.string(), subnetId: z.string().optional() }))
          .optional(),
      }),
    )
    .min(1),
});

const AddTagsRequest = z.object({
  resourceArns: z.array(ElbArn).min(1),
  tags: z.array(KeyValue).min(1),
});
const RemoveTagsRequest = z.object({
  resourceArns: z.array(ElbArn).min(1),
  tagKeys: z.array(z.string().min(1)).min(1),
});

// ---------------------------------------------------------------------------------------------
// Parsing

type Body = { requestParameters: unknown; responseElements: unknown };

/** Parse one EventBridge event (object or JSON text) into a change, or say why it is ignored. */
export function parseElbEvent(raw: unknown): ParseResult<ElbChange> {
  const envelope = parseEnvelope(raw, 'aws.elasticloadbalancing');
  if (!envelope.ok) return envelope;
  const trail = parseCloudTrail(envelope.value, 'elasticloadbalancing.amazonaws.com');
  if (!trail.ok) return trail;
  const detail = trail.value;
  const ids = { eventId: detail.eventID, eventName: detail.eventName };
  // Classic Load Balancers share the event source and some event names (CreateLoadBalancer, AddTags).
  if (detail.apiVersion === '2012-06-01') {
    return ignored(
      'classic-elb',
      `${detail.eventName} is a Classic Load Balancer call (apiVersion 2012-06-01)`,
      ids,
    );
  }
  if (!isElbEventName(detail.eventName)) {
    return ignored(
      'unsupported-event',
      `${detail.eventName} is not an ELB event netledger follows`,
      ids,
    );
  }
  const identity = UserIdentity.optional().safeParse(detail.userIdentity);
  if (!identity.success) {
    return ignored('malformed', describeIssue(identity.error, 'detail.userIdentity'), ids);
  }
  const meta: ElbChangeMeta = {
    eventId: detail.eventID,
    eventTime: new Date(detail.eventTime).toISOString(),
    region: detail.awsRegion ?? envelope.value.region,
    account: detail.recipientAccountId ?? envelope.value.account,
    actor: actorOf(detail, identity.data ?? {}),
  };
  const body: Body = {
    requestParameters: detail.requestParameters,
    responseElements: detail.responseElements,
  };
  const result = normalise(detail.eventName, meta, body);
  return result.ok ? result : { ...result, ...ids };
}

export function isElbEventName(name: string): name is ElbEventName {
  return (ELB_EVENT_NAMES as readonly string[]).includes(name);
}

function normalise(name: ElbEventName, meta: ElbChangeMeta, body: Body): ParseResult<ElbChange> {
  switch (name) {
    case 'RegisterTargets':
    case 'DeregisterTargets':
      return withRequest(Targets, body, (req) => ({
        ...meta,
        kind: name === 'RegisterTargets' ? 'targets-registered' : 'targets-deregistered',
        tgArn: req.targetGroupArn,
        targets: req.targets.map(toTargetRef),
      }));
    case 'CreateTargetGroup':
      return withBoth(CreateTargetGroupRequest, CreateTargetGroupResponse, body, (req, res) => {
        // A CreateTargetGroup call creates exactly one; the response is a list by API shape only.
        const tg = res.targetGroups[0] as (typeof res.targetGroups)[number];
        return {
          ...meta,
          kind: 'target-group-created',
          arn: tg.targetGroupArn,
          name: tg.targetGroupName,
          // The API's own default when the caller leaves TargetType out.
          targetType: tg.targetType ?? req.targetType ?? 'instance',
          ...defined({
            protocol: tg.protocol ?? req.protocol,
            port: tg.port ?? req.port,
            vpcId: tg.vpcId ?? req.vpcId,
            lbArns: tg.loadBalancerArns,
          }),
          tags: toRecord(req.tags ?? []),
        };
      });
    case 'DeleteTargetGroup':
      return withRequest(TargetGroupArnOnly, body, (req) => ({
        ...meta,
        kind: 'target-group-deleted',
        arn: req.targetGroupArn,
      }));
    case 'ModifyTargetGroupAttributes':
      return withBoth(ModifyAttributesRequest, ModifyAttributesResponse, body, (req, res) => {
        const attributes = toRecord(req.attributes);
        const resulting = res ? toRecord(res.attributes) : undefined;
        // AWS refuses a delay outside 0-3600 s, so a record that claims one was not AWS's.
        for (const [where, set] of [
          ['requestParameters', attributes],
          ['responseElements', resulting],
        ] as const) {
          const delay = set?.[DEREGISTRATION_DELAY_ATTRIBUTE];
          const seconds = delay === undefined ? undefined : parseDelaySeconds(delay);
          if (seconds && !seconds.ok) {
            return ignored(
              'malformed',
              `detail.${where} ${DEREGISTRATION_DELAY_ATTRIBUTE}: ${seconds.problem}`,
            );
          }
        }
        return {
          ...meta,
          kind: 'target-group-attributes-modified',
          arn: req.targetGroupArn,
          attributes,
          ...(resulting ? { resultingAttributes: resulting } : {}),
        };
      });
    case 'CreateLoadBalancer':
      return withBoth(CreateLoadBalancerRequest, CreateLoadBalancerResponse, body, (req, res) => {
        const lb = res.loadBalancers[0] as (typeof res.loadBalancers)[number];
        return {
          ...meta,
          kind: 'load-balancer-created',
          arn: lb.loadBalancerArn,
          name: lb.loadBalancerName,
          type: lb.type,
          dnsName: lb.dNSName,
          canonicalHostedZoneId: lb.canonicalHostedZoneId,
          ...defined({ ipAddressType: lb.ipAddressType }),
          vpcId: lb.vpcId,
          scheme: lb.scheme,
          createdAt: (lb.createdTime && parseCloudTrailTime(lb.createdTime)) || meta.eventTime,
          availabilityZones: (lb.availabilityZones ?? []).map((az) => ({
            zoneName: az.zoneName,
            ...defined({ subnetId: az.subnetId }),
          })),
          tags: toRecord(req?.tags ?? []),
        };
      });
    case 'DeleteLoadBalancer':
      return withRequest(LoadBalancerArnOnly, body, (req) => ({
        ...meta,
        kind: 'load-balancer-deleted',
        arn: req.loadBalancerArn,
      }));
    case 'AddTags':
      return withRequest(AddTagsRequest, body, (req) => ({
        ...meta,
        kind: 'tags-added',
        arns: req.resourceArns,
        tags: toRecord(req.tags),
      }));
    case 'RemoveTags':
      return withRequest(RemoveTagsRequest, body, (req) => ({
        ...meta,
        kind: 'tags-removed',
        arns: req.resourceArns,
        keys: req.tagKeys,
      }));
  }
}

function withRequest<Req>(
  schema: z.ZodType<Req>,
  body: Body,
  build: (req: Req) => ElbChange,
): ParseResult<ElbChange> {
  const req = schema.safeParse(body.requestParameters);
  if (!req.success)
    return ignored('malformed', describeIssue(req.error, 'detail.requestParameters'));
  return parsed(build(req.data));
}

function withBoth<Req, Res>(
  reqSchema: z.ZodType<Req>,
  resSchema: z.ZodType<Res>,
  body: Body,
  build: (req: Req, res: Res) => ElbChange | Ignored,
): ParseResult<ElbChange> {
  const req = reqSchema.safeParse(body.requestParameters);
  if (!req.success)
    return ignored('malformed', describeIssue(req.error, 'detail.requestParameters'));
  const res = resSchema.safeParse(body.responseElements);
  if (!res.success)
    return ignored('malformed', describeIssue(res.error, 'detail.responseElements'));
  const built = build(req.data, res.data);
  return 'ok' in built && built.ok === false ? built : parsed(built as ElbChange);
}

function toTargetRef(t: z.infer<typeof TargetDescription>): TargetRef {
  // The schema's refine guarantees a classification.
  const id = classifyTargetId(t.id) as NonNullable<ReturnType<typeof classifyTargetId>>;
  return { ...id, ...defined({ port: t.port, az: t.availabilityZone }) };
}

function toRecord(pairs: readonly { key: string; value?: string | undefined }[]): Tags {
  const out: Record<string, string> = {};
  for (const { key, value } of pairs) out[key] = value ?? '';
  return out;
}

/** Drop undefined members so optional fields are absent rather than present-and-undefined. */
function defined<T extends Record<string, unknown>>(
  o: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}

function actorOf(detail: CloudTrailDetail, id: z.infer<typeof UserIdentity>): Actor {
  const type = id.type ?? 'Unknown';
  const roleName = id.sessionContext?.sessionIssuer?.userName;
  // For an assumed role the arn ends in the session name, which for SSO and console users is the person.
  const sessionName =
    type === 'AssumedRole' && id.arn ? id.arn.slice(id.arn.lastIndexOf('/') + 1) : undefined;
  const userName = id.userName ?? sessionName;
  const userAgent = detail.userAgent;
  const via: Actor['via'] = userAgent?.includes('elbv2.k8s.aws/')
    ? 'aws-load-balancer-controller'
    : String(detail.sessionCredentialFromConsole) === 'true' ||
        /(^|[\s[])(console\.|[A-Za-z0-9]*Console\/)/.test(userAgent ?? '')
      ? 'console'
      : 'api';
  const who =
    via === 'aws-load-balancer-controller'
      ? `aws-load-balancer-controller${roleName ? ` (role ${roleName})` : ''}`
      : `${userName ?? id.invokedBy ?? id.principalId ?? 'unknown'} (${type}${roleName && type === 'AssumedRole' ? ` ${roleName}` : ''}, ${via})`;
  return {
    type,
    ...defined({ arn: id.arn, principalId: id.principalId, userName, roleName, userAgent }),
    via,
    label: who,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * CloudTrail renders ELBv2 timestamps inside request/response bodies the way Java's default date
 * format does ("Nov 21, 2026 10:01:02 AM", in UTC), not as ISO 8601. Newer JDKs put a narrow
 * no-break space before AM/PM, hence `\s`. Returns ISO 8601, or undefined when unreadable.
 */
export function parseCloudTrailTime(text: string): string | undefined {
  const m = /^([A-Z][a-z]{2}) (\d{1,2}), (\d{4}),? (\d{1,2}):(\d{2}):(\d{2})\s*(AM|PM)$/.exec(
    text.trim(),
  );
  if (!m) {
    const iso = Date.parse(text);
    return /^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(iso)
      ? new Date(iso).toISOString()
      : undefined;
  }
  const [, mon, day, year, hour, minute, second, half] = m;
  const month = MONTHS.indexOf(mon as string);
  const h12 = Number(hour);
  if (month < 0 || h12 < 1 || h12 > 12) return undefined;
  const h24 = (h12 % 12) + (half === 'PM' ? 12 : 0);
  const ms = Date.UTC(Number(year), month, Number(day), h24, Number(minute), Number(second));
  const date = new Date(ms);
  // Reject rollovers such as "Feb 30".
  if (date.getUTCDate() !== Number(day) || date.getUTCMonth() !== month) return undefined;
  return date.toISOString();
}
