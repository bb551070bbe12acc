/**
 * One event's ledger work as a unit: the use case runs against `ports` (which read what the
 * ledger holds plus what this unit wrote so far), and nothing reaches the ledger until `commit`.
 * The use cases do not know about it: the app layer opens a unit per event, runs the same use
 * case on its ports, and commits.
 *
 * `commit` answers 'lost' when a write's condition no longer holds in the ledger (another event
 * changed an item this one read): nothing of the unit was applied then (or, for a unit too big
 * for one transaction, only whole idempotent parts of it), and the caller applies the event again
 * item by item, where each write is judged on its own.
 */
export interface UnitOfWork<P, C> {
  readonly ports: P;
  /** Reads ahead, in as few requests as it can, what applying `change` will read. */
  prepare(eventId: string, change: C): Promise<void>;
  commit(): Promise<UnitCommit>;
}

export type UnitCommit =
  | { readonly status: 'committed'; readonly requests: number }
  | { readonly status: 'lost'; readonly reason: string };
