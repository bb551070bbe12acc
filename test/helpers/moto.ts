import { motoMissingReason } from '#local/moto-server.ts';

/**
 * moto server is part of the test toolchain, like Java for DynamoDB Local: a test that needs
 * it fails with the install command when it is missing, never skips, so a green run always
 * means the end-to-end tests ran.
 */
export function requireMoto(): void {
  const missing = motoMissingReason();
  if (missing) throw new Error(`these tests need moto server: ${missing}`);
}
