import { sample } from './samples.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON samples are edited by path; typing them would restate the CloudTrail shapes.
type Event = Record<string, any>;

export interface NodeSpec {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly subnetId: string;
  readonly vpcId?: string;
  readonly availabilityZone?: string;
  readonly cluster?: string;
  /** The primary ENI (eth0) and its primary address, the node's own. */
  readonly eniId: string;
  readonly privateIp: string;
}

export interface EniSpec {
  readonly eniId: string;
  readonly instanceId: string;
  readonly subnetId: string;
  readonly vpcId?: string;
  readonly cluster?: string;
  readonly primaryIp: string;
  /** Secondary IPs the CNI asked for with the ENI (its warm pool). */
  readonly secondaryIps: readonly string[];
}

const VPC = 'vpc-0a1b2c3d4e5f60718';
const AZ = 'ap-northeast-2a';

/**
 * Real-shaped EC2 events for a scenario, made from the samples in events/samples/ec2:
 * each call copies a sample and changes only ids, addresses and times. Events get
 * unique ids and an advancing clock (`at`/`after` move it).
 */
export class Ec2EventBuilder {
  private seq = 0;
  private ms: number;

  constructor(start = '2026-11-21T10:00:00Z') {
    this.ms = Date.parse(start);
  }

  /** The current scenario time, ISO-8601. */
  get now(): string {
    return new Date(this.ms).toISOString();
  }

  /** Moves the clock forward by `seconds`. */
  after(seconds: number): this {
    this.ms += seconds * 1000;
    return this;
  }

  runInstances(node: NodeSpec): Event {
    const event = this.cloudTrail('node-lifecycle/01-run-instances.json');
    const instance = event.detail.responseElements.instancesSet.items[0];
    const vpcId = node.vpcId ?? VPC;
    const az = node.availabilityZone ?? AZ;
    Object.assign(instance, {
      instanceId: node.instanceId,
      instanceType: node.instanceType,
      subnetId: node.subnetId,
      vpcId,
      privateIpAddress: node.privateIp,
      privateDnsName: dnsName(node.privateIp),
    });
    instance.placement.availabilityZone = az;
    const cluster = node.cluster ?? 'myeks';
    instance.tagSet.items = instance.tagSet.items.map((t: { key: string; value: string }) =>
      t.key === 'eks:cluster-name'
        ? { ...t, value: cluster }
        : t.key.startsWith('kubernetes.io/cluster/')
          ? { key: `kubernetes.io/cluster/${cluster}`, value: t.value }
          : t,
    );
    const eni = instance.networkInterfaceSet.items[0];
    Object.assign(eni, {
      networkInterfaceId: node.eniId,
      subnetId: node.subnetId,
      vpcId,
      availabilityZone: az,
      privateIpAddress: node.privateIp,
      privateDnsName: dnsName(node.privateIp),
      privateIpAddressesSet: { item: [{ privateIpAddress: node.privateIp, primary: true }] },
    });
    eni.attachment.attachmentId = `eni-attach-${node.eniId.slice(4)}`;
    event.detail.requestParameters.subnetId = node.subnetId;
    return event;
  }

  instanceState(instanceId: string, state: string): Event {
    const event = sample('ec2/node-lifecycle/02-instance-running.json');
    this.stampEnvelope(event);
    event.resources = [`arn:aws:ec2:ap-northeast-2:111122223333:instance/${instanceId}`];
    event.detail = { 'instance-id': instanceId, state };
    return event;
  }

  /** The CNI creating eth1, eth2, ... for a node, with its initial secondary IPs. */
  createNetworkInterface(eni: EniSpec): Event {
    const event = this.cloudTrail('node-lifecycle/04-create-network-interface.json');
    const cluster = eni.cluster ?? 'myeks';
    const tags = [
      { key: 'node.k8s.amazonaws.com/instance_id', value: eni.instanceId },
      { key: 'cluster.k8s.amazonaws.com/name', value: cluster },
      { key: 'node.k8s.amazonaws.com/createdAt', value: this.now },
    ];
    const req = event.detail.requestParameters;
    req.subnetId = eni.subnetId;
    req.description = `aws-K8S-${eni.instanceId}`;
    req.secondaryPrivateIpAddressCount = eni.secondaryIps.length;
    req.tagSpecificationSet.items[0].tags = tags;
    Object.assign(event.detail.responseElements.networkInterface, {
      networkInterfaceId: eni.eniId,
      subnetId: eni.subnetId,
      vpcId: eni.vpcId ?? VPC,
      description: `aws-K8S-${eni.instanceId}`,
      privateIpAddress: eni.primaryIp,
      privateDnsName: dnsName(eni.primaryIp),
      privateIpAddressesSet: {
        item: [
          { privateIpAddress: eni.primaryIp, primary: true },
          ...eni.secondaryIps.map((ip) => ({ privateIpAddress: ip, primary: false })),
        ],
      },
      tagSet: { items: tags },
    });
    return event;
  }

