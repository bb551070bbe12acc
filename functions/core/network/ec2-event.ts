import * as z from 'zod';
import {
  type CloudTrailDetail,
  describeIssue,
  type EventStamp,
  ignored,
  type ParseResult,
  parseCloudTrail,
  parseEnvelope,
  setItems,
} from '#core/events/event-envelope.ts';
import { instanceCluster } from '#core/network/eni-classify.ts';
import type { EniFacts, InstanceFacts, InstanceState } from '#core/network/network.ts';

export const INSTANCE_STATE_DETAIL_TYPE = 'EC2 Instance State-change Notification';

export const ENI_EVENT_NAMES = [
  'RunInstances',
  'CreateNetworkInterface',
  'AttachNetworkInterface',
  'DetachNetworkInterface',
  'DeleteNetworkInterface',
  'AssignPrivateIpAddresses',
  'UnassignPrivateIpAddresses',
] as const;

/** What an EC2 event says changed, independent of how AWS spelled it. */
export type Ec2Change =
  | { type: 'instance-state'; instanceId: string; state: InstanceState }
  | { type: 'instances-launched'; instances: InstanceFacts[]; enis: EniFacts[] }
  | { type: 'eni-created'; eni: EniFacts }
  | {
      type: 'eni-attached';
      eniId: string;
      instanceId: string;
      deviceIndex?: number;
      attachmentId?: string;
      networkCardIndex?: number;
    }
  | { type: 'eni-detached'; attachmentId: string }
  | { type: 'eni-deleted'; eniId: string }
  /** `ips`/`prefixes` are what the record names; `complete` is false when it names fewer than it assigned. */
  | {
      type: 'addresses-assigned';
      eniId: string;
      ips: string[];
      prefixes: string[];
      complete: boolean;
    }
  | { type: 'addresses-unassigned'; eniId: string; ips: string[]; prefixes: string[] };

export interface Ec2Event {
  readonly stamp: EventStamp;
  readonly name: string;
  readonly change: Ec2Change;
}

const INSTANCE_STATES = [
  'pending',
  'running',
  'stopping',
  'stopped',
  'shutting-down',
  'terminated',
] as const;

const StateChangeDetail = z.looseObject({
  'instance-id': z.string().regex(/^i-[0-9a-f]+$/, 'not an instance id'),
  state: z.enum(INSTANCE_STATES),
});

const str = z.string().min(1);
const optStr = z.string().optional();
const optInt = z.coerce.number().int().nonnegative().optional();

const EniId = z.string().regex(/^eni-[0-9a-f]+$/, 'not an ENI id');
const Ipv4 = z.ipv4();
const Ipv4Cidr = z.cidrv4();

const TagItem = z.looseObject({ key: str, value: z.string().default('') });

const NetworkInterfaceElement = z.looseObject({
  networkInterfaceId: EniId,
  subnetId: str,
  vpcId: str,
  availabilityZone: optStr,
  description: z.string().default(''),
  interfaceType: optStr,
  privateIpAddress: Ipv4.optional(),
  privateIpAddressesSet: z.unknown().optional(),
  ipv4PrefixSet: z.unknown().optional(),
  tagSet: z.unknown().optional(),
  attachment: z
    .looseObject({
      attachmentId: optStr,
      instanceId: optStr,
      deviceIndex: optInt,
      networkCardIndex: optInt,
    })
    .optional(),
});

const PrivateIpItem = z.looseObject({
  privateIpAddress: Ipv4,
  primary: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
});
const PrefixItem = z.looseObject({ ipv4Prefix: Ipv4Cidr });

/** Parses an EventBridge event for the instance-state and eni-activity rules. */
export function parseEc2Event(raw: unknown): ParseResult<Ec2Event> {
  const envelope = parseEnvelope(raw, 'aws.ec2');
  if (!envelope.ok) return envelope;
  const event = envelope.value;

  if (event['detail-type'] === INSTANCE_STATE_DETAIL_TYPE) {
    const detail = StateChangeDetail.safeParse(event.detail);
    if (!detail.success)
      return ignored('malformed', `malformed state-change detail: ${describeIssue(detail.error)}`);
    return ok({ eventId: event.id, eventTime: normaliseTime(event.time) }, 'InstanceStateChange', {
      type: 'instance-state',
      instanceId: detail.data['instance-id'],
      state: detail.data.state,
    });
  }

  const trail = parseCloudTrail(event, 'ec2.amazonaws.com');
  if (!trail.ok) return trail;
  const detail = trail.value;
  const stamp = { eventId: detail.eventID, eventTime: normaliseTime(detail.eventTime) };
  try {
    const change = changeOf(detail);
    if (!change.ok) return { ...change, eventId: detail.eventID, eventName: detail.eventName };
    return ok(stamp, detail.eventName, change.value);
  } catch (error) {
    if (error instanceof z.ZodError) {
      return ignored(
        'malformed',
        `malformed ${detail.eventName} record ${detail.eventID}: ${describeIssue(error)}`,
        { eventId: detail.eventID, eventName: detail.eventName },
      );
    }
    throw error;
  }
}

