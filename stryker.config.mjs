// Mutation testing of functions/core (npm run mutate). See README, Development.
// STRYKER_REPORT_DIR lets two runs (say, two core folders) keep their reports and sandboxes apart.
const reportDir = process.env.STRYKER_REPORT_DIR ?? 'reports/mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // Unit tests only: no DynamoDB Local global setup (vitest.unit.config.ts).
  vitest: { configFile: 'vitest.unit.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner', './stryker/message-text-ignorer.mjs'],
  ignorers: ['message-text'],
  mutate: ['functions/core/**/*.ts'],
  coverageAnalysis: 'perTest',
  // TypeScript 7 is the native compiler with no JavaScript API: no type checker plugin,
  // and Stryker's tsconfig rewriting (which calls ts.parseConfigFileTextToJson) must not
  // run. It only rewrites the file named here, so point it at one that does not exist;
  // our tsconfig.json has no `extends` or `references` for it to fix anyway.
  checkers: [],
  tsconfigFile: 'stryker-skips-tsconfig-rewriting.json',
  // The machine has 2 cores shared with others; override with --concurrency.
  concurrency: 1,
  // A static mutant (a module-level constant such as a lookup table) is active from import
  // on, so per-test coverage cannot narrow it: each one reruns the whole unit suite (~40 s
  // here), 435 of them about 5 hours. They are reported as Ignored, outside the score.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `${reportDir}/stryker-incremental.json`,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `${reportDir}/mutation.html` },
  jsonReporter: { fileName: `${reportDir}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  // The other lane's sandbox (see STRYKER_REPORT_DIR) must not be copied into this one.
  ignorePatterns: ['/.stryker-tmp*', '/.netledger'],
  tempDirName: process.env.STRYKER_REPORT_DIR
    ? `.stryker-tmp-${reportDir.replace(/\W/g, '-')}`
    : '.stryker-tmp',
  cleanTempDir: true,
  timeoutMS: 10000,
  thresholds: { high: 95, low: 90, break: null },
};
