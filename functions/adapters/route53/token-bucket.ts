/** Time source for rate limiting and backoff; tests pass a fake one so nothing really waits. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface TokenBucketOptions {
  readonly ratePerSecond: number;
  /**
   * Burst size. With 1, calls are spaced 1/rate apart and no sliding one-second window
   * ever sees more than `rate` calls; a burst of N would allow N + rate in some window.
   */
  readonly capacity?: number;
  readonly clock?: Clock;
}

/** Client-side token bucket; waiters are served in arrival order. */
export class TokenBucket {
  readonly #rate: number;
  readonly #capacity: number;
  readonly #clock: Clock;
  #tokens: number;
  #last: number;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: TokenBucketOptions) {
    this.#rate = options.ratePerSecond;
    this.#capacity = options.capacity ?? 1;
    this.#clock = options.clock ?? systemClock;
    this.#tokens = this.#capacity;
    this.#last = this.#clock.now();
  }

  take(): Promise<void> {
    const turn = this.#queue.then(() => this.#acquire());
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #acquire(): Promise<void> {
    for (;;) {
      const now = this.#clock.now();
      this.#tokens = Math.min(
        this.#capacity,
        this.#tokens + ((now - this.#last) * this.#rate) / 1000,
      );
      this.#last = now;
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      await this.#clock.sleep(Math.ceil(((1 - this.#tokens) * 1000) / this.#rate));
    }
  }
}

/** Route53 allows five requests per second per account, across every caller in it. */
export function route53RateLimiter(clock?: Clock): TokenBucket {
  return new TokenBucket({ ratePerSecond: 5, capacity: 1, ...(clock ? { clock } : {}) });
}
