import { describe, expect, test } from 'vitest';
import type { AlertCondition } from '#core/alerts/alert.ts';
import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import { dnsConflictAlert, dnsFailureAlert, dnsInvalidAlert } from '#core/dns/dns-alerts.ts';
import type { InvalidHostnameTag } from '#core/dns/dns-desired.ts';
import type {
  DnsApplyFailure,
  DnsChangeGroup,
  DnsConflict,
  DnsConflictReason,
} from '#core/dns/dns-record.ts';
import { alertName, clearedCondition, settleDnsAlerts } from '#core/dns/dns-sync-alerts.ts';
import { InMemoryAlertStore, RecordingNotifier } from '#test/helpers/capacity-fakes.ts';

// What a DNS conflict or a failed Route53 change tells the operator, and how DNS alerts
// open, stay and resolve across syncs. Alert conditions are compared whole.

describe('dnsConflictAlert', () => {
  test.each<[DnsConflictReason, string]>([
    ['no-zone', 'no hosted zone for hostname'],
    ['zone-not-read', 'hosted zone not read'],
    ['foreign-owner', 'record owned by another owner'],
    ['unowned', 'record exists without ownership TXT'],
    ['duplicate-claim', 'hostname claimed more than once'],
    ['unknown-load-balancer', 'static DNS entry names an unknown load balancer'],
    ['routing-policy', 'record uses a routing policy'],
  ])('%s is a warning titled "%s"', (reason, title) => {
    const conflict: DnsConflict = {
      name: 'web.example.com',
      type: 'A',
      zoneId: 'Z1',
      reason,
      detail: 'why',
    };
    expect(dnsConflictAlert(conflict, 'myeks')).toStrictEqual({
      kind: 'dns-conflict',
      subject: 'web.example.com|A',
      cluster: 'myeks',
      active: true,
      severity: 'warning',
      title: `DNS web.example.com: ${title}`,
      summary: 'why',
      facts: { name: 'web.example.com', reason, type: 'A', zoneId: 'Z1' },
    });
  });

  test('a conflict without type or zone is about the name alone', () => {
    const alert = dnsConflictAlert({ name: 'x.example.org', reason: 'no-zone', detail: 'd' });
    expect(alert.subject).toBe('x.example.org');
    expect(alert.cluster).toBe('');
    expect(alert.facts).toStrictEqual({ name: 'x.example.org', reason: 'no-zone' });
  });

  test("the conflict's own cluster wins over the default", () => {
    const conflict: DnsConflict = { name: 'a', reason: 'unowned', detail: 'd', cluster: 'blue' };
    expect(dnsConflictAlert(conflict, 'myeks').cluster).toBe('blue');
  });
});

describe('dnsFailureAlert', () => {
  const group: DnsChangeGroup = {
    zoneId: 'Z1',
    hostname: 'web.example.com',
    changes: [
      {
        Action: 'CREATE',
        ResourceRecordSet: { Name: 'web.example.com', Type: 'A', TTL: 300, ResourceRecords: [] },
      },
      {
        Action: 'CREATE',
        ResourceRecordSet: { Name: 'a-web.example.com', Type: 'TXT', TTL: 300 },
      },
    ],
  };

  test.each<[DnsApplyFailure['reason'], 'warning' | 'critical']>([
    ['throttled', 'warning'],
    ['invalid-change', 'critical'],
    ['oversized', 'critical'],
    ['error', 'critical'],
  ])('%s is %s', (reason, severity) => {
    const alert = dnsFailureAlert({ group, reason, messages: ['first', 'second'] }, 'myeks');
    expect(alert).toStrictEqual({
      kind: 'dns-failure',
      subject: 'web.example.com',
      cluster: 'myeks',
      active: true,
      severity,
      title: `DNS web.example.com: Route53 change failed (${reason})`,
      summary: 'first',
      facts: {
        hostname: 'web.example.com',
        zoneId: 'Z1',
        reason,
        changes: 'CREATE A web.example.com; CREATE TXT a-web.example.com',
        messages: 'first | second',
      },
    });
  });

  test('without a message from Route53 the summary lists the changes', () => {
    const alert = dnsFailureAlert({ group, reason: 'oversized', messages: [] });
    expect(alert.summary).toBe('CREATE A web.example.com; CREATE TXT a-web.example.com');
    expect(alert.cluster).toBe('');
    expect(alert.facts.messages).toBe('');
  });
});

