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

/** Makes an alert overdue, so the next evaluation sends it again as a reminder. */
const NEVER = '1970-01-01T00:00:00.000Z';

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
 * The next state is stored first, conditional on `previous` still being the stored one, so
 * concurrent invocations notify once: the one that loses drops its decision unsent
 * ('conflict'). Then the notification is delivered. A failed delivery is rolled back (a
 * first open is instead marked overdue, so it goes out as a reminder) so the next
 * evaluation sends it again, and the delivery error is rethrown. `undefined` when there is
 * no alert and none is needed.
 */
export async function settleAlertFrom(
  previous: AlertRecord | undefined,
  condition: AlertCondition,
  settling: AlertSettling,
  now: string,
): Promise<SettledAlert | undefined> {
  const { record, notification } = nextAlert(previous, condition, now, settling.policy);
  if (!record) return undefined;
  const base = {
    kind: condition.kind,
    subject: condition.subject,
    cluster: record.cluster,
    active: condition.active,
  };
  if (!notification && sameRecord(record, previous)) return { ...base, outcome: 'unchanged' };
  try {
    await settling.alerts.put(record, previous ?? null);
  } catch (error) {
    if (error instanceof AlertWriteConflictError) return { ...base, outcome: 'conflict' };
    throw error;
  }
  if (!notification) return { ...base, outcome: 'updated' };
  try {
    await settling.notifier.notify(notification);
  } catch (error) {
    const retry = previous?.status === 'open' ? previous : { ...record, lastNotifiedAt: NEVER };
    // If even this fails, the original delivery error is the one worth reporting.
    await settling.alerts.put(retry, record).catch(() => undefined);
    throw error;
  }
  return { ...base, outcome: sentOutcome(notification) };
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
