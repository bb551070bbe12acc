import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// The unit tests alone: pure core and use cases on in-memory adapters, no DynamoDB Local.
// Mutation testing (stryker.config.mjs) runs these thousands of times, so it must not
// start the global DynamoDB setup: the base config's shared options, without its projects
// (the `ledger` project is the one with the DynamoDB Local global setup).
const { projects: _projects, ...shared } = base.test ?? {};

export default defineConfig({
  test: {
    ...shared,
    include: ['test/unit/**/*.test.ts'],
    globalSetup: [],
  },
});
