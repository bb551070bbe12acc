import type { AlertCondition } from './alert.ts';
import type { DnsChangeBatch } from './dns-batch.ts';
import type { DnsApplyFailure, DnsChangeGroup, RecordSet } from './dns-record.ts';

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
