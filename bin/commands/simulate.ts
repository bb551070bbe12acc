import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { MOTO_INSTALL, motoMissingReason } from '#local/moto-server.ts';
import { type Output, stdio } from '#local/output.ts';
import { DEFAULT_SCENARIO, loadScenario } from '../sim/scenario.ts';
import { replayCommand } from './replay.ts';
import { reportCommand } from './report.ts';

export interface SimulateOptions {
  readonly scenario: string;
  readonly nodes?: number;
  readonly seed: number;
  readonly chaos: boolean;
  readonly verbose: boolean;
  /** Without moto (and outside CI): replay the recorded story instead of failing. */
  readonly orReplay: boolean;
}

/** What `simulate` does when moto is missing and --or-replay is given: `npm start`'s old story. */
export type ReplayFallback = () => Promise<void>;

/** The recorded sample story (`npm run start:replay`), for machines without moto. */
const RECORDED_STORY = [
  'events/samples/ec2/node-lifecycle',
  'events/samples/elb/create-load-balancer.json',
  'events/samples/elb/create-target-group.json',
  'events/samples/elb/modify-target-group-attributes.json',
  'events/samples/elb/register-targets.json',
  'events/samples/elb/add-tags.json',
  'events/samples/elb/modify-target-group-attributes-console-300.json',
  'events/samples/ec2/node-termination',
].map((path) => fileURLToPath(new URL(`../../${path}`, import.meta.url)));

async function replayRecordedStory(io: Output): Promise<void> {
  process.env.DEREGISTRATION_DELAY_DEFAULT ??= '60';
  await replayCommand(io).parseAsync(['--reset', '--clusters', 'myeks', ...RECORDED_STORY], {
    from: 'user',
  });
  if (process.exitCode) return;
  await reportCommand(io).parseAsync(['all'], { from: 'user' });
}

export function simulateCommand(
  io: Output = stdio,
  fallback: ReplayFallback = () => replayRecordedStory(io),
): Command {
  return new Command('simulate')
    .description(
      'Play a scenario against an emulated AWS account (moto server) and the real handlers: ' +
        'the VPC CNI, the LB controller, a node group and people in the console make real API calls, ' +
        'their CloudTrail events travel through EventBridge rules and SQS to the handlers, alerts ' +
        'print as they open and resolve, and a final sweep checks the ledger against the account.\n' +
        `Needs Python 3 with moto (${MOTO_INSTALL}). The ledger is left under .netledger/ for \`report\`.`,
    )
    .option('--scenario <file>', 'scenario file (see events/scenarios/)', DEFAULT_SCENARIO)
    .option('--nodes <n>', 'nodes in the first node group (overrides the scenario)', positiveInt)
    .option('--seed <n>', 'chaos seed: the same seed delivers the same way', positiveInt, 1)
    .option('--no-chaos', 'deliver every event once, in order, without CloudTrail delay')
    .option('--verbose', 'one line per delivered event too', false)
    .option('--or-replay', 'without moto, replay the recorded sample story instead', false)
    .action(async (opts: SimulateOptions) => {
      const scenario = loadScenario(opts.scenario);
      const missing = motoMissingReason();
      if (missing) {
        if (process.env.CI === 'true' || !opts.orReplay) {
          io.err(`netledger simulate: ${missing}`);
          process.exitCode = 1;
          return;
        }
        io.err(`netledger: ${missing}; replaying the recorded story instead`);
        await fallback();
        return;
      }
      const { runSimulate } = await import('../sim/run-simulate.ts');
      await runSimulate(scenario, opts, io);
    });
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1)
    throw new InvalidArgumentError('expected a positive whole number');
  return n;
}
