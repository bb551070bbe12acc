import type { AlertPolicy } from '#core/alerts/alert-lifecycle.ts';
import type { MaxPodsSettings } from '#core/capacity/max-pods.ts';
import type { NodeCapacityThresholds } from '#core/capacity/node-capacity.ts';
import type {
  SubnetExhaustionThresholds,
  SubnetFragmentationThresholds,
} from '#core/capacity/subnet-capacity.ts';

/** How each cluster's VPC CNI runs; netledger cannot see this in EC2, so it is configured. */
export interface ClusterNetworking {
  /** Clusters with ENABLE_PREFIX_DELEGATION=true. */
  readonly prefixDelegation: 'all' | readonly string[];
  /** Clusters with AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true (pods on ENIConfig subnets). */
  readonly customNetworking: 'all' | readonly string[];
  /** MAX_ENI per cluster; clusters not listed use the instance type's limit. */
  readonly maxEnis: Readonly<Record<string, number>>;
}

export interface CapacityThresholds {
  readonly node: NodeCapacityThresholds;
  readonly subnetExhaustion: SubnetExhaustionThresholds;
  readonly subnetFragmentation: SubnetFragmentationThresholds;
}

export interface CapacitySettings {
  readonly clusters: ClusterNetworking;
  readonly thresholds: CapacityThresholds;
  readonly alertPolicy: AlertPolicy;
  /**
   * The sweep's interval when it runs on a fixed rate: its usage samples are then stored only
   * when they change (held-usage.ts). Unset (a cron schedule, local replays): every one is.
   */
  readonly sweepEveryMs?: number | undefined;
}

export const NO_CLUSTER_NETWORKING: ClusterNetworking = {
  prefixDelegation: [],
  customNetworking: [],
  maxEnis: {},
};

function listed(list: 'all' | readonly string[], cluster: string | undefined): boolean {
  // No listed name is undefined, so a node of no cluster is listed only under 'all'.
  return list === 'all' || list.some((name) => name === cluster);
}

/** The max-pods settings of one cluster; a node of no known cluster gets the CNI defaults. */
export function clusterSettings(
  networking: ClusterNetworking,
  cluster: string | undefined,
): MaxPodsSettings {
  const maxEnis = cluster === undefined ? undefined : networking.maxEnis[cluster];
  return {
    prefixDelegation: listed(networking.prefixDelegation, cluster),
    customNetworking: listed(networking.customNetworking, cluster),
    ...(maxEnis !== undefined ? { maxEnis } : {}),
  };
}
