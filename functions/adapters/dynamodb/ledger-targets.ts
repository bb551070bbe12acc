import pMap from 'p-map';
import { EventLedger } from '#adapters/dynamodb/ledger-events.ts';
import { expiresAt, INDEX, keys, RETENTION_SECONDS } from '#adapters/dynamodb/ledger-keys.ts';
import {
  compact,
  type Item,
  LOOKUPS_AT_ONCE,
  newerThan,
  pick,
  whileLive,
} from '#adapters/dynamodb/ledger-table.ts';
import type { EventStamp } from '#core/events/event-envelope.ts';
import type { WriteOutcome } from '#core/network/network-ports.ts';
import type { DelayChange } from '#core/targets/deregistration-delay.ts';
import type { ElbChange } from '#core/targets/elb-event.ts';
import { clusterOf, type LoadBalancer, stackOf, type Tags } from '#core/targets/target-group.ts';
import {
  type AttributeWriteOptions,
  byGroupThenTarget,
  type KeyChanges,
  type LoadBalancerRecord,
  type TargetGroupFacts,
  type TargetGroupRecord,
  type TargetId,
  type TargetLedger,
  type TargetRecord,
  type TargetRegistrationInput,
} from '#core/targets/target-ports.ts';

/** Tags and attributes keep one stamp per key as `<time>|<eventId>`, which sorts like newerThan. */
const stampText = (s: EventStamp) => `${s.eventTime}|${s.eventId}`;

export class DynamoTargetLedger extends EventLedger<ElbChange> implements TargetLedger {
  // --- load balancers ---------------------------------------------------------------------

  async getLoadBalancer(arn: string): Promise<LoadBalancerRecord | undefined> {
    const item = await this.table.get(keys.loadBalancer(arn));
    return item && item.name !== undefined ? toLoadBalancer(item) : undefined;
  }

  async putLoadBalancer(lb: LoadBalancer, stamp: EventStamp): Promise<WriteOutcome> {
    return this.putMeta(
      keys.loadBalancer(lb.arn),
      {
        entity: 'load-balancer',
        arn: lb.arn,
        name: lb.name,
        type: lb.type,
        dnsName: lb.dnsName,
        canonicalHostedZoneId: lb.canonicalHostedZoneId,
        vpcId: lb.vpcId,
        scheme: lb.scheme,
        ...keys.loadBalancerIndex(lb.arn),
        ...compact({ ipAddressType: lb.ipAddressType, createdAt: lb.createdAt }),
      },
      stamp,
    );
  }

  async deleteLoadBalancer(arn: string, stamp: EventStamp): Promise<WriteOutcome> {
    return this.tombstone(keys.loadBalancer(arn), { entity: 'load-balancer', arn }, stamp);
  }

