import type { AlertStore } from '#core/alerts/alert-store.ts';
import type { UnitCommit, UnitOfWork } from '#core/events/unit-of-work.ts';
import type { EventOutcome } from '#core/network/apply-ec2-event.ts';
import type { Ec2Change } from '#core/network/ec2-event.ts';
import type { NetworkLedger } from '#core/network/network-ports.ts';
import type { ElbChange } from '#core/targets/elb-event.ts';
import type { TargetLedger } from '#core/targets/target-ports.ts';

/** The ledger ports one event runs on, and the changes a unit can read ahead for. */
export interface EventLedgerPorts {
  readonly network: NetworkLedger;
  readonly targets: TargetLedger;
  /** Alerts the unit read ahead with the event's items (absent: the store reads them itself). */
  readonly alerts?: Pick<AlertStore, 'getMany'>;
}
export type EventUnit = UnitOfWork<EventLedgerPorts, Ec2Change | ElbChange>;
export type OpenEventUnit = () => EventUnit;

/** How the event's writes reached the ledger. */
export type UnitReport =
  | { readonly writes: 'unit'; readonly requests: number }
  | { readonly writes: 'item-by-item'; readonly reason: string };

/**
 * Runs one event's use case in a unit of work and commits it: the event's ledger writes go in
 * one request where they fit. When the commit loses a condition (another event changed an item
 * this one read), nothing of the unit was applied, and the event is applied again item by item
 * on the plain ledger, where each write's stamp condition decides on its own; the outcome says so.
 * Without `open` (the memory ledger in unit tests), the use case runs on the plain ledger.
 */
export async function inEventUnit<O extends EventOutcome>(
  open: OpenEventUnit | undefined,
  ahead: { eventId: string; change: Ec2Change | ElbChange } | undefined,
  run: (ports: EventLedgerPorts | undefined) => Promise<O>,
): Promise<O & { readonly unit?: UnitReport }> {
  if (!open) return run(undefined);
  const unit = open();
  if (ahead) await unit.prepare(ahead.eventId, ahead.change);
  const outcome = await run(unit.ports);
  const commit: UnitCommit = await unit.commit();
  if (commit.status === 'committed') {
    return { ...outcome, unit: { writes: 'unit', requests: commit.requests } };
  }
  const again = await run(undefined);
  const note = `${commit.reason}: applied item by item`;
  return {
    ...again,
    reason: again.reason ? `${again.reason}; ${note}` : note,
    unit: { writes: 'item-by-item', reason: commit.reason },
  };
}
