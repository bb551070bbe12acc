import { describe, expect, test } from 'vitest';
import {
  type DnsLoadBalancer,
  desiredFromLoadBalancers,
  hostnamesClaimedBy,
  lbResource,
  parseHostnameTag,
  type StaticDnsEntry,
} from '#core/dns/dns-desired.ts';
import { dnsLoadBalancer, TargetLedgerLoadBalancers } from '#core/dns/dns-load-balancers.ts';
import {
  aliasCnameTxtName,
  decodeOwnership,
  encodeOwnership,
  legacyTxtName,
  namesForHostname,
  ownershipTxtName,
} from '#core/dns/dns-registry.ts';
import {
  bareZoneId,
  normalizeAliasTarget,
  normalizeDnsName,
  selectZones,
} from '#core/dns/dns-zone.ts';
import type { LoadBalancerRecord } from '#core/targets/target-ports.ts';

// The small DNS decisions under the plan: how names compare, how ownership TXT values
// read and write, which claimant wins a hostname. Gaps found by mutation testing.

describe('normalizeDnsName', () => {
  test.each([
    ['WEB.Example.COM.', 'web.example.com'],
    ['', ''],
    ['\\052.apps.example.com.', '*.apps.example.com'],
    ['Z\\052.example.com', 'z*.example.com'],
    ['\\101\\132.example.com', 'az.example.com'],
    ['a\\.b.example.com', 'a\\056b.example.com'],
    ['a\\040b.example.com', 'a\\040b.example.com'],
    ['\\177.example.com', '\\177.example.com'],
    ['\\377.example.com', '\\377.example.com'],
    ['\\400.example.com', '400.example.com'],
    ['a\\05', 'a05'],
    ['a\\-b.example.com', 'a-b.example.com'],
    ['abc\\', 'abc\\134'],
    ['ex\u00e4mple.com', 'ex\\344mple.com'],
    ['\ud55c.example.com', '\\355\\225\\234.example.com'],
    ['~.example.com', '~.example.com'],
  ])('%j -> %j', (name, expected) => {
    expect(normalizeDnsName(name)).toBe(expected);
  });
  // Equivalent mutants: the PLAIN_NAME fast path (its regex widened, narrowed or skipped)
  // returns what the escape-decoding path returns for a plain name; and the three-digit
  // octal test, which only ever sees at most three characters, means the same with either
  // anchor dropped.
});

describe('zone ids, alias targets and zone selection', () => {
  test.each([
    ['/hostedzone/Z1', 'Z1'],
    ['hostedzone/Z1', 'Z1'],
    ['Z1', 'Z1'],
    ['x/hostedzone/Z1', 'x/hostedzone/Z1'],
  ])('bareZoneId(%s) = %s', (id, bare) => {
    expect(bareZoneId(id)).toBe(bare);
  });

  test.each([
    ['dualstack.LB.elb.amazonaws.com.', 'lb.elb.amazonaws.com'],
    ['x.dualstack.example.com', 'x.dualstack.example.com'],
    ['my-dualstack.example.com', 'my-dualstack.example.com'],
  ])('normalizeAliasTarget(%s) = %s', (target, expected) => {
    expect(normalizeAliasTarget(target)).toBe(expected);
  });

  const PUB = { id: 'Z1', name: 'example.com.' };
  const PRIV = { id: 'Z2', name: 'example.com', private: true };
  const DEV = { id: 'Z3', name: 'dev.example.com' };
  const ROOT = { id: 'Z0', name: '.' };

  test.each([
    ['the longest suffix wins, listed first', 'a.dev.example.com', [DEV, PUB], ['Z3']],
    ['the longest suffix wins, listed last', 'a.dev.example.com', [PUB, DEV], ['Z3']],
    ['the apex itself', 'example.com', [PUB, DEV], ['Z1']],
    ['only on a label boundary', 'badexample.com', [PUB], []],
    ['split horizon: both zones of one name', 'a.example.com', [PUB, PRIV], ['Z1', 'Z2']],
    ['the root zone takes anything', 'a.example.org', [ROOT], ['Z0']],
    ['the root zone loses to a longer one', 'a.example.com', [ROOT, PUB], ['Z1']],
  ])('%s', (_title, host, zones, ids) => {
    expect(selectZones(host, zones).map((z) => z.id)).toStrictEqual(ids);
  });
});

