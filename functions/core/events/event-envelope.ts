import { z } from 'zod';

/** Why an input was not applied; one line, fit for a log and the CLI. */
export interface Ignored {
  readonly ok: false;
  readonly reason: string;
}

export interface Parsed<T> {
  readonly ok: true;
  readonly value: T;
}

export type ParseResult<T> = Parsed<T> | Ignored;

export const ignored = (reason: string): Ignored => ({ ok: false, reason });

/** The event that caused a change; every ledger write keeps it. */
export interface EventStamp {
  readonly eventId: string;
  readonly eventTime: string;
}

/** Orders stamps the way the ledger's conditional writes do: by time, then by event id. */
export function compareStamps(a: EventStamp, b: EventStamp): number {
  if (a.eventTime !== b.eventTime) return a.eventTime < b.eventTime ? -1 : 1;
  if (a.eventId === b.eventId) return 0;
  return a.eventId < b.eventId ? -1 : 1;
}

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

const CloudTrailDetailSchema = z.looseObject({
  eventID: z.string().min(1),
  eventTime: z.iso.datetime(),
  eventName: z.string(),
  eventSource: z.string(),
  awsRegion: z.string().optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  userIdentity: z.looseObject({}).optional(),
  userAgent: z.string().optional(),
  requestParameters: z.unknown().optional(),
  responseElements: z.unknown().optional(),
});
export type CloudTrailDetail = z.infer<typeof CloudTrailDetailSchema>;

/** The EventBridge envelope, as AWS delivers it to a rule's target. */
const EventBridgeSchema = z.looseObject({
  version: z.string(),
  id: z.string().min(1),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  detail: z.unknown(),
});

export type EventBridgeEvent = z.infer<typeof EventBridgeSchema>;

/** Describes the first schema issue as `path: message`, so one line says what is wrong. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid input';
  const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  return `${path}: ${issue.message}`;
}

/** EventBridge's limit on an event (PutEvents entry), so anything larger did not come from it. */
export const MAX_EVENT_BYTES = 256 * 1024;

/** The partition a region belongs to, which every ARN of that region's resources names. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

/** Every string under `value` that looks like an ARN, with its JSON path. */
function arnsIn(value: unknown, path: string, out: [string, string][], depth = 0): void {
  if (depth > 32) return;
  if (typeof value === 'string') {
    if (value.startsWith('arn:')) out.push([path, value]);
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) arnsIn(v, `${path}.${i}`, out, depth + 1);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) arnsIn(v, `${path}.${k}`, out, depth + 1);
  }
}

/**
 * An ARN of the resources the event is about (`resources`, CloudTrail's request and response)
 * that names another partition or account: not this account's resource, so not the ledger's.
 * Who made the call (`userIdentity`) may well be another account, and is not checked.
 */
export function foreignArn(
  event: Pick<EventBridgeEvent, 'resources' | 'detail' | 'region' | 'account'>,
): string | undefined {
  const arns: [string, string][] = [];
  arnsIn(event.resources, 'resources', arns);
  const detail = event.detail as Record<string, unknown> | undefined;
  if (detail && typeof detail === 'object') {
    arnsIn(detail.requestParameters, 'detail.requestParameters', arns);
    arnsIn(detail.responseElements, 'detail.responseElements', arns);
  }
  const partition = partitionOf(event.region);
  for (const [path, arn] of arns) {
    const [, arnPartition, , , account] = arn.split(':');
    if (arnPartition !== partition) {
      return `${path}: ${arn} is in partition ${arnPartition}, not ${partition} (region ${event.region})`;
    }
    if (account !== undefined && account !== '' && account !== event.account) {
      return `${path}: ${arn} belongs to account ${account}, not ${event.account}`;
    }
  }
  return undefined;
}

/** Why `raw` is larger than any event EventBridge delivers, or undefined. */
export function oversize(raw: unknown): string | undefined {
  const bytes = new TextEncoder().encode(JSON.stringify(raw) ?? '').length;
  return bytes > MAX_EVENT_BYTES
    ? `event is ${bytes} bytes; EventBridge delivers at most ${MAX_EVENT_BYTES}`
    : undefined;
}

export function parseEnvelope(raw: unknown): ParseResult<EventBridgeEvent> {
  const tooLarge = oversize(raw);
  if (tooLarge) return ignored(tooLarge);
  const envelope = EventBridgeSchema.safeParse(raw);
  if (!envelope.success)
    return ignored(`not an EventBridge event: ${describeIssue(envelope.error)}`);
  const foreign = foreignArn(envelope.data);
  if (foreign) return ignored(`not this account's resource: ${foreign}`);
  return { ok: true, value: envelope.data };
}

/**
 * CloudTrail detail of an EventBridge event, or why it does not apply. Failed
 * API calls (errorCode) changed nothing in AWS, so they change nothing here.
 */
export function parseCloudTrail(
  event: EventBridgeEvent,
  eventSource: string,
): ParseResult<CloudTrailDetail> {
  if (event['detail-type'] !== CLOUDTRAIL_DETAIL_TYPE) {
    return ignored(`unexpected detail-type "${event['detail-type']}"`);
  }
  const detail = CloudTrailDetailSchema.safeParse(event.detail);
  if (!detail.success)
    return ignored(`malformed CloudTrail record: ${describeIssue(detail.error)}`);
  if (detail.data.eventSource !== eventSource) {
    return ignored(`unexpected eventSource "${detail.data.eventSource}"`);
  }
  if (detail.data.errorCode) {
    return ignored(
      `${detail.data.eventName} ${detail.data.eventID} failed in AWS (${detail.data.errorCode}); nothing changed`,
    );
  }
  return { ok: true, value: detail.data };
}

/** CloudTrail renders EC2's query API lists as `{item: [...]}` or `{items: [...]}`; accept both, or none. */
export function setItems(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const preferred = record.item ?? record.items;
  if (Array.isArray(preferred)) return preferred;
  // A few responses name the list after its type instead (assignedPrivateIpAddressSetType).
  return Object.values(record).find(Array.isArray) ?? [];
}
