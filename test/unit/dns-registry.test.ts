import { describe, expect, test } from 'vitest';
import {
  decodeOwnership,
  encodeOwnership,
  legacyTxtName,
  ownershipTxtName,
} from '#core/dns-registry.ts';
import { bareZoneId, normalizeDnsName, selectZones } from '#core/dns-zone.ts';

describe('TXT ownership registry', () => {
  test('encodes the ExternalDNS heritage string, quoted for Route53', () => {
    expect(encodeOwnership('netledger', 'service/default/web')).toBe(
      '"heritage=external-dns,external-dns/owner=netledger,external-dns/resource=service/default/web"',
    );
  });

  test.each([
    [
      '"heritage=external-dns,external-dns/owner=prod,external-dns/resource=ingress/shop/web"',
      'prod',
      'ingress/shop/web',
    ],
    ['heritage=external-dns,external-dns/owner=prod', 'prod', undefined],
    // Route53 splits values longer than 255 characters into several quoted strings.
    [
      '"heritage=external-dns,external-dns/own" "er=split,external-dns/resource=service/a/b"',
      'split',
      'service/a/b',
    ],
  ])('decodes %s', (value, owner, resource) => {
    const decoded = decodeOwnership(value);
    expect(decoded?.owner).toBe(owner);
    expect(decoded?.resource).toBe(resource);
  });

  test.each([
    '"v=spf1 include:_spf.example.com ~all"',
    '"heritage=someone-else,external-dns/owner=x"',
    '"heritage=external-dns,external-dns/resource=service/a/b"',
  ])('ignores a TXT value that is no ownership record: %s', (value) => {
    expect(decodeOwnership(value)).toBeUndefined();
  });

  test('round-trips owner and resource', () => {
    const decoded = decodeOwnership(encodeOwnership('o-1', 'loadbalancer/k8s-x'));
    expect([decoded?.owner, decoded?.resource]).toEqual(['o-1', 'loadbalancer/k8s-x']);
  });

  test.each([
    ['web.example.com', 'A', '', 'a-web.example.com'],
    ['web.example.com', 'AAAA', '', 'aaaa-web.example.com'],
    ['web.example.com', 'A', 'reg-', 'reg-a-web.example.com'],
    ['web.example.com', 'AAAA', '%{record_type}-reg.', 'aaaa-reg.web.example.com'],
  ] as const)(
    'new-format TXT name of %s %s with prefix "%s" is %s',
    (name, type, prefix, expected) => {
      expect(ownershipTxtName(name, type, prefix)).toBe(expected);
    },
  );

  test.each([
    ['web.example.com', '', 'web.example.com'],
    ['web.example.com', 'reg-', 'reg-web.example.com'],
    ['web.example.com', '%{record_type}-reg.', '-reg.web.example.com'],
  ])('legacy TXT name of %s with prefix "%s" is %s', (name, prefix, expected) => {
    expect(legacyTxtName(name, prefix)).toBe(expected);
  });
});

describe('zones', () => {
  const zones = [
    { id: 'Zpub', name: 'example.com' },
    { id: 'Zdev', name: 'dev.example.com.' },
    { id: 'Zpriv', name: 'dev.example.com', private: true },
    { id: 'Zother', name: 'ample.com' },
  ];

  test.each([
    ['www.example.com', ['Zpub']],
    ['example.com.', ['Zpub']],
    ['api.dev.example.com', ['Zdev', 'Zpriv']],
    ['WWW.Example.COM.', ['Zpub']],
    ['sample.com', []],
    ['example.org', []],
  ])('%s goes to %j', (host, expected) => {
    expect(selectZones(host, zones).map((z) => z.id)).toEqual(expected);
  });

  test.each([
    ['Web.Example.com.', 'web.example.com'],
    ['\\052.example.com.', '*.example.com'],
  ])('normalizes %s', (raw, expected) => {
    expect(normalizeDnsName(raw)).toBe(expected);
  });

  test('drops the /hostedzone/ prefix of zone ids', () => {
    expect(bareZoneId('/hostedzone/Z123')).toBe('Z123');
  });
});
