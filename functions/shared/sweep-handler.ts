import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { type SweepDeps, sweepNetwork } from '#core/sweep-network.ts';
import { logger } from './powertools.ts';

/**
 * Runs the sweep. Failures throw so the schedule's retry and the DLQ see them;
 * a partial sweep is safe because every repair is an idempotent conditional write.
 */
export function sweepHandler(deps: SweepDeps, clock: () => Date = () => new Date()) {
  return middy(async () => {
    const startedAt = clock().toISOString();
    const network = await sweepNetwork(deps, startedAt);
    logger.info('sweep finished', { startedAt, network });
    return { startedAt, network };
  }).use(injectLambdaContext(logger));
}
