import type { AlertKind } from './alert.ts';
import type { AlertRecord } from './alert-lifecycle.ts';
import type { InstanceTypeLimits } from './instance-type.ts';
import type { NetworkLedger } from './ports.ts';

/**
 * Another invocation changed the alert between our read and our write. The caller drops
 * its decision: the other invocation saw at least as much as we did.
 */
export class AlertWriteConflictError extends Error {
  override readonly name = 'AlertWriteConflictError';
}

/** The alert lifecycle's memory, one record per (kind, subject). */
export interface AlertStore {
  get(kind: AlertKind, subject: string): Promise<AlertRecord | undefined>;
  /**
   * Stores the record. With `expected` (the record read before deciding, or `null` for
   * "there was none") the write succeeds only if the stored record is still that one,
   * otherwise it rejects with AlertWriteConflictError: two invocations evaluating the
   * same node must not both open its alert.
   */
  put(record: AlertRecord, expected?: AlertRecord | null): Promise<void>;
  /** Every open alert, of every kind. */
  listOpen(): Promise<AlertRecord[]>;
}

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
