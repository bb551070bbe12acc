import type {
  CapacityLedger,
  InstanceTypeCatalog,
  UsageHistory,
  UsageSubjectKind,
} from '#core/capacity/capacity-ports.ts';
import { type CapacitySettings, clusterSettings } from '#core/capacity/capacity-settings.ts';
import { nodeCapacityFromView, subnetCapacityFromView } from '#core/capacity/capacity-views.ts';
import {
  DEFAULT_FORECAST_OPTIONS,
  type ExhaustionForecast,
  forecastExhaustion,
  type UsageSample,
} from '#core/capacity/exhaustion-forecast.ts';
import {
  heldReadSince,
  heldSamples,
  type StoredUsageSample,
  sampleWorthStoring,
} from '#core/capacity/held-usage.ts';
import { InstanceTypeDataError } from '#core/capacity/instance-type.ts';
import { UNKNOWN_CLUSTER } from '#core/events/scope.ts';
import { GONE_STATES } from '#core/network/network.ts';
import type { NetworkLedger } from '#core/network/network-ports.ts';

/** One subject's usage now and where its trend leads: what the sweep publishes as metrics. */
export interface UsageGauge {
  readonly kind: UsageSubjectKind;
  readonly subject: string;
  readonly used: number;
  readonly capacity: number;
  readonly forecast: ExhaustionForecast;
}

export interface SampleUsageDeps {
  readonly ledger: CapacityLedger & Pick<NetworkLedger, 'listNodes' | 'listSubnets'>;
  readonly catalog: InstanceTypeCatalog;
  readonly settings: CapacitySettings;
  readonly usage: UsageHistory;
  /** ISO-8601; the caller reads the clock. */
  readonly now: string;
}

/** Since when samples count for the trend. */
export function forecastSince(
  now: string,
  windowHours = DEFAULT_FORECAST_OPTIONS.windowHours,
): string {
  return new Date(Date.parse(now) - windowHours * 3_600_000).toISOString();
}

/** The recent history of a subject with `current` as its newest point, fitted. */
export async function forecastFor(
  usage: UsageHistory,
  kind: UsageSubjectKind,
  subject: string,
  current: UsageSample,
  capacity: number,
  windowHours = DEFAULT_FORECAST_OPTIONS.windowHours,
): Promise<ExhaustionForecast> {
  const stored = await recentUsage(usage, kind, subject, current.at, windowHours);
  return forecastFromStored(stored, current, capacity, windowHours);
}

/** What a forecast at `now` reads: the window, and before it the value held at its start. */
function recentUsage(
  usage: UsageHistory,
  kind: UsageSubjectKind,
  subject: string,
  now: string,
  windowHours: number | undefined,
): Promise<StoredUsageSample[]> {
  return usage.recent(kind, subject, usageReadSince(now, windowHours));
}

/** Where a forecast at `now` starts reading samples (see `recentUsage`). */
export function usageReadSince(now: string, windowHours: number | undefined): string {
  return heldReadSince(forecastSince(now, windowHours));
}

/** `forecastFor` on samples already read (from `heldReadSince` of the window's start on). */
export function forecastFromStored(
  stored: readonly StoredUsageSample[],
  current: UsageSample,
  capacity: number,
  windowHours = DEFAULT_FORECAST_OPTIONS.windowHours,
): ExhaustionForecast {
  const history = heldSamples(stored, forecastSince(current.at, windowHours), current.at);
  const samples = history.some((s) => s.at === current.at) ? history : [...history, current];
  return forecastExhaustion(samples, capacity, current.at, {
    ...DEFAULT_FORECAST_OPTIONS,
    windowHours,
  });
}

/**
 * Takes one usage sample per subnet (addresses used of the usable ones) and per node group
 * (nodes of one cluster and instance type, as EKS node groups are: pod address slots used of
 * the slots their attachable ENIs give), stores the ones that changed, then fits each one's
 * recent trend.
 */
export async function sampleUsage(deps: SampleUsageDeps): Promise<UsageGauge[]> {
  const gauges: UsageGauge[] = [];
  const window = deps.settings.thresholds.subnetExhaustion.forecastWindowHours;
  const everyMs = deps.settings.sweepEveryMs;
  const take = async (kind: UsageSubjectKind, subject: string, used: number, capacity: number) => {
    const stored = await recentUsage(deps.usage, kind, subject, deps.now, window);
    const sample = { kind, subject, at: deps.now, used, capacity, ...(everyMs ? { everyMs } : {}) };
    // Sorted oldest first by the port; the newest says what value is held now.
    if (sampleWorthStoring(stored.at(-1), sample)) await deps.usage.record(sample);
    const forecast = forecastFromStored(stored, { at: deps.now, used }, capacity, window);
    gauges.push({ kind, subject, used, capacity, forecast });
  };

  for (const subnet of await deps.ledger.listSubnets()) {
    const capacity = subnetCapacityFromView(
      await deps.ledger.subnetView(subnet.subnetId),
      subnet.subnetId,
    );
    if (!capacity) continue;
    const usable = capacity.total - capacity.reserved;
    await take('subnet', subnet.subnetId, usable - capacity.free, usable);
  }

  const groups = new Map<string, { used: number; capacity: number }>();
  for (const node of await deps.ledger.listNodes()) {
    if (!node.instanceType || (node.state && GONE_STATES.has(node.state))) continue;
    let limits: Awaited<ReturnType<InstanceTypeCatalog['limits']>>;
    try {
      limits = await deps.catalog.limits(node.instanceType);
    } catch (error) {
      if (error instanceof InstanceTypeDataError) continue;
      throw error;
    }
    if (!limits) continue;
    const capacity = nodeCapacityFromView(
      await deps.ledger.nodeView(node.instanceId),
      node.instanceId,
      limits,
      clusterSettings(deps.settings.clusters, node.cluster),
    );
    const key = `${node.cluster ?? UNKNOWN_CLUSTER}/${node.instanceType}`;
    const group = groups.get(key) ?? { used: 0, capacity: 0 };
    groups.set(key, {
      used: group.used + capacity.slotsInUse,
      capacity: group.capacity + capacity.slotCapacity,
    });
  }
  for (const [key, group] of groups) await take('node-group', key, group.used, group.capacity);
  return gauges;
}
