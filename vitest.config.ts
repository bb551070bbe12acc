import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (core and use cases on the memory adapters: no DynamoDB Local, no
 * Java) and `ledger` (contract tests, adapters, handlers, CLI, packaging), for which the
 * global setup starts one DynamoDB Local. `npx vitest run --project unit` runs in seconds.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_DEV: 'false',
      // CLI runs start and stop their own DynamoDB Local; ledger-server.test.ts keeps one on purpose.
      NETLEDGER_LEDGER_IDLE_SECONDS: '0',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'ledger',
          include: ['test/contract/**/*.test.ts', 'test/integration/**/*.test.ts'],
          globalSetup: ['test/helpers/dynamodb-global-setup.ts'],
        },
      },
    ],
  },
});
