import type { NodeRecord } from '#core/network/network-ports.ts';

/**
 * A node filed from an EC2 state-change notification alone. The notification carries only the
 * instance id and state, and arrives in seconds, while the RunInstances record (type, VPC,
 * subnet, cluster tag) comes minutes later; when EC2 cannot be read back either (local mode, or
 * an instance already gone), the node is filed with its state and completed when RunInstances,
 * a read-back or the sweep brings its facts. Until then it belongs to no cluster and no VPC:
 * capacity reviews and usage samples skip it (no instance type), reports show its type and
 * cluster as unknown, and if its facts show it is out of scope it is forgotten.
 *
 * Every source of instance facts names the VPC (RunInstances' response, DescribeInstances), so
 * a node without a VPC id has had none yet.
 */
export function awaitsFacts(node: Pick<NodeRecord, 'vpcId' | 'instanceType'>): boolean {
  return node.vpcId === undefined && node.instanceType === undefined;
}
