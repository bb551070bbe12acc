import type { DnsSyncResult } from '#core/dns/sync-dns.ts';
import { ACCOUNT } from './actors.ts';
import type { EmittedEvent } from './cloudtrail.ts';
import type { EventBus, Delivery as Message } from './event-bus.ts';
import { SeededRandom } from './seeded-random.ts';
import type { RuleHandler } from './sim-handlers.ts';

/** The part of the bus delivery uses (moto's EventBridge and SQS, or a stand-in in unit tests). */
export type DeliveryBus = Pick<EventBus, 'put' | 'receiveAll' | 'ack' | 'retryLater'>;

export interface ChaosSettings {
  /** CloudTrail's delay, at-least-once duplicates and reordering; off with --no-chaos. */
  readonly enabled: boolean;
  readonly seed: number;
  /**
   * At-least-once delivery: how many times an event may arrive (default 2) and how often it
   * arrives more than once (default DUPLICATE_RATE); the copies are drawn from 2..maxCopies.
   */
  readonly duplicates?: { readonly rate: number; readonly maxCopies: number } | undefined;
  /**
   * Redeliver a failed invocation at once instead of after the rest of the batch. Lambda
   * retries a minute or two later; the fault suite retries at once so that its faulty run
   * delivers in the same order as its fault-free reference and any alert that differs is the
   * faults' doing, not the order's.
   */
  readonly retryAtOnce?: boolean | undefined;
}

/** How often a delivered event arrives a second time, with chaos on. */
const DUPLICATE_RATE = 0.15;
/** CloudTrail records reach EventBridge up to this many steps late, with chaos on. */
const MAX_DELAY_STEPS = 2;
/** A failing event is retried this often (Lambda's async retries), then left on its queue. */
const MAX_ATTEMPTS = 3;

/**
 * From the actors to the handlers the way a deployment's events travel: PutEvents onto
 * moto's EventBridge, its rules route by pattern to one SQS queue each, and this runner
 * polls the queues and invokes each rule's handler (moto has no Lambda targets). With chaos,
 * CloudTrail records are held back a step or two, batches arrive shuffled and some events
 * twice, all drawn from the seed.
 */
export class EventDelivery {
  private readonly pending: Array<{ event: EmittedEvent; due: number }> = [];
  private step = 0;
  private readonly random: SeededRandom;
  private readonly attempts = new Map<string, number>();
  readonly counts: Record<string, number> = {};
  readonly failures: string[] = [];
  /** Distinct events that reached a handler's queue, and every handing to a handler (copies and retries too). */
  readonly events = new Set<string>();
  deliveries = 0;
  /** Extra copies the at-least-once delivery handed out. */
  duplicates = 0;

  constructor(
    private readonly bus: DeliveryBus,
    private readonly rules: Record<string, RuleHandler>,
    private readonly chaos: ChaosSettings,
    private readonly setClock: (iso: string) => void,
    private readonly log: (line: string) => void = () => undefined,
    /** Lines a person should see whatever the verbosity (DNS changes). */
    private readonly tell: (line: string) => void = () => undefined,
  ) {
    this.random = new SeededRandom(chaos.seed);
  }

  emit(event: EmittedEvent): void {
    const delay = this.chaos.enabled && event.cloudTrail ? this.random.int(0, MAX_DELAY_STEPS) : 0;
    this.pending.push({ event, due: this.step + delay });
  }

  /** The end of a story step: what is due goes out and is handled. */
  async endStep(): Promise<void> {
    const due = this.pending.filter((p) => p.due <= this.step);
    this.pending.splice(0, this.pending.length, ...this.pending.filter((p) => p.due > this.step));
    this.step += 1;
    await this.deliver(due.map((p) => p.event));
  }

  /** Everything still held back goes out. */
  async flush(): Promise<void> {
    const all = this.pending.splice(0).map((p) => p.event);
    await this.deliver(all);
  }

