import type { AlertCondition, AlertKind } from '#core/alerts/alert.ts';
import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import {
  type AlertSettling,
  type SettledAlert,
  settleAlert,
  throwFailures,
} from '#core/alerts/settle-alert.ts';

export const DNS_ALERT_KINDS: readonly AlertKind[] = ['dns-conflict', 'dns-failure', 'dns-invalid'];

export type DnsAlertResult = SettledAlert;

export interface DnsAlertDeps extends AlertSettling {
  readonly now: string;
}

/** The DNS name an alert is about: conflicts say `name`, failures `hostname`. */
export function alertName(record: Pick<AlertRecord, 'subject' | 'facts'>): string {
  const fact = record.facts.name ?? record.facts.hostname;
  return typeof fact === 'string' ? fact : (record.subject.split('|')[0] ?? record.subject);
}

/** A cleared condition for an open DNS alert, worded for the resolve notification. */
export function clearedCondition(record: AlertRecord): AlertCondition {
  const name = alertName(record);
  return {
    kind: record.kind,
    subject: record.subject,
    cluster: record.cluster,
    active: false,
    severity: record.severity,
    title: record.title,
    summary:
      record.kind === 'dns-failure'
        ? `Route53 changes for ${name} went through or are no longer needed`
        : record.kind === 'dns-invalid'
          ? `every hostname in the tag of ${record.facts.loadBalancer} is valid now (or the load balancer is gone)`
          : `${name} no longer conflicts with another owner or the configuration`,
    facts: { ...record.facts, cleared: true },
  };
}

/**
 * Settles DNS alerts: `active` conditions are opened or kept, and every open DNS alert in
 * `resolvable` that no active condition names any more is resolved. Each goes through
 * `settleAlert` (stored before delivery, so concurrent syncs notify once; a failed delivery
 * is sent again by the next sync); delivery errors are rethrown once everything else is settled.
 */
export async function settleDnsAlerts(
  active: readonly AlertCondition[],
  resolvable: readonly AlertRecord[],
  deps: DnsAlertDeps,
): Promise<DnsAlertResult[]> {
  const results: DnsAlertResult[] = [];
  const failures: unknown[] = [];
  const wanted = new Map<string, AlertCondition>();
  for (const c of active) {
    const key = `${c.kind}#${c.subject}`;
    if (!wanted.has(key)) wanted.set(key, c);
  }
  const cleared = resolvable
    .filter((r) => r.status === 'open' && !wanted.has(`${r.kind}#${r.subject}`))
    .map(clearedCondition);
  for (const condition of [...wanted.values(), ...cleared]) {
    try {
      const settled = await settleAlert(condition, deps, deps.now);
      if (settled) results.push(settled);
    } catch (error) {
      failures.push(error);
    }
  }
  throwFailures(failures, 'DNS alerts could not be delivered');
  return results;
}
