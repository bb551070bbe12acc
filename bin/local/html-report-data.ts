import { DynamoAlertStore } from '#adapters/dynamodb/ledger-alerts.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import { clusterSettings } from '#core/capacity/capacity-settings.ts';
import type { ExhaustionForecast } from '#core/capacity/exhaustion-forecast.ts';
import { planDns } from '#core/dns/dns-plan.ts';
import type { DnsPolicy } from '#core/dns/dns-record.ts';
import { decodeOwnership, ownershipTxtName } from '#core/dns/dns-registry.ts';
import type { TargetGroupReportRow } from '#core/targets/target-report.ts';
import { loadCapacitySettings } from '#shared/config.ts';
import { DnsInputError } from '../commands/dns.ts';
import { localDnsDeps } from './local-dns.ts';
import type { LocalLedger } from './local-ledger.ts';
import {
  nodesSection,
  type SectionOptions,
  subnetsSection,
  targetsSection,
} from './report-sections.ts';

/** A node's pods that need a VPC address, in pods (a /28 prefix holds 16). */
export interface NodeBar {
  readonly node: string;
  readonly instanceType: string | null;
  readonly state: string | null;
  readonly maxPods: number | null;
  /** Max pods less the two host-network pods (aws-node, kube-proxy) that take no address. */
  readonly addressCeiling: number | null;
  /** Addresses behind registered load-balancer targets: certainly pods. */
  readonly podsBehindTargets: number;
  /** The node's other pod addresses: pods the LBs do not see, or ipamd's warm pool. */
  readonly otherAssigned: number;
  /** Pods that still fit under the ceiling. */
  readonly headroom: number | null;
}

export interface SubnetBar {
  readonly subnet: string;
  readonly cidr: string | null;
  readonly total: number | null;
  readonly free: number | null;
  readonly byKind: Readonly<Record<string, number>>;
  readonly freePrefixBlocks: number | null;
  readonly forecast?: ExhaustionForecast | undefined;
}

export interface DnsRow {
  readonly hostname: string;
  readonly type: string;
  readonly status: 'owned' | 'create' | 'update' | 'delete' | 'conflict';
  readonly detail: string;
}

export interface HtmlReportData {
  /** The ledger's latest moment (replayed events keep their own clock). */
  readonly asOf: string;
  readonly nodes: readonly NodeBar[];
  readonly subnets: readonly SubnetBar[];
  readonly targets: readonly TargetGroupReportRow[];
  readonly dns:
    | { readonly zones: readonly string[]; readonly rows: readonly DnsRow[] }
    | { readonly off: string };
  readonly alerts: readonly AlertRecord[];
}

interface NodeRowShape {
  readonly instanceId: string;
  readonly cluster: string | null;
  readonly instanceType: string | null;
  readonly state: string | null;
  readonly addresses: number;
  readonly prefixes: number;
  readonly maxPods: number | null;
  readonly headroom: number | null;
}

