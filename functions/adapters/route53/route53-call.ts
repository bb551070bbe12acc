import {
  ChangeResourceRecordSetsCommand,
  type ChangeResourceRecordSetsCommandInput,
  type ChangeResourceRecordSetsCommandOutput,
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandInput,
  type ListResourceRecordSetsCommandOutput,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import {
  type Clock,
  route53RateLimiter,
  systemClock,
  type TokenBucket,
} from '#adapters/route53/token-bucket.ts';

/** Throttling outlasted every retry; the caller decides whether the run fails or continues later. */
export class Route53RetriesExhaustedError extends Error {
  override readonly name = 'Route53RetriesExhaustedError';
}

export interface Route53CallOptions {
  /** Share one limiter between the zone reader and the applier: the quota is per account. */
  readonly limiter?: TokenBucket;
  readonly clock?: Clock;
  /** In [0, 1); injectable so tests get deterministic jitter. */
  readonly random?: () => number;
  readonly maxRetries?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
}

/**
 * Error names Route53 uses when it is busy. The SDK's standard retry strategy already counts
 * both as throttling (see @smithy/service-error-classification THROTTLING_ERROR_CODES), but it
 * gives up after 3 attempts and its retries bypass our token bucket; this layer retries longer
 * and paces every attempt. Build the Route53 client with `maxAttempts: 1` so retries are not
 * multiplied and every request on the wire passes through the bucket.
 */
const RETRYABLE = new Set(['Throttling', 'ThrottlingException', 'PriorRequestNotComplete']);

interface MaybeServiceError {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: { readonly throttling?: boolean };
}

export function isRetryableRoute53Error(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as MaybeServiceError;
  const status = e.$metadata?.httpStatusCode ?? 0;
  return (
    (e.name !== undefined && RETRYABLE.has(e.name)) ||
    e.$retryable?.throttling === true ||
    status === 429 ||
    status >= 500
  );
}

/** Sends Route53 requests paced by a token bucket, retrying busy answers with jittered backoff. */
export class Route53Caller {
  readonly #client: Route53Client;
  readonly #limiter: TokenBucket;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #maxRetries: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  /** Requests sent, retries included. */
  calls = 0;

  constructor(client: Route53Client, options: Route53CallOptions = {}) {
    this.#client = client;
    this.#clock = options.clock ?? systemClock;
    this.#limiter = options.limiter ?? route53RateLimiter(this.#clock);
    this.#random = options.random ?? Math.random;
    this.#maxRetries = options.maxRetries ?? 8;
    this.#baseDelayMs = options.baseDelayMs ?? 250;
    this.#maxDelayMs = options.maxDelayMs ?? 20_000;
  }

  changeRecordSets(
    input: ChangeResourceRecordSetsCommandInput,
  ): Promise<ChangeResourceRecordSetsCommandOutput> {
    return this.#withRetry(() => this.#client.send(new ChangeResourceRecordSetsCommand(input)));
  }

  listRecordSets(
    input: ListResourceRecordSetsCommandInput,
  ): Promise<ListResourceRecordSetsCommandOutput> {
    return this.#withRetry(() => this.#client.send(new ListResourceRecordSetsCommand(input)));
  }

  async #withRetry<T>(send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.#limiter.take();
      this.calls++;
      try {
        return await send();
      } catch (error) {
        if (!isRetryableRoute53Error(error)) throw error;
        if (attempt >= this.#maxRetries) {
          throw new Route53RetriesExhaustedError(
            `Route53 still busy after ${attempt + 1} attempts: ${(error as Error).message}`,
            { cause: error },
          );
        }
        // Full jitter: spreads retries of concurrent writers (ExternalDNS shares the quota).
        const ceiling = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** attempt);
        await this.#clock.sleep(Math.floor(this.#random() * ceiling));
      }
    }
  }
}
