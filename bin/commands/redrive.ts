import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { Command, InvalidArgumentError } from 'commander';
import type { RedriveLine } from '#app/redrive.ts';

export interface RedriveCommandDeps {
  readonly lambda: () => Promise<LambdaClient>;
  readonly sqs: () => Promise<SQSClient>;
  readonly writeOut: (text: string) => void;
  readonly setExitCode: (code: number) => void;
}

/**
 * The real AWS clients (they honour AWS_REGION, AWS_PROFILE and AWS_ENDPOINT_URL_<SERVICE>),
 * loaded only when redrive runs: every other command starts without them.
 */
const awsDeps: RedriveCommandDeps = {
  lambda: async () => new (await import('@aws-sdk/client-lambda')).LambdaClient({ maxAttempts: 5 }),
  sqs: async () => new (await import('@aws-sdk/client-sqs')).SQSClient({ maxAttempts: 5 }),
  writeOut: (text) => process.stdout.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return n;
}

const format = (line: RedriveLine) =>
  `${line.outcome.padEnd(14)}${line.messageId.padEnd(38)}${line.text.replace(/\s+/g, ' ')}\n`;

export function redriveCommand(deps: RedriveCommandDeps = awsDeps): Command {
  return new Command('redrive')
    .description(
      'Re-invoke a deployed function with the events in its dead-letter queue (its on-failure\n' +
        'destination), deleting each message only after the invocation succeeded.',
    )
    .requiredOption(
      '--function <name>',
      'the deployed function name or ARN, e.g. netledger-prod-sweep',
    )
    .option('--max <n>', 'redrive at most this many messages', positiveInt, 1000)
    .option('--dry-run', 'list what would be redriven; invoke and delete nothing', false)
    .option(
      '--queue-url <url>',
      "the queue to read instead of the function's on-failure destination",
    )
    .action(async (opts: { function: string; max: number; dryRun: boolean; queueUrl?: string }) => {
      const { LambdaFunction } = await import('#adapters/lambda/lambda-invoker.ts');
      const { DeadLetterQueue } = await import('#adapters/sqs/dead-letter-queue.ts');
      const { redrive } = await import('#app/redrive.ts');
      const sqs = await deps.sqs();
      const target = new LambdaFunction(await deps.lambda(), opts.function);
      const queue = opts.queueUrl
        ? new DeadLetterQueue(sqs, opts.queueUrl)
        : await DeadLetterQueue.fromArn(sqs, await target.deadLetterQueueArn());
      const lines = await redrive(queue, target, {
        max: opts.max,
        dryRun: opts.dryRun,
        onLine: (line) => deps.writeOut(format(line)),
      });
      const count = (o: RedriveLine['outcome']) => lines.filter((l) => l.outcome === o).length;
      const parts = opts.dryRun
        ? [`${count('would-redrive')} would be redriven`]
        : [`${count('redriven')} redriven`, `${count('failed')} failed`];
      deps.writeOut(
        `${lines.length} message(s) from ${queue.url}: ${[...parts, `${count('skipped')} skipped`].join(', ')}\n`,
      );
      if (count('failed') > 0) deps.setExitCode(1);
    });
}
