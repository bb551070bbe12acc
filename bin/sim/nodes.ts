import {
  AssignPrivateIpAddressesCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  DeleteNetworkInterfaceCommand,
  DescribeImagesCommand,
  DescribeInstanceTypesCommand,
  DetachNetworkInterfaceCommand,
  type _InstanceType as InstanceType,
  RunInstancesCommand,
  TerminateInstancesCommand,
  UnassignPrivateIpAddressesCommand,
} from '@aws-sdk/client-ec2';
import { autoScaling, eksService, ipamd } from './actors.ts';
import { ec2Shape, stateChangeEvent } from './cloudtrail.ts';
import { KV, kv, record, type SimContext } from './sim-context.ts';
import type { SubnetPool } from './subnet-pool.ts';

export interface SimEni {
  readonly eniId: string;
  readonly deviceIndex: number;
  readonly attachmentId?: string;
  readonly primaryIp: string;
  /** Secondary addresses: the CNI's pool on this ENI. */
  readonly ips: string[];
}

export interface SimNode {
  readonly instanceId: string;
  readonly name: string;
  readonly group: string;
  readonly ip: string;
  readonly subnet: SubnetPool;
  readonly instanceType: string;
  readonly maxEnis: number;
  /** IPv4 per ENI minus the ENI's own primary address. */
  readonly slotsPerEni: number;
  readonly enis: SimEni[];
  /** Pod name -> pod IP. */
  readonly pods: Map<string, string>;
  terminated: boolean;
  /** The last assign failed for want of addresses (said once, not on every retry). */
  starved?: boolean;
}

/** How the VPC CNI keeps its warm pool (the aws-node DaemonSet's variables). */
export interface CniSettings {
  readonly warmEniTarget: number;
  readonly warmIpTarget?: number | undefined;
  readonly minimumIpTarget?: number | undefined;
}

const typeLimits = new Map<string, { maxEnis: number; slots: number }>();

/** ENIs and addresses per ENI from DescribeInstanceTypes, the limits the CNI itself obeys. */
async function limitsOf(ctx: SimContext, instanceType: string) {
  const cached = typeLimits.get(`${ctx.region}/${instanceType}`);
  if (cached) return cached;
  const out = await ctx.ec2.send(
    new DescribeInstanceTypesCommand({ InstanceTypes: [instanceType as InstanceType] }),
  );
  const info = out.InstanceTypes?.[0]?.NetworkInfo;
  const card = info?.NetworkCards?.find(
    (c) => c.NetworkCardIndex === (info.DefaultNetworkCardIndex ?? 0),
  );
  const maxEnis = card?.MaximumNetworkInterfaces ?? info?.MaximumNetworkInterfaces;
  const perEni = info?.Ipv4AddressesPerInterface;
  if (!maxEnis || !perEni) throw new Error(`no network limits for ${instanceType} in EC2`);
  const limits = { maxEnis, slots: perEni - 1 };
  typeLimits.set(`${ctx.region}/${instanceType}`, limits);
  return limits;
}

let imageId: string | undefined;

