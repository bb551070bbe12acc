import { Command } from 'commander';
import { dynamoLedger } from '#app/composition.ts';
import type { EventOutcome } from '#core/network/apply-ec2-event.ts';
import { EventFileError, loadEventFiles } from '#local/event-files.ts';
import {
  DEFAULT_INSTANCE_TYPES,
  fileInstanceTypeCatalog,
  PrintingNotifier,
} from '#local/local-capacity.ts';
import { DEFAULT_SUBNETS, savedSubnetsEc2 } from '#local/local-ec2.ts';
import { localRoutes } from '#local/local-handlers.ts';
import { openLocalLedger } from '#local/local-ledger.ts';
import { type Output, stdio } from '#local/output.ts';
import { loadCapacitySettings } from '#shared/config.ts';
import { scopeOption } from './scope-options.ts';

export function replayCommand(io: Output = stdio): Command {
  return new Command('replay')
    .description(
      'Push EventBridge events through the real handlers into the local ledger (.netledger/).\n' +
        'Each FILE holds one event or a JSON array of them; a directory means its .json files in name order.\n' +
        'Capacity alerts are evaluated after each applied event and printed instead of published;\n' +
        'thresholds and cluster modes come from the same variables as in Lambda\n' +
        '(PREFIX_DELEGATION_CLUSTERS, CUSTOM_NETWORKING_CLUSTERS, MAX_ENIS, NODE_MIN_FREE_SLOTS, ...).',
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
    .option(
      '--instance-types <file>',
      'saved `aws ec2 describe-instance-types` response for max pods',
      DEFAULT_INSTANCE_TYPES,
    )
    .option(
      '--subnets <file>',
      'saved `aws ec2 describe-subnets` response: the CIDRs subnet capacity needs',
      DEFAULT_SUBNETS,
    )
    .action(
      async (
        files: string[],
        opts: {
          reset: boolean;
          clusters: string;
          vpcIds: string;
          json: boolean;
          instanceTypes: string;
          subnets: string;
        },
      ) => {
        const scope = scopeOption(opts.clusters, opts.vpcIds);
        const settings = loadCapacitySettings(process.env);
        let events: ReturnType<typeof loadEventFiles>;
        try {
          events = loadEventFiles(files);
        } catch (error) {
          if (!(error instanceof EventFileError)) throw error;
          io.err(`netledger replay: ${error.message}; nothing was applied`);
          process.exitCode = 1;
          return;
        }
        if (events.length === 0) {
          io.err(`netledger replay: no events found in ${files.join(', ')}; nothing was applied`);
          process.exitCode = 1;
          return;
        }
        // Read before the ledger opens: a bad file must leave it untouched.
        const catalog = await fileInstanceTypeCatalog(opts.instanceTypes);
        const ec2 = await savedSubnetsEc2(opts.subnets);
        const ledger = await openLocalLedger({ reset: opts.reset });
        try {
          const notifier = new PrintingNotifier((line) => {
            if (!opts.json) io.out(line);
          });
          const routes = localRoutes(ledger, scope, { catalog, notifier, settings }, ec2);
          const counts: Record<string, number> = {};
          const parked = new Set<string>();
          let appliedLater = 0;
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
            if (outcome.status === 'parked' && outcome.eventId) parked.add(outcome.eventId);
            const later = laterOutcomes(outcome);
            appliedLater += later.filter((o) => o.status !== 'parked').length;
            if (opts.json) io.out(JSON.stringify({ file, ...outcome }));
            else {
              io.out(summaryLine(outcome));
              for (const o of later) io.out(summaryLine(o, 'parked earlier, applied now: '));
            }
          }
          const stillParked = (await dynamoLedger(ledger.db, ledger.tableName).network.listParked())
            .length;
          if (!opts.json) {
            io.out(
              `${events.length} events: ${Object.entries(counts)
                .map(([k, v]) => `${v} ${k}`)
                .join(', ')}`,
            );
            io.out(
              `parked ${parked.size}, applied later ${appliedLater}, still parked ${stillParked}`,
            );
          }
        } finally {
          await ledger.close();
        }
      },
    );
}

/** Parked events an outcome's filing let through, and theirs in turn, in the order applied. */
function laterOutcomes(o: EventOutcome): EventOutcome[] {
  return (o.later ?? []).flatMap((l) => [{ ...l, later: undefined }, ...laterOutcomes(l)]);
}

function summaryLine(o: EventOutcome, prefix = ''): string {
  const reason =
    o.status === 'parked' && o.parkedOn ? `waits for ${o.parkedOn}: ${o.reason}` : o.reason;
  return [
    o.status.padEnd(9),
    (o.name ?? '-').padEnd(28),
    (o.eventId ?? '-').padEnd(38),
    `${prefix}${reason}`,
  ].join(' ');
}
