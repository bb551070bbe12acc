import { describe, expect, test } from 'vitest';
import {
  CNI_CLUSTER_TAG,
  CNI_INSTANCE_TAG,
  classifyEni,
  clusterOf,
  cniOwner,
  eniAddresses,
  eniCluster,
  instanceCluster,
} from '#core/network/eni-classify.ts';
import type { AddressFacts, ConsumerKind, EniFacts, InstanceFacts } from '#core/network/network.ts';

// Who consumes an ENI's addresses decides which subnet usage a pod, a node, a load balancer or
// the EKS control plane is charged with. Descriptions and tags below are the ones the VPC CNI,
// EKS and ELB write (see events/samples/).

const eni = (facts: Partial<EniFacts>): EniFacts => ({
  eniId: 'eni-0a1b2c3d4e5f60718',
  vpcId: 'vpc-1',
  subnetId: 'subnet-1',
  description: '',
  tags: {},
  secondaryIps: [],
  prefixes: [],
  ...facts,
});

describe('classifyEni: who consumes an ENI', () => {
  test.each<{ title: string; facts: Partial<EniFacts>; kind: ConsumerKind }>([
    {
      title: 'a CNI ENI by its description',
      facts: { description: 'aws-K8S-i-0123456789abcdef0' },
      kind: 'vpc-cni',
    },
    {
      title: 'a CNI ENI by its instance tag, whatever its description',
      facts: { description: 'renamed', tags: { [CNI_INSTANCE_TAG]: 'i-0123456789abcdef0' } },
      kind: 'vpc-cni',
    },
    {
      title: 'a CNI ENI attached at device index 0 is still the CNI one',
      facts: {
        description: 'aws-K8S-i-0123456789abcdef0',
        attachment: { instanceId: 'i-0123456789abcdef0', deviceIndex: 0 },
      },
      kind: 'vpc-cni',
    },
    {
      title: 'a description with text after the instance id is not the CNI one',
      facts: { description: 'aws-K8S-i-0123456789abcdef0 (copy)' },
      kind: 'other',
    },
    {
      title: 'a description with text before the CNI prefix is not the CNI one',
      facts: { description: 'old aws-K8S-i-0123456789abcdef0' },
      kind: 'other',
    },
    {
      title: 'the CNI prefix without an instance id is not the CNI one',
      facts: { description: 'aws-K8S-' },
      kind: 'other',
    },
    {
      title: 'an empty instance tag does not make a CNI ENI',
      facts: { tags: { [CNI_INSTANCE_TAG]: '' } },
      kind: 'other',
    },
    {
      title: 'the EKS control plane by its description',
      facts: { description: 'Amazon EKS prod-apne2' },
      kind: 'eks-control-plane',
    },
    {
      title: 'the EKS description with no cluster name is not the control plane',
      facts: { description: 'Amazon EKS ' },
      kind: 'other',
    },
    {
      title: 'an EKS-like description not at the start is not the control plane',
      facts: { description: 'not Amazon EKS prod' },
      kind: 'other',
    },
    {
      title: 'a network load balancer by its interface type',
      facts: { interfaceType: 'network_load_balancer', description: 'anything' },
      kind: 'load-balancer',
    },
    {
      title: 'a gateway load balancer by its interface type',
      facts: { interfaceType: 'gateway_load_balancer' },
      kind: 'load-balancer',
    },
    {
      title: 'an application load balancer by its "ELB " description',
      facts: { interfaceType: 'interface', description: 'ELB app/web/50dc6c495c0c9188' },
      kind: 'load-balancer',
    },
    {
      title: '"ELB" without the space is not a load balancer',
      facts: { description: 'ELBOW' },
      kind: 'other',
    },
    {
      title: '"ELB " inside a description is not a load balancer',
      facts: { description: 'my ELB notes' },
      kind: 'other',
    },
    {
      title: 'any other ENI at device index 0 is the node primary',
      facts: { attachment: { instanceId: 'i-1', deviceIndex: 0 } },
      kind: 'node-primary',
    },
    {
      title: 'a load balancer attached at device index 0 is still a load balancer',
      facts: {
        interfaceType: 'network_load_balancer',
        attachment: { instanceId: 'i-1', deviceIndex: 0 },
      },
      kind: 'load-balancer',
    },
    {
      title: 'an extra ENI at device index 1 is other',
      facts: { attachment: { instanceId: 'i-1', deviceIndex: 1 } },
      kind: 'other',
    },
    {
      title: 'an attachment without a device index is other',
      facts: { attachment: { instanceId: 'i-1' } },
      kind: 'other',
    },
    { title: 'an unattached ENI with nothing to say is other', facts: {}, kind: 'other' },
  ])('$title', ({ facts, kind }) => {
    expect(classifyEni(eni(facts))).toBe(kind);
  });
});

