import type { AlertCondition, AlertKind } from '#core/alerts/alert.ts';
import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import type { AlertRef, AlertStore } from '#core/alerts/alert-store.ts';
import { prefetchedAlerts } from '#core/alerts/alerts-read-ahead.ts';
import type { Notifier } from '#core/alerts/notifier.ts';
import { type SettledAlert, settleAlertFrom, throwFailures } from '#core/alerts/settle-alert.ts';
import type {
  CapacityLedger,
  InstanceTypeCatalog,
  UsageHistory,
} from '#core/capacity/capacity-ports.ts';
import { type CapacitySettings, clusterSettings } from '#core/capacity/capacity-settings.ts';
import {
  nodeCapacityFromView,
  subnetCapacityFromView,
  subnetClusters,
} from '#core/capacity/capacity-views.ts';
import type { ExhaustionForecast } from '#core/capacity/exhaustion-forecast.ts';
import type { StoredUsageSample } from '#core/capacity/held-usage.ts';
import { InstanceTypeDataError } from '#core/capacity/instance-type.ts';
import { evaluateNodeCapacity } from '#core/capacity/node-capacity.ts';
import { forecastFor, forecastFromStored, usageReadSince } from '#core/capacity/sample-usage.ts';
import {
  evaluateSubnetExhaustion,
  evaluateSubnetFragmentation,
} from '#core/capacity/subnet-capacity.ts';
import { UNKNOWN_CLUSTER } from '#core/events/scope.ts';
import type { Affected } from '#core/network/apply-ec2-event.ts';
import type { Ec2Change } from '#core/network/ec2-event.ts';
import { GONE_STATES } from '#core/network/network.ts';
import type { SubnetView } from '#core/network/network-ports.ts';

export interface ReviewCapacityDeps {
  readonly ledger: CapacityLedger;
  readonly alerts: AlertStore;
  readonly catalog: InstanceTypeCatalog;
  readonly notifier: Notifier;
  readonly settings: CapacitySettings;
  /** ISO-8601; the caller reads the clock. */
  readonly now: string;
  /** Usage samples from the sweeps: with them a subnet also warns of exhaustion forecast within the horizon. */
  readonly usage?: UsageHistory | undefined;
}

export interface SkippedSubject {
  readonly subject: string;
  readonly reason: string;
}

/** What the review measured, for the capacity gauges on the dashboard. */
export interface CapacityMeasures {
  readonly nodes: readonly {
    readonly instanceId: string;
    readonly cluster: string;
    readonly headroom: number;
  }[];
  readonly subnets: readonly { readonly subnetId: string; readonly free: number }[];
}

export interface CapacityReview {
  readonly alerts: readonly SettledAlert[];
  readonly skipped: readonly SkippedSubject[];
  readonly measures?: CapacityMeasures;
}

/** The gauges a sweep publishes: the tightest subnet, and the tightest node of each cluster. */
export function capacityGauges(measures: CapacityMeasures): {
  readonly minSubnetFreeAddresses?: number;
  readonly minPodHeadroomByCluster: Readonly<Record<string, number>>;
} {
  const frees = measures.subnets.map((s) => s.free);
  const byCluster: Record<string, number> = {};
  for (const n of measures.nodes) {
    byCluster[n.cluster] = Math.min(byCluster[n.cluster] ?? Number.POSITIVE_INFINITY, n.headroom);
  }
  return {
    ...(frees.length > 0 ? { minSubnetFreeAddresses: Math.min(...frees) } : {}),
    minPodHeadroomByCluster: byCluster,
  };
}

/**
 * Re-evaluates the capacity alerts of the nodes and subnets an event touched: node pod
 * capacity, subnet exhaustion and, where a cluster uses prefix delegation, /28
 * fragmentation. Each alert goes through `settleAlertFrom` (stored before it is delivered,
 * so concurrent invocations for one node notify once; a failed delivery is sent again by the
 * next evaluation); delivery errors are rethrown once every subject has been reviewed.
 */
