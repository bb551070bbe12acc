import type { AlertCondition } from '#core/alerts/alert.ts';
import type { DnsApplyFailure, DnsConflict } from '#core/dns/dns-record.ts';

const CONFLICT_TITLES: Record<DnsConflict['reason'], string> = {
  'no-zone': 'no hosted zone for hostname',
  'zone-not-read': 'hosted zone not read',
  'foreign-owner': 'record owned by another owner',
  unowned: 'record exists without ownership TXT',
  'duplicate-claim': 'hostname claimed more than once',
  'unknown-load-balancer': 'static DNS entry names an unknown load balancer',
  'routing-policy': 'record uses a routing policy',
};

/** One `dns-conflict` alert per conflicting name: the subject is the hostname (and type). */
export function dnsConflictAlert(conflict: DnsConflict, cluster = ''): AlertCondition {
  const subject = conflict.type ? `${conflict.name}|${conflict.type}` : conflict.name;
  return {
    kind: 'dns-conflict',
    subject,
    cluster: conflict.cluster ?? cluster,
    active: true,
    // Someone else's record or a config mistake: traffic still flows, nobody is paged.
    severity: 'warning',
    title: `DNS ${conflict.name}: ${CONFLICT_TITLES[conflict.reason]}`,
    summary: conflict.detail,
    facts: {
      name: conflict.name,
      reason: conflict.reason,
      ...(conflict.type ? { type: conflict.type } : {}),
      ...(conflict.zoneId ? { zoneId: conflict.zoneId } : {}),
    },
  };
}

/** One `dns-failure` alert per hostname whose changes Route53 did not accept. */
export function dnsFailureAlert(failure: DnsApplyFailure, cluster = ''): AlertCondition {
  const { group } = failure;
  const actions = group.changes
    .map((c) => `${c.Action} ${c.ResourceRecordSet.Type} ${c.ResourceRecordSet.Name}`)
    .join('; ');
  return {
    kind: 'dns-failure',
    subject: group.hostname,
    cluster,
    active: true,
    severity: failure.reason === 'throttled' ? 'warning' : 'critical',
    title: `DNS ${group.hostname}: Route53 change failed (${failure.reason})`,
    summary: failure.messages[0] ?? actions,
    facts: {
      hostname: group.hostname,
      zoneId: group.zoneId,
      reason: failure.reason,
      changes: actions,
      messages: failure.messages.join(' | '),
    },
  };
}
