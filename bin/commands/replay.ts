import { Command } from 'commander';
import type { EventOutcome } from '#core/apply-ec2-event.ts';
import { EventFileError, loadEventFiles } from '#local/event-files.ts';
import { localRoutes } from '#local/local-handlers.ts';
import { openLocalLedger } from '#local/local-ledger.ts';
import { type Output, stdio } from '#local/output.ts';
import { scopeOption } from './scope-options.ts';

export function replayCommand(io: Output = stdio): Command {
  return new Command('replay')
    .description(
      'Push EventBridge events through the real handlers into the local ledger (.netledger/).\n' +
        'Each FILE holds one event or a JSON array of them; a directory means its .json files in name order.',
    )
    .argument('<file...>', 'event files or directories')
    .option('--reset', 'clear the local ledger first', false)
    .option(
      '--clusters <list>',
      'clusters in scope ("all" or comma-separated)',
      process.env.CLUSTERS ?? 'all',
    )
    .option(
      '--vpc-ids <list>',
      'VPCs in scope ("all" or comma-separated)',
      process.env.VPC_IDS ?? 'all',
    )
    .option('--json', 'print one JSON object per event instead of a summary line', false)
    .action(
      async (
        files: string[],
        opts: { reset: boolean; clusters: string; vpcIds: string; json: boolean },
      ) => {
        const scope = scopeOption(opts.clusters, opts.vpcIds);
        let events: ReturnType<typeof loadEventFiles>;
        try {
          events = loadEventFiles(files);
        } catch (error) {
          if (!(error instanceof EventFileError)) throw error;
          io.err(`netledger replay: ${error.message}; nothing was applied`);
          process.exitCode = 1;
          return;
        }
        const ledger = await openLocalLedger({ reset: opts.reset });
        try {
          const routes = localRoutes(ledger, scope);
          const counts: Record<string, number> = {};
          for (const { file, event } of events) {
            const source = (event as { source?: unknown } | null)?.source;
            const route = typeof source === 'string' ? routes[source] : undefined;
            const outcome: EventOutcome = route
              ? await route(event)
              : {
                  status: 'ignored',
                  reason: `no handler for source ${JSON.stringify(source ?? null)}`,
                  audit: [],
                };
            counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
            io.out(opts.json ? JSON.stringify({ file, ...outcome }) : summaryLine(outcome));
          }
          if (!opts.json) {
            io.out(
              `${events.length} events: ${Object.entries(counts)
                .map(([k, v]) => `${v} ${k}`)
                .join(', ')}`,
            );
          }
        } finally {
          await ledger.close();
        }
      },
    );
}

function summaryLine(o: EventOutcome): string {
  return [
    o.status.padEnd(9),
    (o.name ?? '-').padEnd(28),
    (o.eventId ?? '-').padEnd(38),
    o.reason,
  ].join(' ');
}