describe('ownership TXT values', () => {
  test('an empty resource writes no resource label', () => {
    expect(encodeOwnership('me', '')).toBe('"heritage=external-dns,external-dns/owner=me"');
  });

  test.each<[string, string, ReturnType<typeof decodeOwnership>]>([
    [
      'unquoted and padded',
      '  heritage=external-dns,external-dns/owner=me  ',
      { owner: 'me', labels: { owner: 'me' } },
    ],
    [
      'split by Route53 into quoted pieces',
      '"heritage=external-dns,external-dns/own" "er=me,external-dns/resource=service/a/b"',
      { owner: 'me', resource: 'service/a/b', labels: { owner: 'me', resource: 'service/a/b' } },
    ],
    [
      'an escaped quote inside',
      '"heritage=external-dns,external-dns/owner=a\\"b"',
      { owner: 'a"b', labels: { owner: 'a"b' } },
    ],
    [
      'labels outside external-dns/ and fields without = are not labels',
      '"heritage=external-dns,external-dns/owner=me,other=1,external-dns/resourcex,=x"',
      { owner: 'me', labels: { owner: 'me' } },
    ],
    [
      'a backslash-escaped character inside',
      '"heritage=external-dns,external-dns/owner=m\\e"',
      { owner: 'me', labels: { owner: 'me' } },
    ],
    [
      'an opening quote never closed is no record',
      '"heritage=external-dns,external-dns/owner=me',
      undefined,
    ],
    ['no owner label', '"heritage=external-dns,external-dns/resource=x"', undefined],
    ['not heritage', '"v=spf1 -all"', undefined],
  ])('%s', (_title, value, expected) => {
    expect(decodeOwnership(value)).toStrictEqual(expected);
  });

  // Equivalent mutants in unquoteTxt: its fast path for one quoted string without escapes
  // returns what the general path returns, so mutants that skip it (or never take it) change
  // nothing; those that take it for a value that ends in a quote but does not start with one
  // read no record where the general path reads an owner with a stray quote: neither is ours.
  // Equivalent mutants in decodeOwnership: reading fields from the first one instead of the
  // second (the first is exactly 'heritage=external-dns', whose key is not a label), and
  // skipping a field only when it has no '=' rather than also when it starts with one (its
  // key is then '', not an external-dns/ label).
  test('TXT names without a prefix, and with a %{record_type} template', () => {
    expect(ownershipTxtName('web.example.com', 'A')).toBe('a-web.example.com');
    expect(ownershipTxtName('web.example.com', 'AAAA', 'txt-%{record_type}.')).toBe(
      'txt-aaaa.web.example.com',
    );
    expect(legacyTxtName('web.example.com')).toBe('web.example.com');
    expect(legacyTxtName('web.example.com', 'txt-%{record_type}.')).toBe('txt-.web.example.com');
    expect(aliasCnameTxtName('web.example.com')).toBe('cname-web.example.com');
    expect(namesForHostname('web.example.com')).toStrictEqual([
      'web.example.com',
      'a-web.example.com',
      'aaaa-web.example.com',
      'cname-web.example.com',
    ]);
  });
});

const ARN = (name: string, id = '0a1b') =>
  `arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/${name}/${id}`;
function lb(name: string, extra: Partial<DnsLoadBalancer> = {}): DnsLoadBalancer {
  return {
    arn: ARN(name),
    dnsName: `${name}.elb.amazonaws.com`,
    canonicalHostedZoneId: 'ZELB',
    ipAddressType: 'ipv4',
    tags: {},
    ...extra,
  };
}

