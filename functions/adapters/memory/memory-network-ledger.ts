import {
  compareText,
  MemoryEventLog,
  notNewerThan,
  refill,
} from '#adapters/memory/memory-event-log.ts';
import type { EventStamp } from '#core/events/event-envelope.ts';
import type { ParkedChange, Subject } from '#core/events/parking.ts';
import { type AddressClaim, heldAmong, holderOf } from '#core/network/address-holder.ts';
import type { Ec2Change } from '#core/network/ec2-event.ts';
import { eniFiling, keepsNodeAfterDetach } from '#core/network/eni-filing.ts';
import type {
  AddressFacts,
  EniAttachment,
  InstanceFacts,
  InstanceState,
  SubnetFacts,
} from '#core/network/network.ts';
import type {
  AddressRecord,
  AuditEntry,
  EniEntry,
  EniRecord,
  NetworkLedger,
  NodeRecord,
  NodeView,
  SubnetRecord,
  SubnetView,
  WriteOutcome,
} from '#core/network/network-ports.ts';
import { awaitsFacts } from '#core/network/node-awaiting-facts.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface EniItem {
  eniId: string;
  vpcId?: string;
  subnetId?: string;
  description?: string;
  kind?: EniRecord['kind'];
  availabilityZone?: string;
  interfaceType?: string;
  cluster?: string;
  primaryIp?: string;
  instanceId?: string;
  attachment?: EniAttachment;
  /** The attachment id the ENI can be found by; like the DynamoDB lookup key, kept until a detach. */
  findableBy?: string;
  attachStamp?: EventStamp;
  deleted: boolean;
}

interface AddressItem {
  address: string;
  eniId: string;
  kind?: AddressRecord['kind'];
  consumer?: AddressRecord['consumer'];
  subnetId?: string;
  vpcId?: string;
  instanceId?: string;
  assigned: boolean;
  stamp: EventStamp;
}

export interface MemoryNetworkState {
  readonly nodes: Map<string, Mutable<NodeRecord>>;
  readonly enis: Map<string, EniItem>;
  readonly addresses: Map<string, Map<string, AddressItem>>;
  readonly subnets: Map<string, Mutable<SubnetRecord>>;
  readonly pastAttachments: Map<string, string>;
}

/**
 * The network ledger in memory, for unit tests and tools: nodes, ENIs, addresses and subnets in
 * maps, with the DynamoDB ledger's contract (the contract suite in test/contract holds both to
 * it). Every write is guarded by the stamp of the event that caused it (time, then event id; an
 * equal stamp applies again, changing nothing), a deleted ENI stays a tombstone, and queries
 * answer in the order the table's indexes sort in.
 */
export class MemoryNetworkLedger implements NetworkLedger {
  readonly #nodes = new Map<string, Mutable<NodeRecord>>();
  readonly #enis = new Map<string, EniItem>();
  /** By ENI, then by address or prefix. */
  readonly #addresses = new Map<string, Map<string, AddressItem>>();
  readonly #subnets = new Map<string, Mutable<SubnetRecord>>();
  /** Attachments that ended without their detach applied: attachment id to ENI id. */
  readonly #pastAttachments = new Map<string, string>();

  constructor(readonly events: MemoryEventLog = new MemoryEventLog()) {}

  /** A deep copy of the network items (not the shared event log), for a unit of work. */
  snapshot(): MemoryNetworkState {
    return structuredClone({
      nodes: this.#nodes,
      enis: this.#enis,
      addresses: this.#addresses,
      subnets: this.#subnets,
      pastAttachments: this.#pastAttachments,
    });
  }

