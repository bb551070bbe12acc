import * as z from 'zod';
import type { StaticDnsEntry } from '#core/dns/dns-desired.ts';
import { DNS_POLICIES, type DnsPolicy, type HostedZoneRef } from '#core/dns/dns-record.ts';
import { bareZoneId, normalizeDnsName } from '#core/dns/dns-zone.ts';
import type { DnsSyncConfig } from '#core/dns/sync-dns.ts';
import { checked, type Env, entries, flag, Problem, parseEnv } from './env-parsers.ts';
import { ConfigError } from './errors.ts';

/** The settings sync-dns takes from the environment (the rest comes from other settings). */
export interface EnabledDnsSettings
  extends Pick<DnsSyncConfig, 'ownerId' | 'zones' | 'policy' | 'txtPrefix' | 'statics' | 'dryRun'> {
  readonly enabled: true;
}

/** DNS sync is off (no Route53 call at all) unless DNS_ZONES names at least one zone. */
export type DnsSettings = { readonly enabled: false } | EnabledDnsSettings;

const ZONE_ID = /^[A-Z0-9]{1,32}$/;
const DOMAIN =
  /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;
// Commas, '=' and quotes would break the ExternalDNS TXT format the owner id is written into.
const OWNER_ID = /^[A-Za-z0-9._:/-]{1,64}$/;
const LB_ARN =
  /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\/(net|app)\/[^/\s]+\/[0-9a-f]+$/;

/** `zoneId=domain[:private],...`: public and private zones alike; `:private` only labels it. */
const zoneList = z
  .string()
  .trim()
  .default('')
  .transform(
    checked((value): HostedZoneRef[] | Problem => {
      if (value === '') return [];
      const zones: HostedZoneRef[] = [];
      for (const entry of entries(value)) {
        const match = /^([^=\s]+)=([^:\s]+)(:private)?$/.exec(entry);
        const id = bareZoneId(match?.[1] ?? '');
        const name = normalizeDnsName(match?.[2] ?? '');
        if (!match || !ZONE_ID.test(id) || !DOMAIN.test(name)) {
          return new Problem(`"${entry}" is not zoneId=domain (e.g. Z0123456789ABC=example.com)`);
        }
        if (zones.some((z) => z.id === id)) return new Problem(`zone ${id} is listed twice`);
        zones.push(match[3] ? { id, name, private: true } : { id, name });
      }
      return zones;
    }),
  );

const staticJson = z.array(
  z.union([
    z.strictObject({
      hostname: z.string().regex(DOMAIN),
      loadBalancerArn: z.string().regex(LB_ARN),
    }),
    z.strictObject({
      hostname: z.string().regex(DOMAIN),
      target: z.string().min(1),
      aliasZoneId: z.string().regex(/^(\/hostedzone\/)?[A-Z0-9]{1,32}$/),
      dualstack: z.boolean().optional(),
      resource: z.string().min(1).optional(),
    }),
  ]),
);

/** A JSON array of entries, or the short form `host=lbArn,...`. */
const staticEntries = z
  .string()
  .trim()
  .default('')
  .transform(
    checked((value): StaticDnsEntry[] | Problem => {
      if (value === '') return [];
      return value.startsWith('[') ? staticJsonEntries(value) : staticShortEntries(value);
    }),
  );

function staticJsonEntries(value: string): StaticDnsEntry[] | Problem {
  let data: unknown;
  try {
    data = JSON.parse(value);
  } catch (error) {
    return new Problem(`is not JSON (${(error as Error).message})`);
  }
  const parsed = staticJson.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return new Problem(
      `entry ${String(issue?.path[0] ?? '?')}: expected {hostname, loadBalancerArn} or {hostname, target, aliasZoneId}`,
    );
  }
  return parsed.data.map((e) => ({ ...e, hostname: normalizeDnsName(e.hostname) }));
}

function staticShortEntries(value: string): StaticDnsEntry[] | Problem {
  const out: StaticDnsEntry[] = [];
  for (const entry of entries(value)) {
    const eq = entry.indexOf('=');
    const hostname = normalizeDnsName(entry.slice(0, Math.max(eq, 0)));
    const loadBalancerArn = entry.slice(eq + 1);
    if (eq <= 0 || !DOMAIN.test(hostname) || !LB_ARN.test(loadBalancerArn)) {
      return new Problem(`"${entry}" is not hostname=loadBalancerArn`);
    }
    out.push({ hostname, loadBalancerArn });
  }
  return out;
}

const DnsEnvSchema = z.object({
  DNS_ZONES: zoneList,
  // Empty reads as unset: the deploy param's default is '' (serverless.yml has no way to leave a
  // variable out without a CloudFormation condition on a constant).
  DNS_OWNER_ID: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().trim().regex(OWNER_ID, 'is not a valid owner id').optional(),
  ),
  DNS_POLICY: z
    .enum(DNS_POLICIES as [DnsPolicy, ...DnsPolicy[]], {
      error: `must be one of ${DNS_POLICIES.join(', ')}`,
    })
    .default('sync'),
  DNS_TXT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._%{}-]*$/, 'may hold letters, digits, ".", "-", "_" and %{record_type}')
    .default(''),
  DNS_STATIC: staticEntries,
  DNS_DRY_RUN: flag(),
});

/**
 * The DNS part of the configuration. Separate from loadConfig so the CLI validates it with the
 * same rules and messages. Every DNS_* variable is checked even while DNS is off, so a typo
 * shows up before someone sets DNS_ZONES.
 */
export function loadDnsSettings(env: Env): DnsSettings {
  const e = parseEnv(DnsEnvSchema, env);
  if (e.DNS_ZONES.length === 0) return { enabled: false };
  if (!e.DNS_OWNER_ID) {
    // A shared default would let two deployments (or ExternalDNS) take each other's records.
    throw new ConfigError('DNS_OWNER_ID: is required when DNS_ZONES is set');
  }
  return {
    enabled: true,
    ownerId: e.DNS_OWNER_ID,
    zones: e.DNS_ZONES,
    policy: e.DNS_POLICY,
    txtPrefix: e.DNS_TXT_PREFIX,
    statics: e.DNS_STATIC,
    dryRun: e.DNS_DRY_RUN,
  };
}

/** The one cold-start log line saying whether DNS sync runs, and how. */
export function dnsSettingsSummary(dns: DnsSettings): string {
  if (!dns.enabled) return 'DNS sync disabled: DNS_ZONES is unset, no Route53 calls will be made';
  const zones = dns.zones
    .map((z) => `${z.id}=${z.name}${z.private ? ' (private)' : ''}`)
    .join(', ');
  const parts = [
    `owner ${dns.ownerId}`,
    `policy ${dns.policy}`,
    `zones ${zones}`,
    `${dns.statics.length} static entr${dns.statics.length === 1 ? 'y' : 'ies'}`,
    ...(dns.txtPrefix ? [`TXT prefix "${dns.txtPrefix}"`] : []),
  ];
  const mode = dns.dryRun ? ' in dry-run mode (plans are logged, nothing is changed)' : '';
  return `DNS sync enabled${mode}: ${parts.join('; ')}`;
}
