import type { EventStamp } from '#core/events/event-envelope.ts';
import type { ParkingLot } from '#core/events/parking.ts';
import type { VpcScope } from '#core/events/scope.ts';
import type { Ec2Change } from '#core/network/ec2-event.ts';
import type {
  AddressFacts,
  ConsumerKind,
  EniAttachment,
  EniFacts,
  InstanceFacts,
  InstanceState,
  SubnetFacts,
} from '#core/network/network.ts';

/**
 * Read access to EC2. Adapters answer `undefined` for a resource that does not
 * exist (or, in local mode, cannot be seen) and throw on transient failures.
 */
export interface Ec2Reader {
  describeInstance(instanceId: string): Promise<InstanceFacts | undefined>;
  describeNetworkInterface(eniId: string): Promise<EniFacts | undefined>;
  describeSubnet(subnetId: string): Promise<SubnetFacts | undefined>;
  /** Every instance/ENI/subnet of the VPCs (all VPCs when `vpcIds` is 'all'), paged by the adapter. */
  listInstances(vpcIds: VpcScope): AsyncIterable<InstanceFacts>;
  listNetworkInterfaces(vpcIds: VpcScope): AsyncIterable<EniFacts>;
  listSubnets(vpcIds: VpcScope): AsyncIterable<SubnetFacts>;
}

export type { VpcScope } from '#core/events/scope.ts';

/** The result of one conditional ledger write. */
export type WriteOutcome = 'applied' | 'unchanged' | 'stale' | 'missing';

export interface NodeRecord {
  readonly instanceId: string;
  readonly instanceType?: string;
  readonly availabilityZone?: string;
  readonly vpcId?: string;
  readonly subnetId?: string;
  readonly privateIp?: string;
  readonly cluster?: string;
  readonly state?: InstanceState;
  readonly stateStamp?: EventStamp;
}

export interface EniRecord {
  readonly eniId: string;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly availabilityZone?: string;
  readonly description: string;
  readonly interfaceType?: string;
  readonly kind: ConsumerKind;
  readonly cluster?: string;
  /** The node it is attached to, or for a CNI ENI not yet attached, the node it was made for. */
  readonly instanceId?: string;
  readonly attachment?: EniAttachment;
  readonly deleted: boolean;
}

export interface AddressRecord extends AddressFacts {
  readonly eniId: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly instanceId?: string;
  readonly stamp: EventStamp;
}

export interface SubnetRecord {
  readonly subnetId: string;
  readonly vpcId: string;
  readonly cidr?: string;
  readonly availabilityZone?: string;
  readonly reservations: readonly string[];
}

export interface NodeView {
  readonly node: NodeRecord | undefined;
  readonly enis: readonly EniRecord[];
  readonly addresses: readonly AddressRecord[];
}

export interface SubnetView {
  readonly subnet: SubnetRecord | undefined;
  readonly enis: readonly EniRecord[];
  readonly addresses: readonly AddressRecord[];
}

/** An ENI with everything the ledger needs to file it. */
export interface EniEntry {
  readonly facts: EniFacts;
  readonly kind: ConsumerKind;
  readonly cluster?: string;
  readonly instanceId?: string;
  readonly addresses: readonly AddressFacts[];
}

export interface AuditEntry {
  readonly entity: string;
  readonly action: string;
  readonly detail?: string;
}

/**
 * The network half of the ledger. Every write is conditional on the stamp of
 * the event that caused it, so an older event never overwrites newer state and
 * the same event applied twice changes nothing.
 */
export interface NetworkLedger extends ParkingLot<Ec2Change> {
  hasProcessed(eventId: string): Promise<boolean>;
  markProcessed(stamp: EventStamp, name: string, audit: readonly AuditEntry[]): Promise<void>;

  getNode(instanceId: string): Promise<NodeRecord | undefined>;
  getEni(eniId: string): Promise<EniRecord | undefined>;
  /**
   * The ENI an attachment is of, until a detach; a deleted ENI (tombstone) stays findable by
   * the attachment it had, and so does one whose attachment was recorded as past.
   */
  findEniByAttachment(attachmentId: string): Promise<EniRecord | undefined>;
  /**
   * Remembers an attachment that ended without its detach being applied (its ENI was deleted
   * or attached anew first), so its late detach still finds the ENI and loses by stamp.
   */
  recordPastAttachment(attachmentId: string, eniId: string): Promise<void>;
  getSubnet(subnetId: string): Promise<SubnetRecord | undefined>;

  /** Instance facts never change for an instance id, so they are written as they come. */
  putNodeFacts(node: InstanceFacts, cluster: string | undefined): Promise<WriteOutcome>;
  /**
   * Sets the state; a node not in the ledger is filed with the state alone (see awaitsFacts),
   * and completed by a later putNodeFacts.
   */
  setNodeState(instanceId: string, state: InstanceState, stamp: EventStamp): Promise<WriteOutcome>;
  /**
   * Removes a node filed from its state alone whose facts showed it is out of scope. A node
   * with facts is never removed ('unchanged'); a node not in the ledger is 'missing'.
   */
  forgetNode(instanceId: string): Promise<WriteOutcome>;

  putEni(entry: EniEntry, stamp: EventStamp): Promise<WriteOutcome>;
  setEniAttachment(
    eniId: string,
    attachment: EniAttachment | undefined,
    stamp: EventStamp,
  ): Promise<WriteOutcome>;
  /** Tombstones the ENI and its addresses; a tombstone is final (ENI ids are never reused). */
  deleteEni(eniId: string, stamp: EventStamp): Promise<WriteOutcome>;

  assignAddresses(
    eni: EniRecord,
    addresses: readonly AddressFacts[],
    stamp: EventStamp,
  ): Promise<WriteOutcome[]>;
  unassignAddresses(
    eni: EniRecord,
    addresses: readonly string[],
    stamp: EventStamp,
  ): Promise<WriteOutcome[]>;

  putSubnet(subnet: SubnetFacts | SubnetRecord): Promise<WriteOutcome>;

  nodeView(instanceId: string): Promise<NodeView>;
  subnetView(subnetId: string): Promise<SubnetView>;
  listNodes(): Promise<NodeRecord[]>;
  listSubnets(): Promise<SubnetRecord[]>;
  /**
   * Which live ENI holds each address in a VPC right now; an address nobody holds is absent.
   * `orElseAt` names a second place to look for an address nobody holds (its /28 prefix, say):
   * its holder is then that place's.
   */
  holdersOf(
    vpcId: string,
    addresses: readonly string[],
    orElseAt?: (address: string) => string | undefined,
  ): Promise<Map<string, AddressRecord>>;
}
