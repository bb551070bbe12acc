import pMap from 'p-map';
import { EventLedger } from '#adapters/dynamodb/ledger-events.ts';
import { expiresAt, INDEX, keys, META, RETENTION_SECONDS } from '#adapters/dynamodb/ledger-keys.ts';
import { LedgerSession } from '#adapters/dynamodb/ledger-session.ts';
import {
  compact,
  type Item,
  LOOKUPS_AT_ONCE,
  newerThan as NEWER,
  pick,
} from '#adapters/dynamodb/ledger-table.ts';
import type { EventStamp } from '#core/events/event-envelope.ts';
import { holderOf } from '#core/network/address-holder.ts';
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
  EniEntry,
  EniRecord,
  NetworkLedger,
  NodeRecord,
  NodeView,
  SubnetRecord,
  SubnetView,
  WriteOutcome,
} from '#core/network/network-ports.ts';

export class DynamoNetworkLedger extends EventLedger<Ec2Change> implements NetworkLedger {
  async getNode(instanceId: string): Promise<NodeRecord | undefined> {
    const item = await this.table.get(keys.node(instanceId));
    return item ? toNode(item) : undefined;
  }

  async getEni(eniId: string): Promise<EniRecord | undefined> {
    const item = await this.table.get(keys.eni(eniId));
    return item ? toEni(item) : undefined;
  }

  async findEniByAttachment(attachmentId: string): Promise<EniRecord | undefined> {
    const items = await this.table.query({
      IndexName: INDEX.lookup,
      KeyConditionExpression: 'GSI3PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.byAttachment(attachmentId) },
    });
    const item = items.find((i) => i.entity === 'eni');
    if (item) return toEni(item);
    const past = await this.table.get(keys.pastAttachment(attachmentId));
    return past ? this.getEni(String(past.eniId)) : undefined;
  }

  async recordPastAttachment(attachmentId: string, eniId: string): Promise<void> {
    await this.table.put({
      ...keys.pastAttachment(attachmentId),
      entity: 'past-attachment',
      attachmentId,
      eniId,
    });
  }

  async getSubnet(subnetId: string): Promise<SubnetRecord | undefined> {
    const item = await this.table.get(keys.subnet(subnetId));
    return item ? toSubnet(item) : undefined;
  }

  async putNodeFacts(node: InstanceFacts, cluster: string | undefined): Promise<WriteOutcome> {
    const facts = compact({
      instanceType: node.instanceType,
      availabilityZone: node.availabilityZone,
      vpcId: node.vpcId,
      subnetId: node.subnetId,
      privateIp: node.privateIp,
      cluster,
    });
    await this.update(keys.node(node.instanceId), {
      entity: 'node',
      instanceId: node.instanceId,
      ...keys.nodeIndex(node.instanceId),
      ...facts,
    });
    return 'applied';
  }

  async setNodeState(
    instanceId: string,
    state: InstanceState,
    stamp: EventStamp,
  ): Promise<WriteOutcome> {
    return this.update(
      keys.node(instanceId),
      {
        entity: 'node',
        instanceId,
        ...keys.nodeIndex(instanceId),
        state,
        stateTime: stamp.eventTime,
        stateEventId: stamp.eventId,
      },
      NEWER('stateTime', 'stateEventId'),
      stamp,
    );
  }

  async forgetNode(instanceId: string): Promise<WriteOutcome> {
    // Only a node filed from its state alone (awaitsFacts): no VPC and no type recorded.
    const w = await this.table.delete(keys.node(instanceId), {
      condition:
        'attribute_exists(instanceId) AND attribute_not_exists(vpcId) AND attribute_not_exists(instanceType)',
    });
    if (w !== 'stale') return w;
    return (await this.getNode(instanceId)) ? 'unchanged' : 'missing';
  }