  async listLoadBalancers(): Promise<LoadBalancerRecord[]> {
    const items = await this.table.query({
      IndexName: INDEX.bySubnet,
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.allLoadBalancers },
    });
    return items.filter((i) => i.name !== undefined).map(toLoadBalancer);
  }

  // --- target groups ----------------------------------------------------------------------

  async getTargetGroup(arn: string): Promise<TargetGroupRecord | undefined> {
    const item = await this.table.get(keys.targetGroup(arn));
    return item ? toTargetGroup(item) : undefined;
  }

  async putTargetGroup(tg: TargetGroupFacts, stamp: EventStamp): Promise<WriteOutcome> {
    const lbArns = tg.loadBalancerArns;
    return this.putMeta(
      keys.targetGroup(tg.arn),
      {
        entity: 'target-group',
        arn: tg.arn,
        name: tg.name,
        targetType: tg.targetType,
        ...compact({ protocol: tg.protocol, port: tg.port, vpcId: tg.vpcId }),
        // A create record lists no load balancer yet (a listener attaches it later): keep what is known.
        ...(lbArns && lbArns.length > 0 ? { lbArns: [...lbArns] } : {}),
        ...keys.targetGroupIndex(tg.arn, lbArns?.[0]),
      },
      stamp,
      lbArns && lbArns.length === 0 ? ['lbArns', 'GSI1PK', 'GSI1SK'] : [],
    );
  }

  async ignoreTargetGroup(arn: string, reason: string, stamp: EventStamp): Promise<WriteOutcome> {
    return this.table.update(
      keys.targetGroup(arn),
      {
        entity: 'target-group',
        arn,
        ignoredReason: reason,
        metaTime: stamp.eventTime,
        metaEventId: stamp.eventId,
      },
      // A target group filed as in scope stays so (targetType is set by every putTargetGroup).
      whileLive('attribute_not_exists(targetType)'),
    );
  }

  async deleteTargetGroup(arn: string, stamp: EventStamp): Promise<WriteOutcome> {
    const w = await this.tombstone(keys.targetGroup(arn), { entity: 'target-group', arn }, stamp);
    if (w !== 'applied') return w;
    const live = await this.targetsOf(arn);
    await this.deregisterTargets(arn, live, stamp);
    return w;
  }

  async listTargetGroups(): Promise<TargetGroupRecord[]> {
    const items = await this.table.query({
      IndexName: INDEX.bySubnet,
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.allTargetGroups },
    });
    return items.map(toTargetGroup);
  }

  async targetGroupsOf(lbArn: string): Promise<TargetGroupRecord[]> {
    const items = await this.table.query({
      IndexName: INDEX.byNode,
      KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :tg)',
      ExpressionAttributeValues: {
        ':pk': keys.byLoadBalancer(lbArn),
        ':tg': keys.targetGroupsOfPrefix,
      },
    });
    return items.filter((i) => i.deleted !== true).map(toTargetGroup);
  }

  // --- tags and attributes ----------------------------------------------------------------

  async setTags(
    resource: 'load-balancer' | 'target-group',
    arn: string,
    changes: KeyChanges,
    stamp: EventStamp,
  ): Promise<WriteOutcome> {
    const key = resource === 'load-balancer' ? keys.loadBalancer(arn) : keys.targetGroup(arn);
    const entity = { entity: resource, arn };
    const w = await this.setStampedKeys(key, entity, 'tags', 'tagStamps', changes, stamp);
    if (w !== 'applied') return w;
    // The cluster and stack are derived from the tags, so recompute them from what is stored now.
    const item = await this.table.get(key);
    const tags = (item?.tags ?? {}) as Tags;
    const derived = { cluster: clusterOf(tags), stack: stackOf(tags) };
    const unset = Object.entries(derived)
      .filter(([, v]) => v === undefined)
      .map(([k]) => k);
    await this.table.update(key, compact(derived), { remove: unset });
    return w;
  }

  async setAttributes(
    tgArn: string,
    changes: KeyChanges,
    stamp: EventStamp,
    delayChange?: DelayChange,
    options: AttributeWriteOptions = {},
  ): Promise<WriteOutcome> {
    const key = keys.targetGroup(tgArn);
    const entity = { entity: 'target-group', arn: tgArn };
    const w = await this.setStampedKeys(
      key,
      entity,
      'attributes',
      'attributeStamps',
      changes,
      stamp,
      options.complete === true,
    );
    if (w === 'applied' && delayChange) {
      await this.table.update(
        key,
        {
          lastDelayChange: compact({ ...delayChange }),
          delayChangeTime: stamp.eventTime,
          delayChangeEventId: stamp.eventId,
        },
        { condition: newerThan('delayChangeTime', 'delayChangeEventId'), stamp },
      );
    }
    return w;
  }

  // --- targets ----------------------------------------------------------------------------

  async registerTargets(
    tgArn: string,
    targets: readonly TargetRegistrationInput[],
    stamp: EventStamp,
  ): Promise<WriteOutcome[]> {
    const outcomes = await this.writeTargets(tgArn, targets, stamp, (t) => {
      const ip = t.kind === 'ip' ? t.id : undefined;
      const node = t.nodeAtRegistration;
      return {
        values: {
          kind: t.kind,
          registered: true,
          registeredAt: stamp.eventTime,
          ...compact({
            ip,
            instanceId: t.kind === 'instance' ? t.id : undefined,
            az: t.az,
            vpcId: t.vpcId,
            nodeAtRegistration: node,
            eniAtRegistration: t.eniAtRegistration,
            ipReassignedAt: t.ipReassignedAt,
          }),
          ...(ip && t.vpcId ? { GSI3PK: keys.targetByIp(t.vpcId, ip) } : {}),
          ...(ip && node ? keys.targetNodeIndex(node, tgArn, t.id, t.port) : {}),
        },
        remove: [
          'deregisteredAt',
          'expiresAt',
          ...(node ? [] : ['nodeAtRegistration', 'GSI2PK', 'GSI2SK']),
          ...(t.eniAtRegistration ? [] : ['eniAtRegistration']),
          ...(t.ipReassignedAt ? [] : ['ipReassignedAt']),
        ],
      };
    });
    // Whatever the outcome: the entries are a superset, and a stale registration's is harmless.
    await this.noteTargetsAtIps(tgArn, targets);
    return outcomes;
  }

  async deregisterTargets(
    tgArn: string,
    targets: readonly TargetId[],
    stamp: EventStamp,
  ): Promise<WriteOutcome[]> {
    const outcomes = await this.writeTargets(tgArn, targets, stamp, () => ({
      values: {
        registered: false,
        deregisteredAt: stamp.eventTime,
        expiresAt: expiresAt(stamp.eventTime, RETENTION_SECONDS.tombstone),
      },
      remove: ['GSI2PK', 'GSI2SK', 'GSI3PK'],
    }));
    // A deregistration that applied takes its entry out of its IP's set, atomically with the
    // target's own write (see pruneSet): else the sets would only grow with every group a
    // reused pod IP was ever in. A stale one leaves the entry for the newer registration.
    for (const [i, t] of targets.entries()) {
      if (outcomes[i] !== 'applied') continue;
      await this.table.pruneSet(
        keys.targetsAtIp(t.id),
        'targets',
        (entry) => {
          const named = keys.targetsAtIpEntryParts(entry);
          return named.tgArn === tgArn && named.port === t.port;
        },
        keys.target(tgArn, t.id, t.port),
      );
    }
    return outcomes;
  }

  async targetsOf(
    tgArn: string,
    options: { includeDeregistered?: boolean } = {},
  ): Promise<TargetRecord[]> {
    const items = await this.table.query({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: {
        ':pk': keys.targetGroupPartition(tgArn),
        ':sk': keys.targetPrefix,
      },
    });
    return items.filter((i) => options.includeDeregistered || i.registered === true).map(toTarget);
  }

  async getTarget(tgArn: string, target: TargetId): Promise<TargetRecord | undefined> {
    const item = await this.table.get(keys.target(tgArn, target.id, target.port));
    return item ? toTarget(item) : undefined;
  }

  async targetsByIp(vpcId: string, ip: string): Promise<TargetRecord[]> {
    const items = await this.table.query({
      IndexName: INDEX.lookup,
      KeyConditionExpression: 'GSI3PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.targetByIp(vpcId, ip) },
    });
    return items.filter((i) => i.registered === true).map(toTarget);
  }

  /**
   * The IPs' entries and the ready marker in one BatchGetItem, then the targets the entries name
   * in another: two requests however many IPs. Until the marker is there (a table filled before
   * the entries were kept, whose sweep has not added them yet), one GSI3 query per IP.
   */
  async targetsByIps(vpcId: string, ips: readonly string[]): Promise<TargetRecord[]> {
    const unique = [...new Set(ips)];
    if (unique.length === 0) return [];
    const atIp = new Map(unique.map((ip) => [String(keys.targetsAtIp(ip).PK), ip]));
    const found = await this.table.getMany([
      keys.targetsAtIpReady,
      ...unique.map((ip) => keys.targetsAtIp(ip)),
    ]);
    if (!found.some((i) => i.PK === keys.targetsAtIpReady.PK)) {
      const each = await pMap(unique, (ip) => this.targetsByIp(vpcId, ip), {
        concurrency: LOOKUPS_AT_ONCE,
      });
      return each.flat().sort(byGroupThenTarget);
    }
    const named: Item[] = [];
    for (const item of found) {
      const ip = atIp.get(String(item.PK));
      if (ip === undefined || !(item.targets instanceof Set)) continue;
      for (const entry of item.targets) {
        const { vpcId: vpc, tgArn, port } = keys.targetsAtIpEntryParts(String(entry));
        if (vpc === vpcId) named.push(keys.target(tgArn, ip, port));
      }
    }
    if (named.length === 0) return [];
    return (await this.table.getMany(named))
      .filter((i) => i.registered === true && i.vpcId === vpcId)
      .map(toTarget)
      .sort(byGroupThenTarget);
  }

  /** Whether every registered IP target has its entry at its IP (see `targetsByIps`). */
  async targetsAtIpsReady(): Promise<boolean> {
    return (await this.table.get(keys.targetsAtIpReady)) !== undefined;
  }

  /**
   * Adds the entry of every registered IP target at its IP, then the ready marker: for a table
   * filled before the entries were kept. Targets registered meanwhile add their own. The number
   * of targets whose entry was added.
   */
  async completeTargetsAtIps(): Promise<number> {
    const groups = await this.listTargetGroups();
    const counts = await pMap(
      groups,
      async (tg) => {
        const targets = await this.targetsOf(tg.arn);
        await this.noteTargetsAtIps(tg.arn, targets);
        return targets.filter((t) => t.kind === 'ip' && t.vpcId).length;
      },
      { concurrency: LOOKUPS_AT_ONCE },
    );
    await this.table.put({ ...keys.targetsAtIpReadyItem });
    return counts.reduce((a, b) => a + b, 0);
  }

  async targetsByNode(instanceId: string): Promise<TargetRecord[]> {
    const items = await this.table.query({
      IndexName: INDEX.bySubnet,
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.targetByNode(instanceId) },
    });
    return items.filter((i) => i.registered === true).map(toTarget);
  }

  // --- helpers ----------------------------------------------------------------------------

  /** Facts of a live load balancer or target group, newer stamps winning, then its maps made. */
  private async putMeta(
    key: Item,
    values: Item,
    stamp: EventStamp,
    remove: readonly string[] = [],
  ): Promise<WriteOutcome> {
    const w = await this.table.update(
      key,
      { ...values, deleted: false, metaTime: stamp.eventTime, metaEventId: stamp.eventId },
      { ...whileLive(newerThan('metaTime', 'metaEventId')), stamp, remove },
    );
    if (w === 'applied') await this.initMaps(key);
    return w;
  }

  /** Each IP target's entry at its IP, one ADD per IP. */
  private async noteTargetsAtIps(
    tgArn: string,
    targets: readonly { kind: string; id: string; port: number; vpcId?: string }[],
  ): Promise<void> {
    const byIp = new Map<string, string[]>();
    for (const t of targets) {
      if (t.kind !== 'ip' || !t.vpcId) continue;
      const entry = keys.targetsAtIpEntry(t.vpcId, tgArn, t.port);
      byIp.set(t.id, [...(byIp.get(t.id) ?? []), entry]);
    }
    for (const [ip, entries] of byIp) {
      await this.table.addToSet(keys.targetsAtIp(ip), 'targets', entries);
    }
  }

  /** One write per target, each guarded by that target's own stamp. */
  private async writeTargets<T extends TargetId>(
    tgArn: string,
    targets: readonly T[],
    stamp: EventStamp,
    change: (t: T) => { values: Item; remove: readonly string[] },
  ): Promise<WriteOutcome[]> {
    const out: WriteOutcome[] = [];
    for (const t of targets) {
      const { values, remove } = change(t);
      out.push(
        await this.table.update(
          keys.target(tgArn, t.id, t.port),
          {
            entity: 'target',
            tgArn,
            id: t.id,
            port: t.port,
            ...values,
            stampTime: stamp.eventTime,
            stampEventId: stamp.eventId,
          },
          { condition: newerThan('stampTime', 'stampEventId'), stamp, remove },
        ),
      );
    }
    return out;
  }

  private async tombstone(key: Item, entity: Item, stamp: EventStamp): Promise<WriteOutcome> {
    const existing = await this.table.get(key);
    if (existing?.deleted === true) return 'unchanged';
    return this.table.update(
      key,
      {
        ...entity,
        deleted: true,
        deletedTime: stamp.eventTime,
        deletedEventId: stamp.eventId,
        expiresAt: expiresAt(stamp.eventTime, RETENTION_SECONDS.tombstone),
      },
      { ...whileLive(), remove: ['GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK'] },
    );
  }

  /** Maps must exist before `SET map.key` can work. */
  private async initMaps(key: Item): Promise<void> {
    await this.table.updateExpression(
      key,
      'SET tags = if_not_exists(tags, :e), tagStamps = if_not_exists(tagStamps, :e), ' +
        'attributes = if_not_exists(attributes, :e), attributeStamps = if_not_exists(attributeStamps, :e)',
      { values: { ':e': {} } },
    );
  }

  /**
   * One conditional UpdateItem per key, each guarded by that key's own stamp and by the map's
   * (`<map>AsOf`, the stamp of the newest complete set), so an older AddTags arriving late
   * cannot undo a newer RemoveTags of the same key, yet still adds the keys nobody touched
   * since. 'applied' when any key changed.
   */
  private async setStampedKeys(
    key: Item,
    entity: Item,
    map: string,
    stamps: string,
    changes: KeyChanges,
    stamp: EventStamp,
    complete = false,
  ): Promise<WriteOutcome> {
    const live = await this.table.update(key, entity, whileLive());
    if (live !== 'applied') return 'stale';
    await this.initMaps(key);
    const st = stampText(stamp);
    const asOf = `${map}AsOf`;
    const toWrite = complete ? await this.stampWholeMap(key, map, asOf, changes, st) : changes;
    const outcomes: WriteOutcome[] = [];
    for (const [k, v] of Object.entries(toWrite)) {
      const set = v === null ? 'SET #s.#k = :st REMOVE #m.#k' : 'SET #m.#k = :v, #s.#k = :st';
      outcomes.push(
        await this.table.updateExpression(key, set, {
          condition:
            '(attribute_not_exists(#s.#k) OR #s.#k <= :st) AND ' +
            '(attribute_not_exists(#a) OR #a <= :st)',
          names: { '#m': map, '#s': stamps, '#k': k, '#a': asOf },
          values: { ':st': st, ...(v === null ? {} : { ':v': v }) },
        }),
      );
    }
    return outcomes.includes('applied') || outcomes.length === 0 ? 'applied' : 'stale';
  }

  /**
   * A complete set's stamp goes on the map once (`<map>AsOf`), on condition that it is not
   * older than the map's and that every key it leaves alone still holds the value read: then
   * only the changed keys need writing, and an older change of an unchanged key still loses
   * (to the map's stamp instead of its own). When that condition fails (a newer complete set,
   * or a key moved since the read), every key is written with its own stamp, as for a partial set.
   */
  private async stampWholeMap(
    key: Item,
    map: string,
    asOf: string,
    changes: KeyChanges,
    st: string,
  ): Promise<KeyChanges> {
    const stored = ((await this.table.get(key))?.[map] ?? {}) as Record<string, string>;
    const names: Record<string, string> = { '#a': asOf };
    const values: Record<string, unknown> = { ':st': st };
    const conditions = ['(attribute_not_exists(#a) OR #a <= :st)'];
    const changed: Record<string, string | null> = {};
    let n = 0;
    for (const [k, v] of Object.entries(changes)) {
      const same = v === null ? stored[k] === undefined : stored[k] === v;
      if (!same) {
        changed[k] = v;
        continue;
      }
      n += 1;
      names['#m'] = map;
      names[`#k${n}`] = k;
      if (v === null) {
        conditions.push(`attribute_not_exists(#m.#k${n})`);
      } else {
        values[`:v${n}`] = v;
        conditions.push(`#m.#k${n} = :v${n}`);
      }
    }
    const w = await this.table.updateExpression(key, 'SET #a = :st', {
      condition: conditions.join(' AND '),
      names,
      values,
    });
    return w === 'applied' ? changed : changes;
  }
}