/** Everything the page shows, read from the local ledger with the same code as `report`. */
export async function collectReportData(
  local: LocalLedger,
  options: SectionOptions,
  env: Record<string, string | undefined> = process.env,
): Promise<HtmlReportData> {
  const targetLedger = new DynamoTargetLedger(local.db, local.tableName);
  const nodeRows = (await nodesSection(local, options)).rows as NodeRowShape[];
  const networking = loadCapacitySettings(env).clusters;
  const nodes = await Promise.all(
    nodeRows.map(async (n): Promise<NodeBar> => {
      const registered = await targetLedger.targetsByNode(n.instanceId);
      const podIps = new Set(registered.map((t) => t.id));
      // A slot is one secondary IP, or with prefix delegation one /28 of 16 addresses.
      const perSlot = clusterSettings(networking, n.cluster ?? undefined).prefixDelegation ? 16 : 1;
      const assigned = (n.addresses + n.prefixes) * perSlot;
      const behind = Math.min(podIps.size, assigned);
      const ceiling = n.maxPods === null ? null : Math.max(0, n.maxPods - 2);
      return {
        node: n.instanceId,
        instanceType: n.instanceType,
        state: n.state,
        maxPods: n.maxPods,
        addressCeiling: ceiling,
        podsBehindTargets: behind,
        otherAssigned: assigned - behind,
        headroom:
          n.headroom === null || ceiling === null
            ? null
            : Math.max(0, Math.min(n.headroom * perSlot, ceiling - assigned)),
      };
    }),
  );
  const subnets = ((await subnetsSection(local, options)).rows as SubnetBarRow[]).map(
    (s): SubnetBar => ({
      subnet: s.subnetId,
      cidr: s.cidr,
      total: s.total,
      free: s.free,
      byKind: s.byKind,
      freePrefixBlocks: s.freePrefixBlocks,
      forecast: s.forecast,
    }),
  );
  const targets = (await targetsSection(local, options)).rows as TargetGroupReportRow[];
  const alerts = await new DynamoAlertStore(local.db, local.tableName).listAll();
  const network = new DynamoNetworkLedger(local.db, local.tableName);
  const stamps = [
    ...alerts.flatMap((a) => [a.openedAt, a.lastNotifiedAt, a.resolvedAt ?? '']),
    ...(await network.listNodes()).map((n) => n.stateStamp?.eventTime ?? ''),
  ].filter((t) => t !== '');
  const asOf = stamps.sort().at(-1) ?? new Date().toISOString();
  return { asOf, nodes, subnets, targets, dns: await dnsRows(local, env), alerts };
}

interface SubnetBarRow {
  readonly subnetId: string;
  readonly cidr: string | null;
  readonly total: number | null;
  readonly free: number | null;
  readonly byKind: Readonly<Record<string, number>>;
  readonly freePrefixBlocks: number | null;
  readonly forecast?: ExhaustionForecast;
}

/** The records netledger owns in the configured zones, what a sync would change, and conflicts. */
async function dnsRows(local: LocalLedger, env: Record<string, string | undefined>) {
  const ownerId = env.DNS_OWNER_ID ?? 'netledger';
  const txtPrefix = env.DNS_TXT_PREFIX ?? '';
  const deps = localDnsDeps({ env, open: async () => ({ ...local, close: async () => {} }) });
  let loaded: Awaited<ReturnType<NonNullable<typeof deps.source>['load']>>;
  try {
    loaded = await (deps.source as NonNullable<typeof deps.source>).load({ ownerId, zones: [] });
  } catch (error) {
    if (error instanceof DnsInputError) return { off: 'DNS sync is off here: no DNS_ZONES' };
    throw error;
  }
  const plan = planDns(loaded.input, {
    ownerId,
    policy: (env.DNS_POLICY as DnsPolicy | undefined) ?? 'sync',
    txtPrefix,
    zones: loaded.zones,
  });
  const rows: DnsRow[] = [];
  for (const snapshot of loaded.input.snapshots) {
    const byName = new Map(snapshot.recordSets.map((rs) => [`${rs.Name}|${rs.Type}`, rs]));
    for (const rs of snapshot.recordSets) {
      if (rs.Type !== 'A' && rs.Type !== 'AAAA') continue;
      const txt = byName.get(`${ownershipTxtName(rs.Name, rs.Type, txtPrefix)}|TXT`);
      const owners = (txt?.ResourceRecords ?? []).map((r) => decodeOwnership(r.Value)?.owner);
      if (owners.includes(ownerId)) {
        rows.push({
          hostname: rs.Name,
          type: rs.Type,
          status: 'owned',
          detail: snapshot.zone.name,
        });
      }
    }
  }
  for (const [status, records] of [
    ['create', plan.create],
    ['update', plan.update],
    ['delete', plan.delete],
  ] as const) {
    for (const r of records)
      rows.push({ hostname: r.name, type: r.type, status, detail: r.target });
  }
  for (const c of plan.conflicts) {
    rows.push({
      hostname: c.name,
      type: c.type ?? '',
      status: 'conflict',
      detail: `${c.reason}: ${c.detail}`,
    });
  }
  return { zones: loaded.zones.map((z) => `${z.name} (${z.id})`), rows };
}
