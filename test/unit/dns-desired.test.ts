import { describe, expect, test } from 'vitest';
import { dnsConflictAlert, dnsFailureAlert } from '#core/dns/dns-alerts.ts';
import {
  checkHostnameTag,
  type DnsLoadBalancer,
  desiredFromLoadBalancers,
  HOSTNAME_TAG,
  invalidAsConflicts,
  lbResource,
} from '#core/dns/dns-desired.ts';

const arn = (name: string, id: string) =>
  `arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:loadbalancer/net/${name}/${id}`;

function lb(
  name: string,
  id: string,
  hostnames: string,
  extra: Partial<DnsLoadBalancer> = {},
): DnsLoadBalancer {
  return {
    arn: arn(name, id),
    dnsName: `${name}-${id}.elb.ap-northeast-2.amazonaws.com`,
    canonicalHostedZoneId: 'ZIBE1TIR4HY56',
    ipAddressType: 'ipv4',
    tags: { [HOSTNAME_TAG]: hostnames },
    cluster: 'demo',
    ...extra,
  };
}

describe('desiredFromLoadBalancers', () => {
  test('each tagged hostname becomes an alias A to the LB with its canonical zone', () => {
    const web = lb('k8s-default-web', 'aaa', 'web.example.com, www.example.com ,');
    const { records, conflicts } = desiredFromLoadBalancers([web]);
    expect(conflicts).toEqual([]);
    expect(records.map((r) => [r.name, r.type, r.target, r.aliasZoneId])).toEqual([
      ['web.example.com', 'A', web.dnsName, web.canonicalHostedZoneId],
      ['www.example.com', 'A', web.dnsName, web.canonicalHostedZoneId],
    ]);
  });

  test('a dualstack LB also gets AAAA', () => {
    const { records } = desiredFromLoadBalancers([
      lb('k8s-x', 'b', 'x.example.com', { ipAddressType: 'dualstack' }),
    ]);
    expect(records.map((r) => r.type)).toEqual(['A', 'AAAA']);
  });

  test('two LBs claiming one hostname: the lowest ARN wins in any input order, and it is a conflict', () => {
    const low = lb('k8s-a', '111', 'shared.example.com');
    const high = lb('k8s-b', '222', 'shared.example.com');
    const forward = desiredFromLoadBalancers([low, high]);
    const backward = desiredFromLoadBalancers([high, low]);

    expect(forward.records.map((r) => r.target)).toEqual([low.dnsName]);
    expect(backward.records).toEqual(forward.records);
    expect(forward.conflicts.map((c) => [c.name, c.reason])).toEqual([
      ['shared.example.com', 'duplicate-claim'],
    ]);
    const alert = dnsConflictAlert(
      forward.conflicts[0] ?? { name: '', reason: 'no-zone', detail: '' },
    );
    expect([alert.kind, alert.subject, alert.cluster]).toEqual([
      'dns-conflict',
      'shared.example.com',
      'demo',
    ]);
  });

  test('static config beats a tag and may point at an LB by ARN', () => {
    const tagged = lb('k8s-a', '111', 'app.example.com');
    const other = lb('k8s-b', '222', '');
    const { records, conflicts } = desiredFromLoadBalancers(
      [tagged, other],
      [{ hostname: 'app.example.com', loadBalancerArn: other.arn }],
    );
    expect(records.map((r) => r.target)).toEqual([other.dnsName]);
    expect(conflicts.map((c) => c.reason)).toEqual(['duplicate-claim']);
  });

  test('a static entry for an unknown LB is reported', () => {
    const { records, conflicts } = desiredFromLoadBalancers(
      [],
      [{ hostname: 'x.example.com', loadBalancerArn: arn('gone', '1') }],
    );
    expect(records).toEqual([]);
    expect(conflicts.map((c) => c.reason)).toEqual(['unknown-load-balancer']);
  });

  test.each([
    [{ 'service.k8s.aws/stack': 'shop/web' }, 'service/shop/web'],
    [{ 'ingress.k8s.aws/stack': 'shop/front' }, 'ingress/shop/front'],
    [{}, 'loadbalancer/k8s-plain'],
  ])('resource label for tags %j is %s', (tags, expected) => {
    expect(lbResource(lb('k8s-plain', 'c', '', { tags }))).toBe(expected);
  });

  test('a failed change group becomes a dns-failure alert naming the hostname', () => {
    const alert = dnsFailureAlert(
      {
        group: {
          zoneId: 'Z1',
          hostname: 'bad.example.com',
          changes: [
            { Action: 'CREATE', ResourceRecordSet: { Name: 'bad.example.com', Type: 'A' } },
          ],
        },
        reason: 'invalid-change',
        messages: [
          "Tried to create resource record set [name='bad.example.com.', type='A'] but it already exists",
        ],
      },
      'demo',
    );
    expect([alert.kind, alert.subject, alert.severity, alert.facts.zoneId]).toEqual([
      'dns-failure',
      'bad.example.com',
      'critical',
      'Z1',
    ]);
  });
});

