import { domainToASCII } from 'node:url';
import { describe, expect, test } from 'vitest';
import { checkHostnameTag, desiredFromLoadBalancers, HOSTNAME_TAG } from '#core/dns/dns-desired.ts';
import { asciiOnly, checkHostname } from '#core/dns/dns-hostname.ts';

const label63 = 'a'.repeat(63);

describe('checkHostname accepts and normalises', () => {
  test.each([
    ['web.example.com', 'web.example.com'],
    ['Web.Example.COM.', 'web.example.com'],
    ['  api.example.com ', 'api.example.com'],
    ['*.apps.example.com', '*.apps.example.com'],
    ['_acme-challenge.example.com', '_acme-challenge.example.com'],
    [`${label63}.example.com`, `${label63}.example.com`],
    ['日本.example.com', 'xn--wgv71a.example.com'],
    ['müller.example.com', 'xn--mller-kva.example.com'],
    ['*.bücher.example', '*.xn--bcher-kva.example'],
    ['xn--wgv71a.example.com', 'xn--wgv71a.example.com'],
  ])('%j -> %s', (raw, name) => {
    expect(checkHostname(raw, domainToASCII)).toEqual({ ok: true, name });
  });
});

describe('checkHostname refuses, with the reason', () => {
  const long = (n: number) => Array.from({ length: n }, () => 'abcdefghi').join('.');
  test.each([
    ['', /^is empty$/],
    ['   ', /^is empty$/],
    [`${'a'.repeat(64)}.example.com`, /label of 64 characters .* limit is 63/],
    [`${'b'.repeat(300)}.example.com`, /label of 300 characters .* limit is 63/],
    [`${long(26)}.example.com`, /is 2\d\d characters long; the limit is 253/],
    ['a..example.com', /empty label/],
    ['.example.com', /empty label/],
    ['-web.example.com', /starts or ends with a hyphen/],
    ['web-.example.com', /starts or ends with a hyphen/],
    ['web .example.com', /contains a space/],
    ['web\t.example.com', /control character U\+0009/],
    ['web"x.example.com', /contains a quote/],
    ["web'x.example.com", /contains a quote/],
    ['"; DROP TABLE ledger; --.example.com', /contains a (space|quote)/],
    ['x;DROP.example.com', /contains ";", which a hostname cannot hold/],
    ['web\n.example.com', /control character U\+000A/],
    ['web\u0000.example.com', /control character U\+0000/],
    ['web\u007f.example.com', /control character U\+007F/],
    ['web\u0085.example.com', /control character U\+0085/],
    ['api.*.example.com', /wildcard .* not the whole leftmost label/],
    ['*web.example.com', /wildcard .* not the whole leftmost label/],
    ['*.*.example.com', /wildcard .* not the whole leftmost label/],
    ['web/x.example.com', /contains "\/"/],
    ['web\\056x.example.com', /contains "\\\\"/],
    ['xn--zz.example.com', /not valid punycode/],
  ])('%j: %s', (raw, problem) => {
    const result = checkHostname(raw, domainToASCII);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });

  test('without a converter an internationalised name is refused, never sent as raw bytes', () => {
    expect(checkHostname('日本.example.com', asciiOnly)).toEqual({
      ok: false,
      problem: 'is not a valid internationalised domain name',
    });
  });
});

describe('a hostname tag', () => {
  const lb = (tag: string) => ({
    arn: 'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:loadbalancer/net/web/0123456789abcdef',
    dnsName: 'web-0123456789abcdef.elb.ap-northeast-2.amazonaws.com',
    canonicalHostedZoneId: 'ZIBE1TIR4HY56',
    ipAddressType: 'ipv4' as const,
    tags: { [HOSTNAME_TAG]: tag },
    cluster: 'myeks',
  });

  test('keeps its valid entries and names every invalid one', () => {
    expect(
      checkHostnameTag('ok.example.com, bad..example.com,,日本.example.com', domainToASCII),
    ).toEqual({
      names: ['ok.example.com', 'xn--wgv71a.example.com'],
      invalid: [{ value: ' bad..example.com', problem: 'has an empty label' }],
    });
  });

  test('an invalid entry gets no record and is reported with its load balancer and tag', () => {
    const desired = desiredFromLoadBalancers(
      [lb('ok.example.com,a b.example.com')],
      [],
      domainToASCII,
    );
    expect(desired.records.map((r) => r.name)).toEqual(['ok.example.com']);
    expect(desired.invalid).toEqual([
      {
        loadBalancerArn: lb('').arn,
        tag: HOSTNAME_TAG,
        entries: [{ value: 'a b.example.com', problem: 'contains a space' }],
        cluster: 'myeks',
      },
    ]);
  });
});

describe('checkHostname at its limits', () => {
  const name253 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;

  test('a name of exactly 253 characters is accepted; 254 is one too many', () => {
    expect(name253).toHaveLength(253);
    expect(checkHostname(name253, domainToASCII)).toStrictEqual({ ok: true, name: name253 });
    expect(checkHostname(`${name253}d`, domainToASCII)).toStrictEqual({
      ok: false,
      problem: expect.stringMatching(/is 254 characters long/),
    });
  });

  test.each([
    ['the last C1 control character, U+009F', 'web\u009f.example.com', /control character U\+009F/],
    ['DEL, U+007F', 'web\u007f.example.com', /control character U\+007F/],
  ])('%s is refused as a control character', (_title, raw, problem) => {
    expect(checkHostname(raw, domainToASCII)).toStrictEqual({
      ok: false,
      problem: expect.stringMatching(problem),
    });
  });

  test('without a converter, an ASCII name is accepted and a non-ASCII one refused', () => {
    expect(checkHostname('web.example.com', asciiOnly)).toStrictEqual({
      ok: true,
      name: 'web.example.com',
    });
    expect(checkHostname('m\u00fcller.example.com', asciiOnly).ok).toBe(false);
  });
});
