/**
 * The CLI's one voice for failures: `netledger <command>: <what> (<hint>)`, one line on
 * stderr, exit 1. Commands throw CliError (or a domain error the entry point knows) and
 * never print errors themselves, so every failure reads the same way.
 */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    readonly what: string,
    readonly hint: string,
    /** The command as the line names it, when not the one that ran (`report bogus`). */
    readonly command?: string,
  ) {
    super(`${what} (${hint})`);
  }
}

/** The single line an operator sees; newlines inside the parts are folded. */
export function errorLine(command: string, what: string, hint: string): string {
  const flat = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();
  return `netledger ${command}: ${flat(what)} (${flat(hint)})`;
}

/** Why a file could not be read, the same words wherever a file is read. */
export function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return `cannot read (${code ?? (error as Error).message})`;
  }
}

/** `<flag> <path>: <problem>` for options, `<path>: <problem>` for arguments. */
export function fileWhat(path: string, problem: string, flag?: string): string {
  return `${flag ? `${flag} ` : ''}${path}: ${problem}`;
}
