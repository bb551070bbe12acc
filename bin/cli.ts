import { Command, CommanderError } from 'commander';
import { PermanentInputError } from '#core/events/errors.ts';
import { DynamoDbLocalError } from '#local/dynamodb-local.ts';
import { localDnsDeps } from '#local/local-dns.ts';
import { ConfigError } from '#shared/errors.ts';
import { dnsCommand } from './commands/dns.ts';
import { maxPodsCommand } from './commands/max-pods.ts';
import { redriveCommand } from './commands/redrive.ts';
import { replayCommand } from './commands/replay.ts';
import { reportCommand } from './commands/report.ts';

export function program(): Command {
  return new Command('netledger')
    .description(
      'Ask the netledger ledger about EKS pod networking: nodes, subnets, targets, DNS.\n' +
        'Local mode keeps a real DynamoDB Local ledger under .netledger/ (override with NETLEDGER_HOME).',
    )
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
    .addCommand(replayCommand())
    .addCommand(reportCommand())
    .addCommand(maxPodsCommand())
    .addCommand(dnsCommand(localDnsDeps()))
    .addCommand(redriveCommand());
}

/** Runs the CLI and returns its exit code; expected failures print one line, not a stack. */
export async function main(argv: readonly string[]): Promise<number> {
  // Like kubectl or docker: asking for nothing is not an error, the help is the answer.
  if (argv.length <= 2) {
    process.stdout.write(program().helpInformation());
    return 0;
  }
  try {
    await program().parseAsync([...argv]);
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (
      error instanceof ConfigError ||
      error instanceof PermanentInputError ||
      error instanceof DynamoDbLocalError ||
      (error instanceof Error && error.name === 'NoDeadLetterQueueError')
    ) {
      process.stderr.write(`netledger: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
