import { motoMissingReason } from '#local/moto-server.ts';

/**
 * Tests that need moto run when it is installed; elsewhere they are skipped with the reason,
 * except in CI (CI=true), where a missing moto is a failure: the end-to-end tests must run.
 */
export function motoSkipReason(): string | undefined {
  const missing = motoMissingReason();
  if (missing && process.env.CI === 'true') {
    throw new Error(`CI needs moto server for the end-to-end tests: ${missing}`);
  }
  return missing;
}
