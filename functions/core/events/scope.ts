/** VPC ids in scope, or every VPC. */
export type VpcScope = 'all' | readonly string[];

/** Which clusters and VPCs this deployment looks after. */
export interface Scope {
  readonly clusters: 'all' | readonly string[];
  readonly vpcIds: VpcScope;
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
  if (cluster && scope.clusters !== 'all' && !scope.clusters.includes(cluster)) {
    return `cluster ${cluster} is not configured (CLUSTERS=${scope.clusters.join(',')})`;
  }
  return undefined;
}
