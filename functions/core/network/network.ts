/**
 * The EC2 side of pod networking as netledger sees it: nodes, ENIs, their
 * addresses and the subnets they live in. Plain data, shared by the event
 * parsers, the sweep, the ledger and the reports.
 */

/** Who consumes an ENI's addresses; subnet usage is broken down by this. */
export type ConsumerKind =
  | 'vpc-cni'
  | 'node-primary'
  | 'eks-control-plane'
  | 'load-balancer'
  | 'other';

export type AddressKind = 'primary' | 'secondary' | 'prefix';

export interface EniAttachment {
  readonly instanceId: string;
  readonly attachmentId?: string;
  readonly deviceIndex?: number;
  readonly networkCardIndex?: number;
}

export interface EniFacts {
  readonly eniId: string;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly availabilityZone?: string;
  readonly description: string;
  readonly interfaceType?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly attachment?: EniAttachment;
  /** The ENI's primary private IPv4 address. */
  readonly primaryIp?: string;
  readonly secondaryIps: readonly string[];
  /** IPv4 prefixes (prefix delegation, /28) in CIDR notation. */
  readonly prefixes: readonly string[];
}

export type InstanceState =
  | 'pending'
  | 'running'
  | 'stopping'
  | 'stopped'
  | 'shutting-down'
  | 'terminated';

/** States in which a node runs no pods any more: its capacity stops counting. */
export const GONE_STATES: ReadonlySet<string> = new Set(['shutting-down', 'terminated']);

export interface InstanceFacts {
  readonly instanceId: string;
  readonly instanceType?: string;
  readonly availabilityZone?: string;
  readonly vpcId?: string;
  readonly subnetId?: string;
  readonly privateIp?: string;
  readonly state: InstanceState;
  readonly cluster?: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface SubnetFacts {
  readonly subnetId: string;
  readonly vpcId: string;
  readonly cidr: string;
  readonly availabilityZone?: string;
  /** CIDR reservations (explicit/prefix) that EC2 will not hand out. */
  readonly reservations: readonly string[];
}

/** One address or prefix held by an ENI, with who consumes it. */
export interface AddressFacts {
  readonly address: string;
  readonly kind: AddressKind;
  readonly consumer: ConsumerKind;
}
