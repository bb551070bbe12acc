/**
 * What a dead-letter queue message holds, and what to send back to the function. The queues
 * receive three shapes: Lambda's on-failure destination record (the handler failed after its
 * retries: `requestPayload` is the original event), an EventBridge event the rule could not
 * deliver (the body is the event itself), and anything else, which is left alone.
 */

export type DeadLetter =
  | {
      readonly ok: true;
      readonly payload: unknown;
      readonly origin: string;
      readonly summary: string;
    }
  | { readonly ok: false; readonly reason: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A one-line description of an event, for the operator's line per message. */
export function describePayload(payload: unknown): string {
  if (!isObject(payload)) return typeof payload;
  const detail = isObject(payload.detail) ? payload.detail : {};
  const name = detail.eventName ?? payload['detail-type'];
  const id = detail.eventID ?? payload.id;
  if (typeof name === 'string') return `${name}${typeof id === 'string' ? ` ${id}` : ''}`;
  if (Array.isArray(payload.Records)) return `${payload.Records.length} SNS record(s)`;
  return 'event';
}

export function readDeadLetter(body: string): DeadLetter {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  if (!isObject(parsed)) return { ok: false, reason: 'body is not a JSON object' };
  if (isObject(parsed.requestContext) && 'requestPayload' in parsed) {
    const condition = parsed.requestContext.condition;
    return {
      ok: true,
      payload: parsed.requestPayload,
      origin: `on-failure record (${typeof condition === 'string' ? condition : 'failed'})`,
      summary: describePayload(parsed.requestPayload),
    };
  }
  if (typeof parsed['detail-type'] === 'string' && 'detail' in parsed) {
    return {
      ok: true,
      payload: parsed,
      origin: 'undelivered EventBridge event',
      summary: describePayload(parsed),
    };
  }
  return { ok: false, reason: 'neither an on-failure record nor an EventBridge event' };
}
