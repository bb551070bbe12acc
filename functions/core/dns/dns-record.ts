/**
 * Vocabulary of the DNS reconciler. Record sets and changes mirror the Route53 API shapes
 * structurally, so adapters can pass them to the SDK without a translation layer while core
 * stays free of the SDK itself.
 */

export type DnsRecordType = 'A' | 'AAAA';
export const DNS_RECORD_TYPES: readonly DnsRecordType[] = ['A', 'AAAA'];

export type DnsPolicy = 'sync' | 'upsert-only' | 'create-only';
export const DNS_POLICIES: readonly DnsPolicy[] = ['sync', 'upsert-only', 'create-only'];

/** An address record as plans talk about it: an alias when `aliasZoneId` is set, else one plain value. */
export interface DnsRecord {
  readonly name: string;
  readonly type: DnsRecordType;
  readonly target: string;
  readonly aliasZoneId?: string;
}

/** A record some source wants to exist, with what the ownership TXT should say about it. */
export interface DesiredDnsRecord extends DnsRecord {
  /** ExternalDNS `external-dns/resource` label, e.g. `service/default/web`. */
  readonly resource?: string;
  readonly cluster?: string;
}

export interface HostedZoneRef {
  /** Bare id (`Z123`); a `/hostedzone/` prefix is accepted and dropped. */
  readonly id: string;
  readonly name: string;
  readonly private?: boolean;
}

export interface AliasTarget {
  readonly DNSName: string;
  readonly HostedZoneId: string;
  readonly EvaluateTargetHealth: boolean;
}

/** Subset of Route53's ResourceRecordSet that the reconciler reads and writes. */
export interface RecordSet {
  readonly Name: string;
  readonly Type: string;
  readonly TTL?: number;
  readonly SetIdentifier?: string;
  readonly AliasTarget?: AliasTarget;
  readonly ResourceRecords?: readonly { readonly Value: string }[];
}

export type ChangeAction = 'CREATE' | 'UPSERT' | 'DELETE';

export interface RecordChange {
  readonly Action: ChangeAction;
  readonly ResourceRecordSet: RecordSet;
}

/** All changes for one hostname in one zone: a record and its TXT travel together. */
export interface DnsChangeGroup {
  readonly zoneId: string;
  readonly hostname: string;
  readonly changes: readonly RecordChange[];
}

export interface ZoneSnapshot {
  readonly zone: HostedZoneRef;
  readonly recordSets: readonly RecordSet[];
}

export type DnsConflictReason =
  | 'no-zone'
  | 'zone-not-read'
  | 'foreign-owner'
  | 'unowned'
  | 'duplicate-claim'
  | 'unknown-load-balancer'
  | 'routing-policy'
  /** A hostname tag entry that cannot be a hostname (reported by the CLI's plan). */
  | 'invalid-hostname';

export interface DnsConflict {
  readonly name: string;
  readonly type?: DnsRecordType;
  readonly zoneId?: string;
  readonly reason: DnsConflictReason;
  readonly detail: string;
  readonly cluster?: string;
}

export interface PlannedRecord extends DnsRecord {
  readonly zoneId: string;
  /** What Route53 holds now, for updates and deletes. */
  readonly previous?: DnsRecord;
}

export interface DnsPlan {
  readonly create: readonly PlannedRecord[];
  readonly update: readonly PlannedRecord[];
  readonly delete: readonly PlannedRecord[];
  readonly conflicts: readonly DnsConflict[];
  /** The Route53 changes that carry out create/update/delete, grouped per hostname. */
  readonly changes: readonly DnsChangeGroup[];
}

/** Why one group of changes could not be applied. */
export type DnsApplyFailureReason = 'invalid-change' | 'oversized' | 'throttled' | 'error';

export interface DnsApplyFailure {
  readonly group: DnsChangeGroup;
  readonly reason: DnsApplyFailureReason;
  readonly messages: readonly string[];
}
