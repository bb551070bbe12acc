/**
 * The suite's clock for retry waits: the SDK's own retry strategy (its error classification,
 * attempt count, retry quota and backoff formula) stays as it is, only each wait it computes
 * is scaled, as the simulated clock scales the story's minutes. At 20% faults the handlers'
 * real backoff (doubling from 100 ms, from 500 ms for throttling) sleeps minutes per run.
 *
 * Works on the SDK's StandardRetryStrategy (@smithy/core 3.x), which sleeps inside
 * `refreshRetryTokenForRetry` for `retryBackoffStrategy.computeNextBackoffDelay(...)`; if a
 * later SDK moves that, this throws rather than let the suite silently run at real time.
 */
interface BackoffStrategy {
  computeNextBackoffDelay(attempts: number): number;
}

interface ClientWithRetries {
  readonly config: { retryStrategy?: unknown };
}

const scaled = new WeakSet<object>();

export function scaleRetryDelays<T>(client: T, factor: number): T {
  const config = (client as ClientWithRetries).config as {
    retryStrategy?: () => Promise<{ retryBackoffStrategy?: BackoffStrategy }>;
  };
  const original = config.retryStrategy;
  if (typeof original !== 'function') throw new Error('this SDK client has no retry strategy');
  config.retryStrategy = async () => {
    const strategy = await original();
    const backoff = strategy.retryBackoffStrategy;
    if (!backoff || typeof backoff.computeNextBackoffDelay !== 'function') {
      throw new Error('the SDK retry strategy has no backoff strategy to scale');
    }
    if (!scaled.has(backoff)) {
      scaled.add(backoff);
      const compute = backoff.computeNextBackoffDelay.bind(backoff);
      backoff.computeNextBackoffDelay = (attempts) => Math.round(compute(attempts) * factor);
    }
    return strategy;
  };
  return client;
}
