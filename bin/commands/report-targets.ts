import { Command } from 'commander';
import { DynamoNetworkLedger } from '#adapters/ledger-network.ts';
import { DynamoTargetLedger } from '#adapters/ledger-targets.ts';
import { targetReport } from '#core/target-report.ts';
import { openLocalLedger } from '#local/local-ledger.ts';
import { type Output, stdio, table } from '#local/output.ts';
import { loadTargetSettings } from '#shared/target-config.ts';

/**
 * `report targets`: per target group its service stack, desired vs actual deregistration
 * delay, target count and stale targets. The policy comes from DEREGISTRATION_DELAY_* as in Lambda.
 */
export function targetsReportCommand(io: Output = stdio): Command {
  return new Command('targets')
    .description(
      'target groups with their service, desired vs actual deregistration delay, targets and stale targets\n' +
        '(desired delay from DEREGISTRATION_DELAY_DEFAULT, _CLUSTERS, _STACKS or the netledger/deregistration-delay tag)',
    )
    .option('--json', 'print a JSON array', false)
    .action(async (opts: { json: boolean }) => {
      const settings = loadTargetSettings(process.env);
      const local = await openLocalLedger();
      let rows: Awaited<ReturnType<typeof targetReport>>;
      try {
        rows = await targetReport({
          targets: new DynamoTargetLedger(local.db, local.tableName),
          network: new DynamoNetworkLedger(local.db, local.tableName),
          settings,
        });
      } finally {
        await local.close();
      }
      if (opts.json) return io.out(JSON.stringify(rows, null, 2));
      io.out(
        table(
          ['target group', 'stack', 'type', 'delay actual', 'desired', 'targets', 'stale'],
          rows.map((r) => [
            r.name ?? r.targetGroupArn,
            r.stack,
            r.targetType,
            r.deregistrationDelay.actual === null
              ? 'unknown'
              : `${r.deregistrationDelay.actual}${r.drift ? ' (drift)' : ''}`,
            `${r.deregistrationDelay.desired} (${r.deregistrationDelay.desiredSource})`,
            r.targets,
            r.stale.map((s) => `${s.ip}:${s.port} ${s.reason}`).join('\n') || '-',
          ]),
        ),
      );
    });
}
