import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { toRecord } from '#adapters/dynamodb/ledger-alerts.ts';
import { keys } from '#adapters/dynamodb/ledger-keys.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { LedgerSession } from '#adapters/dynamodb/ledger-session.ts';
import type { Item } from '#adapters/dynamodb/ledger-table.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import type { AlertRef, AlertStore } from '#core/alerts/alert-store.ts';
import { capacityAlertRefsNamedBy } from '#core/capacity/review-capacity.ts';
import { type Subject, subject } from '#core/events/parking.ts';
import type { UnitOfWork } from '#core/events/unit-of-work.ts';
import type { Ec2Change } from '#core/network/ec2-event.ts';
import { cniOwner, eniAddresses } from '#core/network/eni-classify.ts';
import type { EniFacts } from '#core/network/network.ts';
import type { NetworkLedger } from '#core/network/network-ports.ts';
import type { SweepFiling } from '#core/network/sweep-network.ts';
import type { ElbChange } from '#core/targets/elb-event.ts';
import { ipTargetKey } from '#core/targets/target-group.ts';
import type { TargetLedger } from '#core/targets/target-ports.ts';

/** The ledger ports one event's use case runs on. */
export interface EventLedgerPorts {
  readonly network: NetworkLedger;
  readonly targets: TargetLedger;
  /** Alerts the unit read ahead with the event's items (absent: the store reads them itself). */
  readonly alerts?: Pick<AlertStore, 'getMany'>;
}

export type EventChange = Ec2Change | ElbChange;

/** What a unit is prepared for: an event's change, or what a sweep files that its read had not. */
export type UnitSubject = EventChange | SweepFiling;

/**
 * One event's unit of work on the DynamoDB ledger: both ledgers on one LedgerSession, so the
 * event's writes (network and targets, parking, audit, the processed-event marker) commit
 * together in one TransactWriteItems where they fit.
 */
export function dynamoUnitOfWork(
  db: DynamoDBDocumentClient,
  tableName: string,
): UnitOfWork<EventLedgerPorts, UnitSubject> {
  const session = new LedgerSession(db, tableName);
  return {
    ports: {
      network: new DynamoNetworkLedger(db, tableName, session),
      targets: new DynamoTargetLedger(db, tableName, session),
      alerts: { getMany: (refs) => alertsThrough(session, refs) },
    },
    prepare: async (eventId, change) => {
      if ('unread' in change) {
        // The sweep's read found none of these: nothing to read (a node's and an ENI's items
        // each live in their own partition), and the commit's pins catch a writer in between.
        const { nodes, enis } = change.unread;
        session.assumeEmpty([
          ...nodes.map((n) => String(keys.node(n).PK)),
          ...enis.map((e) => keys.eniPartition(e)),
        ]);
        return;
      }
      await session.prefetch([keys.event(eventId), ...keysOf(change)]);
    },
    commit: () => session.commit(),
  };
}

/**
 * Alerts read through the session: those read ahead with the event's items cost nothing more,
 * the rest come in one BatchGetItem. Only read here: alerts are written outside the unit, so a
 * notification is stored before it is sent, whatever becomes of the unit's commit.
 */
async function alertsThrough(
  session: LedgerSession,
  refs: readonly AlertRef[],
): Promise<AlertRecord[]> {
  const wanted = refs.map((r) => keys.alert(r.kind, r.subject));
  await session.prefetch(wanted);
  const items = await Promise.all(wanted.map((k) => session.get(k)));
  return items.flatMap((i) => (i ? [toRecord(i)] : []));
}

/**
 * The items applying a change reads first, as far as the change names them, with the parked
 * markers of every subject it names (filing or ending a subject with nothing parked then costs
 * no read of its own) and the alerts the review that follows the change may settle.
 */
export function keysOf(change: EventChange): Item[] {
  return [
    ...itemKeysOf(change),
    ...subjectsOf(change).map((s) => keys.parkedMarker(s)),
    ...alertsOf(change).map((r) => keys.alert(r.kind, r.subject)),
  ];
}

/**
 * The alerts the review that follows a change may settle, as far as the change names them: an
 * EC2 change's capacity alerts, an ELB change's stale-target and delay-drift alerts.
 */
function alertsOf(change: EventChange): AlertRef[] {
  if (!('kind' in change)) return capacityAlertRefsNamedBy(change);
  const delay = (arn: string): AlertRef => ({ kind: 'deregistration-delay-drift', subject: arn });
  switch (change.kind) {
    case 'targets-registered':
    case 'targets-deregistered':
      return [
        delay(change.tgArn),
        ...change.targets.flatMap((t) =>
          t.type === 'ip' && t.port !== undefined
            ? [{ kind: 'stale-target' as const, subject: ipTargetKey(change.tgArn, t.ip, t.port) }]
            : [],
        ),
      ];
    case 'target-group-deleted':
    case 'target-group-attributes-modified':
      return [delay(change.arn)];
    case 'tags-added':
    case 'tags-removed':
      return change.arns.filter((arn) => arn.includes(':targetgroup/')).map(delay);
    default:
      return [];
  }
}

