import type { Change, Route53Client, RRType } from '@aws-sdk/client-route-53';
import {
  Route53Caller,
  type Route53CallOptions,
  Route53RetriesExhaustedError,
} from '#adapters/route53/route53-call.ts';
import type { AlertCondition } from '#core/alerts/alert.ts';
import { dnsFailureAlert } from '#core/dns/dns-alerts.ts';
import { type BatchLimits, batchChangeGroups, ROUTE53_LIMITS } from '#core/dns/dns-batch.ts';
import type { DnsApplyReport, DnsChangeApplier } from '#core/dns/dns-ports.ts';
import type { DnsApplyFailure, DnsChangeGroup, RecordChange } from '#core/dns/dns-record.ts';
import { normalizeDnsName } from '#core/dns/dns-zone.ts';

export interface Route53ApplierOptions extends Route53CallOptions {
  /** Shared with the zone reader so both draw from one per-account rate limit. */
  readonly caller?: Route53Caller;
  readonly dryRun?: boolean;
  readonly limits?: BatchLimits;
  /** Cluster named on the dns-failure alerts. */
  readonly cluster?: string;
  readonly log?: (message: string, data?: Readonly<Record<string, unknown>>) => void;
}

/** Errors where Route53 rejected the content of a batch: some change in it is bad, the rest may be fine. */
const REJECTED_BATCH = new Set(['InvalidChangeBatch', 'InvalidInput']);

function rejectionMessages(error: unknown): string[] {
  const e = error as { messages?: unknown; message?: unknown };
  if (Array.isArray(e.messages) && e.messages.length > 0) return e.messages.map(String);
  return [String(e.message ?? error)];
}

/** Route53 names the offending record set in its messages: `[name='a.example.com.', type='A']`. */
function namesIn(messages: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const m of messages) {
    for (const match of m.matchAll(/name='([^']+)'/g)) {
      if (match[1] !== undefined) names.add(normalizeDnsName(match[1]));
    }
  }
  return names;
}

function toSdkChange(c: RecordChange): Change {
  return {
    Action: c.Action,
    ResourceRecordSet: { ...c.ResourceRecordSet, Type: c.ResourceRecordSet.Type as RRType },
  } as Change;
}

function describe(group: DnsChangeGroup): string[] {
  return group.changes.map(
    (c) => `${c.Action} ${c.ResourceRecordSet.Type} ${c.ResourceRecordSet.Name}`,
  );
}

/**
 * Applies change groups with ChangeResourceRecordSets. A rejected batch is split (first
 * around the records Route53 names, else in halves) until every good group is applied and
 * every bad one is isolated and reported as a dns-failure; nothing is dropped silently.
 */
export class Route53Applier implements DnsChangeApplier {
  readonly caller: Route53Caller;
  readonly #options: Route53ApplierOptions;

  constructor(client: Route53Client, options: Route53ApplierOptions = {}) {
    this.caller = options.caller ?? new Route53Caller(client, options);
    this.#options = options;
  }

  async apply(groups: readonly DnsChangeGroup[]): Promise<DnsApplyReport> {
    const log = this.#options.log ?? (() => undefined);
    const { batches, oversized } = batchChangeGroups(
      groups,
      this.#options.limits ?? ROUTE53_LIMITS,
    );
    const failed: DnsApplyFailure[] = oversized.map((group) => ({
      group,
      reason: 'oversized',
      messages: [`changes for ${group.hostname} exceed one ChangeResourceRecordSets request`],
    }));
    const applied: DnsChangeGroup[] = [];
    const callsBefore = this.caller.calls;
    let exhausted = false;

    if (this.#options.dryRun) {
      for (const batch of batches) {
        log('dns dry-run batch', { zoneId: batch.zoneId, changes: batch.groups.flatMap(describe) });
      }
      return this.#report(true, batches, applied, failed, 0, true);
    }

    const send = async (zoneId: string, part: readonly DnsChangeGroup[]): Promise<void> => {
      if (exhausted) {
        for (const group of part) {
          failed.push({
            group,
            reason: 'throttled',
            messages: ['not sent: Route53 throttling outlasted retries'],
          });
        }
        return;
      }
      try {
        await this.caller.changeRecordSets({
          HostedZoneId: zoneId,
          ChangeBatch: { Changes: part.flatMap((g) => g.changes.map(toSdkChange)) },
        });
        applied.push(...part);
      } catch (error) {
        const name = (error as { name?: string }).name ?? '';
        if (REJECTED_BATCH.has(name)) {
          const messages = rejectionMessages(error);
          const [only] = part;
          if (part.length === 1 && only) {
            failed.push({ group: only, reason: 'invalid-change', messages });
            log('dns change rejected', { zoneId, hostname: only.hostname, messages });
            return;
          }
          for (const piece of split(part, messages)) await send(zoneId, piece);
          return;
        }
        const reason = error instanceof Route53RetriesExhaustedError ? 'throttled' : 'error';
        if (reason === 'throttled') exhausted = true;
        for (const group of part) {
          failed.push({ group, reason, messages: [(error as Error).message ?? String(error)] });
        }
        log('dns batch failed', { zoneId, reason, error: (error as Error).message });
      }
    };

    for (const batch of batches) await send(batch.zoneId, batch.groups);
    return this.#report(
      false,
      batches,
      applied,
      failed,
      this.caller.calls - callsBefore,
      !exhausted,
    );
  }

  #report(
    dryRun: boolean,
    batches: DnsApplyReport['batches'],
    applied: DnsChangeGroup[],
    failed: DnsApplyFailure[],
    writeCalls: number,
    complete: boolean,
  ): DnsApplyReport {
    const cluster = this.#options.cluster ?? '';
    const alerts: AlertCondition[] = failed.map((f) => dnsFailureAlert(f, cluster));
    return { dryRun, batches, applied, failed, alerts, writeCalls, complete };
  }
}

/** Suspects named by Route53 go on their own; without names, halve. */
function split(part: readonly DnsChangeGroup[], messages: readonly string[]): DnsChangeGroup[][] {
  const named = namesIn(messages);
  const suspects = part.filter((g) =>
    g.changes.some((c) => named.has(normalizeDnsName(c.ResourceRecordSet.Name))),
  );
  if (suspects.length > 0 && suspects.length < part.length) {
    const suspectSet = new Set(suspects);
    return [part.filter((g) => !suspectSet.has(g)), suspects];
  }
  const mid = Math.ceil(part.length / 2);
  return [part.slice(0, mid), part.slice(mid)];
}