describe('desired records from load balancers and static config', () => {
  test.each([
    [undefined, []],
    ['', []],
    [' A.example.com , a.example.com.,, b.example.com', ['a.example.com', 'b.example.com']],
  ])('hostname tag %j', (tag, hosts) => {
    expect(parseHostnameTag(tag)).toStrictEqual(hosts);
  });

  test.each<[string, DnsLoadBalancer, string]>([
    [
      'a Service',
      lb('web', { tags: { 'service.k8s.aws/stack': 'default/web' } }),
      'service/default/web',
    ],
    ['an Ingress', lb('web', { tags: { 'ingress.k8s.aws/stack': 'shop' } }), 'ingress/shop'],
    ['neither: the name in the ARN', lb('k8s-web'), 'loadbalancer/k8s-web'],
    ['an ARN without a name', { ...lb('x'), arn: 'not-an-arn' }, 'loadbalancer/not-an-arn'],
  ])('the resource label of %s', (_title, balancer, resource) => {
    expect(lbResource(balancer)).toBe(resource);
  });

  test('a tagged load balancer wants an alias per hostname, AAAA too when dualstack', () => {
    const balancer = lb('web', {
      ipAddressType: 'dualstack',
      cluster: 'blue',
      tags: { 'netledger/hostname': 'web.example.com' },
    });
    expect(desiredFromLoadBalancers([balancer])).toStrictEqual({
      records: ['A', 'AAAA'].map((type) => ({
        name: 'web.example.com',
        type,
        target: 'web.elb.amazonaws.com',
        aliasZoneId: 'ZELB',
        resource: 'loadbalancer/web',
        cluster: 'blue',
      })),
      conflicts: [],
    });
  });

  test('a static alias entry gets a static/ resource unless it names one', () => {
    const statics: StaticDnsEntry[] = [
      { hostname: 'Cdn.Example.com.', target: 'd1.cloudfront.net', aliasZoneId: 'Z2FD' },
      {
        hostname: 'dual.example.com',
        target: 'd2.cloudfront.net',
        aliasZoneId: 'Z2FD',
        dualstack: true,
        resource: 'cdn/dual',
      },
    ];
    expect(desiredFromLoadBalancers([], statics)).toStrictEqual({
      records: [
        {
          name: 'cdn.example.com',
          type: 'A',
          target: 'd1.cloudfront.net',
          aliasZoneId: 'Z2FD',
          resource: 'static/cdn.example.com',
        },
        {
          name: 'dual.example.com',
          type: 'A',
          target: 'd2.cloudfront.net',
          aliasZoneId: 'Z2FD',
          resource: 'cdn/dual',
        },
        {
          name: 'dual.example.com',
          type: 'AAAA',
          target: 'd2.cloudfront.net',
          aliasZoneId: 'Z2FD',
          resource: 'cdn/dual',
        },
      ],
      conflicts: [],
    });
  });

  test('a static entry for an unknown load balancer is a conflict, not a record', () => {
    const result = desiredFromLoadBalancers(
      [],
      [{ hostname: 'x.example.com', loadBalancerArn: ARN('gone') }],
    );
    expect(result.records).toStrictEqual([]);
    expect(result.conflicts.map((c) => `${c.name} ${c.reason}`)).toStrictEqual([
      'x.example.com unknown-load-balancer',
    ]);
  });

  test('static config beats a tag, and among tags the lowest ARN wins', () => {
    const a = lb('a', {
      tags: { 'netledger/hostname': 'x.example.com,y.example.com' },
      cluster: 'blue',
    });
    const b = lb('b', { tags: { 'netledger/hostname': 'x.example.com,y.example.com' } });
    const c = lb('c');
    const result = desiredFromLoadBalancers(
      [c, b, a],
      [{ hostname: 'x.example.com', loadBalancerArn: c.arn }],
    );
    expect(result.records.map((r) => `${r.name} ${r.target}`)).toStrictEqual([
      'x.example.com c.elb.amazonaws.com',
      'y.example.com a.elb.amazonaws.com',
    ]);
    expect(result.conflicts).toStrictEqual([
      {
        name: 'x.example.com',
        reason: 'duplicate-claim',
        detail: `x.example.com is claimed by ${c.arn}, ${a.arn}, ${b.arn}; ${c.arn} wins`,
      },
      {
        name: 'y.example.com',
        reason: 'duplicate-claim',
        detail: expect.stringContaining(`${a.arn} wins`),
        cluster: 'blue',
      },
    ]);
  });

  test('among static entries the first listed wins, however long the list', () => {
    const statics: StaticDnsEntry[] = Array.from({ length: 11 }, (_, i) => ({
      hostname: i === 2 || i === 10 ? 'x.example.com' : `h${i}.example.com`,
      target: `t${i}.cloudfront.net`,
      aliasZoneId: 'Z2FD',
    }));
    const x = desiredFromLoadBalancers([], statics).records.find((r) => r.name === 'x.example.com');
    expect(x?.target).toBe('t2.cloudfront.net');
  });

  test('two static entries for one hostname with different targets are a duplicate claim', () => {
    const result = desiredFromLoadBalancers(
      [],
      [
        { hostname: 'x.example.com', target: 'd1.cloudfront.net', aliasZoneId: 'Z2FD' },
        { hostname: 'x.example.com', target: 'd2.cloudfront.net', aliasZoneId: 'Z2FD' },
      ],
    );
    expect(result.records.map((r) => r.target)).toStrictEqual(['d1.cloudfront.net']);
    expect(result.conflicts.map((c) => c.detail)).toStrictEqual([
      'x.example.com is claimed by static:d1.cloudfront.net, static:d2.cloudfront.net; static:d1.cloudfront.net wins',
    ]);
  });

  test('records come in hostname order, whatever order the tag lists them in', () => {
    const a = lb('a', { tags: { 'netledger/hostname': 'b.example.com,a.example.com' } });
    expect(desiredFromLoadBalancers([a]).records.map((r) => r.name)).toStrictEqual([
      'a.example.com',
      'b.example.com',
    ]);
  });

  test('one load balancer claiming a hostname twice is no conflict', () => {
    const a = lb('a', { tags: { 'netledger/hostname': 'x.example.com' } });
    const result = desiredFromLoadBalancers(
      [a],
      [{ hostname: 'x.example.com', loadBalancerArn: a.arn }],
    );
    expect(result.conflicts).toStrictEqual([]);
    expect(result.records.map((r) => r.name)).toStrictEqual(['x.example.com']);
  });

  test('hostnamesClaimedBy: the tag and the static entries naming this ARN, sorted', () => {
    const a = lb('a', { tags: { 'netledger/hostname': 'z.example.com' } });
    const statics: StaticDnsEntry[] = [
      { hostname: 'B.example.com.', loadBalancerArn: a.arn },
      { hostname: 'other.example.com', loadBalancerArn: ARN('b') },
      { hostname: 'cdn.example.com', target: 'd.cloudfront.net', aliasZoneId: 'Z2FD' },
    ];
    expect(hostnamesClaimedBy(a, statics)).toStrictEqual(['b.example.com', 'z.example.com']);
    expect(hostnamesClaimedBy(a)).toStrictEqual(['z.example.com']);
  });
});

