import { domainToASCII } from 'node:url';
import { MemoryRoute53 } from '#adapters/memory/memory-route53.ts';
import { dynamoLedger } from '#app/composition.ts';
import { batchChangeGroups, ROUTE53_LIMITS } from '#core/dns/dns-batch.ts';
import { desiredFromLoadBalancers, invalidAsConflicts } from '#core/dns/dns-desired.ts';
import { TargetLedgerLoadBalancers } from '#core/dns/dns-load-balancers.ts';
import type { HostedZoneRef } from '#core/dns/dns-record.ts';
import { bareZoneId } from '#core/dns/dns-zone.ts';
import { loadDnsSettings } from '#shared/dns-config.ts';
import type { DnsCommandDeps } from '../commands/dns.ts';
import { DnsInputError } from '../commands/dns.ts';
import { type LocalLedger, openLocalLedger } from './local-ledger.ts';

export interface LocalDnsOptions {
  readonly env?: Record<string, string | undefined>;
  readonly open?: () => Promise<LocalLedger>;
  readonly clock?: () => Date;
}

/**
 * `dns plan` / `dns apply` against the local ledger: load balancers as replayed ELB events
 * left them, zones from --zone or DNS_ZONES, current records from the ledger's cache (empty
 * until a `dns apply`). The ledger is opened on first use and closed after the subcommand.
 */
export function localDnsDeps(options: LocalDnsOptions = {}): DnsCommandDeps {
  const env = options.env ?? process.env;
  const open = options.open ?? (() => openLocalLedger());
  let session: Promise<LocalLedger> | undefined;
  const ledger = () => {
    session ??= open();
    return session;
  };
  const ports = async () => {
    const local = await ledger();
    return dynamoLedger(local.db, local.tableName);
  };
  const cache = async () => (await ports()).dnsRecords;
  // Only the option defaults matter here; zones and owner are checked when planning.
  const settings = () => loadDnsSettings({ ...env, DNS_OWNER_ID: env.DNS_OWNER_ID ?? 'netledger' });
  const envDefaults = safeDefaults(env);

  return {
    ...(envDefaults ? { defaults: envDefaults } : {}),
    source: {
      async load({ zones: flagZones }) {
        const dns = settings();
        const zones: readonly HostedZoneRef[] =
          flagZones.length > 0 ? flagZones : dns.enabled ? dns.zones : [];
        if (zones.length === 0) {
          throw new DnsInputError(
            'no hosted zone to plan for',
            'pass --zone ID=NAME or set DNS_ZONES',
          );
        }
        const lbs = new TargetLedgerLoadBalancers((await ports()).targets);
        const records = await cache();
        const desired = desiredFromLoadBalancers(
          await lbs.listLoadBalancers(),
          dns.enabled ? dns.statics : [],
          domainToASCII,
        );
        const snapshots = await Promise.all(
          zones.map(async (zone) => ({
            zone,
            recordSets: (await records.readZone(bareZoneId(zone.id))).recordSets,
          })),
        );
        return {
          input: {
            snapshots,
            desired: desired.records,
            conflicts: [...desired.conflicts, ...invalidAsConflicts(desired.invalid)],
          },
          zones,
        };
      },
    },
    async apply(plan, { dryRun }) {
      // Local mode has no Route53: the ledger's record cache stands for it, so the next
      // `dns plan` starts from what was applied, as it would after a real apply.
      const route53 = new MemoryRoute53(
        await cache(),
        options.clock ? { clock: options.clock } : {},
      );
      if (!dryRun) return route53.apply(plan.changes);
      const { batches } = batchChangeGroups(plan.changes, ROUTE53_LIMITS);
      return {
        dryRun: true,
        batches,
        applied: [],
        failed: [],
        alerts: [],
        writeCalls: 0,
        complete: true,
      };
    },
    async close() {
      const opened = session;
      session = undefined;
      if (opened) await (await opened).close();
    },
  };
}

/**
 * Option defaults from DNS_OWNER_ID, DNS_POLICY and DNS_TXT_PREFIX. The CLI builds every
 * command at start, so a bad value must not break unrelated commands: it is reported when
 * `dns` itself loads its settings.
 */
function safeDefaults(env: Record<string, string | undefined>): DnsCommandDeps['defaults'] {
  try {
    const dns = loadDnsSettings({
      DNS_ZONES: 'LOCAL=local',
      DNS_OWNER_ID: env.DNS_OWNER_ID ?? 'netledger',
      DNS_POLICY: env.DNS_POLICY,
      DNS_TXT_PREFIX: env.DNS_TXT_PREFIX,
    });
    return dns.enabled
      ? { owner: dns.ownerId, policy: dns.policy, txtPrefix: dns.txtPrefix }
      : undefined;
  } catch {
    return undefined;
  }
}