describe('cniOwner and eniCluster: what an ENI says about itself', () => {
  test.each<{
    title: string;
    facts: Partial<EniFacts>;
    owner: string | undefined;
    cluster: string | undefined;
  }>([
    {
      title: 'the instance tag names the node, and wins over the description',
      facts: {
        description: 'aws-K8S-i-00000000000000001',
        tags: { [CNI_INSTANCE_TAG]: 'i-00000000000000002', [CNI_CLUSTER_TAG]: 'prod' },
      },
      owner: 'i-00000000000000002',
      cluster: 'prod',
    },
    {
      title: 'without the tag the description names the node',
      facts: { description: 'aws-K8S-i-00000000000000001' },
      owner: 'i-00000000000000001',
      cluster: undefined,
    },
    {
      title: 'the cluster tag wins over an EKS description',
      facts: { description: 'Amazon EKS from-description', tags: { [CNI_CLUSTER_TAG]: 'tagged' } },
      owner: undefined,
      cluster: 'tagged',
    },
    {
      title: 'an EKS control plane ENI names its cluster in the description',
      facts: { description: 'Amazon EKS prod-apne2' },
      owner: undefined,
      cluster: 'prod-apne2',
    },
    {
      title: 'an ELB ENI names neither',
      facts: { description: 'ELB app/web/50dc6c495c0c9188' },
      owner: undefined,
      cluster: undefined,
    },
  ])('$title', ({ facts, owner, cluster }) => {
    expect(cniOwner(eni(facts))).toBe(owner);
    expect(eniCluster(eni(facts))).toBe(cluster);
  });
});

