import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { DynamoAlertStore } from '#adapters/dynamodb/ledger-alerts.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoUsageHistory } from '#adapters/dynamodb/ledger-usage.ts';
import { dynamoLedger } from '#app/composition.ts';
import { reviewCapacity } from '#core/capacity/review-capacity.ts';
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
import { scopeOption, withScopeOptions } from './scope-options.ts';

/** Same file as local-ec2's DEFAULT_SUBNETS, named here so the EC2 client loads only for replay. */
const DEFAULT_SUBNETS = fileURLToPath(
  new URL('../../events/reference/subnets.json', import.meta.url),
);

export function replayCommand(io: Output = stdio): Command {
  return withScopeOptions(new Command('replay'))
    .description(
      'Push EventBridge events through the real handlers into the local ledger (.netledger/).\n' +
        'Each FILE holds one event or a JSON array of them; a directory means its .json files in name order.\n' +
        'Capacity alerts are evaluated after each applied event and printed instead of published\n' +
        '(--no-alerts: only applied, as in a deployment without an alert topic);\n' +
        'thresholds and cluster modes come from the same variables as in Lambda\n' +
        '(PREFIX_DELEGATION_CLUSTERS, CUSTOM_NETWORKING_CLUSTERS, MAX_ENIS, NODE_MIN_FREE_SLOTS, ...).',
    )
    .argument('<file...>', 'event files or directories')
    .option('--reset', 'clear the local ledger first', false)
    .option('--json', 'print one JSON object per event instead of a summary line', false)
    .option(
      '--no-samples',
      'take no usage samples between events (they stand in for the sweep; off, only the events write)',
    )
    .option('--no-alerts', 'evaluate no alerts: apply the events only')
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
          samples: boolean;
          alerts: boolean;
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
          const alerting = opts.alerts ? { catalog, notifier, settings } : undefined;
          const routes = localRoutes(ledger, scope, alerting, ec2);
          const network = new DynamoNetworkLedger(ledger.db, ledger.tableName);
          const usage = new DynamoUsageHistory(ledger.db, ledger.tableName);
          const alerts = new DynamoAlertStore(ledger.db, ledger.tableName);
          let lastSample = Number.NEGATIVE_INFINITY;
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
            // Local mode has no schedule: a usage sample after an applied event, on the
            // event's own clock and at most one per SAMPLE_EVERY_MS, stands in for the sweep's,
            // so forecasts work in replays too.
            const at = eventTime(event);
            if (
              opts.samples &&
              outcome.status === 'applied' &&
              at &&
              Date.parse(at) - lastSample >= SAMPLE_EVERY_MS
            ) {
              lastSample = Date.parse(at);
              await sampleUsage({ ledger: network, catalog, settings, usage, now: at });
              // And, as in the sweep, every node and subnet reviewed after it: what time alone
              // changes (a forecast coming due, a reminder) is the sweep's to alert, not the events'.
              if (alerting) {
                await reviewCapacity(
                  {
                    nodes: (await network.listNodes()).map((n) => n.instanceId),
                    subnets: (await network.listSubnets()).map((s) => s.subnetId),
                  },
                  { ledger: network, alerts, catalog, notifier, settings, usage, now: at },
                );
              }
            }
            if (outcome.status === 'parked' && outcome.eventId) parked.add(outcome.eventId);
            const later = laterOutcomes(outcome);
            appliedLater += later.filter((o) => o.status !== 'parked').length;
            if (opts.json) io.out(JSON.stringify({ file, ...outcome }));
            else {
              io.out(summaryLine(outcome));
              for (const o of later) io.out(summaryLine(o, 'parked earlier, applied now: '));
            }
            for (const line of pending.splice(0)) io.out(line);
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

/** Replays sample usage as a sweep would: the deployed default schedule is every 10 minutes. */
const SAMPLE_EVERY_MS = 5 * 60_000;

/** When the event happened: CloudTrail's eventTime, else the envelope's time. */
function eventTime(event: unknown): string | undefined {
  const e = event as { time?: unknown; detail?: { eventTime?: unknown } } | null;
  const raw = e?.detail?.eventTime ?? e?.time;
  if (typeof raw !== 'string' || Number.isNaN(Date.parse(raw))) return undefined;
  return new Date(raw).toISOString();
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
