import type { AlertCondition } from '#core/alerts/alert.ts';
import { runningLow } from '#core/alerts/hysteresis.ts';
import type { InstanceTypeLimits } from '#core/capacity/instance-type.ts';
import {
  type IpAddressMode,
  type MaxPodsResult,
  type MaxPodsSettings,
  maxPods,
} from '#core/capacity/max-pods.ts';

/** Node-capacity input or thresholds that make no sense; the message names the field. */
export class NodeCapacityInputError extends Error {
  override readonly name = 'NodeCapacityInputError';
}

/** One ENI attached to the node, as the ledger knows it. */
export interface AttachedEni {
  readonly eniId: string;
  /** Device index 0: holds the node's own address; unused for pods under custom networking. */
  readonly primary: boolean;
  /** Defaults to the type's default card; ENIs on other cards (EFA) never carry pod addresses. */
  readonly networkCardIndex?: number | undefined;
  /** Secondary private IPv4 addresses assigned to the ENI (the primary address excluded). */
  readonly secondaryIpv4Count: number;
  /** /28 prefixes assigned to the ENI. */
  readonly prefixCount: number;
}

export interface NodeCapacityInput {
  readonly nodeId: string;
  readonly cluster: string;
  readonly limits: InstanceTypeLimits;
  readonly settings: MaxPodsSettings;
  readonly enis: readonly AttachedEni[];
}

export interface NodeCapacity {
  readonly nodeId: string;
  readonly cluster: string;
  readonly instanceType: string;
  readonly mode: IpAddressMode;
  readonly maxPods: MaxPodsResult;
  /** ENIs attached on the default card, the primary included. */
  readonly enisAttached: number;
  /** ENIs the node may attach (default card, capped by MAX_ENI). */
  readonly eniLimit: number;
  /**
   * ENI address slots taken on pod ENIs: one per secondary IP or /28 prefix (EC2 counts
   * a prefix against the same per-ENI limit as an address).
   */
  readonly slotsInUse: number;
  /** Slots on all pod ENIs the node may have: enis x (IPv4 per ENI - 1). */
  readonly slotCapacity: number;
  readonly freeSlots: number;
  /**
   * Pod addresses the node can still obtain from EC2 beyond those already assigned
   * (free slots x 1 or x 16). Assigned addresses include the CNI's warm pool, so this is
   * a lower bound on how many more pods fit.
   */
  readonly headroom: number;
}

function requireCount(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new NodeCapacityInputError(`${field} must be a non-negative integer, got ${value}`);
  }
}

export function computeNodeCapacity(input: NodeCapacityInput): NodeCapacity {
  const { limits, settings } = input;
  const result = maxPods(limits, settings);
  const onDefaultCard = input.enis.filter(
    (eni) =>
      (eni.networkCardIndex ?? limits.defaultNetworkCardIndex) === limits.defaultNetworkCardIndex,
  );
  let slotsInUse = 0;
  for (const eni of onDefaultCard) {
    requireCount(eni.secondaryIpv4Count, `${eni.eniId}.secondaryIpv4Count`);
    requireCount(eni.prefixCount, `${eni.eniId}.prefixCount`);
    if (settings.customNetworking && eni.primary) continue;
    slotsInUse += eni.secondaryIpv4Count + eni.prefixCount;
  }
  const slotCapacity = result.enis * result.slotsPerEni;
  const freeSlots = Math.max(0, slotCapacity - slotsInUse);
  return {
    nodeId: input.nodeId,
    cluster: input.cluster,
    instanceType: limits.instanceType,
    mode: result.mode,
    maxPods: result,
    enisAttached: onDefaultCard.length,
    eniLimit: result.eniLimit,
    slotsInUse,
    slotCapacity,
    freeSlots,
    headroom: freeSlots * result.addressesPerSlot,
  };
}

export interface NodeCapacityThresholds {
  /** Alert when fewer slots than this are free... */
  readonly minFreeSlots: number;
  /** ...or fewer than this percentage of slotCapacity. */
  readonly minFreePercent: number;
  /** An open alert clears only when free slots exceed the threshold by more than this. */
  readonly clearMarginSlots: number;
}

function requireNonNegative(value: number, field: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new NodeCapacityInputError(`${field} must be a non-negative number, got ${value}`);
  }
}

/**
 * The node-pod-capacity condition. Low free slots alone are normal (the CNI attaches
 * another ENI when its pool runs dry); the node is stuck only once every attachable ENI
 * is attached, so a node with ENIs left never alerts.
 */
export function evaluateNodeCapacity(
  capacity: NodeCapacity,
  thresholds: NodeCapacityThresholds,
  wasOpen: boolean,
): AlertCondition {
  requireNonNegative(thresholds.minFreeSlots, 'minFreeSlots');
  requireNonNegative(thresholds.minFreePercent, 'minFreePercent');
  requireNonNegative(thresholds.clearMarginSlots, 'clearMarginSlots');
  const threshold = Math.max(
    thresholds.minFreeSlots,
    (thresholds.minFreePercent / 100) * capacity.slotCapacity,
  );
  const allEnisAttached = capacity.enisAttached >= capacity.eniLimit;
  const low = runningLow(capacity.freeSlots, threshold, thresholds.clearMarginSlots, wasOpen);
  const active = allEnisAttached && low;
  const prefixes = capacity.mode === 'prefix-delegation';
  const slotNoun = prefixes ? '/28 prefixes' : 'secondary IPs';
  // EKS AMIs give the kubelet the recommended max-pods, so with prefix delegation or a large
  // type the kubelet, not the addresses, is what keeps pods Pending.
  const { recommended: ceiling, maxAllowed } = capacity.maxPods;
  const kubeletNote =
    ceiling < maxAllowed
      ? ` (the kubelet's recommended max-pods; the ENIs would allow ${maxAllowed})`
      : '';
  const numbers = `${capacity.instanceType}: ${capacity.enisAttached}/${capacity.eniLimit} ENIs, ${capacity.slotsInUse}/${capacity.slotCapacity} ${slotNoun}`;
  const summary = active
    ? `${numbers}; pods beyond ${ceiling} will stay Pending${kubeletNote}`
    : `${numbers}; room for ${capacity.headroom} more pod addresses`;
  return {
    kind: 'node-pod-capacity',
    subject: capacity.nodeId,
    cluster: capacity.cluster,
    active,
    severity: active && capacity.freeSlots === 0 ? 'critical' : 'warning',
    title: active
      ? `Node ${capacity.nodeId} near its pod ceiling`
      : `Node ${capacity.nodeId} has pod capacity`,
    summary,
    facts: {
      instanceType: capacity.instanceType,
      mode: capacity.mode,
      enisAttached: capacity.enisAttached,
      eniLimit: capacity.eniLimit,
      slotsInUse: capacity.slotsInUse,
      slotCapacity: capacity.slotCapacity,
      freeSlots: capacity.freeSlots,
      headroom: capacity.headroom,
      maxPods: ceiling,
      maxPodsAllowed: maxAllowed,
      thresholdSlots: threshold,
    },
  };
}
