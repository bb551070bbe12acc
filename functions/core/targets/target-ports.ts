import type { EventStamp } from '#core/events/event-envelope.ts';
import type { ParkingLot } from '#core/events/parking.ts';
import type { AuditEntry, WriteOutcome } from '#core/network/network-ports.ts';
import type { DelayChange } from '#core/targets/deregistration-delay.ts';
import type { ElbChange } from '#core/targets/elb-event.ts';
import type { LoadBalancer, Tags, TargetGroup, TargetType } from '#core/targets/target-group.ts';

/**
 * The ELB half of the ledger: load balancers, target groups and target registrations. Like the
 * network ledger, every write is conditional on the stamp of the event (or sweep) that caused it,
 * deletes leave tombstones, and the same write applied twice changes nothing.
 */

export interface LoadBalancerRecord {
  readonly arn: string;
  readonly name: string;
  readonly type: LoadBalancer['type'];
  readonly dnsName: string;
  readonly canonicalHostedZoneId: string;
  readonly ipAddressType?: string;
  readonly vpcId: string;
  readonly scheme: string;
  readonly createdAt?: string;
  readonly tags: Tags;
  /** From the `elbv2.k8s.aws/cluster` tag. */
  readonly cluster?: string;
  /** From the `service.k8s.aws/stack` (or ingress) tag. */
  readonly stack?: string;
  readonly deleted: boolean;
}

export interface TargetGroupRecord {
  readonly arn: string;
  /** Absent only while the ledger knows the target group from tags or attributes alone. */
  readonly name?: string;
  readonly targetType?: TargetType;
  readonly protocol?: string;
  readonly port?: number;
  readonly vpcId?: string;
  readonly lbArns: readonly string[];
  readonly tags: Tags;
  readonly cluster?: string;
  readonly stack?: string;
  /**
   * Attributes as far as they are known: from ModifyTargetGroupAttributes records and
   * DescribeTargetGroupAttributes reads. Never filled with guesses, so a missing delay key means
   * "not known yet", not "unset".
   */
  readonly attributes: Readonly<Record<string, string>>;
  /** Who last changed the deregistration delay, from the CloudTrail record. */
  readonly lastDelayChange?: DelayChange;
  readonly deleted: boolean;
  /** Set for a target group of an unconfigured cluster or VPC: kept only to drop its events. */
  readonly ignoredReason?: string;
}

/** What identifies a target inside its group: an IP, an instance id or an ARN, and a port. */
export interface TargetId {
  readonly id: string;
  readonly port: number;
}

export interface TargetRecord extends TargetId {
  readonly tgArn: string;
  readonly kind: 'ip' | 'instance' | 'arn';
  readonly ip?: string;
  readonly instanceId?: string;
  readonly az?: string;
  readonly vpcId?: string;
  readonly registered: boolean;
  readonly registeredAt?: string;
  readonly deregisteredAt?: string;
  /** Who held the IP when it was registered, from the IP ledger (holdersOf). */
  readonly nodeAtRegistration?: string;
  readonly eniAtRegistration?: string;
  /** Instead of the two above: the IP's holder got it only at this time, after the registration. */
  readonly ipReassignedAt?: string;
  readonly stamp: EventStamp;
}

export interface TargetRegistrationInput extends TargetId {
  readonly kind: TargetRecord['kind'];
  readonly az?: string;
  readonly vpcId?: string;
  readonly nodeAtRegistration?: string;
  readonly eniAtRegistration?: string;
  readonly ipReassignedAt?: string;
}

/** Target group facts from an event or DescribeTargetGroups; tags and attributes travel apart. */
export type TargetGroupFacts = Omit<TargetGroup, 'loadBalancerArns'> & {
  readonly loadBalancerArns?: readonly string[];
};

/** `null` removes the key. */
export type KeyChanges = Readonly<Record<string, string | null>>;

/**
 * How much of the attribute map a change states. `complete`: every attribute after the change
 * (ModifyTargetGroupAttributes' response), so its stamp is the whole map's: the ledger keeps it
 * once, writes only the keys whose value changed, and an older change of any key loses to it.
 */