  /**
   * Outside an event's unit of work (the sweep), a new ENI's facts, attachment and addresses go
   * in one transaction, read with one query of its partition: each item written once. If that
   * transaction loses a condition, the ENI is filed again write by write.
   */
  async putEni(entry: EniEntry, stamp: EventStamp): Promise<WriteOutcome> {
    if (this.table instanceof LedgerSession) return this.#putEni(entry, stamp);
    const session = new LedgerSession(this.table.db, this.table.name);
    await session.query({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.eniPartition(entry.facts.eniId) },
    });
    const w = await new DynamoNetworkLedger(this.table.db, this.table.name, session).#putEni(
      entry,
      stamp,
    );
    const commit = await session.commit();
    return commit.status === 'committed' ? w : this.#putEni(entry, stamp);
  }

  async #putEni(entry: EniEntry, stamp: EventStamp): Promise<WriteOutcome> {
    const { facts } = entry;
    // An ENI new to the ledger has no addresses filed yet: attaching it moves none.
    const known = (await this.getEni(facts.eniId)) !== undefined;
    const values: Item = {
      entity: 'eni',
      eniId: facts.eniId,
      vpcId: facts.vpcId,
      subnetId: facts.subnetId,
      description: facts.description,
      kind: entry.kind,
      deleted: false,
      ...keys.eniSubnetIndex(facts.subnetId, facts.eniId),
      ...compact({
        availabilityZone: facts.availabilityZone,
        interfaceType: facts.interfaceType,
        cluster: entry.cluster,
        primaryIp: facts.primaryIp,
      }),
    };
    // Facts of a live ENI are written as they come; a tombstone is final.
    const w = await this.update(
      keys.eni(facts.eniId),
      values,
      'attribute_not_exists(deleted) OR deleted = :false',
      undefined,
      { ':false': false },
    );
    if (w !== 'applied') return 'stale';
    const filing = eniFiling(facts.attachment, entry.instanceId);
    if (filing.by === 'attachment') {
      await this.#setEniAttachment(facts.eniId, filing.attachment, stamp, known);
    } else if (filing.by === 'made-for') {
      // Unless an attachment is already known: a newer attach event won.
      await this.update(
        keys.eni(facts.eniId),
        { instanceId: filing.instanceId, ...keys.eniNodeIndex(filing.instanceId, facts.eniId) },
        'attribute_not_exists(attachment)',
      );
    }
    const eni = await this.getEni(facts.eniId);
    if (!eni) return 'stale';
    await this.assignAddresses(eni, entry.addresses, stamp);
    return 'applied';
  }

  setEniAttachment(
    eniId: string,
    attachment: EniAttachment | undefined,
    stamp: EventStamp,
  ): Promise<WriteOutcome> {
    return this.#setEniAttachment(eniId, attachment, stamp, true);
  }

  /** `reproject`: move the ENI's filed addresses under its node (none are filed yet: false). */
  async #setEniAttachment(
    eniId: string,
    attachment: EniAttachment | undefined,
    stamp: EventStamp,
    reproject: boolean,
  ): Promise<WriteOutcome> {
    // Moving the addresses reads them anyway: with the ENI, in one query of its partition.
    const read = reproject ? await this.eniWithAddresses(eniId) : undefined;
    const existing = read ? read.eni : await this.getEni(eniId);
    if (!existing) return 'missing';
    if (existing.deleted) return 'stale';
    const condition = `attribute_exists(PK) AND deleted = :false AND ${NEWER('attachTime', 'attachEventId')}`;
    const stampValues = { attachTime: stamp.eventTime, attachEventId: stamp.eventId };
    let w: WriteOutcome;
    if (attachment) {
      w = await this.update(
        keys.eni(eniId),
        {
          attachment: compact({ ...attachment }),
          instanceId: attachment.instanceId,
          ...keys.eniNodeIndex(attachment.instanceId, eniId),
          ...(attachment.attachmentId
            ? { GSI3PK: keys.byAttachment(attachment.attachmentId) }
            : {}),
          ...stampValues,
        },
        condition,
        stamp,
        { ':false': false },
      );
    } else {
      w = await this.update(keys.eni(eniId), stampValues, condition, stamp, { ':false': false }, [
        'attachment',
        'GSI3PK',
        ...(keepsNodeAfterDetach(existing.kind) ? [] : ['instanceId', 'GSI1PK', 'GSI1SK']),
      ]);
    }
    if (w === 'applied' && read) await this.reprojectAddresses(eniId, read.addresses);
    return w;
  }

  async deleteEni(eniId: string, stamp: EventStamp): Promise<WriteOutcome> {
    const { eni: existing, addresses } = await this.eniWithAddresses(eniId);
    const w = await this.update(
      keys.eni(eniId),
      {
        entity: 'eni',
        eniId,
        deleted: true,
        deletedTime: stamp.eventTime,
        deletedEventId: stamp.eventId,
        expiresAt: expiresAt(stamp.eventTime, RETENTION_SECONDS.tombstone),
      },
      'attribute_not_exists(deleted) OR deleted = :false',
      undefined,
      { ':false': false },
      // The attachment lookup (GSI3) stays: a detach still on its way finds the tombstone and loses.
      ['GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK'],
    );
    if (w !== 'applied') return existing?.deleted ? 'unchanged' : w;
    // Addresses released before stay as they are: restamping them would change nothing, and no
    // later assignment can reach them, since assigning to a tombstoned ENI is stale.
    for (const a of addresses) if (a.assigned) await this.releaseAddress(eniId, a.address, stamp);
    return 'applied';
  }

  async assignAddresses(
    eni: EniRecord,
    addresses: readonly AddressFacts[],
    stamp: EventStamp,
  ): Promise<WriteOutcome[]> {
    const out: WriteOutcome[] = [];
    for (const a of addresses) {
      out.push(
        await this.update(
          keys.address(eni.eniId, a.address),
          {
            entity: 'address',
            address: a.address,
            kind: a.kind,
            consumer: a.consumer,
            eniId: eni.eniId,
            subnetId: eni.subnetId,
            vpcId: eni.vpcId,
            assigned: true,
            stampTime: stamp.eventTime,
            stampEventId: stamp.eventId,
            ...keys.addressLookupIndex(eni.subnetId, eni.vpcId, a.address),
            ...nodeKeys(eni.instanceId, eni.eniId, a.address),
          },
          NEWER('stampTime', 'stampEventId'),
          stamp,
          undefined,
          ['expiresAt', ...(eni.instanceId ? [] : ['instanceId', 'GSI1PK', 'GSI1SK'])],
        ),
      );
    }
    return out;
  }

  async unassignAddresses(
    eni: EniRecord,
    addresses: readonly string[],
    stamp: EventStamp,
  ): Promise<WriteOutcome[]> {
    const out: WriteOutcome[] = [];
    for (const address of addresses) out.push(await this.releaseAddress(eni.eniId, address, stamp));
    return out;
  }

  async putSubnet(subnet: SubnetFacts | SubnetRecord): Promise<WriteOutcome> {
    return this.update(keys.subnet(subnet.subnetId), {
      entity: 'subnet',
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      reservations: [...subnet.reservations],
      ...keys.subnetIndex(subnet.subnetId),
      ...compact({ cidr: subnet.cidr, availabilityZone: subnet.availabilityZone }),
    });
  }

  async nodeView(instanceId: string): Promise<NodeView> {
    const items = await this.table.query({
      IndexName: INDEX.byNode,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.byNode(instanceId) },
    });
    return liveView(items, (i) => (i.entity === 'node' ? toNode(i) : undefined), 'node');
  }

  async subnetView(subnetId: string): Promise<SubnetView> {
    const items = await this.table.query({
      IndexName: INDEX.bySubnet,
      KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK >= :from',
      ExpressionAttributeValues: { ':pk': keys.bySubnet(subnetId), ':from': keys.subnetViewFrom },
    });
    return subnetViewOf(items);
  }

  async listNodes(): Promise<NodeRecord[]> {
    const items = await this.table.query({
      IndexName: INDEX.bySubnet,
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.allNodes },
    });
    return items.map(toNode);
  }

  async listSubnets(): Promise<SubnetRecord[]> {
    const items = await this.table.query({
      IndexName: INDEX.byNode,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.allSubnets },
    });
    return items.map(toSubnet);
  }

  /**
   * One lookup-index query per address, a few at a time, and the second places of those with
   * no assigned entry; then the ENIs all assigned entries name, in one BatchGetItem (not one
   * GetItem each).
   */
  async holdersOf(
    vpcId: string,
    addresses: readonly string[],
    orElseAt?: (address: string) => string | undefined,
  ): Promise<Map<string, AddressRecord>> {
    const entriesAt = new Map<string, Item[]>();
    const look = (at: Iterable<string>) =>
      pMap(
        [...new Set(at)].filter((a) => !entriesAt.has(a)),
        async (address) => {
          const items = await this.table.query({
            IndexName: INDEX.lookup,
            KeyConditionExpression: 'GSI3PK = :pk',
            ExpressionAttributeValues: { ':pk': keys.byIp(vpcId, address) },
          });
          entriesAt.set(address, items);
        },
        { concurrency: LOOKUPS_AT_ONCE },
      );
    const enis = new Map<string, EniRecord>();
    const readEnis = async () => {
      // Released entries hold nothing: their ENIs are not read.
      const named = [...entriesAt.values()].flat().filter(isAssigned);
      const ids = new Set(named.map((i) => String(i.eniId)).filter((id) => !enis.has(id)));
      for (const item of await this.table.getMany([...ids].map((id) => keys.eni(id)))) {
        enis.set(String(item.eniId), toEni(item));
      }
    };
    const holderAt = (address: string | undefined) =>
      holderOf(
        (address ? (entriesAt.get(address) ?? []) : []).map((item) => ({
          address: toAddress(item),
          assigned: isAssigned(item),
          eni: isAssigned(item) ? enis.get(String(item.eniId)) : undefined,
        })),
      );
    const asked = [...new Set(addresses)];
    const second = (address: string) => orElseAt?.(address);
    await look(asked);
    const unclaimed = asked.filter((a) => !entriesAt.get(a)?.some(isAssigned));
    await look(unclaimed.flatMap((a) => second(a) ?? []));
    await readEnis();
    // Rare: every claim on an address names a deleted ENI, so its second place is asked late.
    const late = asked.filter((a) => !holderAt(a)).flatMap((a) => second(a) ?? []);
    if (late.some((at) => !entriesAt.has(at))) {
      await look(late);
      await readEnis();
    }
    const held = new Map<string, AddressRecord>();
    for (const address of asked) {
      const holder = holderAt(address) ?? holderAt(second(address));
      if (holder) held.set(address, holder);
    }
    return held;
  }

  private update(
    key: Item,
    values: Item,
    condition?: string,
    stamp?: EventStamp,
    extra?: Item,
    remove: readonly string[] = [],
  ): Promise<WriteOutcome> {
    return this.table.update(key, values, { condition, stamp, values: extra, remove });
  }

  /** Addresses follow their ENI's node, so a node's query finds them after an attach or detach. */
  private async reprojectAddresses(
    eniId: string,
    addresses: readonly { address: string; assigned: boolean }[],
  ): Promise<void> {
    const eni = await this.getEni(eniId);
    if (!eni) return;
    for (const a of addresses) {
      if (!a.assigned) continue;
      await this.update(
        keys.address(eniId, a.address),
        nodeKeys(eni.instanceId, eniId, a.address),
        'assigned = :true',
        undefined,
        { ':true': true },
        eni.instanceId ? [] : ['instanceId', 'GSI1PK', 'GSI1SK'],
      );
    }
  }

  private async releaseAddress(
    eniId: string,
    address: string,
    stamp: EventStamp,
  ): Promise<WriteOutcome> {
    return this.update(
      keys.address(eniId, address),
      {
        entity: 'address',
        address,
        eniId,
        assigned: false,
        stampTime: stamp.eventTime,
        stampEventId: stamp.eventId,
        expiresAt: expiresAt(stamp.eventTime, RETENTION_SECONDS.tombstone),
      },
      NEWER('stampTime', 'stampEventId'),
      stamp,
      undefined,
      ['GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK'],
    );
  }

  /** An ENI and its addresses, in one strongly consistent query of the ENI's partition. */
  private async eniWithAddresses(eniId: string): Promise<{
    eni: EniRecord | undefined;
    addresses: Array<{ address: string; assigned: boolean }>;
  }> {
    const items = await this.table.query({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.eniPartition(eniId) },
      ConsistentRead: true,
    });
    const meta = items.find((i) => i.SK === META.eni);
    return {
      eni: meta ? toEni(meta) : undefined,
      addresses: items
        .filter((i) => String(i.SK).startsWith(keys.addressPrefix))
        .map((i) => ({ address: String(i.address), assigned: i.assigned === true })),
    };
  }
}

