import { MemoryDnsRecordCache } from '#adapters/memory/memory-dns-record-cache.ts';
import { canonical } from '#core/alerts/canonical.ts';
import { dnsFailureAlert } from '#core/dns/dns-alerts.ts';
import { type BatchLimits, batchChangeGroups, ROUTE53_LIMITS } from '#core/dns/dns-batch.ts';
import type {
  DnsApplyReport,
  DnsChangeApplier,
  DnsRecordCache,
  DnsZoneReader,
} from '#core/dns/dns-ports.ts';
import type { DnsApplyFailure, DnsChangeGroup, RecordSet } from '#core/dns/dns-record.ts';
import { normalizeDnsName } from '#core/dns/dns-zone.ts';

export interface MemoryRoute53Options {
  /** When applied changes are recorded as seen; the wall clock unless given. */
  readonly clock?: () => Date;
  readonly dryRun?: boolean;
  readonly limits?: BatchLimits;
  /** Cluster named on the dns-failure alerts. */
  readonly cluster?: string;
}

/**
 * Route53 in memory, the way ExternalDNS ships an in-memory provider: hosted zones whose record
 * sets live in a record store (its own by default; in local mode the ledger's record cache,
 * which then stands for Route53). Changes are batched within Route53's limits and checked the
 * way Route53 checks them: a CREATE of a record set that exists, or a DELETE of one that does
 * not exist or holds other values, rejects that hostname's group (invalid-change) and leaves
 * the other groups applied, as the SDK applier's batch splitting ends up doing.
 */
export class MemoryRoute53 implements DnsChangeApplier, DnsZoneReader {
  /** Every group sent to apply (dry runs included), in order: what was asked of Route53. */
  readonly sent: DnsChangeGroup[] = [];

  constructor(
    readonly records: DnsRecordCache = new MemoryDnsRecordCache(),
    private readonly options: MemoryRoute53Options = {},
  ) {}

  /** Puts record sets into a zone, as another tool (or a person) would. */
  async seed(zoneId: string, recordSets: readonly RecordSet[]): Promise<void> {
    await this.records.applyChanges(
      zoneId,
      recordSets.map((rs) => ({ Action: 'UPSERT', ResourceRecordSet: rs })),
      this.#now(),
    );
  }

  /** Removes record sets from a zone behind netledger's back. */
  async remove(zoneId: string, recordSets: readonly RecordSet[]): Promise<void> {
    await this.records.applyChanges(
      zoneId,
      recordSets.map((rs) => ({ Action: 'DELETE', ResourceRecordSet: rs })),
      this.#now(),
    );
  }

  async readZone(zoneId: string): Promise<RecordSet[]> {
    return [...(await this.records.readZone(zoneId)).recordSets];
  }

  async apply(groups: readonly DnsChangeGroup[]): Promise<DnsApplyReport> {
    this.sent.push(...groups);
    const { batches, oversized } = batchChangeGroups(groups, this.options.limits ?? ROUTE53_LIMITS);
    const failed: DnsApplyFailure[] = oversized.map((group) => ({
      group,
      reason: 'oversized',
      messages: [`changes for ${group.hostname} exceed one ChangeResourceRecordSets request`],
    }));
    const applied: DnsChangeGroup[] = [];
    if (!this.options.dryRun) {
      for (const batch of batches) {
        for (const group of batch.groups) {
          const messages = await this.#rejections(group);
          if (messages.length > 0) {
            failed.push({ group, reason: 'invalid-change', messages });
            continue;
          }
          await this.records.applyChanges(group.zoneId, group.changes, this.#now());
          applied.push(group);
        }
      }
    }
    const cluster = this.options.cluster ?? '';
    return {
      dryRun: this.options.dryRun === true,
      batches,
      applied,
      failed,
      alerts: failed.map((f) => dnsFailureAlert(f, cluster)),
      writeCalls: this.options.dryRun ? 0 : batches.length,
      complete: true,
    };
  }

  /** Route53's messages for the changes of one group it would refuse, in the order it checks them. */
  async #rejections(group: DnsChangeGroup): Promise<string[]> {
    const names = group.changes.map((c) => c.ResourceRecordSet.Name);
    const current = new Map(
      (await this.records.readNames(group.zoneId, names)).recordSets.map((rs) => [keyOf(rs), rs]),
    );
    const messages: string[] = [];
    for (const { Action, ResourceRecordSet: rs } of group.changes) {
      const key = keyOf(rs);
      const existing = current.get(key);
      const id = `[name='${normalizeDnsName(rs.Name)}.', type='${rs.Type}']`;
      if (Action === 'CREATE' && existing) {
        messages.push(`Tried to create resource record set ${id} but it already exists`);
      } else if (Action === 'DELETE' && !existing) {
        messages.push(`Tried to delete resource record set ${id} but it was not found`);
      } else if (Action === 'DELETE' && existing && canonical(existing) !== canonical(rs)) {
        messages.push(
          `Tried to delete resource record set ${id} but the values provided do not match the current values`,
        );
      }
      // Later changes of the group see this one, as Route53 applies a batch in order.
      if (Action === 'DELETE') current.delete(key);
      else current.set(key, rs);
    }
    return messages;
  }

  #now(): string {
    return (this.options.clock ?? (() => new Date()))().toISOString();
  }
}

function keyOf(rs: RecordSet): string {
  return `${normalizeDnsName(rs.Name)}|${rs.Type}|${rs.SetIdentifier ?? ''}`;
}
