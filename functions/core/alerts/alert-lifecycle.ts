import type { AlertCondition, AlertKind, Severity } from '#core/alerts/alert.ts';

/**
 * The ledger's memory of one alert (one per kind + subject). Times are ISO-8601 strings.
 * A resolved record is kept so that a quick re-open can be recognised and so the
 * ledger can show recently cleared alerts; expiring it is the ledger's business.
 */
export interface AlertRecord {
  readonly kind: AlertKind;
  readonly subject: string;
  readonly cluster: string;
  readonly status: 'open' | 'resolved';
  readonly severity: Severity;
  readonly title: string;
  readonly summary: string;
  readonly facts: Readonly<Record<string, string | number | boolean>>;
  readonly openedAt: string;
  readonly lastNotifiedAt: string;
  readonly resolvedAt?: string;
  /** Notifications sent in the current episode (open = 1, each remind +1, resolve +1). */
  readonly notifyCount: number;
  /**
   * The severity the last open or remind announced; a rise above it escalates. Kept apart
   * from `severity` (which follows every evaluation) so a value flapping across a threshold
   * escalates once, not on every flap. Absent in records stored before escalations existed.
   */
  readonly notifiedSeverity?: Severity;
  /**
   * The outbox: the notification of the transition this record stores, written in the same
   * conditional put as the transition and cleared once it was delivered. A crash or a failed
   * publish between the two leaves it here, and the next settling of this alert (an event's
   * redelivery, or the sweep's `deliverPending`) sends it before deciding anything new, so a
   * stored transition is never left unannounced.
   */
  readonly pending?: AlertNotification;
}

export type AlertNotificationType = 'open' | 'remind' | 'resolve';

/** What gets delivered (SNS, Slack). */
export interface AlertNotification {
  readonly type: AlertNotificationType;
  readonly kind: AlertKind;
  readonly severity: Severity;
  readonly cluster: string;
  readonly subject: string;
  readonly title: string;
  readonly summary: string;
  readonly facts: Readonly<Record<string, string | number | boolean>>;
  readonly openedAt: string;
  readonly resolvedAt?: string;
  /**
   * Only on a 'remind': sent early because the severity rose since the last evaluation
   * (warning -> critical). A remind, not a type of its own, so subscription filters on
   * `type` and consumers that predate the marker still read it as what it is.
   */
  readonly escalated?: true;
}

export interface AlertPolicy {
  /** Seconds after the last notification before a still-active alert reminds again. */
  readonly remindAfterSeconds: number;
  /**
   * Seconds after a resolve during which a re-open is held back (default 0: off).
   * Evaluators own hysteresis; this only absorbs resolve/open flips that at-least-once,
   * unordered event delivery can cause. A held-back open is delayed, not lost: the
   * record stays resolved, so the first active evaluation after the quiet period opens it.
   */
  readonly reopenQuietSeconds?: number;
}

export interface AlertTransition {
  /** The record to store; `undefined` only when nothing was ever open for this key. */
  readonly record: AlertRecord | undefined;
  readonly notification?: AlertNotification;
}

export class AlertPolicyError extends Error {
  override readonly name = 'AlertPolicyError';
}

export class AlertKeyMismatchError extends Error {
  override readonly name = 'AlertKeyMismatchError';
}

/** Ledger key of an alert. Kinds never contain '#', so the first '#' splits it unambiguously. */
export function alertKey(kind: AlertKind, subject: string): string {
  return `${kind}#${subject}`;
}

/** Higher is worse; a rise while open is announced at once. */
const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };

/**
 * Decides what one evaluation of a condition means for its alert, given the stored record.
 * Pure: the caller stores `record` and delivers `notification`. An open alert reminds when
 * the remind interval has passed, or at once when its severity rose above the one last
 * announced (an escalation); a falling severity is stored silently.
 */