function nodeKeys(instanceId: string | undefined, eniId: string, address: string): Item {
  if (!instanceId) return {};
  return { instanceId, ...keys.addressNodeIndex(instanceId, eniId, address) };
}

/** A subnet's view from the items of its GSI2 partition (its usage samples are skipped). */
export function subnetViewOf(items: Item[]): SubnetView {
  const view = liveView(items, (i) => (i.entity === 'subnet' ? toSubnet(i) : undefined), 'subnet');
  return { subnet: view.node, enis: view.enis, addresses: view.addresses };
}

/** Index queries can race a delete; only addresses of live ENIs count. */
function liveView<T>(
  items: Item[],
  head: (i: Item) => T | undefined,
  headEntity: string,
): { node: T | undefined; enis: EniRecord[]; addresses: AddressRecord[] } {
  const enis = items.filter((i) => i.entity === 'eni' && i.deleted !== true).map(toEni);
  const live = new Set(enis.map((e) => e.eniId));
  const addresses = items
    .filter((i) => i.entity === 'address' && i.assigned === true && live.has(String(i.eniId)))
    .map(toAddress);
  const headItem = items.find((i) => i.entity === headEntity);
  return { node: headItem ? head(headItem) : undefined, enis, addresses };
}

function toNode(i: Item): NodeRecord {
  return {
    instanceId: String(i.instanceId),
    ...(pick(i, [
      'instanceType',
      'availabilityZone',
      'vpcId',
      'subnetId',
      'privateIp',
      'cluster',
      'state',
    ]) as object),
    ...(i.stateTime
      ? { stateStamp: { eventTime: String(i.stateTime), eventId: String(i.stateEventId) } }
      : {}),
  } as NodeRecord;
}