export async function reviewCapacity(
  affected: Affected,
  deps: ReviewCapacityDeps,
): Promise<CapacityReview> {
  const alerts: SettledAlert[] = [];
  const skipped: SkippedSubject[] = [];
  const failures: unknown[] = [];
  const measuredNodes: { instanceId: string; cluster: string; headroom: number }[] = [];
  const measuredSubnets: { subnetId: string; free: number }[] = [];
  // Every alert this review may settle, read in one request rather than one each.
  const store = prefetchedAlerts(deps.alerts, capacityAlertRefs(affected));
  const settling = { alerts: store, notifier: deps.notifier, policy: deps.settings.alertPolicy };
  const evaluate = async (
    kind: AlertKind,
    subject: string,
    condition: (wasOpen: boolean, previous: AlertRecord | undefined) => AlertCondition,
  ) => {
    try {
      const previous = await store.get(kind, subject);
      const decided = condition(previous?.status === 'open', previous);
      const reviewed = await settleAlertFrom(previous, decided, settling, deps.now);
      if (reviewed) alerts.push(reviewed);
    } catch (error) {
      failures.push(error);
    }
  };

  // After a change that only gave back, a subject with no alert to resolve or deliver can only
  // have moved further from one: its view is not read.
  const settled = async (refs: readonly AlertRef[]) => {
    if (!affected.onlyFreed) return false;
    for (const r of refs) if (needsSettling(await store.get(r.kind, r.subject))) return false;
    return true;
  };

  for (const nodeId of affected.nodes) {
    if (await settled(capacityAlertRefs({ nodes: [nodeId], subnets: [] }))) continue;
    const view = await deps.ledger.nodeView(nodeId);
    const node = view.node;
    if (!node) {
      skipped.push({ subject: nodeId, reason: 'node not in the ledger' });
      continue;
    }
    if (node.state && GONE_STATES.has(node.state)) {
      const state = node.state;
      await evaluate('node-pod-capacity', nodeId, (_, previous) => ({
        kind: 'node-pod-capacity',
        subject: nodeId,
        cluster: previous?.cluster ?? node.cluster ?? UNKNOWN_CLUSTER,
        active: false,
        severity: previous?.severity ?? 'info',
        title: previous?.title ?? `Node ${nodeId} ${state}`,
        summary: `${nodeId} is ${state}: its pods and addresses are gone`,
        facts: { state },
      }));
      skipped.push({ subject: nodeId, reason: `node is ${state}` });
      continue;
    }
    if (!node.instanceType) {
      skipped.push({ subject: nodeId, reason: 'instance type not known yet' });
      continue;
    }
    let limits: Awaited<ReturnType<InstanceTypeCatalog['limits']>>;
    try {
      limits = await deps.catalog.limits(node.instanceType);
    } catch (error) {
      if (!(error instanceof InstanceTypeDataError)) throw error;
      skipped.push({ subject: nodeId, reason: error.message });
      continue;
    }
    if (!limits) {
      skipped.push({
        subject: nodeId,
        reason: `instance type ${node.instanceType} unknown to EC2`,
      });
      continue;
    }
    const settings = clusterSettings(deps.settings.clusters, node.cluster);
    const capacity = nodeCapacityFromView(view, nodeId, limits, settings);
    measuredNodes.push({
      instanceId: nodeId,
      cluster: node.cluster ?? UNKNOWN_CLUSTER,
      headroom: capacity.headroom,
    });
    await evaluate('node-pod-capacity', nodeId, (wasOpen) =>
      withCluster(evaluateNodeCapacity(capacity, deps.settings.thresholds.node, wasOpen)),
    );
  }

  const { thresholds } = deps.settings;
  const window = thresholds.subnetExhaustion.forecastWindowHours;
  const forecasting = (thresholds.subnetExhaustion.forecastHorizonHours ?? 0) > 0;
  const usageSince = forecasting ? usageReadSince(deps.now, window) : undefined;
  for (const subnetId of affected.subnets) {
    if (await settled(capacityAlertRefs({ nodes: [], subnets: [subnetId] }))) continue;
    const { view, usage } = await subnetWithUsage(subnetId, deps, usageSince);
    const capacity = subnetCapacityFromView(view, subnetId);
    if (!capacity) {
      skipped.push({ subject: subnetId, reason: 'subnet CIDR not known' });
      continue;
    }
    measuredSubnets.push({ subnetId, free: capacity.free });
    const usable = capacity.total - capacity.reserved;
    let forecast: ExhaustionForecast | undefined;
    if (deps.usage && forecasting) {
      const current = { at: deps.now, used: usable - capacity.free };
      forecast = usage
        ? forecastFromStored(usage, current, usable, window)
        : await forecastFor(deps.usage, 'subnet', subnetId, current, usable, window);
    }
    await evaluate('subnet-exhaustion', subnetId, (wasOpen) =>
      withCluster(
        evaluateSubnetExhaustion(capacity, thresholds.subnetExhaustion, wasOpen, forecast),
      ),
    );
    const prefixes = subnetClusters(view).some(
      (cluster) => clusterSettings(deps.settings.clusters, cluster).prefixDelegation,
    );
    await evaluate('subnet-fragmentation', subnetId, (wasOpen) => {
      const condition = evaluateSubnetFragmentation(
        capacity,
        thresholds.subnetFragmentation,
        wasOpen,
      );
      // Without prefix delegation fragmentation cannot hurt: only clear an alert left from before.
      return withCluster(prefixes ? condition : { ...condition, active: false });
    });
  }

  throwFailures(failures, 'capacity alerts could not be settled');
  return { alerts, skipped, measures: { nodes: measuredNodes, subnets: measuredSubnets } };
}

