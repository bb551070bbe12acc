import { Command } from 'commander';
import { type Output, stdio } from '#local/output.ts';
import type { ScanOptions } from '../scan/run-scan.ts';
import { withScopeOptions } from './scope-options.ts';

/**
 * The sweep of a real account, read-only, into the local ledger: the same Describe/List/Get
 * calls the sweep Lambda makes, then the reports and the alerts it would raise (printed,
 * never published). Nothing can be written to AWS: ELBv2 and Route53 are wired with
 * read-only ports, remediation is off and DNS runs as a dry run.
 */
export function scanCommand(io: Output = stdio): Command {
  return withScopeOptions(new Command('scan'))
    .description(
      'Sweep a real AWS account read-only into the local ledger, then print the reports and the ' +
        'alerts netledger would raise (never published). Uses the standard AWS credential chain. ' +
        'Needs only Describe*/List*/Get* permissions: see docs/scan.md for the IAM policy.',
    )
    .option('--profile <name>', 'AWS profile (else AWS_PROFILE or the default chain)')
    .option('--region <region>', 'AWS region (else AWS_REGION or the profile)')
    .option(
      '--zone <id=name>',
      'hosted zone to compare DNS with (repeatable; else DNS_ZONES)',
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .action(async (opts: ScanOptions) => {
      const { runScan } = await import('../scan/run-scan.ts');
      await runScan(opts, io);
    });
}