function toEni(i: Item): EniRecord {
  return {
    eniId: String(i.eniId),
    vpcId: String(i.vpcId ?? ''),
    subnetId: String(i.subnetId ?? ''),
    description: String(i.description ?? ''),
    kind: (i.kind ?? 'other') as EniRecord['kind'],
    deleted: i.deleted === true,
    ...(pick(i, [
      'availabilityZone',
      'interfaceType',
      'cluster',
      'instanceId',
      'attachment',
    ]) as object),
  } as EniRecord;
}

function toAddress(i: Item): AddressRecord {
  return {
    address: String(i.address),
    kind: i.kind as AddressRecord['kind'],
    consumer: i.consumer as AddressRecord['consumer'],
    eniId: String(i.eniId),
    subnetId: String(i.subnetId),
    vpcId: String(i.vpcId),
    stamp: { eventTime: String(i.stampTime), eventId: String(i.stampEventId) },
    ...(i.instanceId ? { instanceId: String(i.instanceId) } : {}),
  };
}

function toSubnet(i: Item): SubnetRecord {
  return {
    subnetId: String(i.subnetId),
    vpcId: String(i.vpcId),
    reservations: (i.reservations as string[] | undefined) ?? [],
    ...(pick(i, ['cidr', 'availabilityZone']) as object),
  };
}

const isAssigned = (item: Item) => item.assigned === true;