export interface AttributeWriteOptions {
  readonly complete?: boolean;
}

export interface TargetLedger extends ParkingLot<ElbChange> {
  hasProcessed(eventId: string): Promise<boolean>;
  markProcessed(stamp: EventStamp, name: string, audit: readonly AuditEntry[]): Promise<void>;
  /** Audit entries without marking an event processed (remediation, sweep repairs). */
  audit(stamp: EventStamp, name: string, entries: readonly AuditEntry[]): Promise<void>;

  getLoadBalancer(arn: string): Promise<LoadBalancerRecord | undefined>;
  putLoadBalancer(lb: LoadBalancer, stamp: EventStamp): Promise<WriteOutcome>;
  /** Tombstone; final, as ELB ARNs are never reused. */
  deleteLoadBalancer(arn: string, stamp: EventStamp): Promise<WriteOutcome>;
  /** Live load balancers with their tags, in one query. */
  listLoadBalancers(): Promise<LoadBalancerRecord[]>;

  getTargetGroup(arn: string): Promise<TargetGroupRecord | undefined>;
  putTargetGroup(tg: TargetGroupFacts, stamp: EventStamp): Promise<WriteOutcome>;
  /** Remembers a target group that is out of scope, without indexing it. */
  ignoreTargetGroup(arn: string, reason: string, stamp: EventStamp): Promise<WriteOutcome>;
  /** Tombstones the target group and every registration in it. */
  deleteTargetGroup(arn: string, stamp: EventStamp): Promise<WriteOutcome>;
  /** Live target groups, in one query. */
  listTargetGroups(): Promise<TargetGroupRecord[]>;
  /** A load balancer's target groups, in one query. */
  targetGroupsOf(lbArn: string): Promise<TargetGroupRecord[]>;

  /** Per-key monotonic: each tag remembers the stamp that last set or removed it. */
  setTags(
    resource: 'load-balancer' | 'target-group',
    arn: string,
    changes: KeyChanges,
    stamp: EventStamp,
  ): Promise<WriteOutcome>;
  /**
   * Per-key monotonic, like tags. `delayChange` is stored when the delay key was applied. A
   * `complete` set also stamps the whole map, and stamps only the keys whose value changed.
   */
  setAttributes(
    tgArn: string,
    changes: KeyChanges,
    stamp: EventStamp,
    delayChange?: DelayChange,
    options?: AttributeWriteOptions,
  ): Promise<WriteOutcome>;

  registerTargets(
    tgArn: string,
    targets: readonly TargetRegistrationInput[],
    stamp: EventStamp,
  ): Promise<WriteOutcome[]>;
  deregisterTargets(
    tgArn: string,
    targets: readonly TargetId[],
    stamp: EventStamp,
  ): Promise<WriteOutcome[]>;
  /** A target group's targets in one query; deregistered ones only when asked. */
  targetsOf(tgArn: string, options?: { includeDeregistered?: boolean }): Promise<TargetRecord[]>;
  getTarget(tgArn: string, target: TargetId): Promise<TargetRecord | undefined>;
  /** Registered IP targets of an address, in every target group of the VPC. */
  targetsByIp(vpcId: string, ip: string): Promise<TargetRecord[]>;
  /** Registered IP targets of these addresses, in every target group of the VPC, in `byGroupThenTarget` order. */
  targetsByIps(vpcId: string, ips: readonly string[]): Promise<TargetRecord[]>;
  /**
   * Where a ledger keeps targets by IP in an index of its own (DynamoDB): whether that index
   * holds every registered target, and the fill, once per table, for targets registered before
   * it was kept (the number filled). A ledger without such an index has neither.
   */
  targetsAtIpsReady?(): Promise<boolean>;
  completeTargetsAtIps?(): Promise<number>;
  /** Registered IP targets whose IP was on this node at registration. */
  targetsByNode(instanceId: string): Promise<TargetRecord[]>;
}

/** Group, then target id, then port: the one order ledgers answer `targetsByIps` in. */
export function byGroupThenTarget(a: TargetRecord, b: TargetRecord): number {
  if (a.tgArn !== b.tgArn) return a.tgArn < b.tgArn ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return a.port - b.port;
}
