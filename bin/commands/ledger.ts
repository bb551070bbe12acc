import { Command, InvalidArgumentError } from 'commander';
import {
  idleSeconds,
  readServerInfo,
  serveLedger,
  stopLedgerServer,
} from '#local/ledger-server.ts';
import { localHome } from '#local/local-ledger.ts';
import { type Output, stdio } from '#local/output.ts';

function seconds(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError('must be a whole number of seconds, at least 1.');
  }
  return Number(value);
}

/** `netledger ledger status|stop`: the local ledger server that commands share. */
export function ledgerCommand(io: Output = stdio): Command {
  const ledger = new Command('ledger').description(
    'The local ledger server: DynamoDB Local, kept between commands and stopped after\n' +
      `NETLEDGER_LEDGER_IDLE_SECONDS without use (default ${idleSeconds({})} s; 0 keeps none).`,
  );
  ledger
    .command('status')
    .description('say whether a ledger server runs for this NETLEDGER_HOME, and where')
    .option('--json', 'print JSON', false)
    .action((opts: { json: boolean }) => {
      const info = readServerInfo(localHome()) ?? null;
      if (opts.json) return io.out(JSON.stringify(info, null, 2));
      io.out(
        info
          ? `running: pid ${info.pid}, ${info.endpoint}, stops after ${info.idleSeconds} s idle`
          : 'not running',
      );
    });
  ledger
    .command('stop')
    .description('stop the ledger server now (the data stays under NETLEDGER_HOME)')
    .action(async () => {
      io.out((await stopLedgerServer(localHome())) ? 'stopped' : 'not running');
    });
  ledger
    .command('serve', { hidden: true })
    .requiredOption('--home <dir>')
    .requiredOption('--idle <seconds>', 'idle timeout', seconds)
    .action(async (opts: { home: string; idle: number }) => {
      // Another supervisor already serves this home: nothing to do.
      if (!(await serveLedger(opts.home, opts.idle))) return;
      // Keeps running on its own timer until idle or a signal.
      await new Promise<never>(() => undefined);
    });
  return ledger;
}
