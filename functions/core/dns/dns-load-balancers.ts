import type { DnsLoadBalancer } from '#core/dns/dns-desired.ts';
import type { LoadBalancerSource } from '#core/dns/dns-ports.ts';
import type { LoadBalancerRecord, TargetLedger } from '#core/targets/target-ports.ts';

/** ELBv2 ip address types that publish an IPv6 address, so the hostname also gets AAAA. */
function ipAddressTypeOf(value: string | undefined): DnsLoadBalancer['ipAddressType'] {
  // `dualstack-without-public-ipv4` is still reachable over IPv6.
  return value?.startsWith('dualstack') ? 'dualstack' : 'ipv4';
}

export function dnsLoadBalancer(record: LoadBalancerRecord): DnsLoadBalancer {
  return {
    arn: record.arn,
    dnsName: record.dnsName,
    canonicalHostedZoneId: record.canonicalHostedZoneId,
    ipAddressType: ipAddressTypeOf(record.ipAddressType),
    tags: record.tags,
    ...(record.cluster === undefined ? {} : { cluster: record.cluster }),
  };
}

/**
 * DNS's view of the load balancer ledger: live LBs only, since a deleted LB must lose its
 * records. A ledger entry still missing its DNS name (known from tags alone) cannot be aliased.
 */
export class TargetLedgerLoadBalancers implements LoadBalancerSource {
  constructor(
    private readonly ledger: Pick<TargetLedger, 'listLoadBalancers' | 'getLoadBalancer'>,
  ) {}

  async listLoadBalancers(arns?: readonly string[]): Promise<DnsLoadBalancer[]> {
    const records =
      arns === undefined
        ? await this.ledger.listLoadBalancers()
        : (
            await Promise.all([...new Set(arns)].map((arn) => this.ledger.getLoadBalancer(arn)))
          ).filter((r): r is LoadBalancerRecord => r !== undefined);
    return records
      .filter((r) => !r.deleted && r.dnsName !== '' && r.canonicalHostedZoneId !== '')
      .map(dnsLoadBalancer);
  }
}
