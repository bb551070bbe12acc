import type { AlertCondition } from './alert.ts';
import {
  type AlertNotificationType,
  type AlertPolicy,
  type AlertRecord,
  nextAlert,
} from './alert-lifecycle.ts';
import { type AlertStore, AlertWriteConflictError } from './capacity-ports.ts';
import type { Notifier } from './notifier.ts';
import type { AlertOutcome } from './review-capacity.ts';

/** Where target alerts go; absent when no alert topic is configured (local mode, tests). */
export interface TargetAlerting {
  readonly alerts: AlertStore;
  readonly notifier: Notifier;
  readonly policy: AlertPolicy;
}

export interface SettledAlert {
  readonly kind: AlertCondition['kind'];
  readonly subject: string;
  readonly active: boolean;
  readonly outcome: AlertOutcome;
}

/** Makes an alert overdue, so the next evaluation sends it again as a reminder. */
const NEVER = '1970-01-01T00:00:00.000Z';

/**
 * Runs one condition through the alert lifecycle: store first (conditional on what was read,
 * so concurrent invocations notify once), then deliver. A failed delivery is rolled back (or,
 * for a first open, marked overdue) so the next evaluation sends it again, and rethrown.
 * `undefined` when there is no alert and none is needed.
 */
export async function settleAlert(
  condition: AlertCondition,
  alerting: TargetAlerting,
  now: string,
): Promise<SettledAlert | undefined> {
  const previous = await alerting.alerts.get(condition.kind, condition.subject);
  const { record, notification } = nextAlert(previous, condition, now, alerting.policy);
  if (!record) return undefined;
  const base = { kind: condition.kind, subject: condition.subject, active: condition.active };
  if (!notification && sameRecord(record, previous)) return { ...base, outcome: 'unchanged' };
  try {
    await alerting.alerts.put(record, previous ?? null);
  } catch (error) {
    if (error instanceof AlertWriteConflictError) return { ...base, outcome: 'conflict' };
    throw error;
  }
  if (!notification) return { ...base, outcome: 'updated' };
  try {
    await alerting.notifier.notify(notification);
  } catch (error) {
    const retry = previous?.status === 'open' ? previous : { ...record, lastNotifiedAt: NEVER };
    await alerting.alerts.put(retry, record).catch(() => undefined);
    throw error;
  }
  return { ...base, outcome: SENT[notification.type] };
}

const SENT: Record<AlertNotificationType, AlertOutcome> = {
  open: 'opened',
  remind: 'reminded',
  resolve: 'resolved',
};

function sameRecord(a: AlertRecord, b: AlertRecord | undefined): boolean {
  return b !== undefined && canonical(a) === canonical(b);
}

/** Stores may hand maps back in another key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