export function nextAlert(
  previous: AlertRecord | undefined,
  condition: AlertCondition,
  now: string,
  policy: AlertPolicy,
): AlertTransition {
  const nowMs = parseTime(now, 'now');
  const remindMs = secondsToMs(policy.remindAfterSeconds, 'remindAfterSeconds', false);
  const quietMs = secondsToMs(policy.reopenQuietSeconds ?? 0, 'reopenQuietSeconds', true);
  if (
    previous &&
    alertKey(previous.kind, previous.subject) !== alertKey(condition.kind, condition.subject)
  ) {
    throw new AlertKeyMismatchError(
      `record ${alertKey(previous.kind, previous.subject)} given for condition ${alertKey(condition.kind, condition.subject)}`,
    );
  }

  if (previous?.status === 'open') {
    if (!condition.active) return resolve(previous, condition, now);
    // Keep the stored content current even when silent, so a later remind shows today's numbers.
    // A record from before escalations existed last announced, at best knowledge, its severity.
    const announced = previous.notifiedSeverity ?? previous.severity;
    const refreshed: AlertRecord = {
      ...previous,
      ...content(condition),
      notifiedSeverity: announced,
    };
    const escalated = SEVERITY_RANK[condition.severity] > SEVERITY_RANK[announced];
    // A clock that went backwards (concurrent invocations) yields a negative gap: no remind.
    const due = nowMs - parseTime(previous.lastNotifiedAt, 'lastNotifiedAt') >= remindMs;
    if (!due && !escalated) return { record: refreshed };
    const record: AlertRecord = {
      ...refreshed,
      lastNotifiedAt: now,
      notifyCount: previous.notifyCount + 1,
      notifiedSeverity: condition.severity,
    };
    const notification = toNotification('remind', record);
    return { record, notification: escalated ? { ...notification, escalated } : notification };
  }

  if (!condition.active) return { record: previous };

  if (previous?.resolvedAt !== undefined && quietMs > 0) {
    if (nowMs - parseTime(previous.resolvedAt, 'resolvedAt') < quietMs) return { record: previous };
  }
  const record: AlertRecord = {
    kind: condition.kind,
    subject: condition.subject,
    cluster: condition.cluster,
    status: 'open',
    ...content(condition),
    openedAt: now,
    lastNotifiedAt: now,
    notifyCount: 1,
    notifiedSeverity: condition.severity,
  };
  return { record, notification: toNotification('open', record) };
}

function resolve(previous: AlertRecord, condition: AlertCondition, now: string): AlertTransition {
  // Title and severity stay those the operator was told about: a subscriber filtering on
  // severity=critical must also receive the resolve, and Slack's "Resolved: <title>" must
  // match the opening message. Summary and facts are the current, cleared numbers.
  const record: AlertRecord = {
    ...previous,
    status: 'resolved',
    summary: condition.summary,
    facts: condition.facts,
    lastNotifiedAt: now,
    resolvedAt: now,
    notifyCount: previous.notifyCount + 1,
  };
  return { record, notification: toNotification('resolve', record) };
}

function content(condition: AlertCondition) {
  return {
    severity: condition.severity,
    title: condition.title,
    summary: condition.summary,
    facts: condition.facts,
  };
}

function toNotification(type: AlertNotificationType, record: AlertRecord): AlertNotification {
  const base = {
    type,
    kind: record.kind,
    severity: record.severity,
    cluster: record.cluster,
    subject: record.subject,
    title: record.title,
    summary: record.summary,
    facts: record.facts,
    openedAt: record.openedAt,
  };
  return type === 'resolve' && record.resolvedAt !== undefined
    ? { ...base, resolvedAt: record.resolvedAt }
    : base;
}

function parseTime(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new AlertPolicyError(`${what} is not an ISO timestamp: ${iso}`);
  return ms;
}

function secondsToMs(seconds: number, what: string, zeroAllowed: boolean): number {
  // Infinity is accepted for remindAfterSeconds: it means "never remind".
  if (Number.isNaN(seconds) || seconds < 0 || (!zeroAllowed && seconds === 0)) {
    throw new AlertPolicyError(`${what} must be ${zeroAllowed ? '>= 0' : '> 0'}, got ${seconds}`);
  }
  return seconds * 1000;
}
