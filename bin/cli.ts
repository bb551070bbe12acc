import { Command, CommanderError } from 'commander';
import { InstanceTypeDataError } from '#core/capacity/instance-type.ts';
import { PermanentInputError } from '#core/events/errors.ts';
import { CliError, errorLine } from '#local/cli-error.ts';
import { DynamoDbLocalError } from '#local/dynamodb-local.ts';
import { localDnsDeps } from '#local/local-dns.ts';
import { MotoUnavailableError } from '#local/moto-server.ts';
import { ConfigError } from '#shared/errors.ts';
import { DnsInputError, dnsCommand } from './commands/dns.ts';
import { ledgerCommand } from './commands/ledger.ts';
import { maxPodsCommand } from './commands/max-pods.ts';
import { redriveCommand } from './commands/redrive.ts';
import { replayCommand } from './commands/replay.ts';
import { reportCommand } from './commands/report.ts';
import { scanCommand } from './commands/scan.ts';
import { simulateCommand } from './commands/simulate.ts';

export function program(): Command {
  return new Command('netledger')
    .description(
      'Ask the netledger ledger about EKS pod networking: nodes, subnets, targets, DNS.\n' +
        'Local mode keeps a real DynamoDB Local ledger under .netledger/ (override with NETLEDGER_HOME).',
    )
    .version('0.1.0')
    .exitOverride()
    .addCommand(replayCommand())
    .addCommand(reportCommand())
    .addCommand(maxPodsCommand())
    .addCommand(dnsCommand(localDnsDeps()))
    .addCommand(ledgerCommand())
    .addCommand(redriveCommand())
    .addCommand(simulateCommand())
    .addCommand(scanCommand());
}

/** `report nodes`, `dns plan`: how the operator typed the command, without `netledger`. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** What commander reported, with the command it was parsing when it failed. */
interface ParseFailure {
  readonly command: Command;
  readonly message: string;
}

/**
 * Commander's own messages are several lines (`error: ...`, a suggestion, sometimes the whole
 * help); they are captured here and rewritten into the one-line form instead.
 */
function captureParseErrors(root: Command, failures: ParseFailure[]): void {
  const visit = (command: Command) => {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => process.stdout.write(text),
      // Only help shown for a usage error lands here (a missing subcommand); the line says it instead.
      writeErr: () => {
        failures.push({ command, message: '' });
      },
      outputError: (message) => failures.push({ command, message }),
    });
    for (const sub of command.commands) visit(sub);
  };
  visit(root);
}

function subcommandNames(command: Command): string {
  // Hidden commands (the ledger server's own `ledger serve`) are not offered.
  return command.commands
    .filter((c) => !(c as unknown as { _hidden?: boolean })._hidden)
    .map((c) => c.name())
    .join(', ');
}

/** Turns one commander usage error into `netledger <command>: <what> (<hint>)`. */
export function usageLine(error: CommanderError, failure: ParseFailure | undefined): string {
  const command = failure?.command;
  const path = command ? commandPath(command) : '';
  const help = `see netledger ${path ? `${path} ` : ''}--help`;
  const text = (failure?.message ?? error.message).replace(/^error: /, '').trim();
  const [first = '', ...rest] = text.split('\n');
  const suggestion = rest
    .join(' ')
    .match(/\(Did you mean (.+)\?\)/)?.[1]
    ?.trim();
  const hint = suggestion ? `did you mean ${suggestion}?` : help;
  const at = (what: string, h = hint) => errorLine(path || 'netledger', what, h);

  switch (error.code) {
    case 'commander.unknownCommand': {
      const name = first.match(/'([^']*)'/)?.[1] ?? '?';
      const where = path ? `${path} ${name}` : name;
      const known = command ? subcommandNames(command) : '';
      return errorLine(
        where,
        'unknown command',
        suggestion ? `did you mean ${suggestion}?` : `one of: ${known}`,
      );
    }
    case 'commander.help':
    case 'commander.executeSubCommandAsync':
      return at(
        'which one? a subcommand is needed',
        `one of: ${command ? subcommandNames(command) : ''}`,
      );
    case 'commander.unknownOption': {
      const flag = first.match(/'([^']*)'/)?.[1] ?? first;
      return at(`unknown option ${flag}`);
    }
    case 'commander.invalidArgument': {
      const option = first.match(/^option '(\S+)[^']*' argument '([^']*)' is invalid\.\s*(.*)$/);
      if (option) {
        const reason = (option[3] ?? '').replace(/^Allowed choices are/, 'must be one of');
        return at(`${option[1]} ${option[2]}: ${reason}`.replace(/\.$/, ''), help);
      }
      return at(first.replace(/\.$/, ''), help);
    }
    case 'commander.optionMissingArgument': {
      const flag = first.match(/'(\S+)/)?.[1] ?? first;
      return at(`${flag} needs a value`, help);
    }
    case 'commander.missingArgument': {
      const name = first.match(/'([^']*)'/)?.[1] ?? 'argument';
      return at(`missing ${name.toUpperCase()} argument`, help);
    }
    case 'commander.missingMandatoryOptionValue': {
      const flag = first.match(/'(\S+)/)?.[1] ?? first;
      return at(`${flag} is required`, help);
    }
    default:
      return at(first.replace(/\.$/, ''), help);
  }
}

/** Errors whose message already says what is wrong and which input it was. */
const KNOWN_ERRORS = [
  ConfigError,
  PermanentInputError,
  DynamoDbLocalError,
  InstanceTypeDataError,
  DnsInputError,
  MotoUnavailableError,
];

/** Runs the CLI and returns its exit code; every failure is one stderr line, never a stack. */
export async function main(argv: readonly string[]): Promise<number> {
  const root = program();
  // Like kubectl or docker: asking for nothing is not an error, the help is the answer.
  if (argv.length <= 2) {
    process.stdout.write(root.helpInformation());
    return 0;
  }
  const failures: ParseFailure[] = [];
  captureParseErrors(root, failures);
  let active = '';
  root.hook('preAction', (_root, action) => {
    active = commandPath(action);
  });
  try {
    await root.parseAsync([...argv]);
    return Number(process.exitCode ?? 0);
  } catch (error) {
    const line = failureLine(error, failures, active || argv[2] || 'netledger');
    if (line === undefined) return 0;
    process.stderr.write(`${line}\n`);
    if (process.env.NETLEDGER_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return 1;
  }
}

/** The line for a failure, or undefined when commander finished on purpose (--help, --version). */
function failureLine(error: unknown, failures: ParseFailure[], active: string): string | undefined {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
      return undefined;
    }
    return usageLine(error, failures.at(-1));
  }
  if (error instanceof CliError) return errorLine(error.command ?? active, error.what, error.hint);
  if (KNOWN_ERRORS.some((known) => error instanceof known)) {
    return errorLine(active, (error as Error).message, hintFor(error as Error));
  }
  return errorLine(
    active,
    (error as Error)?.message ?? String(error),
    'unexpected; NETLEDGER_DEBUG=1 prints the stack',
  );
}

function hintFor(error: Error): string {
  if (error instanceof ConfigError) return 'see docs/deploy.md for the variable';
  if (error instanceof DynamoDbLocalError) return 'local mode needs Java 17';
  return 'nothing was changed';
}