describe('dnsInvalidAlert', () => {
  const ALB =
    'arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/web/50dc6c495c0c9188';
  const invalid = (overrides: Partial<InvalidHostnameTag> = {}): InvalidHostnameTag => ({
    loadBalancerArn: ALB,
    tag: 'netledger.io/hostname',
    entries: [
      { value: 'bad name', problem: 'has a space' },
      { value: '-x.example.com', problem: 'starts with a hyphen' },
    ],
    ...overrides,
  });

  test('one warning per load balancer and tag, with every bad entry and its problem', () => {
    expect(dnsInvalidAlert(invalid(), 'myeks')).toStrictEqual({
      kind: 'dns-invalid',
      subject: `${ALB}|netledger.io/hostname`,
      cluster: 'myeks',
      active: true,
      severity: 'warning',
      title: expect.stringContaining('netledger.io/hostname'),
      summary: '"bad name" has a space; "-x.example.com" starts with a hyphen',
      facts: {
        loadBalancer: ALB,
        tag: 'netledger.io/hostname',
        invalid: 2,
        problems: '"bad name" has a space | "-x.example.com" starts with a hyphen',
      },
    });
  });

  test.each<{ title: string; arn: string; names: string; notNames?: string }>([
    {
      title: 'an application load balancer by its name',
      arn: ALB,
      names: ' web ',
      notNames: 'arn:aws',
    },
    {
      title: 'a network load balancer by its name',
      arn: 'arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/net/api/6b1e2f3a4c5d6e7f',
      names: ' api ',
      notNames: 'arn:aws',
    },
    {
      title: 'an ARN without a load balancer name by the whole ARN',
      arn: 'arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup',
      names: 'arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup',
    },
  ])('the title names $title', ({ arn, names, notNames }) => {
    const { title } = dnsInvalidAlert(invalid({ loadBalancerArn: arn }));
    expect(title).toContain(names);
    if (notNames) expect(title).not.toContain(notNames);
  });

  // Equivalent: the ARN not split at ':' before taking the resource (no ELBv2 ARN has a '/'
  // before its sixth field), and the ':' it is joined back with (one field is left to join).
  test.each<{
    title: string;
    own: string | undefined;
    fallback: string | undefined;
    cluster: string;
  }>([
    {
      title: "the load balancer's cluster wins over the default",
      own: 'blue',
      fallback: 'myeks',
      cluster: 'blue',
    },
    { title: 'without one, the default', own: undefined, fallback: 'myeks', cluster: 'myeks' },
    { title: 'without either, none', own: undefined, fallback: undefined, cluster: '' },
  ])('cluster: $title', ({ own, fallback, cluster }) => {
    const input = own === undefined ? invalid() : invalid({ cluster: own });
    expect(dnsInvalidAlert(input, fallback).cluster).toBe(cluster);
  });
});

const T = '2026-11-21T10:00:00.000Z';
function openRecord(overrides: Partial<AlertRecord>): AlertRecord {
  return {
    kind: 'dns-conflict',
    subject: 'web.example.com|A',
    cluster: 'myeks',
    status: 'open',
    severity: 'warning',
    title: 'DNS web.example.com: record owned by another owner',
    summary: 'owned by them',
    facts: { name: 'web.example.com', reason: 'foreign-owner' },
    openedAt: T,
    lastNotifiedAt: T,
    notifyCount: 1,
    notifiedSeverity: 'warning',
    ...overrides,
  };
}

