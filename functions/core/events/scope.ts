/** VPC ids in scope, or every VPC. */
export type VpcScope = 'all' | readonly string[];

/** Which clusters and VPCs this deployment looks after. */
export interface Scope {
  readonly clusters: 'all' | readonly string[];
  readonly vpcIds: VpcScope;
}

/** Whether CLUSTERS covers this cluster name. */
export function clusterConfigured(scope: Scope, cluster: string): boolean {
  return scope.clusters === 'all' || scope.clusters.includes(cluster);
}

/** A reason the resource is out of scope, or undefined when it is in scope. */
export function outOfScope(
  scope: Scope,
  vpcId: string | undefined,
  cluster: string | undefined,
): string | undefined {
  if (vpcId && scope.vpcIds !== 'all' && !scope.vpcIds.includes(vpcId)) {
    return `VPC ${vpcId} is not configured (VPC_IDS=${scope.vpcIds.join(',')})`;
  }
  if (cluster && scope.clusters !== 'all' && !clusterConfigured(scope, cluster)) {
    return `cluster ${cluster} is not configured (CLUSTERS=${scope.clusters.join(',')})`;
  }
  return undefined;
}

/**
 * While CLUSTERS names clusters, a resource that names no cluster is not ours; with
 * CLUSTERS=all it is. The one place this rule lives.
 */
export function lacksRequiredCluster(scope: Scope, cluster: string | undefined): boolean {
  return !cluster && scope.clusters !== 'all';
}

/**
 * Why a resource is out of scope (VPC, cluster, or no cluster while CLUSTERS names some),
 * or undefined when it is in scope. `noCluster` says the last case in the caller's words.
 */
export function scopeProblem(
  scope: Scope,
  vpcId: string | undefined,
  cluster: string | undefined,
  noCluster: string,
): string | undefined {
  return (
    outOfScope(scope, vpcId, cluster) ??
    (lacksRequiredCluster(scope, cluster) ? noCluster : undefined)
  );
}

/**
 * Alerts, SNS and the notify function need a cluster name; resources outside any EKS cluster
 * (seen only with CLUSTERS=all) report this one.
 */
export const UNKNOWN_CLUSTER = 'unknown';
