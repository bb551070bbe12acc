import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  aliasCnameTxtName,
  decodeOwnership,
  encodeOwnership,
  legacyTxtName,
  namesForHostname,
  ownershipTxtName,
} from '#core/dns/dns-registry.ts';
import { bareZoneId, normalizeDnsName, selectZones } from '#core/dns/dns-zone.ts';

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

  // Older ExternalDNS wrote the TXT of an A alias under the CNAME type (ExternalDNS #2903).
  test.each([
    ['web.example.com', '', 'cname-web.example.com'],
    ['web.example.com', 'reg-', 'reg-cname-web.example.com'],
    ['web.example.com', '%{record_type}-reg.', 'cname-reg.web.example.com'],
  ])('A-alias CNAME-era TXT name of %s with prefix "%s" is %s', (name, prefix, expected) => {
    expect(aliasCnameTxtName(name, prefix)).toBe(expected);
  });

  test('the names read for a hostname include every TXT that may prove ownership', () => {
    expect(namesForHostname('web.example.com', 'reg-').sort()).toEqual(
      [
        'web.example.com',
        'reg-a-web.example.com',
        'reg-aaaa-web.example.com',
        'reg-cname-web.example.com',
        'reg-web.example.com',
      ].sort(),
    );
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
    // Route53 escapes every character outside a-z, 0-9, - and _ wherever it appears.
    ['a-\\052.apps.example.com.', 'a-*.apps.example.com'],
    ['own-\\052.\\052.example.com', 'own-*.*.example.com'],
    ['\\041bang\\100x.example.com', '!bang@x.example.com'],
    ['*.apps.example.com', '*.apps.example.com'],
    // Route53 stores letters in lower case, escaped or not.
    ['\\101PI.example.com', 'api.example.com'],
    // Characters Route53 only accepts escaped stay escaped, so the name can be written back.
    ['a\\056b.example.com', 'a\\056b.example.com'],
    ['ex\\344mple.com', 'ex\\344mple.com'],
    ['exämple.com', 'ex\\344mple.com'],
    ['back\\134slash.example.com', 'back\\134slash.example.com'],
    ['sp\\040ace.example.com', 'sp\\040ace.example.com'],
    // RFC 1035 `\X` quotes X itself; a quoted dot is part of the label.
    ['a\\.b.example.com', 'a\\056b.example.com'],
  ])('normalizes %s to %s', (raw, expected) => {
    expect(normalizeDnsName(raw)).toBe(expected);
  });

  test('property: normalizing is idempotent and agrees on escaped and plain spellings', () => {
    const printable = fc.constantFrom(...'abcXYZ019-_*!"#$%&\'()+,/:;<=>?@[]^`{|}~'.split(''));
    fc.assert(
      fc.property(fc.array(printable, { minLength: 1, maxLength: 12 }), (chars) => {
        // Prepare: one label spelled plainly and fully octal-escaped, as Route53 returns it.
        const plain = `${chars.join('')}.example.com`;
        const escaped = `${chars
          .map((c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`)
          .join('')}.example.com.`;

        // Act
        const once = normalizeDnsName(escaped);

        // Assess
        expect(once).toBe(normalizeDnsName(plain));
        expect(normalizeDnsName(once)).toBe(once);
      }),
    );
  });

  test('drops the /hostedzone/ prefix of zone ids', () => {
    expect(bareZoneId('/hostedzone/Z123')).toBe('Z123');
  });
});
