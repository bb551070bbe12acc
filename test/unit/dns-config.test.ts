import { describe, expect, test } from 'vitest';
import { dnsSettingsSummary, loadDnsSettings } from '#shared/dns-config.ts';
import { ConfigError } from '#shared/errors.ts';

const ARN =
  'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/0123456789abcdef';
const ENABLED = { DNS_ZONES: 'Z0ABC=example.com', DNS_OWNER_ID: 'prod-a' };

describe('loadDnsSettings', () => {
  test.each([
    ['unset', {}],
    ['empty', { DNS_ZONES: '' }],
    ['blank', { DNS_ZONES: '  ' }],
  ])('DNS_ZONES %s: disabled', (_, env) => {
    // Act
    const dns = loadDnsSettings(env);

    // Assess
    expect(dns).toEqual({ enabled: false });
    expect(dnsSettingsSummary(dns)).toMatch(/disabled.*no Route53/);
  });

  test('public and private zones, defaults for the rest', () => {
    // Act
    const dns = loadDnsSettings({
      DNS_ZONES: '/hostedzone/Z0ABC=Example.com., Z0DEF=internal.example.com:private',
      DNS_OWNER_ID: 'prod-a',
    });

    // Assess
    expect(dns).toEqual({
      enabled: true,
      ownerId: 'prod-a',
      zones: [
        { id: 'Z0ABC', name: 'example.com' },
        { id: 'Z0DEF', name: 'internal.example.com', private: true },
      ],
      policy: 'sync',
      txtPrefix: '',
      statics: [],
      dryRun: false,
    });
  });

  test.each([
    [
      'short form',
      `Web.example.com=${ARN}`,
      [{ hostname: 'web.example.com', loadBalancerArn: ARN }],
    ],
    [
      'JSON',
      JSON.stringify([
        { hostname: 'web.example.com', loadBalancerArn: ARN },
        { hostname: 'cdn.example.com', target: 'd1.cloudfront.net', aliasZoneId: 'Z2FDTNDATAQYW2' },
      ]),
      [
        { hostname: 'web.example.com', loadBalancerArn: ARN },
        { hostname: 'cdn.example.com', target: 'd1.cloudfront.net', aliasZoneId: 'Z2FDTNDATAQYW2' },
      ],
    ],
  ])('DNS_STATIC in %s', (_, value, expected) => {
    // Act
    const dns = loadDnsSettings({ ...ENABLED, DNS_STATIC: value });

    // Assess
    expect(dns.enabled && dns.statics).toEqual(expected);
  });

  test.each([
    [{ DNS_ZONES: 'Z0ABC' }, /^DNS_ZONES: "Z0ABC" is not zoneId=domain/],
    [
      { DNS_ZONES: 'Z0ABC=example.com,Z0ABC=example.org' },
      /^DNS_ZONES: zone Z0ABC is listed twice/,
    ],
    [{ DNS_ZONES: 'Z0ABC=example.com' }, /^DNS_OWNER_ID: is required when DNS_ZONES is set/],
    // The deploy param's default is '': it must read as unset, not as an owner id.
    [
      { DNS_ZONES: 'Z0ABC=example.com', DNS_OWNER_ID: ' ' },
      /^DNS_OWNER_ID: is required when DNS_ZONES is set/,
    ],
    [{ ...ENABLED, DNS_OWNER_ID: 'a,b' }, /^DNS_OWNER_ID: /],
    [
      { ...ENABLED, DNS_POLICY: 'delete-all' },
      /^DNS_POLICY: must be one of sync, upsert-only, create-only/,
    ],
    [{ ...ENABLED, DNS_DRY_RUN: 'yes' }, /^DNS_DRY_RUN: must be "true" or "false"/],
    [
      { ...ENABLED, DNS_STATIC: 'web.example.com=arn:nope' },
      /^DNS_STATIC: "web.example.com=arn:nope"/,
    ],
    [{ ...ENABLED, DNS_STATIC: '[{"hostname":"x.example.com"}]' }, /^DNS_STATIC: entry 0/],
    [{ ...ENABLED, DNS_TXT_PREFIX: 'a,b' }, /^DNS_TXT_PREFIX: /],
    // A typo is reported even while DNS is off.
    [{ DNS_POLICY: 'sink' }, /^DNS_POLICY: /],
  ])('%o is rejected', (env, message) => {
    // Act / Assess
    expect(() => loadDnsSettings(env)).toThrow(ConfigError);
    expect(() => loadDnsSettings(env)).toThrow(message);
  });

  test('the summary names owner, policy, zones and dry-run mode', () => {
    // Prepare
    const dns = loadDnsSettings({
      ...ENABLED,
      DNS_ZONES: 'Z0ABC=example.com,Z0DEF=internal.example.com:private',
      DNS_POLICY: 'upsert-only',
      DNS_DRY_RUN: 'true',
    });

    // Act
    const line = dnsSettingsSummary(dns);

    // Assess
    expect(line).not.toContain('\n');
    for (const part of [
      'dry-run',
      'prod-a',
      'upsert-only',
      'Z0ABC=example.com',
      'internal.example.com (private)',
    ]) {
      expect(line).toContain(part);
    }
  });
});
