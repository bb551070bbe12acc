import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DelayChange } from '#core/deregistration-delay.ts';
import type { EventStamp } from '#core/event-envelope.ts';
import type { AuditEntry, WriteOutcome } from '#core/ports.ts';
import { clusterOf, type LoadBalancer, stackOf, type Tags } from '#core/target-group.ts';
import type {
  KeyChanges,
  LoadBalancerRecord,
  TargetGroupFacts,
  TargetGroupRecord,
  TargetId,
  TargetLedger,
  TargetRecord,
  TargetRegistrationInput,
} from '#core/target-ports.ts';
import { expiresAt, INDEX, keys, RETENTION_SECONDS } from './ledger-keys.ts';

type Item = Record<string, unknown>;

/** Same rule as the network ledger: newer-or-equal stamps win, equal times ordered by event id. */
const NEWER = (time: string, id: string) =>
  `(attribute_not_exists(${time}) OR ${time} < :t OR (${time} = :t AND ${id} <= :id))`;
const LIVE = '(attribute_not_exists(deleted) OR deleted = :false)';

/** Tags and attributes keep one stamp per key as `<time>|<eventId>`, which sorts like NEWER. */
const stampText = (s: EventStamp) => `${s.eventTime}|${s.eventId}`;

export class DynamoTargetLedger implements TargetLedger {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async hasProcessed(eventId: string): Promise<boolean> {
    return (await this.get(keys.event(eventId))) !== undefined;
  }

