import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

/**
 * Points a CLI run at the test run's shared DynamoDB Local, in a table of its own, through
 * the same `AWS_ENDPOINT_URL_DYNAMODB` an operator would use. Starting Java for every CLI
 * command is what `process-reaping`, `ledger-server` and the default-mode tests cover;
 * the other CLI tests are about what the commands do, and need not pay for it each time.
 */
export function sharedLedgerEnv(): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
    NETLEDGER_TABLE: `cli-${randomUUID()}`,
  };
}