function toLoadBalancer(i: Item): LoadBalancerRecord {
  return {
    arn: String(i.arn),
    name: String(i.name),
    type: i.type as LoadBalancerRecord['type'],
    dnsName: String(i.dnsName),
    canonicalHostedZoneId: String(i.canonicalHostedZoneId),
    vpcId: String(i.vpcId),
    scheme: String(i.scheme),
    tags: (i.tags ?? {}) as Tags,
    deleted: i.deleted === true,
    ...(pick(i, ['ipAddressType', 'createdAt', 'cluster', 'stack']) as object),
  };
}

function toTargetGroup(i: Item): TargetGroupRecord {
  return {
    arn: String(i.arn),
    lbArns: (i.lbArns as string[] | undefined) ?? [],
    tags: (i.tags ?? {}) as Tags,
    attributes: (i.attributes ?? {}) as Record<string, string>,
    deleted: i.deleted === true,
    ...(pick(i, [
      'name',
      'targetType',
      'protocol',
      'port',
      'vpcId',
      'cluster',
      'stack',
      'lastDelayChange',
      'ignoredReason',
    ]) as object),
  };
}

function toTarget(i: Item): TargetRecord {
  return {
    tgArn: String(i.tgArn),
    id: String(i.id),
    port: Number(i.port),
    kind: (i.kind ?? 'ip') as TargetRecord['kind'],
    registered: i.registered === true,
    stamp: { eventTime: String(i.stampTime), eventId: String(i.stampEventId) },
    ...(pick(i, [
      'ip',
      'instanceId',
      'az',
      'vpcId',
      'registeredAt',
      'deregisteredAt',
      'nodeAtRegistration',
      'eniAtRegistration',
      'ipReassignedAt',
    ]) as object),
  };
}
