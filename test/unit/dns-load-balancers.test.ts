import { describe, expect, test } from 'vitest';
import { TargetLedgerLoadBalancers } from '#core/dns/dns-load-balancers.ts';
import type { LoadBalancerRecord } from '#core/targets/target-ports.ts';

function record(name: string, extra: Partial<LoadBalancerRecord> = {}): LoadBalancerRecord {
  return {
    arn: `arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/${name}/00aa`,
    name,
    type: 'application',
    dnsName: `${name}.elb.amazonaws.com`,
    canonicalHostedZoneId: 'ZELB',
    vpcId: 'vpc-0123456789abcdef0',
    scheme: 'internet-facing',
    tags: { 'netledger/hostname': `${name}.example.com` },
    deleted: false,
    ...extra,
  };
}

function source(records: LoadBalancerRecord[]) {
  return new TargetLedgerLoadBalancers({
    listLoadBalancers: async () => records.filter((r) => !r.deleted),
    getLoadBalancer: async (arn) => records.find((r) => r.arn === arn),
  });
}

describe('TargetLedgerLoadBalancers', () => {
  test.each([
    [undefined, 'ipv4'],
    ['ipv4', 'ipv4'],
    ['dualstack', 'dualstack'],
    ['dualstack-without-public-ipv4', 'dualstack'],
  ])('ipAddressType %s is %s for DNS', async (ipAddressType, expected) => {
    // Prepare
    const lbs = source([record('web', ipAddressType === undefined ? {} : { ipAddressType })]);

    // Act
    const [lb] = await lbs.listLoadBalancers();

    // Assess
    expect(lb?.ipAddressType).toBe(expected);
  });

  test('by ARN, deleted and unknown load balancers are left out', async () => {
    // Prepare
    const live = record('live', { cluster: 'c1' });
    const gone = record('gone', { deleted: true });
    const lbs = source([live, gone]);

    // Act
    const found = await lbs.listLoadBalancers([live.arn, gone.arn, 'arn:unknown']);

    // Assess
    expect(found).toEqual([
      {
        arn: live.arn,
        dnsName: live.dnsName,
        canonicalHostedZoneId: 'ZELB',
        ipAddressType: 'ipv4',
        tags: live.tags,
        cluster: 'c1',
      },
    ]);
  });
});