  private async deliver(events: EmittedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.bus.put(this.chaos.enabled ? this.random.shuffle(events) : events);
    for (;;) {
      const received = await this.bus.receiveAll();
      if (received.length === 0) return;
      const batch = this.chaos.enabled
        ? this.random.shuffle(received.flatMap((m) => this.copies(m)))
        : received.sort((a, b) => timeOf(a).localeCompare(timeOf(b)));
      for (const m of received) this.events.add(idOf(m));
      this.deliveries += batch.length;
      const done = new Set<Message>();
      const failed = new Set<Message>();
      for (const message of batch) {
        if (failed.has(message)) continue;
        if (await this.handleWithRetries(message)) done.add(message);
        else failed.add(message);
      }
      for (const m of done) if (!failed.has(m)) await this.bus.ack(m);
      for (const m of failed) {
        const key = idOf(m);
        const n = (this.attempts.get(key) ?? 0) + 1;
        this.attempts.set(key, n);
        if (n >= MAX_ATTEMPTS) {
          // Left on the queue, as a deployment's DLQ keeps it; the sweep repairs the ledger.
          this.failures.push(`${m.rule}: ${labelOf(m)}`);
          await this.bus.ack(m);
        } else {
          await this.bus.retryLater(m);
        }
      }
    }
  }

  /**
   * Handles a message; with `retryAtOnce`, a failed invocation is retried right away (up to
   * MAX_ATTEMPTS in all, the last failure then goes the usual way), so the rest of the batch
   * keeps its order and its random draws.
   */
  private async handleWithRetries(message: Message): Promise<boolean> {
    if (await this.handle(message)) return true;
    if (!this.chaos.retryAtOnce) return false;
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      if (await this.handle(message)) return true;
    }
    // Out of attempts: the bookkeeping after the batch leaves it for the DLQ.
    this.attempts.set(idOf(message), MAX_ATTEMPTS - 1);
    return false;
  }

  /** One message as the at-least-once delivery hands it out: once, or a few times. */
  private copies(m: Message): Message[] {
    const { rate, maxCopies } = this.chaos.duplicates ?? { rate: DUPLICATE_RATE, maxCopies: 2 };
    if (maxCopies < 2 || !this.random.chance(rate)) return [m];
    // Two copies draw nothing more, so a seed delivers as it did before copies were settable.
    const n = maxCopies === 2 ? 2 : this.random.int(2, maxCopies);
    this.duplicates += n - 1;
    return Array.from({ length: n }, () => m);
  }

  private async handle(message: Message): Promise<boolean> {
    const handler = this.rules[message.rule];
    if (!handler) throw new Error(`no handler for rule ${message.rule}`);
    const event = message.body as Record<string, unknown>;
    // moto 5.2.1 work-around: the envelope it delivers has no `account`; AWS always sets it.
    event.account ??= ACCOUNT;
    this.setClock(timeOf(message));
    const t0 = performance.now();
    try {
      const outcome = (await handler(event)) as
        | { status?: string; reason?: string; dns?: DnsSyncResult }
        | undefined;
      const plan = outcome?.dns?.apply ? outcome.dns.plan : undefined;
      for (const [verb, records] of [
        ['creates', plan?.create ?? []],
        ['updates', plan?.update ?? []],
        ['deletes', plan?.delete ?? []],
      ] as const) {
        if (records.length > 0) {
          this.tell(`DNS sync ${verb} ${records.map((r) => `${r.name} ${r.type}`).join(', ')}`);
        }
      }
      const status = outcome?.status ?? 'handled';
      this.counts[status] = (this.counts[status] ?? 0) + 1;
      this.log(
        `${status.padEnd(9)} ${message.rule.padEnd(14)} ${labelOf(message)}: ${outcome?.reason ?? ''} (${Math.round(performance.now() - t0)} ms)`,
      );
      return true;
    } catch (error) {
      this.counts.failed = (this.counts.failed ?? 0) + 1;
      this.log(
        `failed    ${message.rule.padEnd(14)} ${labelOf(message)}: ${(error as Error).message}`,
      );
      return false;
    }
  }
}

/** When the event happened: CloudTrail's eventTime, else the envelope's time. */
function timeOf(message: Message): string {
  const e = message.body as { time?: string; detail?: { eventTime?: string } };
  return new Date(e.detail?.eventTime ?? e.time ?? 0).toISOString();
}

function idOf(message: Message): string {
  return String((message.body as { id?: unknown }).id);
}

function labelOf(message: Message): string {
  const e = message.body as {
    detail?: { eventName?: string; 'instance-id'?: string; state?: string };
  };
  return e.detail?.eventName ?? `${e.detail?.['instance-id']} ${e.detail?.state}`;
}