describe('alertName and clearedCondition', () => {
  test.each<[string, Pick<AlertRecord, 'subject' | 'facts'>, string]>([
    [
      'a conflict names it',
      { subject: 'x|A', facts: { name: 'web.example.com' } },
      'web.example.com',
    ],
    [
      'a failure names the hostname',
      { subject: 'x', facts: { hostname: 'api.example.com' } },
      'api.example.com',
    ],
    ['name wins over hostname', { subject: 'x', facts: { name: 'n', hostname: 'h' } }, 'n'],
    [
      'a non-string fact falls back to the subject',
      { subject: 'web.example.com|AAAA', facts: { name: 5 } },
      'web.example.com',
    ],
    [
      'no fact: the subject before its type',
      { subject: 'web.example.com|A', facts: {} },
      'web.example.com',
    ],
  ])('%s', (_title, record, name) => {
    expect(alertName(record)).toBe(name);
  });

  test('a cleared conflict keeps title and severity and says it no longer conflicts', () => {
    const record = openRecord({ severity: 'critical' });
    expect(clearedCondition(record)).toStrictEqual({
      kind: 'dns-conflict',
      subject: 'web.example.com|A',
      cluster: 'myeks',
      active: false,
      severity: 'critical',
      title: 'DNS web.example.com: record owned by another owner',
      summary: 'web.example.com no longer conflicts with another owner or the configuration',
      facts: { name: 'web.example.com', reason: 'foreign-owner', cleared: true },
    });
  });

  test('a cleared failure says the changes went through', () => {
    const record = openRecord({
      kind: 'dns-failure',
      subject: 'api.example.com',
      facts: { hostname: 'api.example.com' },
    });
    expect(clearedCondition(record).summary).toBe(
      'Route53 changes for api.example.com went through or are no longer needed',
    );
  });
});

describe('settleDnsAlerts', () => {
  const conflict = (name: string, summary = 'owned by them'): AlertCondition => ({
    kind: 'dns-conflict',
    subject: `${name}|A`,
    cluster: 'myeks',
    active: true,
    severity: 'warning',
    title: `DNS ${name}: record owned by another owner`,
    summary,
    facts: { name, reason: 'foreign-owner' },
  });

  async function world(stored: AlertRecord[] = []) {
    const alerts = new InMemoryAlertStore();
    for (const r of stored) await alerts.put(r);
    const notifier = new RecordingNotifier();
    return {
      alerts,
      notifier,
      deps: { alerts, notifier, policy: { remindAfterSeconds: 3600 }, now: T },
    };
  }

  test('a condition named twice opens one alert, with the first wording', async () => {
    const { notifier, deps } = await world();
    const results = await settleDnsAlerts(
      [conflict('web.example.com', 'first'), conflict('web.example.com', 'second')],
      [],
      deps,
    );
    expect(results).toStrictEqual([
      {
        kind: 'dns-conflict',
        subject: 'web.example.com|A',
        cluster: 'myeks',
        active: true,
        outcome: 'opened',
      },
    ]);
    expect(notifier.sent.map((n) => `${n.type} ${n.summary}`)).toStrictEqual(['open first']);
  });

  test('an open alert no condition names any more is resolved; a still-named one stays', async () => {
    const stays = openRecord({ subject: 'web.example.com|A' });
    const goes = openRecord({ subject: 'old.example.com|A', facts: { name: 'old.example.com' } });
    const alreadyResolved = openRecord({
      subject: 'gone.example.com|A',
      status: 'resolved',
      resolvedAt: T,
    });
    const { notifier, deps } = await world([stays, goes, alreadyResolved]);

    const results = await settleDnsAlerts(
      [conflict('web.example.com')],
      [stays, goes, alreadyResolved],
      deps,
    );

    expect(results.map((r) => `${r.subject} ${r.outcome}`)).toStrictEqual([
      'web.example.com|A unchanged',
      'old.example.com|A resolved',
    ]);
    expect(notifier.sent.map((n) => `${n.type} ${n.subject}`)).toStrictEqual([
      'resolve old.example.com|A',
    ]);
  });

  test('nothing stored and nothing active settles nothing', async () => {
    const { deps } = await world();
    expect(await settleDnsAlerts([], [], deps)).toStrictEqual([]);
  });

  test('a failed delivery is rethrown after the other alerts were settled', async () => {
    const { notifier, deps } = await world();
    notifier.failNext = new Error('SNS down');
    await expect(
      settleDnsAlerts([conflict('a.example.com'), conflict('b.example.com')], [], deps),
    ).rejects.toThrow('SNS down');
    expect(notifier.sent.map((n) => n.subject)).toStrictEqual(['b.example.com|A']);
  });
});