/** A node group member joins: RunInstances by Auto Scaling, then pending and running. */
export async function launchNode(
  ctx: SimContext,
  group: string,
  name: string,
  instanceType: string,
  subnet: SubnetPool,
): Promise<SimNode | undefined> {
  const limits = await limitsOf(ctx, instanceType);
  imageId ??= (await ctx.ec2.send(new DescribeImagesCommand({}))).Images?.[0]?.ImageId;
  const ip = subnet.take(1)?.[0];
  const time = ctx.clock.tick();
  const tags = {
    'eks:cluster-name': ctx.cluster,
    'eks:nodegroup-name': group,
    [`kubernetes.io/cluster/${ctx.cluster}`]: 'owned',
    'aws:autoscaling:groupName': `eks-${group}`,
    Name: `${ctx.cluster}-${group}-Node`,
  };
  const request = {
    instancesSet: { items: [{ imageId, minCount: 1, maxCount: 1 }] },
    instanceType,
    subnetId: subnet.subnetId,
    ...(ip ? { privateIpAddress: ip } : {}),
    tagSpecificationSet: { items: [{ resourceType: 'instance', tags: kv(tags) }] },
  };
  if (!ip) {
    record(ctx, 'ec2', 'RunInstances', autoScaling(), time, request, null, {
      code: 'InsufficientFreeAddressesInSubnet',
      message: `There are not enough free addresses in subnet '${subnet.subnetId}' to satisfy the requested number of instances.`,
    });
    ctx.say(`node group ${group} cannot launch a node: subnet ${subnet.name} has no free address`);
    return undefined;
  }
  const out = await ctx.ec2.send(
    new RunInstancesCommand({
      ImageId: imageId,
      InstanceType: instanceType as InstanceType,
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnet.subnetId,
      PrivateIpAddress: ip,
      SecurityGroupIds: [ctx.securityGroupId],
      TagSpecifications: [{ ResourceType: 'instance', Tags: KV(tags) }],
    }),
  );
  const instance = out.Instances?.[0];
  const primary = instance?.NetworkInterfaces?.[0];
  if (!instance?.InstanceId || !primary?.NetworkInterfaceId)
    throw new Error('moto launched no instance');
  record(ctx, 'ec2', 'RunInstances', autoScaling(), time, request, {
    requestId: ctx.ids.uuid(),
    ...(ec2Shape(out) as object),
  });
  ctx.emit(stateChangeEvent(instance.InstanceId, 'pending', time, ctx.region));
  ctx.emit(stateChangeEvent(instance.InstanceId, 'running', ctx.clock.tick(), ctx.region));
  return {
    instanceId: instance.InstanceId,
    name,
    group,
    ip,
    subnet,
    instanceType,
    maxEnis: limits.maxEnis,
    slotsPerEni: limits.slots,
    enis: [
      {
        eniId: primary.NetworkInterfaceId,
        deviceIndex: 0,
        ...(primary.Attachment?.AttachmentId
          ? { attachmentId: primary.Attachment.AttachmentId }
          : {}),
        primaryIp: ip,
        ips: [],
      },
    ],
    pods: new Map(),
    terminated: false,
  };
}

/**
 * Auto Scaling terminates a node: TerminateInstances (no rule follows it, so it is never
 * delivered), then shutting-down and terminated. In AWS the node's ENIs go with it.
 */
export async function terminateNode(ctx: SimContext, node: SimNode): Promise<void> {
  const time = ctx.clock.tick();
  const out = await ctx.ec2.send(new TerminateInstancesCommand({ InstanceIds: [node.instanceId] }));
  record(
    ctx,
    'ec2',
    'TerminateInstances',
    autoScaling(),
    time,
    { instancesSet: { items: [{ instanceId: node.instanceId }] } },
    { requestId: ctx.ids.uuid(), ...(ec2Shape(out) as object) },
  );
  ctx.emit(stateChangeEvent(node.instanceId, 'shutting-down', time, ctx.region));
  // moto 5.2.1 work-around: terminating an instance leaves its ENIs attached. AWS deletes the
  // primary ENI and the CNI's ENIs (attached with DeleteOnTermination) by itself, with no
  // CloudTrail record of its own, so these clean-up calls emit nothing.
  for (const eni of [...node.enis].reverse()) {
    if (eni.attachmentId && eni.deviceIndex > 0) {
      await ctx.ec2.send(
        new DetachNetworkInterfaceCommand({ AttachmentId: eni.attachmentId, Force: true }),
      );
    }
    await ctx.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni.eniId }));
    node.subnet.release([eni.primaryIp, ...eni.ips]);
  }
  node.enis.length = 0;
  node.pods.clear();
  node.terminated = true;
  ctx.emit(stateChangeEvent(node.instanceId, 'terminated', ctx.clock.tick(), ctx.region));
}

/** EKS puts the private API endpoint's ENIs into the cluster's subnets. */
export async function createEksEndpointEni(ctx: SimContext, subnet: SubnetPool): Promise<void> {
  const ip = subnet.take(1)?.[0];
  if (!ip) return;
  const time = ctx.clock.tick();
  const description = `Amazon EKS ${ctx.cluster}`;
  const out = await ctx.ec2.send(
    new CreateNetworkInterfaceCommand({
      SubnetId: subnet.subnetId,
      Description: description,
      PrivateIpAddress: ip,
      Groups: [ctx.securityGroupId],
    }),
  );
  record(
    ctx,
    'ec2',
    'CreateNetworkInterface',
    eksService(ctx.cluster),
    time,
    {
      subnetId: subnet.subnetId,
      description,
      privateIpAddress: ip,
      groupSet: { items: [{ groupId: ctx.securityGroupId }] },
    },
    { requestId: ctx.ids.uuid(), networkInterface: ec2Shape(out.NetworkInterface) },
  );
}

/**
 * The VPC CNI's ipamd on one node: keeps the warm pool (WARM_ENI_TARGET, or WARM_IP_TARGET
 * and MINIMUM_IP_TARGET), attaches another ENI when the pool runs dry and gives back what it
 * no longer needs. It never asks for more ENIs or addresses than the instance type allows:
 * moto 5.2.1 would accept them (no ENI-per-instance or IP-per-ENI errors).
 */