function ok(stamp: EventStamp, name: string, change: Ec2Change): ParseResult<Ec2Event> {
  return { ok: true, value: { stamp, name, change } };
}

/** Both sources carry second precision in UTC; one canonical form keeps stamps comparable as strings. */
export function normaliseTime(time: string): string {
  return new Date(time).toISOString();
}

function changeOf(detail: CloudTrailDetail): ParseResult<Ec2Change> {
  const req = (detail.requestParameters ?? {}) as Record<string, unknown>;
  const res = (detail.responseElements ?? {}) as Record<string, unknown>;
  switch (detail.eventName) {
    case 'RunInstances':
      return { ok: true, value: launched(res) };
    case 'CreateNetworkInterface': {
      const element = res.networkInterface;
      if (!element)
        return ignored(
          'malformed',
          `CreateNetworkInterface ${detail.eventID} has no responseElements.networkInterface`,
        );
      return { ok: true, value: { type: 'eni-created', eni: eniFromElement(element) } };
    }
    case 'AttachNetworkInterface': {
      const p = z
        .looseObject({
          networkInterfaceId: EniId,
          instanceId: str,
          deviceIndex: optInt,
          networkCardIndex: optInt,
        })
        .parse(req);
      const r = z.looseObject({ attachmentId: optStr, networkCardIndex: optInt }).parse(res);
      return {
        ok: true,
        value: {
          type: 'eni-attached',
          eniId: p.networkInterfaceId,
          instanceId: p.instanceId,
          ...(p.deviceIndex !== undefined ? { deviceIndex: p.deviceIndex } : {}),
          ...(r.attachmentId ? { attachmentId: r.attachmentId } : {}),
          ...((r.networkCardIndex ?? p.networkCardIndex) !== undefined
            ? { networkCardIndex: r.networkCardIndex ?? p.networkCardIndex }
            : {}),
        },
      };
    }
    case 'DetachNetworkInterface': {
      const p = z.looseObject({ attachmentId: str }).parse(req);
      return { ok: true, value: { type: 'eni-detached', attachmentId: p.attachmentId } };
    }
    case 'DeleteNetworkInterface': {
      const p = z.looseObject({ networkInterfaceId: EniId }).parse(req);
      return { ok: true, value: { type: 'eni-deleted', eniId: p.networkInterfaceId } };
    }
    case 'AssignPrivateIpAddresses':
      return { ok: true, value: assigned(req, res) };
    case 'UnassignPrivateIpAddresses': {
      const p = z.looseObject({ networkInterfaceId: EniId }).parse(req);
      return {
        ok: true,
        value: {
          type: 'addresses-unassigned',
          eniId: p.networkInterfaceId,
          ips: ipsOf(req.privateIpAddressesSet),
          prefixes: prefixesOf(req.ipv4PrefixesSet ?? req.ipv4PrefixSet),
        },
      };
    }
    default:
      return ignored('unsupported-event', `eventName ${detail.eventName} is not tracked`);
  }
}

function assigned(req: Record<string, unknown>, res: Record<string, unknown>): Ec2Change {
  const p = z
    .looseObject({
      networkInterfaceId: EniId,
      secondaryPrivateIpAddressCount: optInt,
      ipv4PrefixCount: optInt,
    })
    .parse(req);
  // The response lists what EC2 assigned; older records only echo the request.
  const ips = unique([
    ...ipsOf(res.assignedPrivateIpAddressesSet),
    ...ipsOf(req.privateIpAddressesSet),
  ]);
  const prefixes = unique([
    ...prefixesOf(res.assignedIpv4PrefixSet),
    ...prefixesOf(req.ipv4PrefixSet ?? req.ipv4PrefixesSet),
  ]);
  const wantedIps = Math.max(p.secondaryPrivateIpAddressCount ?? 0, ips.length);
  const wantedPrefixes = Math.max(p.ipv4PrefixCount ?? 0, prefixes.length);
  return {
    type: 'addresses-assigned',
    eniId: p.networkInterfaceId,
    ips,
    prefixes,
    complete: ips.length === wantedIps && prefixes.length === wantedPrefixes,
  };
}

