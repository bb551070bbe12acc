// `npm run soak`: the fault suite over several seeds (10 by default), one figure line per
// seed; exits 1 when any seed lost, doubled, mismatched or touched anything. Not part of
// `npm test` (it takes minutes); the suite's single seed is (test/integration/fault-suite.test.ts).
import { parseArgs } from 'node:util';
import { startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { startMoto } from '#local/moto-server.ts';
import { loadScenario } from '../scenario.ts';
import { FAULT_SCENARIO, figureLine, runFaultSuite } from './run-fault-suite.ts';
import { unexplained } from './verdict.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '10' },
    first: { type: 'string', default: '1' },
    scenario: { type: 'string', default: FAULT_SCENARIO },
    verbose: { type: 'boolean', default: false },
    // Sabotage, to watch the suite fail: events whose handler crashed are not redelivered.
    'no-redelivery': { type: 'boolean', default: false },
  },
});
const seeds = Number(values.seeds);
const first = Number(values.first);
if (!Number.isInteger(seeds) || seeds < 1 || !Number.isInteger(first) || first < 1) {
  console.error('soak: --seeds and --first take positive whole numbers');
  process.exit(2);
}

const scenario = loadScenario(values.scenario);
// A second moto lets each seed's fault-free reference run alongside its faulty run.
const [moto, referenceMoto, dynamo] = await Promise.all([
  startMoto(),
  startMoto(),
  startDynamoDbLocal(),
]);
let failed = 0;
try {
  for (let seed = first; seed < first + seeds; seed++) {
    let result: Awaited<ReturnType<typeof runFaultSuite>>;
    try {
      result = await runFaultSuite({
        scenario,
        seed,
        moto,
        referenceMoto,
        dynamoEndpoint: dynamo.endpoint,
        dropCrashedEvents: values['no-redelivery'],
        ...(values.verbose ? { out: (line: string) => console.log(`  ${line.trim()}`) } : {}),
      });
    } catch (error) {
      // A seed that cannot even finish (moto or the handler process gone) fails, the rest still run.
      failed += 1;
      console.log(`seed ${seed}: the run failed: ${(error as Error).message}`);
      continue;
    }
    const problems = unexplained(result);
    console.log(
      `seed ${seed}: ${figureLine(result.figures)} (${result.details.seconds.total.toFixed(0)} s)`,
    );
    if (problems.length > 0) {
      failed += 1;
      for (const p of problems) console.log(`  ${p}`);
    }
    if (values.verbose) {
      console.log(`  ${JSON.stringify(result.details)}`);
    }
  }
} finally {
  await Promise.allSettled([moto.stop(), referenceMoto.stop(), dynamo.stop()]);
}
console.log(`soak: ${seeds - failed} of ${seeds} seeds clean`);
process.exitCode = failed > 0 ? 1 : 0;
