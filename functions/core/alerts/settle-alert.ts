import type { AlertCondition, AlertKind } from '#core/alerts/alert.ts';
import {
  type AlertNotification,
  type AlertPolicy,
  type AlertRecord,
  nextAlert,
} from '#core/alerts/alert-lifecycle.ts';
import { type AlertStore, AlertWriteConflictError } from '#core/alerts/alert-store.ts';
import { canonical } from '#core/alerts/canonical.ts';
import type { Notifier } from '#core/alerts/notifier.ts';

/** Where alerts are remembered and delivered, and how often an open one reminds. */
export interface AlertSettling {
  readonly alerts: AlertStore;
  readonly notifier: Notifier;
  readonly policy: AlertPolicy;
}

/**
 * What happened to one alert: a notification went out (opened, reminded, escalated,
 * resolved), the stored numbers changed silently (updated), nothing changed (unchanged), or
 * another invocation stored its decision first and ours was dropped unsent (conflict).
 */
export type AlertOutcome =
  | 'opened'
  | 'reminded'
  | 'escalated'
  | 'resolved'
  | 'updated'
  | 'unchanged'
  | 'conflict';

/** One alert that exists in the store, for the log line. Subjects that never alerted are left out. */
export interface SettledAlert {
  readonly kind: AlertKind;
  readonly subject: string;
  readonly cluster: string;
  readonly active: boolean;
  readonly outcome: AlertOutcome;
}

/** Reads the stored record of the condition's alert, then settles it: see `settleAlertFrom`. */
export async function settleAlert(
  condition: AlertCondition,
  settling: AlertSettling,
  now: string,
): Promise<SettledAlert | undefined> {
  const previous = await settling.alerts.get(condition.kind, condition.subject);
  return settleAlertFrom(previous, condition, settling, now);
}

/**
 * Runs one condition through the alert lifecycle, given the record read before deciding.
 * A notification still in the record's outbox (`pending`: a crash or a failed publish after
 * an earlier transition was stored) is delivered first. The next state is then stored with
 * its notification in the outbox, conditional on `previous` still being the stored one, so
 * concurrent invocations notify once: the one that loses drops its decision unsent
 * ('conflict'). Then the notification is delivered and the outbox cleared. A failed delivery
 * leaves it in the outbox and is rethrown, so the event's retry (or the sweep) sends that same
 * notification: a stored transition is announced, never lost and never re-decided. The one
 * gap no ledger can close on a standard SNS topic: a crash after SNS accepted the publish and
 * before the outbox was cleared sends it a second time. `undefined` when there is no alert
 * and none is needed.
 */
export async function settleAlertFrom(
  previous: AlertRecord | undefined,
  condition: AlertCondition,
  settling: AlertSettling,
  now: string,
): Promise<SettledAlert | undefined> {
  let delivered: AlertNotification | undefined;
  if (previous?.pending) {
    delivered = previous.pending;
    const cleared = await deliverOutbox(previous, settling);
    if (!cleared) return settledOf(condition, previous, 'conflict');
    previous = cleared;
  }
  const { record, notification } = nextAlert(previous, condition, now, settling.policy);
  if (!record) return undefined;
  const unsent = delivered ? sentOutcome(delivered) : 'unchanged';
  if (!notification && sameRecord(record, previous)) return settledOf(condition, record, unsent);
  const withOutbox: AlertRecord = notification ? { ...record, pending: notification } : record;
  try {
    await settling.alerts.put(withOutbox, previous ?? null);
  } catch (error) {
    if (error instanceof AlertWriteConflictError) return settledOf(condition, record, 'conflict');
    throw error;
  }
  if (!notification) return settledOf(condition, record, delivered ? unsent : 'updated');
  await deliverOutbox(withOutbox, settling);
  return settledOf(condition, record, sentOutcome(notification));
}

/**
 * Delivers what the sweep finds in the outbox (alerts whose subject no evaluation visits any
 * more, such as the resolve of a node that is gone). Every pending alert has its turn; the
 * failures are thrown together at the end. Returns how many were delivered.
 */
export async function deliverPending(
  settling: Pick<AlertSettling, 'alerts' | 'notifier'>,
): Promise<number> {
  const failures: unknown[] = [];
  let delivered = 0;
  for (const record of await settling.alerts.listPending()) {
    try {
      if (await deliverOutbox(record, settling)) delivered += 1;
    } catch (error) {
      failures.push(error);
    }
  }
  throwFailures(failures, 'pending alert notifications failed');
  return delivered;
}

/**
 * Publishes the record's pending notification, then stores the record without it,
 * conditional on the record being unchanged. The cleared record, or `undefined` when another
 * invocation changed the alert meanwhile (its record, and its own outbox, now lead).
 */
async function deliverOutbox(
  record: AlertRecord,
  settling: Pick<AlertSettling, 'alerts' | 'notifier'>,
): Promise<AlertRecord | undefined> {
  const { pending, ...cleared } = record;
  if (!pending) return record;
  await settling.notifier.notify(pending);
  try {
    await settling.alerts.put(cleared, record);
  } catch (error) {
    if (error instanceof AlertWriteConflictError) return undefined;
    throw error;
  }
  return cleared;
}

function settledOf(
  condition: AlertCondition,
  record: AlertRecord,
  outcome: AlertOutcome,
): SettledAlert {
  return {
    kind: condition.kind,
    subject: condition.subject,
    cluster: record.cluster,
    active: condition.active,
    outcome,
  };
}

/**
 * Rethrows what settling a batch of alerts collected, once every alert had its turn: one
 * error as it is, several as an AggregateError whose message ends with `what`.
 */
export function throwFailures(failures: readonly unknown[], what: string): void {
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} ${what}`);
}

function sentOutcome(notification: AlertNotification): AlertOutcome {
  if (notification.type === 'open') return 'opened';
  if (notification.type === 'resolve') return 'resolved';
  return notification.escalated ? 'escalated' : 'reminded';
}

function sameRecord(a: AlertRecord, b: AlertRecord | undefined): boolean {
  return b !== undefined && canonical(a) === canonical(b);
}