  attachNetworkInterface(eniId: string, instanceId: string, deviceIndex: number): Event {
    const event = this.cloudTrail('node-lifecycle/05-attach-network-interface.json');
    Object.assign(event.detail.requestParameters, {
      networkInterfaceId: eniId,
      instanceId,
      deviceIndex,
    });
    event.detail.responseElements.attachmentId = `eni-attach-${eniId.slice(4)}`;
    return event;
  }

  /** AssignPrivateIpAddresses by count, with the response naming what EC2 assigned. */
  assignPrivateIpAddresses(eniId: string, ips: readonly string[]): Event {
    const event = this.cloudTrail('node-lifecycle/03-assign-private-ip-addresses.json');
    Object.assign(event.detail.requestParameters, {
      networkInterfaceId: eniId,
      secondaryPrivateIpAddressCount: ips.length,
    });
    Object.assign(event.detail.responseElements, {
      networkInterfaceId: eniId,
      assignedPrivateIpAddressesSet: {
        assignedPrivateIpAddressSetType: ips.map((privateIpAddress) => ({ privateIpAddress })),
      },
    });
    return event;
  }

  /** AssignPrivateIpAddresses by count, as older records have it: the response names nothing. */
  assignPrivateIpAddressCount(eniId: string, count: number): Event {
    const event = this.cloudTrail('node-lifecycle/06-assign-private-ip-addresses-count-only.json');
    Object.assign(event.detail.requestParameters, {
      networkInterfaceId: eniId,
      secondaryPrivateIpAddressCount: count,
    });
    return event;
  }

  unassignPrivateIpAddresses(eniId: string, ips: readonly string[]): Event {
    const event = this.cloudTrail('node-lifecycle/07-unassign-private-ip-addresses.json');
    Object.assign(event.detail.requestParameters, {
      networkInterfaceId: eniId,
      privateIpAddressesSet: { item: ips.map((privateIpAddress) => ({ privateIpAddress })) },
    });
    return event;
  }

  /** AttachNetworkInterface with the attachment id EC2 answered (each attach gets a new one). */
  attachNetworkInterfaceAs(
    eniId: string,
    instanceId: string,
    deviceIndex: number,
    attachmentId: string,
  ): Event {
    const event = this.attachNetworkInterface(eniId, instanceId, deviceIndex);
    event.detail.responseElements.attachmentId = attachmentId;
    return event;
  }

  detachNetworkInterface(attachmentId: string): Event {
    const event = this.cloudTrail('node-termination/01-detach-network-interface.json');
    event.detail.requestParameters.attachmentId = attachmentId;
    return event;
  }

  deleteNetworkInterface(eniId: string): Event {
    const event = this.cloudTrail('node-termination/02-delete-network-interface.json');
    event.detail.requestParameters.networkInterfaceId = eniId;
    return event;
  }

  private cloudTrail(path: string): Event {
    const event = sample(`ec2/${path}`);
    this.stampEnvelope(event);
    event.detail.eventTime = event.time;
    event.detail.eventID = `${event.id.slice(0, 9)}5d1e-4c1a-9a6b-${event.id.slice(-12)}`;
    event.detail.requestID = `${event.id.slice(0, 9)}aaaa-4bbb-8ccc-${event.id.slice(-12)}`;
    return event;
  }

  private stampEnvelope(event: Event): void {
    this.seq += 1;
    const n = this.seq.toString(16).padStart(8, '0');
    event.id = `${n}-0d0e-4f6a-b1c2-${this.seq.toString(16).padStart(12, '0')}`;
    // CloudTrail and EventBridge give whole seconds.
    event.time = this.now.replace(/\.\d{3}Z$/, 'Z');
  }
}

/** Consecutive IPv4 addresses: `ips('192.168.1.', 21, 5)` is .21 to .25. */
export function ips(prefix: string, first: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${first + i}`);
}

function dnsName(ip: string): string {
  return `ip-${ip.replaceAll('.', '-')}.ap-northeast-2.compute.internal`;
}