  restore(state: MemoryNetworkState): void {
    const copy = structuredClone(state);
    refill(this.#nodes, copy.nodes);
    refill(this.#enis, copy.enis);
    refill(this.#addresses, copy.addresses);
    refill(this.#subnets, copy.subnets);
    refill(this.#pastAttachments, copy.pastAttachments);
  }

  hasProcessed(eventId: string): Promise<boolean> {
    return this.events.hasProcessed(eventId);
  }

  markProcessed(stamp: EventStamp, name: string, audit: readonly AuditEntry[]): Promise<void> {
    return this.events.markProcessed(stamp, name, audit);
  }

  park(parked: ParkedChange<Ec2Change>): Promise<void> {
    return this.events.park(parked);
  }

  parkedFor(subject: Subject): Promise<ParkedChange<Ec2Change>[]> {
    return this.events.parkedFor<Ec2Change>(subject);
  }

  unpark(subject: Subject, eventId: string): Promise<void> {
    return this.events.unpark(subject, eventId);
  }

  listParked(): Promise<ParkedChange<unknown>[]> {
    return this.events.listParked();
  }

  async getNode(instanceId: string): Promise<NodeRecord | undefined> {
    const node = this.#nodes.get(instanceId);
    return node ? copyNode(node) : undefined;
  }

  async getEni(eniId: string): Promise<EniRecord | undefined> {
    const eni = this.#enis.get(eniId);
    return eni ? toEni(eni) : undefined;
  }

  async findEniByAttachment(attachmentId: string): Promise<EniRecord | undefined> {
    for (const eni of this.#enis.values()) {
      // A tombstone too: a detach still on its way finds it and loses.
      if (eni.findableBy === attachmentId) return toEni(eni);
    }
    const past = this.#pastAttachments.get(attachmentId);
    return past ? this.getEni(past) : undefined;
  }

  async recordPastAttachment(attachmentId: string, eniId: string): Promise<void> {
    this.#pastAttachments.set(attachmentId, eniId);
  }

  async getSubnet(subnetId: string): Promise<SubnetRecord | undefined> {
    const subnet = this.#subnets.get(subnetId);
    return subnet ? copySubnet(subnet) : undefined;
  }

  async putNodeFacts(node: InstanceFacts, cluster: string | undefined): Promise<WriteOutcome> {
    Object.assign(
      this.#node(node.instanceId),
      present({
        instanceType: node.instanceType,
        availabilityZone: node.availabilityZone,
        vpcId: node.vpcId,
        subnetId: node.subnetId,
        privateIp: node.privateIp,
        cluster,
      }),
    );
    return 'applied';
  }

  async setNodeState(
    instanceId: string,
    state: InstanceState,
    stamp: EventStamp,
  ): Promise<WriteOutcome> {
    const stored = this.#nodes.get(instanceId);
    if (!notNewerThan(stored?.stateStamp, stamp)) return 'stale';
    Object.assign(this.#node(instanceId), { state, stateStamp: { ...stamp } });
    return 'applied';
  }

  async forgetNode(instanceId: string): Promise<WriteOutcome> {
    const node = this.#nodes.get(instanceId);
    if (!node) return 'missing';
    if (!awaitsFacts(node)) return 'unchanged';
    this.#nodes.delete(instanceId);
    return 'applied';
  }

  async putEni(entry: EniEntry, stamp: EventStamp): Promise<WriteOutcome> {
    const { facts } = entry;
    const existing = this.#enis.get(facts.eniId);
    // Facts of a live ENI are written as they come; a tombstone is final.
    if (existing?.deleted) return 'stale';
    const eni: EniItem = existing ?? { eniId: facts.eniId, deleted: false };
    this.#enis.set(facts.eniId, eni);
    Object.assign(eni, {
      vpcId: facts.vpcId,
      subnetId: facts.subnetId,
      description: facts.description,
      kind: entry.kind,
      deleted: false,
      ...present({
        availabilityZone: facts.availabilityZone,
        interfaceType: facts.interfaceType,
        cluster: entry.cluster,
        primaryIp: facts.primaryIp,
      }),
    });
    const filing = eniFiling(facts.attachment, entry.instanceId);
    if (filing.by === 'attachment') {
      await this.setEniAttachment(facts.eniId, filing.attachment, stamp);
    } else if (filing.by === 'made-for' && !eni.attachment) {
      // Unless an attachment is already known: a newer attach event won.
      eni.instanceId = filing.instanceId;
    }
    await this.assignAddresses(toEni(eni), entry.addresses, stamp);
    return 'applied';
  }

  async setEniAttachment(
    eniId: string,
    attachment: EniAttachment | undefined,
    stamp: EventStamp,
  ): Promise<WriteOutcome> {
    const eni = this.#enis.get(eniId);
    if (!eni) return 'missing';
    if (eni.deleted || !notNewerThan(eni.attachStamp, stamp)) return 'stale';
    eni.attachStamp = { ...stamp };
    if (attachment) {
      eni.attachment = present({ ...attachment }) as unknown as EniAttachment;
      eni.instanceId = attachment.instanceId;
      if (attachment.attachmentId) eni.findableBy = attachment.attachmentId;
    } else {
      delete eni.attachment;
      delete eni.findableBy;
      if (!keepsNodeAfterDetach(eni.kind ?? 'other')) delete eni.instanceId;
    }
    // Addresses follow their ENI's node.
    for (const a of this.#addressesOf(eniId)) {
      if (!a.assigned) continue;
      if (eni.instanceId) a.instanceId = eni.instanceId;
      else delete a.instanceId;
    }
    return 'applied';
  }

  async deleteEni(eniId: string, stamp: EventStamp): Promise<WriteOutcome> {
    const existing = this.#enis.get(eniId);
    if (existing?.deleted) return 'unchanged';
    const eni: EniItem = existing ?? { eniId, deleted: true };
    this.#enis.set(eniId, eni);
    // findableBy stays, like the DynamoDB attachment lookup key: a late detach finds the tombstone.
    eni.deleted = true;
    // As in DynamoDB: addresses released before keep their stamp (nothing can assign to a tombstone).
    for (const a of this.#addressesOf(eniId)) {
      if (a.assigned) this.#release(eniId, a.address, stamp);
    }
    return 'applied';
  }

  async assignAddresses(
    eni: EniRecord,
    addresses: readonly AddressFacts[],
    stamp: EventStamp,
  ): Promise<WriteOutcome[]> {
    return addresses.map((a) => {
      const item = this.#address(eni.eniId, a.address);
      if (!notNewerThan(item?.stamp, stamp)) return 'stale';
      const next: AddressItem = {
        address: a.address,
        eniId: eni.eniId,
        kind: a.kind,
        consumer: a.consumer,
        subnetId: eni.subnetId,
        vpcId: eni.vpcId,
        assigned: true,
        stamp: { ...stamp },
        ...(eni.instanceId ? { instanceId: eni.instanceId } : {}),
      };
      this.#addressMap(eni.eniId).set(a.address, next);
      return 'applied';
    });
  }

  async unassignAddresses(
    eni: EniRecord,
    addresses: readonly string[],
    stamp: EventStamp,
  ): Promise<WriteOutcome[]> {
    return addresses.map((address) => this.#release(eni.eniId, address, stamp));
  }

  async putSubnet(subnet: SubnetFacts | SubnetRecord): Promise<WriteOutcome> {
    const stored = this.#subnets.get(subnet.subnetId);
    this.#subnets.set(subnet.subnetId, {
      ...(stored ?? {}),
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      reservations: [...subnet.reservations],
      ...present({ cidr: subnet.cidr, availabilityZone: subnet.availabilityZone }),
    });
    return 'applied';
  }

  async nodeView(instanceId: string): Promise<NodeView> {
    const enis = this.#liveEnis((e) => e.instanceId === instanceId);
    const node = this.#nodes.get(instanceId);
    return {
      node: node ? copyNode(node) : undefined,
      enis: enis.map(toEni),
      addresses: this.#liveAddresses(enis, (a) => a.instanceId === instanceId).sort((a, b) =>
        compareText(`${a.eniId}#${a.address}`, `${b.eniId}#${b.address}`),
      ),
    };
  }

  async subnetView(subnetId: string): Promise<SubnetView> {
    const enis = this.#liveEnis((e) => e.subnetId === subnetId);
    const subnet = this.#subnets.get(subnetId);
    return {
      subnet: subnet ? copySubnet(subnet) : undefined,
      enis: enis.map(toEni),
      addresses: this.#liveAddresses(enis, (a) => a.subnetId === subnetId).sort((a, b) =>
        compareText(a.address, b.address),
      ),
    };
  }

  async listNodes(): Promise<NodeRecord[]> {
    return [...this.#nodes.values()]
      .sort((a, b) => compareText(a.instanceId, b.instanceId))
      .map(copyNode);
  }

  async listSubnets(): Promise<SubnetRecord[]> {
    return [...this.#subnets.values()]
      .sort((a, b) => compareText(a.subnetId, b.subnetId))
      .map(copySubnet);
  }

  async #holderOf(vpcId: string, address: string): Promise<AddressRecord | undefined> {
    const claims: AddressClaim[] = [];
    for (const [eniId, byAddress] of this.#addresses) {
      const item = byAddress.get(address);
      // Like the ledger's lookup index: only assigned addresses are found by VPC and address.
      if (!item?.assigned || item.vpcId !== vpcId) continue;
      const eni = this.#enis.get(eniId);
      claims.push({ address: toAddress(item), assigned: true, eni: eni ? toEni(eni) : undefined });
    }
    return holderOf(claims);
  }

  async holdersOf(
    vpcId: string,
    addresses: readonly string[],
    orElseAt?: (address: string) => string | undefined,
  ): Promise<Map<string, AddressRecord>> {
    return heldAmong(addresses, (address) => this.#holderOf(vpcId, address), orElseAt);
  }

  #node(instanceId: string): Mutable<NodeRecord> {
    let node = this.#nodes.get(instanceId);
    if (!node) {
      node = { instanceId };
      this.#nodes.set(instanceId, node);
    }
    return node;
  }

  #addressMap(eniId: string): Map<string, AddressItem> {
    let map = this.#addresses.get(eniId);
    if (!map) {
      map = new Map();
      this.#addresses.set(eniId, map);
    }
    return map;
  }

  #address(eniId: string, address: string): AddressItem | undefined {
    return this.#addresses.get(eniId)?.get(address);
  }

  #addressesOf(eniId: string): AddressItem[] {
    return [...(this.#addresses.get(eniId)?.values() ?? [])];
  }

  /** A released address keeps what it was, but no longer counts anywhere. */
  #release(eniId: string, address: string, stamp: EventStamp): WriteOutcome {
    const item = this.#address(eniId, address);
    if (!notNewerThan(item?.stamp, stamp)) return 'stale';
    this.#addressMap(eniId).set(address, {
      ...(item ?? {}),
      address,
      eniId,
      assigned: false,
      stamp: { ...stamp },
    });
    return 'applied';
  }

