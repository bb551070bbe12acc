import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { ACCOUNT, type Actor } from './actors.ts';
import type { SeededRandom } from './seeded-random.ts';

/** One API call as CloudTrail records it (the part that differs from call to call). */
export interface TrailCall {
  readonly source: 'ec2' | 'elasticloadbalancing';
  readonly eventName: string;
  readonly actor: Actor;
  /** ISO-8601, whole seconds: CloudTrail's precision. */
  readonly time: string;
  readonly requestParameters: unknown;
  readonly responseElements: unknown;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

/** A PutEvents entry with what the delivery needs to know about it. */
export interface EmittedEvent {
  readonly entry: PutEventsRequestEntry;
  /** Event name or state, for the log. */
  readonly label: string;
  /** CloudTrail records arrive minutes late; state-change notifications within seconds. */
  readonly cloudTrail: boolean;
}

/**
 * The record CloudTrail writes for a call, wrapped the way EventBridge receives it
 * ("AWS API Call via CloudTrail"). Ids come from the engine's fixed-seed generator, so the
 * same scenario writes the same records whatever the chaos seed.
 */
export function cloudTrailEvent(call: TrailCall, region: string, ids: SeededRandom): EmittedEvent {
  const elb = call.source === 'elasticloadbalancing';
  const detail = {
    eventVersion: elb ? '1.11' : '1.10',
    userIdentity: call.actor.userIdentity,
    eventTime: call.time,
    eventSource: `${call.source}.amazonaws.com`,
    eventName: call.eventName,
    awsRegion: region,
    sourceIPAddress: call.actor.sourceIPAddress,
    userAgent: call.actor.userAgent,
    ...(call.errorCode ? { errorCode: call.errorCode, errorMessage: call.errorMessage } : {}),
    requestParameters: call.requestParameters,
    responseElements: call.errorCode ? null : call.responseElements,
    requestID: ids.uuid(),
    eventID: ids.uuid(),
    readOnly: false,
    eventType: 'AwsApiCall',
    ...(elb ? { apiVersion: '2015-12-01' } : {}),
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...call.actor.extra,
  };
  return {
    entry: {
      Source: `aws.${call.source}`,
      DetailType: 'AWS API Call via CloudTrail',
      Detail: JSON.stringify(detail),
      Time: new Date(call.time),
      Resources: [],
    },
    label: call.errorCode ? `${call.eventName} (${call.errorCode})` : call.eventName,
    cloudTrail: true,
  };
}

/** EC2's own notification of an instance state change: instance id and state, nothing more. */
export function stateChangeEvent(
  instanceId: string,
  state: string,
  time: string,
  region: string,
): EmittedEvent {
  return {
    entry: {
      Source: 'aws.ec2',
      DetailType: 'EC2 Instance State-change Notification',
      Detail: JSON.stringify({ 'instance-id': instanceId, state }),
      Time: new Date(time),
      Resources: [`arn:aws:ec2:${region}:${ACCOUNT}:instance/${instanceId}`],
    },
    label: `${instanceId} ${state}`,
    cloudTrail: false,
  };
}

/** EC2's query API as CloudTrail renders it: camelCase, lists wrapped in `...Set` objects. */
const EC2_LISTS: Record<string, readonly [name: string, wrapper: 'item' | 'items']> = {
  Instances: ['instancesSet', 'items'],
  Tags: ['tagSet', 'items'],
  TagSet: ['tagSet', 'items'],
  NetworkInterfaces: ['networkInterfaceSet', 'items'],
  PrivateIpAddresses: ['privateIpAddressesSet', 'item'],
  Groups: ['groupSet', 'items'],
  SecurityGroups: ['groupSet', 'items'],
  Ipv4Prefixes: ['ipv4PrefixSet', 'item'],
  Ipv6Addresses: ['ipv6AddressesSet', 'item'],
  ProductCodes: ['productCodes', 'items'],
  BlockDeviceMappings: ['blockDeviceMapping', 'items'],
};
const EC2_RENAMES: Record<string, string> = { State: 'instanceState' };

export function ec2Shape(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (Array.isArray(value)) return value.map(ec2Shape);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '$metadata' || v === undefined) continue;
    if (Array.isArray(v)) {
      const [name, wrapper] = EC2_LISTS[key] ?? [`${lowerFirst(key)}Set`, 'items'];
      out[name] = v.length === 0 ? {} : { [wrapper]: v.map(ec2Shape) };
    } else {
      out[EC2_RENAMES[key] ?? lowerFirst(key)] = ec2Shape(v);
    }
  }
  return out;
}

/**
 * ELBv2 records use the API's field names in camelCase (`dNSName`, `loadBalancerArn`), plain
 * arrays, and `createdTime` in Java's date format rather than ISO.
 */
export function elbShape(value: unknown): unknown {
  if (value instanceof Date) return javaDate(value);
  if (Array.isArray(value)) return value.map(elbShape);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '$metadata' || v === undefined) continue;
    out[lowerFirst(key)] = elbShape(v);
  }
  return out;
}

function lowerFirst(key: string): string {
  return key.charAt(0).toLowerCase() + key.slice(1);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Nov 21, 2026 10:03:30 AM`, as ELBv2's CloudTrail records write createdTime. */
export function javaDate(d: Date): string {
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}