export async function reconcilePool(ctx: SimContext, node: SimNode, cni: CniSettings) {
  if (node.terminated) return;
  const used = node.pods.size;
  const slots = node.slotsPerEni;
  const total = () => node.enis.reduce((n, e) => n + e.ips.length, 0);
  let wanted: number;
  if (cni.warmIpTarget !== undefined || cni.minimumIpTarget !== undefined) {
    wanted = Math.max(used + (cni.warmIpTarget ?? 0), cni.minimumIpTarget ?? 0);
  } else {
    // ENIs with a pod address in use, plus WARM_ENI_TARGET whole ENIs kept free.
    const busy = node.enis.filter((e) => e.ips.some((ip) => podIps(node).has(ip))).length;
    wanted = Math.max(busy, Math.ceil(used / slots)) * slots + cni.warmEniTarget * slots;
  }
  wanted = Math.min(wanted, node.maxEnis * slots);
  // Grow: fill ENIs with room, then attach more.
  for (const eni of node.enis) {
    const need = Math.min(wanted - total(), slots - eni.ips.length);
    if (need > 0 && !(await assign(ctx, node, eni, need))) return;
  }
  while (total() < wanted && node.enis.length < node.maxEnis) {
    const eni = await attachEni(ctx, node);
    if (!eni) return;
    if (!(await assign(ctx, node, eni, Math.min(wanted - total(), slots)))) return;
  }
  // Shrink: free ENIs beyond the target go back whole, the highest device first.
  const inUse = podIps(node);
  for (const eni of [...node.enis].reverse()) {
    if (eni.deviceIndex === 0 || total() - eni.ips.length < wanted) continue;
    if (eni.ips.some((ip) => inUse.has(ip))) continue;
    await releaseEni(ctx, node, eni);
  }
  // WARM_IP_TARGET: give back single free addresses above the target.
  const surplus = total() - wanted;
  if (surplus > 0) {
    for (const eni of [...node.enis].reverse()) {
      const free = eni.ips.filter((ip) => !inUse.has(ip));
      const give = free.slice(0, Math.min(free.length, total() - wanted));
      if (give.length > 0) await unassign(ctx, node, eni, give);
    }
  }
}

function podIps(node: SimNode): Set<string> {
  return new Set(node.pods.values());
}

async function assign(ctx: SimContext, node: SimNode, eni: SimEni, count: number) {
  const time = ctx.clock.tick();
  const actor = ipamd(ctx.cluster, node.instanceId, node.ip);
  const ips = node.subnet.take(count);
  if (!ips) {
    record(
      ctx,
      'ec2',
      'AssignPrivateIpAddresses',
      actor,
      time,
      { networkInterfaceId: eni.eniId, secondaryPrivateIpAddressCount: count },
      null,
      {
        code: 'InsufficientFreeAddressesInSubnet',
        message: `The specified subnet does not have enough free addresses to satisfy the request.`,
      },
    );
    ctx.say(
      `ipamd on ${node.name}: subnet ${node.subnet.name} has no free address for ${count} more`,
    );
    return false;
  }
  // moto 5.2.1 work-around: count-only assigns may pick duplicate or AWS-reserved addresses,
  // so ipamd names free ones; the response lists what was asked for, because moto answers
  // with every address of the ENI instead of the new ones.
  await ctx.ec2.send(
    new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni.eniId, PrivateIpAddresses: ips }),
  );
  const set = { item: ips.map((privateIpAddress) => ({ privateIpAddress })) };
  record(
    ctx,
    'ec2',
    'AssignPrivateIpAddresses',
    actor,
    time,
    { networkInterfaceId: eni.eniId, privateIpAddressesSet: set },
    {
      requestId: ctx.ids.uuid(),
      _return: true,
      networkInterfaceId: eni.eniId,
      assignedPrivateIpAddressesSet: { assignedPrivateIpAddressSetType: set.item },
    },
  );
  eni.ips.push(...ips);
  node.starved = false;
  return true;
}

async function unassign(ctx: SimContext, node: SimNode, eni: SimEni, ips: string[]) {
  const time = ctx.clock.tick();
  await ctx.ec2.send(
    new UnassignPrivateIpAddressesCommand({
      NetworkInterfaceId: eni.eniId,
      PrivateIpAddresses: ips,
    }),
  );
  record(
    ctx,
    'ec2',
    'UnassignPrivateIpAddresses',
    ipamd(ctx.cluster, node.instanceId, node.ip),
    time,
    {
      networkInterfaceId: eni.eniId,
      privateIpAddressesSet: { item: ips.map((privateIpAddress) => ({ privateIpAddress })) },
    },
    { requestId: ctx.ids.uuid(), _return: true },
  );
  eni.ips.splice(0, eni.ips.length, ...eni.ips.filter((ip) => !ips.includes(ip)));
  node.subnet.release(ips);
}