// Equivalent mutants in desiredFromLoadBalancers: the ARN's name read without first dropping
// the five ':'-separated fields (no real ELBv2 ARN has '/' before them); `cluster`/`resource`
// keys spread as undefined (each is copied to a record only when defined); every static
// entry ranked '' (the sort is stable, so the first listed still wins); the rank comparator's
// 'greater' branch (V8 sorts short arrays by insertion, which asks only 'less'); and
// `if (!winner)` (every hostname in the map has at least one claim).
describe('the load balancers DNS may alias', () => {
  const record = (name: string, extra: Partial<LoadBalancerRecord> = {}): LoadBalancerRecord => ({
    arn: ARN(name),
    name,
    type: 'network',
    dnsName: `${name}.elb.amazonaws.com`,
    canonicalHostedZoneId: 'ZELB',
    vpcId: 'vpc-1',
    scheme: 'internet-facing',
    tags: {},
    deleted: false,
    ...extra,
  });

  test('a record without a cluster has no cluster key', () => {
    expect(dnsLoadBalancer(record('a'))).toStrictEqual({
      arn: ARN('a'),
      dnsName: 'a.elb.amazonaws.com',
      canonicalHostedZoneId: 'ZELB',
      ipAddressType: 'ipv4',
      tags: {},
    });
  });

  test('deleted ones and ones without a DNS name or zone id are left out, whole list or by ARN', async () => {
    const all = [
      record('live'),
      record('gone', { deleted: true }),
      record('nameless', { dnsName: '' }),
      record('zoneless', { canonicalHostedZoneId: '' }),
    ];
    const asked: string[] = [];
    const source = new TargetLedgerLoadBalancers({
      listLoadBalancers: async () => all,
      getLoadBalancer: async (arn) => {
        asked.push(arn);
        return all.find((r) => r.arn === arn);
      },
    });

    expect((await source.listLoadBalancers()).map((l) => l.arn)).toStrictEqual([ARN('live')]);
    expect(
      (await source.listLoadBalancers([ARN('live'), ARN('live'), ARN('zoneless')])).map(
        (l) => l.arn,
      ),
    ).toStrictEqual([ARN('live')]);
    expect(asked).toStrictEqual([ARN('live'), ARN('zoneless')]);
    expect(await source.listLoadBalancers([])).toStrictEqual([]);
  });
});