/** The parking subjects a change names: those it may file, or end. */
function subjectsOf(change: EventChange): Subject[] {
  if ('kind' in change) {
    switch (change.kind) {
      case 'targets-registered':
      case 'targets-deregistered':
        return [subject.targetGroup(change.tgArn)];
      case 'target-group-created':
      case 'target-group-deleted':
      case 'target-group-attributes-modified':
        return [subject.targetGroup(change.arn)];
      case 'load-balancer-created':
      case 'load-balancer-deleted':
        return [subject.loadBalancer(change.arn)];
      case 'tags-added':
      case 'tags-removed':
        return change.arns.map((arn) =>
          arn.includes(':targetgroup/') ? subject.targetGroup(arn) : subject.loadBalancer(arn),
        );
    }
  }
  const eniSubjects = (eni: EniFacts) => [
    subject.eni(eni.eniId),
    ...(eni.attachment?.attachmentId ? [subject.attachment(eni.attachment.attachmentId)] : []),
  ];
  switch (change.type) {
    case 'instance-state':
      return [subject.instance(change.instanceId)];
    case 'instances-launched':
      return [
        ...change.instances.map((i) => subject.instance(i.instanceId)),
        ...change.enis.flatMap(eniSubjects),
      ];
    case 'eni-created':
      return eniSubjects(change.eni);
    case 'eni-attached':
      return [
        subject.eni(change.eniId),
        ...(change.attachmentId ? [subject.attachment(change.attachmentId)] : []),
      ];
    case 'eni-detached':
      return [
        subject.attachment(change.attachmentId),
        ...(change.eniId ? [subject.eni(change.eniId)] : []),
      ];
    case 'eni-deleted':
    case 'addresses-assigned':
    case 'addresses-unassigned':
      return [subject.eni(change.eniId)];
  }
}

function itemKeysOf(change: EventChange): Item[] {
  // ELB changes carry `kind` (a load balancer's `type` is its kind of LB); EC2 changes do not.
  if (!('kind' in change)) return ec2Keys(change);
  switch (change.kind) {
    case 'targets-registered':
    case 'targets-deregistered':
      return [
        keys.targetGroup(change.tgArn),
        ...change.targets.flatMap((t) => {
          const id = t.type === 'ip' ? t.ip : t.type === 'instance' ? t.instanceId : t.arn;
          return t.port === undefined ? [] : [keys.target(change.tgArn, id, t.port)];
        }),
        // A registration adds each IP's entry only where it is not there yet; a
        // deregistration takes it out where it is.
        ...change.targets.flatMap((t) => (t.type === 'ip' ? [keys.targetsAtIp(t.ip)] : [])),
      ];
    case 'target-group-created':
    case 'target-group-deleted':
    case 'target-group-attributes-modified':
      return [keys.targetGroup(change.arn)];
    case 'load-balancer-created':
    case 'load-balancer-deleted':
      return [keys.loadBalancer(change.arn)];
    case 'tags-added':
    case 'tags-removed':
      return change.arns.map((arn) =>
        arn.includes(':targetgroup/') ? keys.targetGroup(arn) : keys.loadBalancer(arn),
      );
  }
}

function ec2Keys(change: Ec2Change): Item[] {
  switch (change.type) {
    case 'instance-state':
      return [keys.node(change.instanceId)];
    case 'instances-launched':
      return [
        ...change.instances.map((i) => keys.node(i.instanceId)),
        ...change.enis.flatMap(eniKeys),
      ];
    case 'eni-created': {
      const owner = change.eni.attachment?.instanceId || cniOwner(change.eni);
      return [
        ...eniKeys(change.eni),
        ...(owner ? [keys.node(owner)] : []),
        ...targetsAtKeys(change.eni.secondaryIps),
      ];
    }
    case 'eni-attached':
      return [keys.eni(change.eniId), keys.node(change.instanceId)];
    case 'eni-detached':
      return [
        keys.pastAttachment(change.attachmentId),
        ...(change.eniId ? [keys.eni(change.eniId)] : []),
      ];
    case 'eni-deleted':
      return [keys.eni(change.eniId)];
    case 'addresses-assigned':
    case 'addresses-unassigned':
      return [
        keys.eni(change.eniId),
        ...[...change.ips, ...change.prefixes].map((a) => keys.address(change.eniId, a)),
        ...targetsAtKeys(change.ips),
      ];
  }
}

/** The targets at the IPs an EC2 change names, which its stale-target review looks up. */
function targetsAtKeys(ips: readonly string[]): Item[] {
  return ips.length ? [keys.targetsAtIpReady, ...ips.map((ip) => keys.targetsAtIp(ip))] : [];
}

function eniKeys(eni: EniFacts): Item[] {
  return [
    keys.eni(eni.eniId),
    keys.subnet(eni.subnetId),
    ...eniAddresses(eni).map((a) => keys.address(eni.eniId, a.address)),
  ];
}