  #liveEnis(where: (eni: EniItem) => boolean): EniItem[] {
    return [...this.#enis.values()]
      .filter((e) => !e.deleted && where(e))
      .sort((a, b) => compareText(a.eniId, b.eniId));
  }

  /** Assigned addresses of these (live) ENIs that the view's index would list. */
  #liveAddresses(enis: readonly EniItem[], where: (a: AddressItem) => boolean): AddressRecord[] {
    return enis.flatMap((e) =>
      this.#addressesOf(e.eniId)
        .filter((a) => a.assigned && where(a))
        .map(toAddress),
    );
  }
}

/** Like the DynamoDB adapter's `compact`: absent and empty values are not written. */
function present<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined && v !== ''),
  ) as Partial<T>;
}

function copyNode(node: NodeRecord): NodeRecord {
  return { ...node, ...(node.stateStamp ? { stateStamp: { ...node.stateStamp } } : {}) };
}

function copySubnet(subnet: SubnetRecord): SubnetRecord {
  return { ...subnet, reservations: [...subnet.reservations] };
}

function toEni(e: EniItem): EniRecord {
  return {
    eniId: e.eniId,
    vpcId: e.vpcId ?? '',
    subnetId: e.subnetId ?? '',
    description: e.description ?? '',
    kind: e.kind ?? 'other',
    deleted: e.deleted,
    ...present({
      availabilityZone: e.availabilityZone,
      interfaceType: e.interfaceType,
      cluster: e.cluster,
      instanceId: e.instanceId,
    }),
    ...(e.attachment ? { attachment: { ...e.attachment } } : {}),
  };
}

function toAddress(a: AddressItem): AddressRecord {
  return {
    address: a.address,
    kind: a.kind as AddressRecord['kind'],
    consumer: a.consumer as AddressRecord['consumer'],
    eniId: a.eniId,
    subnetId: a.subnetId ?? '',
    vpcId: a.vpcId ?? '',
    stamp: { ...a.stamp },
    ...(a.instanceId ? { instanceId: a.instanceId } : {}),
  };
}
