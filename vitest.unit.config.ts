import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// The unit tests alone: pure core and use cases on in-memory adapters, no DynamoDB Local.
// Mutation testing (stryker.config.mjs) runs these thousands of times, so it must not
// start the global DynamoDB setup; smoke.test.ts is the one unit file that needs it.
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/unit/**/*.test.ts'],
    exclude: ['test/unit/smoke.test.ts'],
    globalSetup: [],
  },
});
