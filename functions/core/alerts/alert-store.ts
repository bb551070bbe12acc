import type { AlertKind } from '#core/alerts/alert.ts';
import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';

/**
 * Another invocation changed the alert between our read and our write. The caller drops
 * its decision: the other invocation saw at least as much as we did.
 */
export class AlertWriteConflictError extends Error {
  override readonly name = 'AlertWriteConflictError';
}

/** Which alert: its kind and subject. */
export interface AlertRef {
  readonly kind: AlertKind;
  readonly subject: string;
}

/** The alert lifecycle's memory, one record per (kind, subject). */
export interface AlertStore {
  get(kind: AlertKind, subject: string): Promise<AlertRecord | undefined>;
  /** The stored records of these alerts, in one read where the store can (no order; absent ones left out). */
  getMany(refs: readonly AlertRef[]): Promise<AlertRecord[]>;
  /**
   * Stores the record. With `expected` (the record read before deciding, or `null` for
   * "there was none") the write succeeds only if the stored record is still that one,
   * otherwise it rejects with AlertWriteConflictError: two invocations evaluating the
   * same node must not both open its alert.
   */
  put(record: AlertRecord, expected?: AlertRecord | null): Promise<void>;
  /** Every open alert, of every kind. */
  listOpen(): Promise<AlertRecord[]>;
  /** Every alert whose notification is still in the outbox (`pending`), open or resolved. */
  listPending(): Promise<AlertRecord[]>;
}