describe('instanceCluster and clusterOf: which cluster a node is in', () => {
  test.each<{ title: string; tags: Record<string, string>; cluster: string | undefined }>([
    { title: 'the eks:cluster-name tag', tags: { 'eks:cluster-name': 'a' }, cluster: 'a' },
    { title: 'the aws:eks:cluster-name tag', tags: { 'aws:eks:cluster-name': 'b' }, cluster: 'b' },
    {
      title: 'eks:cluster-name wins over aws:eks:cluster-name and kubernetes.io/cluster',
      tags: {
        'kubernetes.io/cluster/blue-apne2': 'owned',
        'aws:eks:cluster-name': 'b',
        'eks:cluster-name': 'a',
      },
      cluster: 'a',
    },
    {
      title: 'an empty eks:cluster-name falls through to the kubernetes.io tag',
      tags: { 'eks:cluster-name': '', 'kubernetes.io/cluster/blue-apne2': 'owned' },
      cluster: 'blue-apne2',
    },
    {
      title: 'kubernetes.io/cluster/<name> = owned',
      tags: { 'kubernetes.io/cluster/blue-apne2': 'owned' },
      cluster: 'blue-apne2',
    },
    {
      title: 'kubernetes.io/cluster/<name> = shared',
      tags: { 'kubernetes.io/cluster/green': 'shared' },
      cluster: 'green',
    },
    {
      title: 'kubernetes.io/cluster/<name> with another value says nothing',
      tags: { 'kubernetes.io/cluster/e': 'no' },
      cluster: undefined,
    },
    {
      title: 'the first owned kubernetes.io tag after one that says nothing',
      tags: { 'kubernetes.io/cluster/e': 'no', 'kubernetes.io/cluster/red': 'owned' },
      cluster: 'red',
    },
    {
      title: 'a key that only contains kubernetes.io/cluster/ is not the tag',
      tags: { 'x-kubernetes.io/cluster/g': 'owned' },
      cluster: undefined,
    },
    {
      title: 'kubernetes.io/cluster/ with no name is not the tag',
      tags: { 'kubernetes.io/cluster/': 'owned' },
      cluster: undefined,
    },
    { title: 'no tags', tags: {}, cluster: undefined },
  ])('$title', ({ tags, cluster }) => {
    expect(instanceCluster(tags)).toBe(cluster);
  });
  // Equivalent: the `$` of /^kubernetes\.io\/cluster\/(.+)$/ dropped. `.+` is greedy and a tag
  // key cannot hold a line break, so the name runs to the end of the key either way.

  const instance = (facts: Partial<InstanceFacts>): InstanceFacts => ({
    instanceId: 'i-1',
    state: 'running',
    tags: {},
    ...facts,
  });

  test.each<{ title: string; facts: Partial<InstanceFacts>; cluster: string | undefined }>([
    {
      title: 'a cluster already known wins over the tags',
      facts: { cluster: 'known', tags: { 'eks:cluster-name': 'tagged' } },
      cluster: 'known',
    },
    {
      title: 'otherwise the tags say',
      facts: { tags: { 'eks:cluster-name': 'tagged' } },
      cluster: 'tagged',
    },
    { title: 'or nothing does', facts: {}, cluster: undefined },
  ])('clusterOf: $title', ({ facts, cluster }) => {
    expect(clusterOf(instance(facts))).toBe(cluster);
  });
});

describe('eniAddresses: each address with its consumer', () => {
  test.each<{ title: string; facts: Partial<EniFacts>; addresses: AddressFacts[] }>([
    {
      title:
        "a node's primary ENI: its primary IP is the node's, its secondaries and prefixes the CNI's",
      facts: {
        attachment: { instanceId: 'i-1', deviceIndex: 0 },
        primaryIp: '10.0.1.10',
        secondaryIps: ['10.0.1.11', '10.0.1.12'],
        prefixes: ['10.0.1.32/28'],
      },
      addresses: [
        { address: '10.0.1.10', kind: 'primary', consumer: 'node-primary' },
        { address: '10.0.1.11', kind: 'secondary', consumer: 'vpc-cni' },
        { address: '10.0.1.12', kind: 'secondary', consumer: 'vpc-cni' },
        { address: '10.0.1.32/28', kind: 'prefix', consumer: 'vpc-cni' },
      ],
    },
    {
      title: 'a load balancer ENI: every address is the load balancer',
      facts: {
        interfaceType: 'network_load_balancer',
        primaryIp: '10.0.2.10',
        secondaryIps: ['10.0.2.11'],
        prefixes: ['10.0.2.32/28'],
      },
      addresses: [
        { address: '10.0.2.10', kind: 'primary', consumer: 'load-balancer' },
        { address: '10.0.2.11', kind: 'secondary', consumer: 'load-balancer' },
        { address: '10.0.2.32/28', kind: 'prefix', consumer: 'load-balancer' },
      ],
    },
    {
      title: 'an ENI without a primary IP (not yet assigned) lists only what it holds',
      facts: { description: 'aws-K8S-i-1', secondaryIps: ['10.0.3.11'] },
      addresses: [{ address: '10.0.3.11', kind: 'secondary', consumer: 'vpc-cni' }],
    },
    { title: 'an empty ENI lists nothing', facts: {}, addresses: [] },
  ])('$title', ({ facts, addresses }) => {
    expect(eniAddresses(eni(facts))).toStrictEqual(addresses);
  });
});

// Equivalent: the `$` of the `kubernetes.io/cluster/(.+)$` key pattern dropped (`.+` runs to
// the end of the key anyway; only a line break could stop it, and EC2 tag keys have none).
