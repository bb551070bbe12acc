import type { AlertCondition } from '#core/alerts/alert.ts';
import type { DnsChangeBatch } from '#core/dns/dns-batch.ts';
import type { DnsLoadBalancer } from '#core/dns/dns-desired.ts';
import type {
  DnsApplyFailure,
  DnsChangeGroup,
  RecordChange,
  RecordSet,
} from '#core/dns/dns-record.ts';

/** Reads every record set of one hosted zone (adapter: paged ListResourceRecordSets). */
export interface DnsZoneReader {
  readZone(zoneId: string): Promise<RecordSet[]>;
}

export interface DnsApplyReport {
  readonly dryRun: boolean;
  /** The requests as batched (dry run: as they would have been sent). */
  readonly batches: readonly DnsChangeBatch[];
  readonly applied: readonly DnsChangeGroup[];
  readonly failed: readonly DnsApplyFailure[];
  /** `dns-failure` conditions, one per failed group. */
  readonly alerts: readonly AlertCondition[];
  /** ChangeResourceRecordSets requests made, retries included. */
  readonly writeCalls: number;
  /** False when throttling outlasted the retries: a later run must finish the job. */
  readonly complete: boolean;
}

/** Applies change groups to Route53 (adapter: route53-applier). */
export interface DnsChangeApplier {
  apply(groups: readonly DnsChangeGroup[]): Promise<DnsApplyReport>;
}

/** Cached record sets of one zone (or of some names in it), as the sweep last saw them. */
export interface CachedRecords {
  /** When the zone was last read in full from Route53; undefined when it never was. */
  readonly refreshedAt?: string;
  readonly recordSets: readonly RecordSet[];
}

/**
 * Route53's current state as mirrored in the ledger: filled by the sweep's full reads,
 * kept current by the changes netledger itself applies. Writes carry the time they
 * describe and never overwrite a newer observation.
 */
export interface DnsRecordCache {
  /** Makes the cached zone exactly `recordSets` (a full read that started at `at`). */
  replaceZone(zoneId: string, recordSets: readonly RecordSet[], at: string): Promise<void>;
  readZone(zoneId: string): Promise<CachedRecords>;
  /** Record sets at exactly these names (any type), one ledger query per name. */
  readNames(zoneId: string, names: readonly string[]): Promise<CachedRecords>;
  /** Records changes Route53 accepted at `at`. */
  applyChanges(zoneId: string, changes: readonly RecordChange[], at: string): Promise<void>;
  /**
   * Hostnames each load balancer claimed at its last event-triggered sync. A deleted LB's
   * tags are gone with it, so this is how a delete event finds the names it must clean up.
   */
  claimedHostnames(arns: readonly string[]): Promise<Map<string, string[]>>;
  setClaimedHostnames(arn: string, hostnames: readonly string[], at: string): Promise<void>;
}

/** The load balancers DNS records are derived from (adapter: the LB ledger). */
export interface LoadBalancerSource {
  /** Every load balancer known, or only those ARNs (unknown ones are left out). */
  listLoadBalancers(arns?: readonly string[]): Promise<DnsLoadBalancer[]>;
}
