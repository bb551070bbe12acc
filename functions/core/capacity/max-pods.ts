import type { InstanceTypeLimits } from '#core/capacity/instance-type.ts';

/** Max-pods settings that make no sense (e.g. `maxEnis: 0`); the message names the setting. */
export class MaxPodsSettingsError extends Error {
  override readonly name = 'MaxPodsSettingsError';
}

export type IpAddressMode = 'secondary-ip' | 'prefix-delegation';

/** How the cluster's VPC CNI is configured (ENABLE_PREFIX_DELEGATION, custom networking, MAX_ENI). */
export interface MaxPodsSettings {
  readonly prefixDelegation: boolean;
  readonly customNetworking: boolean;
  /** The CNI's MAX_ENI: caps the ENIs attached to a node, the primary one included. */
  readonly maxEnis?: number | undefined;
}

export interface MaxPodsResult {
  readonly instanceType: string;
  /** The ceiling the IP addresses allow (the calculator's `--show-max-allowed`). */
  readonly maxAllowed: number;
  /** maxAllowed capped at 110 (<= 30 vCPUs) or 250: what the EKS AMI gives the kubelet. */
  readonly recommended: number;
  readonly recommendedCap: 110 | 250;
  /** The mode the CNI will actually run in on this type. */
  readonly mode: IpAddressMode;
  /** Set when prefix delegation was asked for but the CNI falls back to secondary IPs. */
  readonly fallbackReason: string | undefined;
  /** ENIs attachable to the node: the default card's limit, capped by maxEnis. */
  readonly eniLimit: number;
  /** ENIs whose address slots hold pod addresses (eniLimit minus the primary with custom networking). */
  readonly enis: number;
  /** Address slots per ENI (IPv4 per ENI minus the ENI's own primary address). */
  readonly slotsPerEni: number;
  /** Pod addresses one slot gives: 1 (a secondary IP) or 16 (a /28 prefix). */
  readonly addressesPerSlot: 1 | 16;
}

/** Pods on the host network (aws-node, kube-proxy) need no pod address. */
export const HOST_NETWORK_PODS = 2;
export const ADDRESSES_PER_PREFIX = 16;
const LOW_CPU_CAP = 110;
const HIGH_CPU_CAP = 250;
const HIGH_CPU_THRESHOLD = 30;

/** ENIs the node may attach under these settings, the primary included. */
export function attachableEnis(limits: InstanceTypeLimits, settings: MaxPodsSettings): number {
  const { maxEnis } = settings;
  if (maxEnis !== undefined && (!Number.isInteger(maxEnis) || maxEnis < 1)) {
    throw new MaxPodsSettingsError(`maxEnis must be a positive integer, got ${maxEnis}`);
  }
  return maxEnis === undefined
    ? limits.enisOnDefaultCard
    : Math.min(maxEnis, limits.enisOnDefaultCard);
}

/**
 * Max pods per node as the amazon-eks-ami max-pods calculator computes it: only the
 * default network card's ENIs count, since the VPC CNI does not place pods on other cards.
 */
export function maxPods(limits: InstanceTypeLimits, settings: MaxPodsSettings): MaxPodsResult {
  const eniLimit = attachableEnis(limits, settings);
  // Custom networking puts pods on ENIs in other subnets, never on the primary ENI.
  const enis = Math.max(0, eniLimit - (settings.customNetworking ? 1 : 0));
  const slotsPerEni = limits.ipv4PerEni - 1;
  const usePrefixes = settings.prefixDelegation && limits.nitro;
  const fallbackReason =
    settings.prefixDelegation && !limits.nitro
      ? `${limits.instanceType} runs on ${limits.hypervisor ?? 'a non-Nitro hypervisor'}, not Nitro or bare metal: the VPC CNI falls back to secondary IPs`
      : undefined;
  const addressesPerSlot = usePrefixes ? ADDRESSES_PER_PREFIX : 1;
  const maxAllowed = enis * slotsPerEni * addressesPerSlot + HOST_NETWORK_PODS;
  const recommendedCap = limits.vcpus > HIGH_CPU_THRESHOLD ? HIGH_CPU_CAP : LOW_CPU_CAP;
  return {
    instanceType: limits.instanceType,
    maxAllowed,
    recommended: Math.min(maxAllowed, recommendedCap),
    recommendedCap,
    mode: usePrefixes ? 'prefix-delegation' : 'secondary-ip',
    fallbackReason,
    eniLimit,
    enis,
    slotsPerEni,
    addressesPerSlot,
  };
}
