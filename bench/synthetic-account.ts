import { readFileSync } from 'node:fs';
import {
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  DescribeInstanceTypesCommand,
  type DescribeInstanceTypesCommandInput,
  DescribeNetworkInterfacesCommand,
  type DescribeNetworkInterfacesCommandInput,
  DescribeSubnetsCommand,
  type DescribeSubnetsCommandInput,
  EC2Client,
  GetSubnetCidrReservationsCommand,
  type Instance,
  type InstanceTypeInfo,
  type NetworkInterface,
  type Subnet,
} from '@aws-sdk/client-ec2';
import {
  DescribeLoadBalancersCommand,
  type DescribeLoadBalancersCommandInput,
  DescribeTagsCommand,
  type DescribeTagsCommandInput,
  DescribeTargetGroupAttributesCommand,
  type DescribeTargetGroupAttributesCommandInput,
  DescribeTargetGroupsCommand,
  type DescribeTargetGroupsCommandInput,
  DescribeTargetHealthCommand,
  type DescribeTargetHealthCommandInput,
  ElasticLoadBalancingV2Client,
  type LoadBalancer,
  type TargetGroup,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * An AWS account of `nodes` EKS nodes held in memory behind the real SDK clients
 * (aws-sdk-client-mock), paging the way the APIs do (EC2 MaxResults <= 1000 with NextToken,
 * ELBv2 PageSize <= 400 with Marker, DescribeTags <= 20 ARNs), so the sweep's call counts
 * are the real ones. The shape scales with the 5,000-node account: 4 ENIs and 30
 * addresses per node (t3.xlarge: 4 ENIs x 15 IPv4), 0.4 target groups per node with 25 IP
 * targets each, two target groups per load balancer.
 */
export interface SyntheticAccount {
  readonly ec2: EC2Client;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly sns: SNSClient;
  readonly size: AccountSize;
  /** What the fakes serve, as the SDK shapes them. */
  readonly raw: {
    readonly instances: readonly Instance[];
    readonly enis: readonly NetworkInterface[];
    readonly subnets: readonly Subnet[];
  };
  /** Calls made so far, by command name. */
  calls(): Record<string, number>;
  /** The least calls that read this account: pages at the APIs' maximum page sizes. */
  pagingMinimum(): Record<string, number>;
  resetCalls(): void;
  restore(): void;
}

export interface AccountSize {
  readonly nodes: number;
  readonly enis: number;
  readonly addresses: number;
  readonly subnets: number;
  readonly loadBalancers: number;
  readonly targetGroups: number;
  readonly targets: number;
}

export const CLUSTER = 'bench';
export const VPC = 'vpc-0be0c0000000000a1';
const ACCOUNT = '123456789012';
const REGION = 'ap-northeast-2';
const INSTANCE_TYPE = 't3.xlarge';
/** Addresses on each of a node's four ENIs, primary included: 30 per node. */
const ENI_ADDRESSES = [8, 8, 7, 7];
const TARGETS_PER_GROUP = 25;
const EC2_PAGE = 1000;
const ELBV2_PAGE = 400;
const TAGS_BATCH = 20;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const instanceId = (n: number) => `i-0${hex(n, 16)}`;
const eniId = (node: number, device: number) => `eni-0${hex(node * 4 + device, 16)}`;
const subnetId = (k: number) => `subnet-0${hex(k, 16)}`;

function page<T>(items: readonly T[], token: string | undefined, max: number | undefined) {
  const start = token ? Number(token) : 0;
  const size = Math.min(max ?? Number.POSITIVE_INFINITY, EC2_PAGE);
  const end = Math.min(items.length, start + size);
  return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
}

function elbPage<T>(items: readonly T[], marker: string | undefined, size: number | undefined) {
  if (size !== undefined && size > ELBV2_PAGE) throw new Error(`PageSize ${size} > ${ELBV2_PAGE}`);
  const start = marker ? Number(marker) : 0;
  const end = Math.min(items.length, start + (size ?? ELBV2_PAGE));
  return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
}

export function syntheticAccount(nodes: number): SyntheticAccount {
  const subnetCount = Math.max(3, Math.ceil(nodes / 100));
  const subnets: Subnet[] = [];
  for (let k = 0; k < subnetCount; k++) {
    subnets.push({
      SubnetId: subnetId(k),
      VpcId: VPC,
      CidrBlock: `10.${k}.0.0/19`,
      AvailabilityZone: `${REGION}${'abc'[k % 3]}`,
    });
  }
  const instances: Instance[] = [];
  const enis: NetworkInterface[] = [];
  /** Pod (secondary) addresses, the IP targets are drawn from. */
  const podIps: { ip: string; az: string }[] = [];
  const used = new Array<number>(subnetCount).fill(16);
  for (let n = 0; n < nodes; n++) {
    const k = n % subnetCount;
    const subnet = subnets[k] as Subnet;
    const az = subnet.AvailabilityZone as string;
    const ip = () => {
      const offset = used[k] ?? 0;
      used[k] = offset + 1;
      return `10.${k}.${offset >> 8}.${offset & 255}`;
    };
    const id = instanceId(n);
    const nodeEnis: NetworkInterface[] = ENI_ADDRESSES.map((count, device) => {
      const addresses = Array.from({ length: count }, ip);
      for (const a of addresses.slice(1)) podIps.push({ ip: a, az });
      return {
        NetworkInterfaceId: eniId(n, device),
        VpcId: VPC,
        SubnetId: subnet.SubnetId,
        AvailabilityZone: az,
        InterfaceType: 'interface',
        Description: device === 0 ? '' : `aws-K8S-${id}`,
        TagSet:
          device === 0
            ? []
            : [
                { Key: 'node.k8s.amazonaws.com/instance_id', Value: id },
                { Key: 'cluster.k8s.amazonaws.com/name', Value: CLUSTER },
              ],
        PrivateIpAddress: addresses[0],
        PrivateIpAddresses: addresses.map((a, i) => ({ PrivateIpAddress: a, Primary: i === 0 })),
        Attachment: {
          InstanceId: id,
          AttachmentId: `eni-attach-0${hex(n * 4 + device, 16)}`,
          DeviceIndex: device,
          NetworkCardIndex: 0,
          Status: 'attached',
        },
        Status: 'in-use',
      };
    });
    enis.push(...nodeEnis);
    instances.push({
      InstanceId: id,
      InstanceType: INSTANCE_TYPE,
      State: { Name: 'running', Code: 16 },
      Placement: { AvailabilityZone: az },
      VpcId: VPC,
      SubnetId: subnet.SubnetId,
      PrivateIpAddress: nodeEnis[0]?.PrivateIpAddress,
      Tags: [
        { Key: 'eks:cluster-name', Value: CLUSTER },
        { Key: `kubernetes.io/cluster/${CLUSTER}`, Value: 'owned' },
      ],
    });
  }

  const groupCount = Math.max(1, Math.round(nodes * 0.4));
  const lbCount = Math.ceil(groupCount / 2);
  const loadBalancers: LoadBalancer[] = [];
  const tags = new Map<string, { Key: string; Value: string }[]>();
  for (let l = 0; l < lbCount; l++) {
    const name = `k8s-default-svc${l}-${hex(l, 10)}`;
    const arn = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/net/${name}/${hex(l, 16)}`;
    loadBalancers.push({
      LoadBalancerArn: arn,
      LoadBalancerName: name,
      Type: 'network',
      Scheme: 'internet-facing',
      DNSName: `${name}-${hex(l, 16)}.elb.${REGION}.amazonaws.com`,
      CanonicalHostedZoneId: 'ZIBE1TIR4HY56',
      VpcId: VPC,
      IpAddressType: 'ipv4',
      CreatedTime: new Date('2026-11-01T00:00:00Z'),
      State: { Code: 'active' },
      AvailabilityZones: subnets.slice(0, 3).map((s) => ({
        ZoneName: s.AvailabilityZone,
        SubnetId: s.SubnetId,
      })),
    });
    tags.set(arn, [
      { Key: 'elbv2.k8s.aws/cluster', Value: CLUSTER },
      { Key: 'service.k8s.aws/stack', Value: `default/svc${l}` },
    ]);
  }
  const targetGroups: TargetGroup[] = [];
  const health = new Map<string, TargetHealthDescription[]>();
  let next = 0;
  for (let g = 0; g < groupCount; g++) {
    const name = `k8s-default-svc${g}-${hex(g, 10)}`;
    const arn = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/${name}/${hex(g, 16)}`;
    const lb = loadBalancers[Math.floor(g / 2)] as LoadBalancer;
    targetGroups.push({
      TargetGroupArn: arn,
      TargetGroupName: name,
      Protocol: 'TCP',
      Port: 8080,
      VpcId: VPC,
      TargetType: 'ip',
      LoadBalancerArns: [lb.LoadBalancerArn as string],
    });
    tags.set(arn, [
      { Key: 'elbv2.k8s.aws/cluster', Value: CLUSTER },
      { Key: 'service.k8s.aws/stack', Value: `default/svc${Math.floor(g / 2)}` },
    ]);
    const targets: TargetHealthDescription[] = [];
    for (let t = 0; t < TARGETS_PER_GROUP && podIps.length > 0; t++) {
      const pod = podIps[next++ % podIps.length] as { ip: string; az: string };
      targets.push({
        Target: { Id: pod.ip, Port: 8080, AvailabilityZone: pod.az },
        HealthCheckPort: '8080',
        TargetHealth: { State: 'healthy' },
      });
    }
    health.set(arn, targets);
  }

  const ec2 = new EC2Client({ region: REGION, credentials: FAKE_CREDENTIALS });
  const elbv2 = new ElasticLoadBalancingV2Client({ region: REGION, credentials: FAKE_CREDENTIALS });
  const sns = new SNSClient({ region: REGION, credentials: FAKE_CREDENTIALS });
  const ec2Mock = mockClient(ec2);
  const elbMock = mockClient(elbv2);
  const snsMock = mockClient(sns);
  const counts: Record<string, number> = {};
  const count = (name: string) => {
    counts[name] = (counts[name] ?? 0) + 1;
  };

  ec2Mock.on(DescribeInstancesCommand).callsFake((input: DescribeInstancesCommandInput) => {
    count('DescribeInstances');
    if (input.InstanceIds?.length) {
      const wanted = new Set(input.InstanceIds);
      return {
        Reservations: [{ Instances: instances.filter((i) => wanted.has(i.InstanceId ?? '')) }],
      };
    }
    const p = page(instances, input.NextToken, input.MaxResults);
    return { Reservations: [{ Instances: p.items }], NextToken: p.next };
  });
  ec2Mock
    .on(DescribeNetworkInterfacesCommand)
    .callsFake((input: DescribeNetworkInterfacesCommandInput) => {
      count('DescribeNetworkInterfaces');
      const p = page(enis, input.NextToken, input.MaxResults);
      return { NetworkInterfaces: p.items, NextToken: p.next };
    });
  ec2Mock.on(DescribeSubnetsCommand).callsFake((input: DescribeSubnetsCommandInput) => {
    count('DescribeSubnets');
    const p = page(subnets, input.NextToken, input.MaxResults);
    return { Subnets: p.items, NextToken: p.next };
  });
  ec2Mock.on(GetSubnetCidrReservationsCommand).callsFake(() => {
    count('GetSubnetCidrReservations');
    return { SubnetIpv4CidrReservations: [], SubnetIpv6CidrReservations: [] };
  });
  const types = instanceTypes();
  ec2Mock.on(DescribeInstanceTypesCommand).callsFake((input: DescribeInstanceTypesCommandInput) => {
    count('DescribeInstanceTypes');
    const wanted = new Set(input.InstanceTypes ?? []);
    return { InstanceTypes: types.filter((t) => wanted.has(t.InstanceType as never)) };
  });

  elbMock.on(DescribeLoadBalancersCommand).callsFake((input: DescribeLoadBalancersCommandInput) => {
    count('DescribeLoadBalancers');
    const p = elbPage(loadBalancers, input.Marker, input.PageSize);
    return { LoadBalancers: p.items, NextMarker: p.next };
  });
  elbMock.on(DescribeTargetGroupsCommand).callsFake((input: DescribeTargetGroupsCommandInput) => {
    count('DescribeTargetGroups');
    let all = targetGroups;
    if (input.TargetGroupArns?.length) {
      const wanted = new Set(input.TargetGroupArns);
      all = targetGroups.filter((t) => wanted.has(t.TargetGroupArn ?? ''));
    } else if (input.LoadBalancerArn) {
      all = targetGroups.filter((t) => t.LoadBalancerArns?.includes(input.LoadBalancerArn ?? ''));
    }
    const p = elbPage(all, input.Marker, input.PageSize);
    return { TargetGroups: p.items, NextMarker: p.next };
  });
  elbMock.on(DescribeTagsCommand).callsFake((input: DescribeTagsCommandInput) => {
    count('DescribeTags');
    const arns = input.ResourceArns ?? [];
    if (arns.length > TAGS_BATCH) throw new Error(`DescribeTags: ${arns.length} ARNs > 20`);
    return {
      TagDescriptions: arns.map((arn) => ({ ResourceArn: arn, Tags: tags.get(arn) ?? [] })),
    };
  });
  elbMock
    .on(DescribeTargetGroupAttributesCommand)
    .callsFake((_input: DescribeTargetGroupAttributesCommandInput) => {
      count('DescribeTargetGroupAttributes');
      return {
        Attributes: [
          { Key: 'deregistration_delay.timeout_seconds', Value: '300' },
          { Key: 'deregistration_delay.connection_termination.enabled', Value: 'false' },
          { Key: 'preserve_client_ip.enabled', Value: 'true' },
          { Key: 'proxy_protocol_v2.enabled', Value: 'false' },
          { Key: 'stickiness.enabled', Value: 'false' },
          { Key: 'stickiness.type', Value: 'source_ip' },
        ],
      };
    });
  elbMock.on(DescribeTargetHealthCommand).callsFake((input: DescribeTargetHealthCommandInput) => {
    count('DescribeTargetHealth');
    return { TargetHealthDescriptions: health.get(input.TargetGroupArn ?? '') ?? [] };
  });
  snsMock.on(PublishCommand).callsFake(() => {
    count('Publish');
    return { MessageId: 'bench' };
  });

  const size: AccountSize = {
    nodes,
    enis: enis.length,
    addresses: enis.reduce((n, e) => n + (e.PrivateIpAddresses?.length ?? 0), 0),
    subnets: subnets.length,
    loadBalancers: loadBalancers.length,
    targetGroups: targetGroups.length,
    targets: [...health.values()].reduce((n, t) => n + t.length, 0),
  };
  const pages = (n: number, max: number) => Math.max(1, Math.ceil(n / max));
  return {
    ec2,
    elbv2,
    sns,
    size,
    raw: { instances, enis, subnets },
    calls: () => ({ ...counts }),
    pagingMinimum: () => ({
      DescribeInstances: pages(instances.length, EC2_PAGE),
      DescribeNetworkInterfaces: pages(enis.length, EC2_PAGE),
      DescribeSubnets: pages(subnets.length, EC2_PAGE),
      GetSubnetCidrReservations: subnets.length,
      DescribeLoadBalancers: pages(loadBalancers.length, ELBV2_PAGE),
      DescribeTargetGroups: pages(targetGroups.length, ELBV2_PAGE),
      DescribeTags: pages(loadBalancers.length + targetGroups.length, TAGS_BATCH),
      DescribeTargetGroupAttributes: targetGroups.length,
      DescribeTargetHealth: targetGroups.length,
    }),
    resetCalls: () => {
      for (const k of Object.keys(counts)) delete counts[k];
    },
    restore: () => {
      ec2Mock.restore();
      elbMock.restore();
      snsMock.restore();
    },
  };
}

const FAKE_CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };

function instanceTypes(): InstanceTypeInfo[] {
  const raw = JSON.parse(
    readFileSync(new URL('../test/fixtures/instance-types-sample.json', import.meta.url), 'utf8'),
  ) as { InstanceTypes?: InstanceTypeInfo[] } | InstanceTypeInfo[];
  return Array.isArray(raw) ? raw : (raw.InstanceTypes ?? []);
}
