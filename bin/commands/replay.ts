import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoUsageHistory } from '#adapters/dynamodb/ledger-usage.ts';
import { sampleUsage } from '#core/capacity/sample-usage.ts';
import type { EventOutcome } from '#core/network/apply-ec2-event.ts';
import { CliError } from '#local/cli-error.ts';
import { EventFileError, loadEventFiles } from '#local/event-files.ts';
import {
  DEFAULT_INSTANCE_TYPES,
  fileInstanceTypeCatalog,
  PrintingNotifier,
} from '#local/local-capacity.ts';
import { openLocalLedger } from '#local/local-ledger.ts';
import { type Output, stdio } from '#local/output.ts';
import { loadCapacitySettings } from '#shared/config.ts';
import { scopeOption } from './scope-options.ts';

/** Same file as local-ec2's DEFAULT_SUBNETS, named here so the EC2 client loads only for replay. */
const DEFAULT_SUBNETS = fileURLToPath(
  new URL('../../events/reference/subnets.json', import.meta.url),
);

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
          throw new CliError(error.message, 'nothing was applied');
        }
        if (events.length === 0) {
          throw new CliError(
            `no events found in ${files.join(', ')}`,
            'a file holds one event or an array; nothing was applied',
          );
        }
        // Read before the ledger opens: a bad file must leave it untouched.
        // The handlers (Powertools, X-Ray, SDK clients) load only when a replay runs: every
        // other command starts about 4 s sooner on a busy machine.
        const [{ savedSubnetsEc2 }, { localRoutes }] = await Promise.all([
          import('#local/local-ec2.ts'),
          import('#local/local-handlers.ts'),
        ]);
        const catalog = await fileInstanceTypeCatalog(opts.instanceTypes);
        const ec2 = await savedSubnetsEc2(opts.subnets);
        const ledger = await openLocalLedger({ reset: opts.reset });
        try {
          // An alert line follows the line of the event that caused it.
          const pending: string[] = [];
          const notifier = new PrintingNotifier((line) => {
            if (!opts.json) pending.push(line);
          });
          const routes = localRoutes(ledger, scope, { catalog, notifier, settings }, ec2);
          const network = new DynamoNetworkLedger(ledger.db, ledger.tableName);
          const usage = new DynamoUsageHistory(ledger.db, ledger.tableName);
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
            // Local mode has no schedule: a usage sample after each applied event, on the
            // event's own clock, stands in for the sweep's, so forecasts work in replays too.
            const at = eventTime(event);
            if (outcome.status === 'applied' && at) {
              await sampleUsage({ ledger: network, catalog, settings, usage, now: at });
            }
            io.out(opts.json ? JSON.stringify({ file, ...outcome }) : summaryLine(outcome));
            for (const line of pending.splice(0)) io.out(line);
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

/** When the event happened: CloudTrail's eventTime, else the envelope's time. */
function eventTime(event: unknown): string | undefined {
  const e = event as { time?: unknown; detail?: { eventTime?: unknown } } | null;
  const raw = e?.detail?.eventTime ?? e?.time;
  if (typeof raw !== 'string' || Number.isNaN(Date.parse(raw))) return undefined;
  return new Date(raw).toISOString();
}

function summaryLine(o: EventOutcome): string {
  return [
    o.status.padEnd(9),
    (o.name ?? '-').padEnd(28),
    (o.eventId ?? '-').padEnd(38),
    o.reason,
  ].join(' ');
}
