import { SeededRandom } from '../seeded-random.ts';
import { faultAnswer, isFaultedService } from './fault-answers.ts';
import type { ProxyPolicy, Verdict, WireRequest } from './fault-proxy.ts';

export interface FaultSettings {
  /** Share of EC2, ELBv2, Route53, SNS and DynamoDB requests answered with a fault. */
  readonly rate: number;
  /**
   * Share of alert notifications whose publish fails on every attempt the SNS client makes
   * (after the ledger stored the transition), so the invocation fails and is redelivered.
   */
  readonly publishOutageRate: number;
  /**
   * With a publish outage rate above zero, one of the first this many notifications is an
   * outage for sure (the rest at the rate), so a run with at least that many notifications
   * always has one.
   */
  readonly firstOutageWithin: number;
  /** Attempts the handlers' SNS client makes: a publish outage fails that many in a row. */
  readonly snsAttempts: number;
}

/** What the proxy did, for the suite's figure line. */
export interface FaultCounts {
  requests: number;
  injected: number;
  readonly injectedByService: Record<string, number>;
  /** Notifications whose every publish attempt failed. */
  publishOutages: number;
}

interface Crash {
  readonly atRequest: number;
  /** Kill before the request leaves, or after the service applied it and before its answer arrives. */
  readonly when: 'before' | 'after';
  readonly kill: () => void;
}

/**
 * The fault suite's decisions for each handler request that reaches the proxy: a fault at
 * the configured rate, a publish outage for some notifications, and the armed crash of the
 * current invocation.
 *
 * Each kind of decision draws from its own stream derived from the seed: whether a request
 * fails (and how) from one, whether a notification's publish is in an outage from another. A
 * change that adds or removes requests of one kind (a read saved, a sweep that queries less)
 * shifts only that stream, so it cannot take another kind of fault out of the run.
 *
 * A crash is never placed between SNS accepting an alert's Publish and the ledger clearing
 * that alert's outbox: no ledger can make a standard SNS topic publish exactly once across a
 * crash there (the outbox sends it again, at least once), so the suite, which counts a repeat
 * as a doubled alert, holds the kill until that write was answered.
 */
export class FaultPlan implements ProxyPolicy {
  readonly counts: FaultCounts = {
    requests: 0,
    injected: 0,
    injectedByService: {},
    publishOutages: 0,
  };
  private crash: Crash | undefined;
  private seen = 0;
  /** `ALERT#<kind>#<subject>` keys whose notification SNS accepted and whose outbox is not cleared. */
  private readonly published = new Set<string>();
  /** Publish bodies in an outage -> failed attempts left. */
  private readonly outages = new Map<string, number>();
  private readonly decided = new Set<string>();
  /** A crash armed to strike once the request in flight is answered. */
  private killAfter: (() => void) | undefined;
  /** Whether a request fails, and with what. */
  private readonly requestFaults: SeededRandom;
  /** Whether a notification's publish is in an outage. */
  private readonly publishOutages: SeededRandom;
  /** The notification (1-based, in order of first publish) made an outage if none was before it. */
  private readonly firstOutageAt: number;

  constructor(
    seed: number,
    private readonly settings: FaultSettings,
  ) {
    this.requestFaults = new SeededRandom(streamSeed(seed, 'request-faults'));
    this.publishOutages = new SeededRandom(streamSeed(seed, 'publish-outages'));
    this.firstOutageAt =
      settings.publishOutageRate > 0 ? this.publishOutages.int(1, settings.firstOutageWithin) : 0;
  }

  /** The next invocation is killed at its `atRequest`-th request (1-based). */
  arm(crash: Crash | undefined): void {
    this.crash = crash;
    this.seen = 0;
  }

  /** A new handler process: nothing of the old one is in flight any more. */
  reset(): void {
    this.crash = undefined;
    this.published.clear();
  }

  verdict(request: WireRequest): Verdict {
    this.counts.requests += 1;
    this.seen += 1;
    const crash = this.crash;
    if (crash && this.seen >= crash.atRequest && this.published.size === 0) {
      if (!isPublish(request)) {
        this.crash = undefined;
        if (crash.when === 'before') {
          crash.kill();
          return { do: 'drop' };
        }
        this.killAfter = crash.kill;
        return { do: 'forward-then-drop' };
      }
    }
    if (!isFaultedService(request.service)) return { do: 'forward' };
    const outage = isPublish(request) ? this.outageFor(request) : false;
    if (outage || this.requestFaults.chance(this.settings.rate)) {
      this.counts.injected += 1;
      this.counts.injectedByService[request.service] =
        (this.counts.injectedByService[request.service] ?? 0) + 1;
      const kind = outage || this.requestFaults.chance(0.5) ? 'server-error' : 'throttle';
      return {
        do: 'fail',
        answer: faultAnswer(request.service, kind, `fault-${this.counts.requests}`),
      };
    }
    return { do: 'forward' };
  }

  answered(request: WireRequest, status: number): void {
    if (this.killAfter) {
      const kill = this.killAfter;
      this.killAfter = undefined;
      kill();
      return;
    }
    if (isPublish(request) && status === 200) {
      const key = publishedAlertKey(request.body);
      if (key) this.published.add(key);
      return;
    }
    if (request.service === 'dynamodb') {
      for (const key of this.published) {
        if (writesAlert(request, key)) this.published.delete(key);
      }
    }
  }

  /** Whether this publish attempt belongs to an outage (decided once per notification). */
  private outageFor(request: WireRequest): boolean {
    const body = request.body.toString('utf8');
    if (!this.decided.has(body)) {
      this.decided.add(body);
      const drawn = this.publishOutages.chance(this.settings.publishOutageRate);
      const due = this.decided.size === this.firstOutageAt && this.counts.publishOutages === 0;
      if (drawn || due) {
        this.outages.set(body, this.settings.snsAttempts);
        this.counts.publishOutages += 1;
      }
    }
    const left = this.outages.get(body) ?? 0;
    if (left === 0) return false;
    this.outages.set(body, left - 1);
    return true;
  }
}

/** A seed for one named stream of decisions: FNV-1a of the name, mixed with the run's seed. */
function streamSeed(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < name.length; i++) {
    h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  }
  return h | 0;
}

function isPublish(request: WireRequest): boolean {
  return request.service === 'sns' && request.operation === 'Publish';
}

/** The ledger key of the alert an SNS Publish announces (its Message is the notification JSON). */
function publishedAlertKey(body: Buffer): string | undefined {
  const message = new URLSearchParams(body.toString('utf8')).get('Message');
  if (!message) return undefined;
  try {
    const n = JSON.parse(message) as { kind?: string; subject?: string };
    return n.kind && n.subject ? `ALERT#${n.kind}#${n.subject}` : undefined;
  } catch {
    return undefined;
  }
}

const ITEM_WRITES = new Set(['PutItem', 'UpdateItem', 'TransactWriteItems', 'BatchWriteItem']);

/** Whether a DynamoDB request writes the alert item with this partition key. */
function writesAlert(request: WireRequest, pk: string): boolean {
  return (
    ITEM_WRITES.has(request.operation) && request.body.toString('utf8').includes(JSON.stringify(pk))
  );
}