  async markProcessed(
    stamp: EventStamp,
    name: string,
    audit: readonly AuditEntry[],
  ): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.event(stamp.eventId),
          entity: 'event',
          name,
          eventTime: stamp.eventTime,
          expiresAt: expiresAt(stamp.eventTime, RETENTION_SECONDS.processedEvent),
        },
      }),
    );
    await this.audit(stamp, name, audit);
  }

  async audit(stamp: EventStamp, name: string, entries: readonly AuditEntry[]): Promise<void> {
    let n = 0;
    for (const entry of entries) {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...keys.audit(entry.entity, stamp.eventTime, stamp.eventId, n++),
            entity: 'audit',
            subject: entry.entity,
            action: entry.action,
            ...(entry.detail ? { detail: entry.detail } : {}),
            eventId: stamp.eventId,
            eventTime: stamp.eventTime,
            eventName: name,
            expiresAt: expiresAt(stamp.eventTime, RETENTION_SECONDS.audit),
          },
        }),
      );
    }
  }

  // --- load balancers ---------------------------------------------------------------------

  async getLoadBalancer(arn: string): Promise<LoadBalancerRecord | undefined> {
    const item = await this.get(keys.loadBalancer(arn));
    return item && item.name !== undefined ? toLoadBalancer(item) : undefined;
  }

  async putLoadBalancer(lb: LoadBalancer, stamp: EventStamp): Promise<WriteOutcome> {
    const w = await this.update(
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
        deleted: false,
        metaTime: stamp.eventTime,
        metaEventId: stamp.eventId,
        ...keys.loadBalancerIndex(lb.arn),
        ...compact({ ipAddressType: lb.ipAddressType, createdAt: lb.createdAt }),
      },
      `${LIVE} AND ${NEWER('metaTime', 'metaEventId')}`,
      stamp,
    );
    if (w === 'applied') await this.initMaps(keys.loadBalancer(lb.arn));
    return w;
  }

  async deleteLoadBalancer(arn: string, stamp: EventStamp): Promise<WriteOutcome> {
    return this.tombstone(keys.loadBalancer(arn), { entity: 'load-balancer', arn }, stamp);
  }

  async listLoadBalancers(): Promise<LoadBalancerRecord[]> {
    const items = await this.query({
      IndexName: INDEX.bySubnet,
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.allLoadBalancers },
    });
    return items.filter((i) => i.name !== undefined).map(toLoadBalancer);
  }

  // --- target groups ----------------------------------------------------------------------

  async getTargetGroup(arn: string): Promise<TargetGroupRecord | undefined> {
    const item = await this.get(keys.targetGroup(arn));
    return item ? toTargetGroup(item) : undefined;
  }

  async putTargetGroup(tg: TargetGroupFacts, stamp: EventStamp): Promise<WriteOutcome> {
    const lbArns = tg.loadBalancerArns;
    const w = await this.update(
      keys.targetGroup(tg.arn),
      {
        entity: 'target-group',
        arn: tg.arn,
        name: tg.name,
        targetType: tg.targetType,
        deleted: false,
        metaTime: stamp.eventTime,
        metaEventId: stamp.eventId,
        ...compact({ protocol: tg.protocol, port: tg.port, vpcId: tg.vpcId }),
        // A create record lists no load balancer yet (a listener attaches it later): keep what is known.
        ...(lbArns && lbArns.length > 0 ? { lbArns: [...lbArns] } : {}),
        ...keys.targetGroupIndex(tg.arn, lbArns?.[0]),
      },
      `${LIVE} AND ${NEWER('metaTime', 'metaEventId')}`,
      stamp,
      undefined,
      lbArns && lbArns.length === 0 ? ['lbArns', 'GSI1PK', 'GSI1SK'] : [],
    );
    if (w === 'applied') await this.initMaps(keys.targetGroup(tg.arn));
    return w;
  }

  async ignoreTargetGroup(arn: string, reason: string, stamp: EventStamp): Promise<WriteOutcome> {
    return this.update(
      keys.targetGroup(arn),
      {
        entity: 'target-group',
        arn,
        ignoredReason: reason,
        metaTime: stamp.eventTime,
        metaEventId: stamp.eventId,
      },
      // A target group filed as in scope stays so (targetType is set by every putTargetGroup).
      `${LIVE} AND attribute_not_exists(targetType)`,
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
    const items = await this.query({
      IndexName: INDEX.bySubnet,
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.allTargetGroups },
    });
    return items.map(toTargetGroup);
  }

  async targetGroupsOf(lbArn: string): Promise<TargetGroupRecord[]> {
    const items = await this.query({
      IndexName: INDEX.byNode,
      KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :tg)',
      ExpressionAttributeValues: { ':pk': keys.byLoadBalancer(lbArn), ':tg': 'TG#' },
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
    const item = await this.get(key);
    const tags = (item?.tags ?? {}) as Tags;
    const derived = { cluster: clusterOf(tags), stack: stackOf(tags) };
    await this.update(
      key,
      compact(derived),
      undefined,
      undefined,
      undefined,
      Object.entries(derived)
        .filter(([, v]) => v === undefined)
        .map(([k]) => k),
    );
    return w;
  }

  async setAttributes(
    tgArn: string,
    changes: KeyChanges,
    stamp: EventStamp,
    delayChange?: DelayChange,
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
    );
    if (w === 'applied' && delayChange) {
      await this.update(
        key,
        {
          lastDelayChange: compact({ ...delayChange }),
          delayChangeTime: stamp.eventTime,
          delayChangeEventId: stamp.eventId,
        },
        NEWER('delayChangeTime', 'delayChangeEventId'),
        stamp,
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
    const out: WriteOutcome[] = [];
    for (const t of targets) {
      const ip = t.kind === 'ip' ? t.id : undefined;
      const node = t.nodeAtRegistration;
      out.push(
        await this.update(
          keys.target(tgArn, t.id, t.port),
          {
            entity: 'target',
            tgArn,
            id: t.id,
            port: t.port,
            kind: t.kind,
            registered: true,
            registeredAt: stamp.eventTime,
            stampTime: stamp.eventTime,
            stampEventId: stamp.eventId,
            ...compact({
              ip,
              instanceId: t.kind === 'instance' ? t.id : undefined,
              az: t.az,
              vpcId: t.vpcId,
              nodeAtRegistration: node,
              eniAtRegistration: t.eniAtRegistration,
            }),
            ...(ip && t.vpcId ? { GSI3PK: keys.targetByIp(t.vpcId, ip) } : {}),
            ...(ip && node
              ? { GSI2PK: keys.targetByNode(node), GSI2SK: `${tgArn}#${t.id}#${t.port}` }
              : {}),
          },
          NEWER('stampTime', 'stampEventId'),
          stamp,
          undefined,
          [
            'deregisteredAt',
            'expiresAt',
            ...(node ? [] : ['nodeAtRegistration', 'GSI2PK', 'GSI2SK']),
            ...(t.eniAtRegistration ? [] : ['eniAtRegistration']),
          ],
        ),
      );
    }
    return out;
  }

  async deregisterTargets(
    tgArn: string,
    targets: readonly TargetId[],
    stamp: EventStamp,
  ): Promise<WriteOutcome[]> {
    const out: WriteOutcome[] = [];
    for (const t of targets) {
      out.push(
        await this.update(
          keys.target(tgArn, t.id, t.port),
          {
            entity: 'target',
            tgArn,
            id: t.id,
            port: t.port,
            registered: false,
            deregisteredAt: stamp.eventTime,
            stampTime: stamp.eventTime,
            stampEventId: stamp.eventId,
            expiresAt: expiresAt(stamp.eventTime, RETENTION_SECONDS.tombstone),
          },
          NEWER('stampTime', 'stampEventId'),
          stamp,
          undefined,
          ['GSI2PK', 'GSI2SK', 'GSI3PK'],
        ),
      );
    }
    return out;
  }

  async targetsOf(
    tgArn: string,
    options: { includeDeregistered?: boolean } = {},
  ): Promise<TargetRecord[]> {
    const items = await this.query({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: {
        ':pk': keys.targetGroupPartition(tgArn),
        ':sk': keys.targetPrefix,
      },
    });
    return items.filter((i) => options.includeDeregistered || i.registered === true).map(toTarget);
  }

  async getTarget(tgArn: string, target: TargetId): Promise<TargetRecord | undefined> {
    const item = await this.get(keys.target(tgArn, target.id, target.port));
    return item ? toTarget(item) : undefined;
  }

  async targetsByIp(vpcId: string, ip: string): Promise<TargetRecord[]> {
    const items = await this.query({
      IndexName: INDEX.lookup,
      KeyConditionExpression: 'GSI3PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.targetByIp(vpcId, ip) },
    });
    return items.filter((i) => i.registered === true).map(toTarget);
  }

  async targetsByNode(instanceId: string): Promise<TargetRecord[]> {
    const items = await this.query({
      IndexName: INDEX.bySubnet,
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.targetByNode(instanceId) },
    });
    return items.filter((i) => i.registered === true).map(toTarget);
  }

  // --- helpers ----------------------------------------------------------------------------

  private async tombstone(key: Item, entity: Item, stamp: EventStamp): Promise<WriteOutcome> {
    const existing = await this.get(key);
    if (existing?.deleted === true) return 'unchanged';
    const w = await this.update(
      key,
      {
        ...entity,
        deleted: true,
        deletedTime: stamp.eventTime,
        deletedEventId: stamp.eventId,
        expiresAt: expiresAt(stamp.eventTime, RETENTION_SECONDS.tombstone),
      },
      LIVE,
      undefined,
      { ':false': false },
      ['GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK'],
    );
    return w;
  }

  /** Maps must exist before `SET map.key` can work. */
  private async initMaps(key: Item): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: key,
        UpdateExpression:
          'SET tags = if_not_exists(tags, :e), tagStamps = if_not_exists(tagStamps, :e), ' +
          'attributes = if_not_exists(attributes, :e), attributeStamps = if_not_exists(attributeStamps, :e)',
        ExpressionAttributeValues: { ':e': {} },
      }),
    );
  }

  /**
   * One conditional UpdateItem per key, each guarded by that key's own stamp, so an older
   * AddTags arriving late cannot undo a newer RemoveTags of the same key, yet still adds the
   * keys nobody touched since. 'applied' when any key changed.
   */
  private async setStampedKeys(
    key: Item,
    entity: Item,
    map: string,
    stamps: string,
    changes: KeyChanges,
    stamp: EventStamp,
  ): Promise<WriteOutcome> {
    const live = await this.update(key, entity, LIVE, undefined, { ':false': false });
    if (live !== 'applied') return 'stale';
    await this.initMaps(key);
    const st = stampText(stamp);
    const outcomes: WriteOutcome[] = [];
    for (const [k, v] of Object.entries(changes)) {
      const set = v === null ? 'SET #s.#k = :st REMOVE #m.#k' : 'SET #m.#k = :v, #s.#k = :st';
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: key,
            UpdateExpression: set,
            ConditionExpression: 'attribute_not_exists(#s.#k) OR #s.#k <= :st',
            ExpressionAttributeNames: { '#m': map, '#s': stamps, '#k': k },
            ExpressionAttributeValues: { ':st': st, ...(v === null ? {} : { ':v': v }) },
          }),
        );
        outcomes.push('applied');
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        outcomes.push('stale');
      }
    }
    return outcomes.includes('applied') || outcomes.length === 0 ? 'applied' : 'stale';
  }

  private async get(key: Item): Promise<Item | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
    );
    return Item;
  }

  private async query(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const out: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({ ...input, TableName: this.table, ExclusiveStartKey: start }),
      );
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** SET `values`, REMOVE `remove`, guarded by `condition`; a failed condition answers 'stale'. */
  private async update(
    key: Item,
    values: Item,
    condition?: string,
    stamp?: EventStamp,
    extra?: Item,
    remove: readonly string[] = [],
  ): Promise<WriteOutcome> {
    const names: Record<string, string> = {};
    const vals: Item = { ...(extra ?? {}) };
    const sets: string[] = [];
    let i = 0;
    for (const [k, v] of Object.entries(values)) {
      if (k === 'PK' || k === 'SK') continue;
      names[`#a${i}`] = k;
      vals[`:v${i}`] = v;
      sets.push(`#a${i} = :v${i}`);
      i++;
    }
    const removes = remove
      .filter((k) => !(k in values))
      .map((k) => {
        names[`#r${i}`] = k;
        return `#r${i++}`;
      });
    if (stamp) {
      vals[':t'] = stamp.eventTime;
      vals[':id'] = stamp.eventId;
    }
    if (condition?.includes(':false')) vals[':false'] = false;
    let expression = sets.length ? `SET ${sets.join(', ')}` : '';
    if (removes.length) expression += ` REMOVE ${removes.join(', ')}`;
    if (!expression) return 'unchanged';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: expression.trim(),
          ExpressionAttributeNames: names,
          ...(Object.keys(vals).length ? { ExpressionAttributeValues: vals } : {}),
          ...(condition ? { ConditionExpression: condition } : {}),
        }),
      );
      return 'applied';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'stale';
      throw error;
    }
  }
}

function compact(values: Item): Item {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ''));
}

function opt(i: Item, names: readonly string[]): Item {
  return Object.fromEntries(
    names.filter((n) => i[n] !== undefined && i[n] !== null).map((n) => [n, i[n]]),
  );
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
    ...(opt(i, ['ipAddressType', 'createdAt', 'cluster', 'stack']) as object),
  };
}

function toTargetGroup(i: Item): TargetGroupRecord {
  return {
    arn: String(i.arn),
    lbArns: (i.lbArns as string[] | undefined) ?? [],
    tags: (i.tags ?? {}) as Tags,
    attributes: (i.attributes ?? {}) as Record<string, string>,
    deleted: i.deleted === true,
    ...(opt(i, [
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
    ...(opt(i, [
      'ip',
      'instanceId',
      'az',
      'vpcId',
      'registeredAt',
      'deregisteredAt',
      'nodeAtRegistration',
      'eniAtRegistration',
    ]) as object),
  };
}
