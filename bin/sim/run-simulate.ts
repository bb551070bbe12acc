import { DEFAULT_INSTANCE_TYPES } from '#local/local-capacity.ts';
import { type LocalLedger, openLocalLedger, openMemoryLedger } from '#local/local-ledger.ts';
import { type MotoServer, startMoto } from '#local/moto-server.ts';
import type { Output } from '#local/output.ts';
import {
  alertsSection,
  nodesSection,
  subnetsSection,
  targetsSection,
} from '#local/report-sections.ts';
import { truthLine } from './account-truth.ts';
import { copyLedger } from './copy-ledger.ts';
import { runScenario } from './run-scenario.ts';
import type { Scenario } from './scenario.ts';

export interface SimulateRun {
  readonly seed: number;
  readonly chaos: boolean;
  readonly verbose: boolean;
  readonly nodes?: number | undefined;
}

/** `netledger simulate` once moto is known to be there (loaded only then: it needs every SDK client). */
export async function runSimulate(
  scenario: Scenario,
  opts: SimulateRun,
  io: Output,
): Promise<void> {
  // The reports read the same variables as the handlers; the scenario's are the defaults.
  for (const [k, v] of Object.entries(scenario.env)) process.env[k] ??= v;
  const started = Date.now();
  let moto: MotoServer | undefined;
  let ledger: LocalLedger | undefined;
  let saved: Promise<LocalLedger> | undefined;
  try {
    const [m, l] = await Promise.allSettled([startMoto(), openMemoryLedger()]);
    if (m.status === 'fulfilled') moto = m.value;
    if (l.status === 'fulfilled') ledger = l.value;
    if (m.status === 'rejected') throw m.reason;
    if (l.status === 'rejected') throw l.reason;
    // The ledger under .netledger/ only receives the result: it starts while the story runs.
    saved = openLocalLedger({ reset: true });
    saved.catch(() => undefined);
    io.out(
      `netledger simulate: scenario ${scenario.name}, seed ${opts.seed}, chaos ${opts.chaos ? 'on (CloudTrail delay, duplicates, reordering)' : 'off'}`,
    );
    const running = moto as MotoServer;
    const memory = ledger as LocalLedger;
    const result = await runScenario({
      scenario,
      endpoint: running.endpoint,
      resetAccount: () => running.reset(),
      ledger: memory,
      chaos: { enabled: opts.chaos, seed: opts.seed },
      nodes: opts.nodes,
      out: io.out,
      verbose: opts.verbose,
    });
    const counts = Object.entries(result.counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
    io.out(
      `events delivered: ${counts}; ${result.published.length} alert messages on the SNS topic`,
    );
    for (const failure of result.failures)
      io.out(`event left on its queue after retries: ${failure}`);
    io.out('');
    for (const [name, section] of [
      ['nodes', nodesSection],
      ['subnets', subnetsSection],
      ['targets', targetsSection],
      ['alerts', alertsSection],
    ] as const) {
      io.out(
        `${name}\n${(await section(memory, { instanceTypes: DEFAULT_INSTANCE_TYPES })).text}\n`,
      );
    }
    if (result.truth.matches) {
      io.out(`ledger matches the account: ${truthLine(result.truth.account)}`);
    } else {
      io.out(`ledger differs from the account (${truthLine(result.truth.account)}):`);
      for (const line of result.truth.diff) io.out(`  ${line}`);
      process.exitCode = 1;
    }
    await copyLedger(memory, await saved);
    io.out(
      `(${((Date.now() - started) / 1000).toFixed(1)} s; the ledger is kept for \`netledger report\`)`,
    );
  } finally {
    await Promise.allSettled([ledger?.close(), saved?.then((l) => l.close()), moto?.stop()]);
  }
}
