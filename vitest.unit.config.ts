import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// The `unit` project of vitest.config.ts as a config of its own, for Stryker (npm run
// mutate): its vitest runner takes one config file, and it must not see the `ledger`
// project, whose global setup starts DynamoDB Local.
const { projects: _projects, ...shared } = base.test ?? {};

export default defineConfig({
  test: {
    ...shared,
    include: ['test/unit/**/*.test.ts'],
  },
});