async function attachEni(ctx: SimContext, node: SimNode): Promise<SimEni | undefined> {
  const actor = ipamd(ctx.cluster, node.instanceId, node.ip);
  const description = `aws-K8S-${node.instanceId}`;
  const time = ctx.clock.tick();
  const tags = {
    'node.k8s.amazonaws.com/instance_id': node.instanceId,
    'cluster.k8s.amazonaws.com/name': ctx.cluster,
    'node.k8s.amazonaws.com/createdAt': time,
  };
  const ip = node.subnet.take(1)?.[0];
  const request = {
    subnetId: node.subnet.subnetId,
    description,
    groupSet: { items: [{ groupId: ctx.securityGroupId }] },
    tagSpecificationSet: { items: [{ resourceType: 'network-interface', tags: kv(tags) }] },
    ...(ip ? { privateIpAddress: ip } : {}),
  };
  if (!ip) {
    record(ctx, 'ec2', 'CreateNetworkInterface', actor, time, request, null, {
      code: 'InsufficientFreeAddressesInSubnet',
      message: 'The specified subnet does not have enough free addresses to satisfy the request.',
    });
    ctx.say(`ipamd on ${node.name}: subnet ${node.subnet.name} has no address for another ENI`);
    return undefined;
  }
  const created = await ctx.ec2.send(
    new CreateNetworkInterfaceCommand({
      SubnetId: node.subnet.subnetId,
      Description: description,
      PrivateIpAddress: ip,
      Groups: [ctx.securityGroupId],
      TagSpecifications: [{ ResourceType: 'network-interface', Tags: KV(tags) }],
    }),
  );
  const eniId = created.NetworkInterface?.NetworkInterfaceId;
  if (!eniId) throw new Error('moto created no ENI');
  record(ctx, 'ec2', 'CreateNetworkInterface', actor, time, request, {
    requestId: ctx.ids.uuid(),
    networkInterface: ec2Shape(created.NetworkInterface),
  });
  const deviceIndex = Math.max(...node.enis.map((e) => e.deviceIndex)) + 1;
  const attachTime = ctx.clock.tick();
  const attached = await ctx.ec2.send(
    new AttachNetworkInterfaceCommand({
      NetworkInterfaceId: eniId,
      InstanceId: node.instanceId,
      DeviceIndex: deviceIndex,
      NetworkCardIndex: 0,
    }),
  );
  record(
    ctx,
    'ec2',
    'AttachNetworkInterface',
    actor,
    attachTime,
    { networkInterfaceId: eniId, instanceId: node.instanceId, deviceIndex, networkCardIndex: 0 },
    {
      requestId: ctx.ids.uuid(),
      attachmentId: attached.AttachmentId,
      networkCardIndex: attached.NetworkCardIndex ?? 0,
    },
  );
  const eni: SimEni = {
    eniId,
    deviceIndex,
    ...(attached.AttachmentId ? { attachmentId: attached.AttachmentId } : {}),
    primaryIp: ip,
    ips: [],
  };
  node.enis.push(eni);
  ctx.say(`ipamd on ${node.name} attaches eth${deviceIndex} (${eniId}): its warm pool ran dry`);
  return eni;
}

async function releaseEni(ctx: SimContext, node: SimNode, eni: SimEni): Promise<void> {
  const actor = ipamd(ctx.cluster, node.instanceId, node.ip);
  if (eni.attachmentId) {
    const time = ctx.clock.tick();
    await ctx.ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: eni.attachmentId }));
    record(
      ctx,
      'ec2',
      'DetachNetworkInterface',
      actor,
      time,
      { attachmentId: eni.attachmentId, force: false },
      { requestId: ctx.ids.uuid(), _return: true },
    );
  }
  const time = ctx.clock.tick();
  await ctx.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni.eniId }));
  record(
    ctx,
    'ec2',
    'DeleteNetworkInterface',
    actor,
    time,
    { networkInterfaceId: eni.eniId },
    { requestId: ctx.ids.uuid(), _return: true },
  );
  node.subnet.release([eni.primaryIp, ...eni.ips]);
  node.enis.splice(node.enis.indexOf(eni), 1);
  ctx.say(
    `ipamd on ${node.name} gives back eth${eni.deviceIndex} (${eni.eniId}): more than its warm target`,
  );
}
