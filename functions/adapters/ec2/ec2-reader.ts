import {
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  type Filter,
  GetSubnetCidrReservationsCommand,
  type Instance,
  type NetworkInterface,
  paginateDescribeInstances,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSubnets,
  type Subnet,
  type Tag,
} from '@aws-sdk/client-ec2';
import { instanceCluster } from '#core/network/eni-classify.ts';
import type { EniFacts, InstanceFacts, InstanceState, SubnetFacts } from '#core/network/network.ts';
import type { Ec2Reader, VpcScope } from '#core/network/network-ports.ts';

/** EC2 error codes that mean "that resource does not exist (any more)". */
const NOT_FOUND = new Set([
  'InvalidInstanceID.NotFound',
  'InvalidInstanceID.Malformed',
  'InvalidNetworkInterfaceID.NotFound',
  'InvalidNetworkInterfaceID.Malformed',
  'InvalidSubnetID.NotFound',
  'InvalidSubnetID.Malformed',
]);

/** Reads EC2 through the SDK client; throttling and 5xx are retried by the client, then thrown. */
export class SdkEc2Reader implements Ec2Reader {
  constructor(private readonly ec2: EC2Client) {}

  async describeInstance(instanceId: string): Promise<InstanceFacts | undefined> {
    const out = await notFoundAsUndefined(() =>
      this.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })),
    );
    const instance = out?.Reservations?.[0]?.Instances?.[0];
    return instance ? toInstance(instance) : undefined;
  }

  async describeNetworkInterface(eniId: string): Promise<EniFacts | undefined> {
    const out = await notFoundAsUndefined(() =>
      this.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] })),
    );
    const eni = out?.NetworkInterfaces?.[0];
    return eni ? toEni(eni) : undefined;
  }

  async describeSubnet(subnetId: string): Promise<SubnetFacts | undefined> {
    const out = await notFoundAsUndefined(() =>
      this.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] })),
    );
    const subnet = out?.Subnets?.[0];
    return subnet ? this.withReservations(subnet) : undefined;
  }

  async *listInstances(vpcIds: VpcScope): AsyncIterable<InstanceFacts> {
    const pages = paginateDescribeInstances(
      { client: this.ec2, pageSize: 1000 },
      { Filters: vpcFilter(vpcIds) },
    );
    for await (const page of pages) {
      for (const r of page.Reservations ?? [])
        for (const i of r.Instances ?? []) yield toInstance(i);
    }
  }

  async *listNetworkInterfaces(vpcIds: VpcScope): AsyncIterable<EniFacts> {
    const pages = paginateDescribeNetworkInterfaces(
      { client: this.ec2, pageSize: 1000 },
      { Filters: vpcFilter(vpcIds) },
    );
    for await (const page of pages)
      for (const eni of page.NetworkInterfaces ?? []) yield toEni(eni);
  }

  async *listSubnets(vpcIds: VpcScope): AsyncIterable<SubnetFacts> {
    const pages = paginateDescribeSubnets(
      { client: this.ec2, pageSize: 1000 },
      { Filters: vpcFilter(vpcIds) },
    );
    for await (const page of pages) {
      for (const subnet of page.Subnets ?? []) yield await this.withReservations(subnet);
    }
  }

  private async withReservations(subnet: Subnet): Promise<SubnetFacts> {
    const out = await this.ec2.send(
      new GetSubnetCidrReservationsCommand({ SubnetId: subnet.SubnetId }),
    );
    const reservations = (out.SubnetIpv4CidrReservations ?? [])
      .map((r) => r.Cidr ?? '')
      .filter(Boolean);
    return toSubnet(subnet, reservations);
  }
}

export function toSubnet(subnet: Subnet, reservations: readonly string[]): SubnetFacts {
  return {
    subnetId: subnet.SubnetId ?? '',
    vpcId: subnet.VpcId ?? '',
    cidr: subnet.CidrBlock ?? '',
    reservations,
    ...(subnet.AvailabilityZone ? { availabilityZone: subnet.AvailabilityZone } : {}),
  };
}

function vpcFilter(vpcIds: VpcScope): Filter[] | undefined {
  return vpcIds === 'all' ? undefined : [{ Name: 'vpc-id', Values: [...vpcIds] }];
}

async function notFoundAsUndefined<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (NOT_FOUND.has((error as { name?: string }).name ?? '')) return undefined;
    throw error;
  }
}

function tagMap(tags: Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

export function toInstance(i: Instance): InstanceFacts {
  const tags = tagMap(i.Tags);
  const cluster = instanceCluster(tags);
  return {
    instanceId: i.InstanceId ?? '',
    state: (i.State?.Name ?? 'pending') as InstanceState,
    tags,
    ...(i.InstanceType ? { instanceType: i.InstanceType } : {}),
    ...(i.Placement?.AvailabilityZone ? { availabilityZone: i.Placement.AvailabilityZone } : {}),
    ...(i.VpcId ? { vpcId: i.VpcId } : {}),
    ...(i.SubnetId ? { subnetId: i.SubnetId } : {}),
    ...(i.PrivateIpAddress ? { privateIp: i.PrivateIpAddress } : {}),
    ...(cluster ? { cluster } : {}),
  };
}

export function toEni(e: NetworkInterface): EniFacts {
  const primaryIp = e.PrivateIpAddress;
  const attachment = e.Attachment?.InstanceId
    ? {
        instanceId: e.Attachment.InstanceId,
        ...(e.Attachment.AttachmentId ? { attachmentId: e.Attachment.AttachmentId } : {}),
        ...(e.Attachment.DeviceIndex !== undefined
          ? { deviceIndex: e.Attachment.DeviceIndex }
          : {}),
        ...(e.Attachment.NetworkCardIndex !== undefined
          ? { networkCardIndex: e.Attachment.NetworkCardIndex }
          : {}),
      }
    : undefined;
  return {
    eniId: e.NetworkInterfaceId ?? '',
    vpcId: e.VpcId ?? '',
    subnetId: e.SubnetId ?? '',
    description: e.Description ?? '',
    tags: tagMap(e.TagSet),
    secondaryIps: (e.PrivateIpAddresses ?? [])
      .filter((a) => !a.Primary && a.PrivateIpAddress)
      .map((a) => a.PrivateIpAddress as string),
    prefixes: (e.Ipv4Prefixes ?? []).map((p) => p.Ipv4Prefix ?? '').filter(Boolean),
    ...(e.AvailabilityZone ? { availabilityZone: e.AvailabilityZone } : {}),
    ...(e.InterfaceType ? { interfaceType: e.InterfaceType } : {}),
    ...(primaryIp ? { primaryIp } : {}),
    ...(attachment ? { attachment } : {}),
  };
}
