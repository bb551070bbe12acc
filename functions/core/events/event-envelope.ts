import * as z from 'zod';

/**
 * The one envelope parser and the one parse-result type for every EventBridge event netledger
 * follows (EC2 and ELB alike): `parseEnvelope` reads the EventBridge envelope, `parseCloudTrail`
 * the CloudTrail record inside it, and each domain parser turns the record into its change.
 */

/**
 * Why an input was dropped. `reason` is one line, always `${code}: ${detail}`:
 * - `malformed`: not an EventBridge event, the wrong source or detail-type, or a record that
 *   lacks what its change needs
 * - `failed-call`: the API call failed in AWS (errorCode), so it changed nothing
 * - `unsupported-event`: an event name netledger does not follow
 * - `classic-elb`: a Classic Load Balancer call (same event source and names as ELBv2)
 */
export type IgnoreCode =
  | 'malformed'
  | 'failed-call'
  | 'unsupported-event'
  | 'classic-elb'
  /** Larger than any event EventBridge delivers (256 KB). */
  | 'too-large'
  /** An ARN of the event's resources in another partition or account. */
  | 'foreign-resource';

export interface Ignored {
  readonly ok: false;
  readonly kind: 'ignored';
  readonly code: IgnoreCode;
  readonly reason: string;
  /** Present whenever the record was readable enough, for log correlation. */
  readonly eventId?: string;
  readonly eventName?: string;
}

export interface Parsed<T> {
  readonly ok: true;
  readonly value: T;
}

export type ParseResult<T> = Parsed<T> | Ignored;

/** Ids of the record an ignore is about, when known. */
export interface EventIds {
  readonly eventId?: string | undefined;
  readonly eventName?: string | undefined;
}

export function ignored(code: IgnoreCode, detail: string, ids: EventIds = {}): Ignored {
  return {
    ok: false,
    kind: 'ignored',
    code,
    reason: `${code}: ${detail}`.replace(/\s+/g, ' ').slice(0, 500),
    ...(ids.eventId !== undefined ? { eventId: ids.eventId } : {}),
    ...(ids.eventName !== undefined ? { eventName: ids.eventName } : {}),
  };
}

export const parsed = <T>(value: T): Parsed<T> => ({ ok: true, value });

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
  eventTime: z.iso.datetime({ offset: true }),
  eventName: z.string().min(1),
  eventSource: z.string(),
  awsRegion: z.string().optional(),
  recipientAccountId: z.string().optional(),
  apiVersion: z.string().optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  userIdentity: z.unknown().optional(),
  userAgent: z.string().optional(),
  // "true" as a string in real records; accept a boolean too.
  sessionCredentialFromConsole: z.union([z.string(), z.boolean()]).optional(),
  requestParameters: z.unknown().optional(),
  responseElements: z.unknown().optional(),
});
export type CloudTrailDetail = z.infer<typeof CloudTrailDetailSchema>;

/** The EventBridge envelope, as AWS delivers it to a rule's target. */
const EventBridgeSchema = z.looseObject({
  version: z.string(),
  id: z.string().min(1),
  source: z.string(),
  account: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  region: z.string().min(1),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  // Checked by the detail's own schema, so a missing detail is reported where it is missing.
  detail: z.unknown().optional(),
});

export type EventBridgeEvent = z.infer<typeof EventBridgeSchema>;

/** Describes the first schema issue as `path: message`, so one line says what is wrong. */
export function describeIssue(error: z.ZodError, prefix?: string): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid input';
  const path = [...(prefix ? [prefix] : []), ...issue.path.map(String)].join('.');
  const more = error.issues.length > 1 ? ` (+${error.issues.length - 1} more)` : '';
  return `${path || '(root)'}: ${issue.message}${more}`;
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

/**
 * The EventBridge envelope of an event (an object, or its JSON text) from the expected source,
 * or why it is not one.
 */
export function parseEnvelope(raw: unknown, source: string): ParseResult<EventBridgeEvent> {
  let input = raw;
  if (typeof raw === 'string') {
    try {
      input = JSON.parse(raw);
    } catch (error) {
      return ignored('malformed', `not valid JSON (${(error as Error).message})`);
    }
  }
  const tooLarge = oversize(input);
  if (tooLarge) return ignored('too-large', tooLarge, idsOf(input));
  const envelope = EventBridgeSchema.safeParse(input);
  if (!envelope.success) {
    return ignored(
      'malformed',
      `not an EventBridge event: ${describeIssue(envelope.error)}`,
      idsOf(input),
    );
  }
  if (envelope.data.source !== source) {
    return ignored('malformed', `source: unexpected source "${envelope.data.source}"`);
  }
  const foreign = foreignArn(envelope.data);
  if (foreign) {
    return ignored('foreign-resource', `not this account's resource: ${foreign}`, idsOf(input));
  }
  return parsed(envelope.data);
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
    return ignored('malformed', `detail-type: unexpected detail-type "${event['detail-type']}"`);
  }
  const detail = CloudTrailDetailSchema.safeParse(event.detail);
  if (!detail.success) {
    return ignored('malformed', describeIssue(detail.error, 'detail'), idsOf(event));
  }
  const d = detail.data;
  const ids = { eventId: d.eventID, eventName: d.eventName };
  if (d.eventSource !== eventSource) {
    return ignored(
      'malformed',
      `detail.eventSource: unexpected eventSource "${d.eventSource}"`,
      ids,
    );
  }
  if (d.errorCode) {
    const message = d.errorMessage ? `: ${d.errorMessage}` : '';
    return ignored(
      'failed-call',
      `${d.eventName} ${d.errorCode}${message}; the call failed in AWS (${d.errorCode}), so nothing changed`,
      ids,
    );
  }
  return parsed(d);
}

/** Best effort ids from an event that failed validation, for log correlation. */
function idsOf(input: unknown): EventIds {
  const detail = (input as { detail?: { eventID?: unknown; eventName?: unknown } } | null)?.detail;
  return {
    ...(typeof detail?.eventID === 'string' ? { eventId: detail.eventID } : {}),
    ...(typeof detail?.eventName === 'string' ? { eventName: detail.eventName } : {}),
  };
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
