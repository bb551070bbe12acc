import type { AlertCondition } from '#core/alerts/alert.ts';
import type { InvalidHostnameTag } from '#core/dns/dns-desired.ts';
import type { DnsApplyFailure, DnsConflict } from '#core/dns/dns-record.ts';

const CONFLICT_TITLES: Record<DnsConflict['reason'], string> = {
  'no-zone': 'no hosted zone for hostname',
  'zone-not-read': 'hosted zone not read',
  'foreign-owner': 'record owned by another owner',
  unowned: 'record exists without ownership TXT',
  'duplicate-claim': 'hostname claimed more than once',
  'unknown-load-balancer': 'static DNS entry names an unknown load balancer',
  'routing-policy': 'record uses a routing policy',
  'invalid-hostname': 'hostname tag entry is not a valid hostname',
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

/**
 * One `dns-invalid` alert per load balancer whose hostname tag holds entries that cannot be
 * hostnames: they get no record (and no Route53 call) until someone fixes the tag.
 */
export function dnsInvalidAlert(invalid: InvalidHostnameTag, cluster = ''): AlertCondition {
  const lbName = invalid.loadBalancerArn.split(':').slice(5).join(':').split('/')[2];
  const problems = invalid.entries.map((e) => `${JSON.stringify(e.value)} ${e.problem}`);
  return {
    kind: 'dns-invalid',
    subject: `${invalid.loadBalancerArn}|${invalid.tag}`,
    cluster: invalid.cluster ?? cluster,
    active: true,
    // The other names of the tag still sync; these never will until the tag is fixed.
    severity: 'warning',
    title: `DNS: load balancer ${lbName ?? invalid.loadBalancerArn} has an invalid hostname in tag ${invalid.tag}`,
    summary: problems.join('; '),
    facts: {
      loadBalancer: invalid.loadBalancerArn,
      tag: invalid.tag,
      invalid: invalid.entries.length,
      problems: problems.join(' | '),
    },
  };
}
