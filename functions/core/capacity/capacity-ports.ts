import type { InstanceTypeLimits } from '#core/capacity/instance-type.ts';
import type { NetworkLedger } from '#core/network/network-ports.ts';

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

/** The part of the ledger the capacity review reads. */
export type CapacityLedger = Pick<NetworkLedger, 'nodeView' | 'subnetView'>;
