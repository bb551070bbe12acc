import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { CliError, fileWhat, readProblem } from '#local/cli-error.ts';
import { DEFAULT_INSTANCE_TYPES } from '#local/local-capacity.ts';
import { type LocalLedger, openLocalLedger } from '#local/local-ledger.ts';
import { type Output, stdio } from '#local/output.ts';
import {
  alertsSection,
  nodesSection,
  parkedSection,
  type ReportSection,
  type SectionOptions,
  subnetsSection,
  targetsSection,
} from '#local/report-sections.ts';

const SECTIONS: ReadonlyArray<readonly [string, string, ReportSection]> = [
  [
    'nodes',
    'nodes with their attached ENIs, secondary addresses and prefixes, max pods and headroom\n' +
      '(max pods and headroom need the instance type in --instance-types; cluster modes come from\n' +
      'PREFIX_DELEGATION_CLUSTERS, CUSTOM_NETWORKING_CLUSTERS and MAX_ENIS, as in Lambda)',
    nodesSection,
  ],
  [
    'subnets',
    'subnets with the addresses their ENIs hold, by consumer, free addresses and free /28 blocks',
    subnetsSection,
  ],
  [
    'targets',
    'target groups with their service, desired vs actual deregistration delay, targets and stale targets\n' +
      '(desired delay from DEREGISTRATION_DELAY_DEFAULT, _CLUSTERS, _STACKS or the netledger/deregistration-delay tag)',
    targetsSection,
  ],
  [
    'alerts',
    'open alerts (node pod capacity, subnet exhaustion, stale targets, drift, DNS)',
    alertsSection,
  ],
  [
    'parked',
    'events still parked: their subject (ENI, attachment, instance, target group, load balancer)\n' +
      'is not in the ledger yet; they apply when it is filed',
    parkedSection,
  ],
];

export function reportCommand(io: Output = stdio): Command {
  const names = [...SECTIONS.map(([name]) => name), 'all'].join(', ');
  const report = new Command('report')
    .description('Show what the local ledger holds')
    .argument('[report]', `one of: ${names}`)
    .option(
      '--html <file>',
      'write every report as one self-contained page (charts as inline SVG; works offline)',
    )
    .option('--instance-types <file>', INSTANCE_TYPES_HELP, DEFAULT_INSTANCE_TYPES)
    .action(async (name: string | undefined, opts: { html?: string; instanceTypes: string }) => {
      // Known reports are subcommands; only an unknown name reaches this action.
      if (name !== undefined)
        throw new CliError('unknown command', `one of: ${names}`, `report ${name}`);
      if (opts.html === undefined) {
        throw new CliError(
          'which report? a subcommand or --html FILE is needed',
          `one of: ${names}`,
        );
      }
      const path = resolve(opts.html);
      const { collectReportData } = await import('#local/html-report-data.ts');
      const { renderHtmlReport } = await import('#local/html-report.ts');
      const data = await withLedger((local) =>
        collectReportData(local, { instanceTypes: opts.instanceTypes }),
      );
      const html = await renderHtmlReport(data);
      try {
        writeFileSync(path, html);
      } catch (error) {
        throw new CliError(fileWhat(path, readProblem(error), '--html'), 'a writable file path');
      }
      io.out(path);
    });
  for (const [name, description, section] of SECTIONS) {
    withOptions(report.command(name).description(description)).action(async (opts: Options) => {
      const rendered = await withLedger((local) => section(local, opts));
      io.out(opts.json ? JSON.stringify(rendered.rows, null, 2) : rendered.text);
    });
  }
  withOptions(
    report
      .command('all')
      .description('every report above, in one go (JSON: an object keyed by report name)'),
  ).action(async (opts: Options) => {
    const out = await withLedger(async (local) => {
      const all: Array<[string, Awaited<ReturnType<ReportSection>>]> = [];
      for (const [name, , section] of SECTIONS) all.push([name, await section(local, opts)]);
      return all;
    });
    if (opts.json)
      return io.out(JSON.stringify(Object.fromEntries(out.map(([n, r]) => [n, r.rows])), null, 2));
    io.out(out.map(([name, r]) => `${name}\n${r.text}`).join('\n\n'));
  });
  return report;
}

const INSTANCE_TYPES_HELP = 'saved `aws ec2 describe-instance-types` response for max pods';

type Options = SectionOptions & { readonly json: boolean };

function withOptions(command: Command): Command {
  return command
    .option('--json', 'print JSON instead of a table', false)
    .option('--wide', 'full ARNs and untruncated columns (tables otherwise fit 100 columns)', false)
    .option('--instance-types <file>', INSTANCE_TYPES_HELP, DEFAULT_INSTANCE_TYPES);
}

async function withLedger<T>(read: (local: LocalLedger) => Promise<T>): Promise<T> {
  const local = await openLocalLedger();
  try {
    return await read(local);
  } finally {
    await local.close();
  }
}
