import type { QueuedMessage } from '#adapters/sqs/dead-letter-queue.ts';
import { readDeadLetter } from '#core/events/dead-letter.ts';

export interface RedriveQueue {
  receive(max: number): Promise<QueuedMessage[]>;
  delete(message: QueuedMessage): Promise<unknown>;
  release(message: QueuedMessage): Promise<unknown>;
}

export interface RedriveTarget {
  invoke(payload: unknown): Promise<{ ok: true } | { ok: false; error: string }>;
}

export type RedriveOutcome = 'redriven' | 'failed' | 'skipped' | 'would-redrive';

export interface RedriveLine {
  readonly outcome: RedriveOutcome;
  readonly messageId: string;
  readonly text: string;
}

export interface RedriveOptions {
  readonly max: number;
  readonly dryRun: boolean;
  /** Called once per message, as soon as it is settled. */
  readonly onLine?: (line: RedriveLine) => void;
}

/**
 * Re-invokes the function with each dead letter's original event. A message is deleted only
 * after the invocation succeeded. Messages stay hidden while the run lasts (so each is handled
 * once, however often SQS hands it out) and every message not deleted (failed, holding no
 * event, or only listed by a dry run) is made visible again at the end.
 */
export async function redrive(
  queue: RedriveQueue,
  target: RedriveTarget,
  options: RedriveOptions,
): Promise<RedriveLine[]> {
  const lines: RedriveLine[] = [];
  const seen = new Set<string>();
  const keep: QueuedMessage[] = [];
  const emit = (line: RedriveLine) => {
    lines.push(line);
    options.onLine?.(line);
  };
  try {
    while (lines.length < options.max) {
      const received = await queue.receive(options.max - lines.length);
      const batch = received.filter((m) => !seen.has(m.id));
      if (batch.length === 0) break;
      for (const message of batch) {
        seen.add(message.id);
        if (lines.length >= options.max) {
          keep.push(message);
          continue;
        }
        const letter = readDeadLetter(message.body);
        if (!letter.ok) {
          keep.push(message);
          emit({
            outcome: 'skipped',
            messageId: message.id,
            text: `${letter.reason}; left in the queue`,
          });
          continue;
        }
        const what = `${letter.summary} (${letter.origin})`;
        if (options.dryRun) {
          keep.push(message);
          emit({ outcome: 'would-redrive', messageId: message.id, text: what });
          continue;
        }
        const result = await target.invoke(letter.payload);
        if (result.ok) {
          await queue.delete(message);
          emit({ outcome: 'redriven', messageId: message.id, text: `${what}; deleted` });
        } else {
          keep.push(message);
          emit({
            outcome: 'failed',
            messageId: message.id,
            text: `${what}: ${result.error}; kept in the queue`,
          });
        }
      }
    }
  } finally {
    for (const message of keep) await queue.release(message);
  }
  return lines;
}