/**
 * A subnet's view and, when its forecast is wanted (samples from `usageSince` on) and the history
 * keeps samples beside the view, those samples from the same read; otherwise the view alone.
 */
async function subnetWithUsage(
  subnetId: string,
  deps: ReviewCapacityDeps,
  usageSince: string | undefined,
): Promise<{ view: SubnetView; usage?: StoredUsageSample[] }> {
  if (usageSince !== undefined && deps.usage?.subnetWithUsage) {
    return deps.usage.subnetWithUsage(subnetId, usageSince);
  }
  return { view: await deps.ledger.subnetView(subnetId) };
}

/** An alert a review must go through: open (it may resolve), or with a notification unsent. */
function needsSettling(record: AlertRecord | undefined): boolean {
  return record !== undefined && (record.status === 'open' || record.pending !== undefined);
}

/** The alerts a capacity review of these nodes and subnets may settle. */
export function capacityAlertRefs(affected: Pick<Affected, 'nodes' | 'subnets'>): AlertRef[] {
  return [
    ...affected.nodes.map((subject) => ({ kind: 'node-pod-capacity' as const, subject })),
    ...affected.subnets.flatMap((subject) => [
      { kind: 'subnet-exhaustion' as const, subject },
      { kind: 'subnet-fragmentation' as const, subject },
    ]),
  ];
}

/**
 * The capacity alerts a review after this change may settle, as far as the change itself names
 * the nodes and subnets: read ahead with the event's own items. A change that names only an ENI
 * or an attachment (addresses, detach, delete) learns its node and subnet from the ledger, so
 * its alerts are read after it is applied.
 */
export function capacityAlertRefsNamedBy(change: Ec2Change): AlertRef[] {
  switch (change.type) {
    case 'instance-state':
      return capacityAlertRefs({ nodes: [change.instanceId], subnets: [] });
    case 'instances-launched':
      return capacityAlertRefs({
        nodes: change.instances.map((i) => i.instanceId),
        subnets: [...new Set(change.enis.map((e) => e.subnetId))],
      });
    case 'eni-created':
      return capacityAlertRefs({
        nodes: change.eni.attachment?.instanceId ? [change.eni.attachment.instanceId] : [],
        subnets: [change.eni.subnetId],
      });
    case 'eni-attached':
      return capacityAlertRefs({ nodes: [change.instanceId], subnets: [] });
    default:
      return [];
  }
}

function withCluster(condition: AlertCondition): AlertCondition {
  return condition.cluster ? condition : { ...condition, cluster: UNKNOWN_CLUSTER };
}