function launched(res: Record<string, unknown>): Ec2Change {
  const instances: InstanceFacts[] = [];
  const enis: EniFacts[] = [];
  for (const item of setItems(res.instancesSet)) {
    const i = z
      .looseObject({
        instanceId: z.string().regex(/^i-[0-9a-f]+$/, 'not an instance id'),
        instanceType: optStr,
        placement: z.looseObject({ availabilityZone: optStr }).optional(),
        subnetId: optStr,
        vpcId: optStr,
        privateIpAddress: Ipv4.optional(),
        instanceState: z.looseObject({ name: z.enum(INSTANCE_STATES) }).optional(),
        tagSet: z.unknown().optional(),
        networkInterfaceSet: z.unknown().optional(),
      })
      .parse(item);
    const tags = tagsOf(i.tagSet);
    const cluster = instanceCluster(tags);
    instances.push({
      instanceId: i.instanceId,
      state: i.instanceState?.name ?? 'pending',
      tags,
      ...(i.instanceType ? { instanceType: i.instanceType } : {}),
      ...(i.placement?.availabilityZone ? { availabilityZone: i.placement.availabilityZone } : {}),
      ...(i.vpcId ? { vpcId: i.vpcId } : {}),
      ...(i.subnetId ? { subnetId: i.subnetId } : {}),
      ...(i.privateIpAddress ? { privateIp: i.privateIpAddress } : {}),
      ...(cluster ? { cluster } : {}),
    });
    for (const element of setItems(i.networkInterfaceSet)) {
      const eni = eniFromElement(element, i.placement?.availabilityZone);
      // The launch record nests the attachment without naming the instance it belongs to.
      enis.push({ ...eni, attachment: { ...eni.attachment, instanceId: i.instanceId } });
    }
  }
  if (instances.length === 0)
    throw new z.ZodError([
      {
        code: 'custom',
        path: ['responseElements', 'instancesSet'],
        message: 'no instances',
        input: res,
      },
    ]);
  return { type: 'instances-launched', instances, enis };
}

function eniFromElement(element: unknown, fallbackAz?: string): EniFacts {
  const e = NetworkInterfaceElement.parse(element);
  const items = setItems(e.privateIpAddressesSet).map((x) => PrivateIpItem.parse(x));
  const primaryIp =
    e.privateIpAddress ??
    items.find((x) => x.primary === true || x.primary === 'true')?.privateIpAddress;
  const az = e.availabilityZone ?? fallbackAz;
  const attachment =
    e.attachment?.instanceId || e.attachment?.attachmentId ? e.attachment : undefined;
  return {
    eniId: e.networkInterfaceId,
    vpcId: e.vpcId,
    subnetId: e.subnetId,
    description: e.description,
    tags: tagsOf(e.tagSet),
    secondaryIps: unique(items.map((x) => x.privateIpAddress).filter((ip) => ip !== primaryIp)),
    prefixes: prefixesOf(e.ipv4PrefixSet),
    ...(az ? { availabilityZone: az } : {}),
    ...(e.interfaceType ? { interfaceType: e.interfaceType } : {}),
    ...(primaryIp ? { primaryIp } : {}),
    ...(attachment
      ? {
          attachment: {
            instanceId: attachment.instanceId ?? '',
            ...(attachment.attachmentId ? { attachmentId: attachment.attachmentId } : {}),
            ...(attachment.deviceIndex !== undefined
              ? { deviceIndex: attachment.deviceIndex }
              : {}),
            ...(attachment.networkCardIndex !== undefined
              ? { networkCardIndex: attachment.networkCardIndex }
              : {}),
          },
        }
      : {}),
  };
}

function ipsOf(set: unknown): string[] {
  return unique(setItems(set).map((x) => PrivateIpItem.parse(x).privateIpAddress));
}

function prefixesOf(set: unknown): string[] {
  return unique(setItems(set).map((x) => PrefixItem.parse(x).ipv4Prefix));
}

function tagsOf(set: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const item of setItems(set)) {
    const tag = TagItem.parse(item);
    tags[tag.key] = tag.value;
  }
  return tags;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