describe('hostname tags with nothing, blanks, bad entries, and no cluster', () => {
  test.each<{ title: string; value: string | undefined; names: string[]; bad: string[] }>([
    { title: 'no tag: no names and nothing invalid', value: undefined, names: [], bad: [] },
    {
      title: 'blank entries between commas are skipped, not refused',
      value: 'a.example.com, ,b.example.com,',
      names: ['a.example.com', 'b.example.com'],
      bad: [],
    },
    {
      title: 'a bad entry is refused beside the good one',
      value: 'a.example.com,bad name',
      names: ['a.example.com'],
      bad: ['bad name'],
    },
  ])('$title', ({ value, names, bad }) => {
    const checked = checkHostnameTag(value);
    expect(checked.names).toStrictEqual(names);
    expect(checked.invalid.map((i) => i.value)).toStrictEqual(bad);
  });

  test('a load balancer of no cluster: its records and its refused entries carry no cluster key', () => {
    const web = lb('k8s-default-web', 'aaa', 'web.example.com,bad name', { cluster: undefined });
    const { cluster: _none, ...noCluster } = web;

    const desired = desiredFromLoadBalancers([noCluster]);

    expect(desired).toStrictEqual({
      records: [
        {
          name: 'web.example.com',
          type: 'A',
          target: web.dnsName,
          aliasZoneId: web.canonicalHostedZoneId,
          resource: 'loadbalancer/k8s-default-web',
        },
      ],
      conflicts: [],
      invalid: [
        {
          loadBalancerArn: web.arn,
          tag: HOSTNAME_TAG,
          entries: [{ value: 'bad name', problem: expect.any(String) }],
        },
      ],
    });
  });

  test('refused entries become invalid-hostname conflicts, one per entry, with the cluster when known', () => {
    const entries = [
      { value: 'bad name', problem: 'contains a space' },
      { value: '-x', problem: 'starts with a hyphen' },
    ];
    const conflicts = invalidAsConflicts([
      { loadBalancerArn: arn('web', 'aaa'), tag: HOSTNAME_TAG, entries, cluster: 'demo' },
      {
        loadBalancerArn: arn('api', 'bbb'),
        tag: HOSTNAME_TAG,
        entries: [entries[0] as (typeof entries)[number]],
      },
    ]);

    expect(conflicts.map(({ detail: _detail, ...rest }) => rest)).toStrictEqual([
      { name: '"bad name"', reason: 'invalid-hostname', cluster: 'demo' },
      { name: '"-x"', reason: 'invalid-hostname', cluster: 'demo' },
      { name: '"bad name"', reason: 'invalid-hostname' },
    ]);
    expect(conflicts[2]?.detail).toContain(arn('api', 'bbb'));
    expect(invalidAsConflicts()).toStrictEqual([]);
  });
});
