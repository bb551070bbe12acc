import type { AddressFacts, ConsumerKind, EniFacts, InstanceFacts } from '#core/network/network.ts';

/** Tags and descriptions the VPC CNI and EKS put on the ENIs they create. */
export const CNI_INSTANCE_TAG = 'node.k8s.amazonaws.com/instance_id';
export const CNI_CLUSTER_TAG = 'cluster.k8s.amazonaws.com/name';
const CNI_DESCRIPTION = /^aws-K8S-(i-[0-9a-f]+)$/;
const EKS_CONTROL_PLANE_DESCRIPTION = /^Amazon EKS (.+)$/;

export function classifyEni(eni: EniFacts): ConsumerKind {
  if (CNI_DESCRIPTION.test(eni.description) || eni.tags[CNI_INSTANCE_TAG]) return 'vpc-cni';
  if (EKS_CONTROL_PLANE_DESCRIPTION.test(eni.description)) return 'eks-control-plane';
  if (
    eni.interfaceType === 'network_load_balancer' ||
    eni.interfaceType === 'gateway_load_balancer' ||
    eni.description.startsWith('ELB ')
  ) {
    return 'load-balancer';
  }
  if (eni.attachment?.deviceIndex === 0) return 'node-primary';
  return 'other';
}

/** The node a CNI ENI belongs to, even before it is attached (from its description or tag). */
export function cniOwner(eni: EniFacts): string | undefined {
  return eni.tags[CNI_INSTANCE_TAG] ?? CNI_DESCRIPTION.exec(eni.description)?.[1];
}

/** The EKS cluster an ENI belongs to, when the ENI itself says so. */
export function eniCluster(eni: EniFacts): string | undefined {
  return eni.tags[CNI_CLUSTER_TAG] ?? EKS_CONTROL_PLANE_DESCRIPTION.exec(eni.description)?.[1];
}

/** EKS managed and self-managed nodes carry one of these tags. */
export function instanceCluster(tags: Readonly<Record<string, string>>): string | undefined {
  const direct = tags['eks:cluster-name'] ?? tags['aws:eks:cluster-name'];
  if (direct) return direct;
  for (const [key, value] of Object.entries(tags)) {
    const match = /^kubernetes\.io\/cluster\/(.+)$/.exec(key);
    if (match && (value === 'owned' || value === 'shared')) return match[1];
  }
  return undefined;
}

/**
 * Each address of an ENI with its consumer. On a node's primary ENI the primary
 * IP is the node's own and the secondaries are pod addresses the CNI handed out.
 */
export function eniAddresses(eni: EniFacts): AddressFacts[] {
  const kind = classifyEni(eni);
  const secondaryConsumer: ConsumerKind = kind === 'node-primary' ? 'vpc-cni' : kind;
  const out: AddressFacts[] = [];
  if (eni.primaryIp) out.push({ address: eni.primaryIp, kind: 'primary', consumer: kind });
  for (const ip of eni.secondaryIps) {
    out.push({ address: ip, kind: 'secondary', consumer: secondaryConsumer });
  }
  for (const prefix of eni.prefixes) {
    out.push({ address: prefix, kind: 'prefix', consumer: secondaryConsumer });
  }
  return out;
}

/** Which cluster an instance's facts place it in. */
export function clusterOf(instance: InstanceFacts): string | undefined {
  return instance.cluster ?? instanceCluster(instance.tags);
}
