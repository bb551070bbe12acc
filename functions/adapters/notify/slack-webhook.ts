import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';
import { renderSlackPayload } from '#core/alerts/alert-message.ts';
import type { Notifier } from '#core/alerts/notifier.ts';

/**
 * Slack did not take the message: a 4xx other than 429, or transient failures until the
 * attempts ran out. Thrown so the invocation fails and the message reaches the DLQ.
 * The message names the status (and Slack's error code) only: the URL is a secret.
 */
export class SlackDeliveryError extends Error {
  override readonly name = 'SlackDeliveryError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly attempts: number,
  ) {
    super(message);
  }
}

export interface SlackWebhookOptions {
  /** Per attempt, milliseconds. Default 5000. */
  readonly timeoutMs?: number;
  /** Including the first. Default 4. */
  readonly maxAttempts?: number;
  /** First backoff step; doubles per attempt, capped by maxDelayMs. Defaults 500 / 8000. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** A longer Retry-After would outlast the Lambda timeout: fail now and let the DLQ keep it. Default 10. */
  readonly maxRetryAfterSeconds?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); for backoff jitter. */
  readonly random?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Attempt =
  | { readonly kind: 'ok' }
  | {
      readonly kind: 'retry';
      readonly reason: string;
      readonly status?: number;
      readonly retryAfterMs?: number;
    }
  | { readonly kind: 'fail'; readonly reason: string; readonly status: number };

/**
 * POSTs a JSON payload to a Slack incoming webhook. Retries 429 (honouring Retry-After
 * seconds), 5xx, timeouts and network errors with bounded attempts. A retried POST that
 * had in fact arrived shows twice in Slack: delivery is at-least-once by design.
 *
 * Hand-written rather than p-retry: p-retry cannot take its delay from the response
 * (Retry-After), and the whole policy is one small loop.
 */
export async function postSlackWebhook(
  url: string,
  payload: unknown,
  options: SlackWebhookOptions = {},
): Promise<{ attempts: number }> {
  const {
    timeoutMs = 5000,
    maxAttempts = 4,
    baseDelayMs = 500,
    maxDelayMs = 8000,
    maxRetryAfterSeconds = 10,
    sleep = defaultSleep,
    random = Math.random,
  } = options;
  // fetch's own parse error would quote the URL.
  if (!isHttpUrl(url))
    throw new SlackDeliveryError('Slack webhook URL is not an http(s) URL', undefined, 0);
  const body = JSON.stringify(payload);

  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptOnce(url, body, timeoutMs);
    if (outcome.kind === 'ok') return { attempts: attempt };
    if (outcome.kind === 'fail') {
      throw new SlackDeliveryError(
        `Slack webhook rejected the message: ${outcome.reason}`,
        outcome.status,
        attempt,
      );
    }
    if (attempt >= maxAttempts) {
      throw new SlackDeliveryError(
        `Slack webhook failed after ${attempt} attempts: ${outcome.reason}`,
        outcome.status,
        attempt,
      );
    }
    if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > maxRetryAfterSeconds * 1000) {
      throw new SlackDeliveryError(
        `Slack webhook rate-limited for ${outcome.retryAfterMs / 1000} s, longer than ${maxRetryAfterSeconds} s: ${outcome.reason}`,
        outcome.status,
        attempt,
      );
    }
    const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    // Equal jitter: concurrent notify invocations hitting one rate limit should not retry in lockstep.
    await sleep(outcome.retryAfterMs ?? step / 2 + (random() * step) / 2);
  }
}

async function attemptOnce(url: string, body: string, timeoutMs: number): Promise<Attempt> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    // Never surface the error itself: undici's messages and causes can carry the URL.
    return { kind: 'retry', reason: describeNetworkError(error) };
  }
  if (response.ok) return { kind: 'ok' };
  const reason = `HTTP ${response.status}${slackErrorCode(text)}`;
  if (response.status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return retryAfterMs === undefined
      ? { kind: 'retry', reason, status: 429 }
      : { kind: 'retry', reason, status: 429, retryAfterMs };
  }
  if (response.status >= 500) return { kind: 'retry', reason, status: response.status };
  return { kind: 'fail', reason, status: response.status };
}

/** Retry-After as delta-seconds; an HTTP-date (which Slack does not send) falls back to backoff. */
export function parseRetryAfter(header: string | null): number | undefined {
  if (header === null || !/^\s*\d+\s*$/.test(header)) return undefined;
  return Number(header) * 1000;
}

/** Slack answers errors with a bare code such as `invalid_payload`; anything else is not echoed. */
function slackErrorCode(text: string): string {
  const code = text.trim();
  return /^[a-z_]{1,64}$/.test(code) ? ` (${code})` : '';
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return 'request timed out';
  }
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code =
    typeof cause?.code === 'string' && /^[A-Z_]+$/.test(cause.code) ? ` (${cause.code})` : '';
  return `network error${code}`;
}

function isHttpUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const { protocol } = new URL(url);
  return protocol === 'https:' || protocol === 'http:';
}

/** Renders an alert as Block Kit and posts it; the URL is looked up per message so a rotated secret is picked up. */
export class SlackWebhookNotifier implements Notifier {
  constructor(
    private readonly webhookUrl: () => Promise<string>,
    private readonly options: SlackWebhookOptions = {},
  ) {}

  async notify(notification: AlertNotification): Promise<void> {
    await postSlackWebhook(await this.webhookUrl(), renderSlackPayload(notification), this.options);
  }
}
