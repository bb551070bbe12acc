import type { StoredUsageSample } from '#core/capacity/held-usage.ts';
import type { InstanceTypeLimits } from '#core/capacity/instance-type.ts';
import type { NetworkLedger, SubnetView } from '#core/network/network-ports.ts';

/** Answers what max pods and node capacity need to know about an instance type. */
export interface InstanceTypeCatalog {
  /** `undefined` when EC2 does not know the type. */
  limits(instanceType: string): Promise<InstanceTypeLimits | undefined>;
}

/** DescribeInstanceTypes for one type: the raw `InstanceTypeInfo`, or `undefined` when EC2 does not know it. */
export interface InstanceTypeReader {
  describe(instanceType: string): Promise<unknown | undefined>;
}

/** Where raw `InstanceTypeInfo` documents are kept between invocations (the ledger). */
export interface InstanceTypeCache {
  get(instanceType: string): Promise<unknown | undefined>;
  put(instanceType: string, info: unknown): Promise<void>;
}

/** What usage is sampled for: a subnet's addresses, or a node group's pod addresses. */
export type UsageSubjectKind = 'subnet' | 'node-group';

export interface UsageRecord extends StoredUsageSample {
  readonly kind: UsageSubjectKind;
  /** Subnet id, or `<cluster>/<instance type>` for a node group. */
  readonly subject: string;
  /** What `used` can reach: usable addresses, or the group's pod slots. */
  readonly capacity: number;
}

/**
 * Usage samples the sweeps took, kept a few days (TTL) so the trend can be fitted; a sweep on a
 * schedule stores only changes (see held-usage.ts).
 */
export interface UsageHistory {
  record(sample: UsageRecord): Promise<void>;
  /** Samples of one subject at or after `since`, oldest first. */
  recent(kind: UsageSubjectKind, subject: string, since: string): Promise<StoredUsageSample[]>;
  /**
   * A subnet's view with its samples at or after `since` (oldest first), in one read: offered
   * by a history kept beside the subnet's view, so a review reads both at once. Absent, the
   * review reads the view and `recent` apart.
   */
  subnetWithUsage?(subnetId: string, since: string): Promise<SubnetWithUsage>;
}

export interface SubnetWithUsage {
  readonly view: SubnetView;
  readonly usage: StoredUsageSample[];
}

/** The part of the ledger the capacity review reads. */
export type CapacityLedger = Pick<NetworkLedger, 'nodeView' | 'subnetView'>;
