import type { AlertCondition, Severity } from '#core/alerts/alert.ts';
import type { EventStamp } from '#core/events/event-envelope.ts';
import {
  ipTargetKey,
  type TargetHealthState,
  type TargetType,
} from '#core/targets/target-group.ts';

/**
 * Stale IP targets. In IP mode the AWS Load Balancer Controller registers pod IPs directly. When a
 * pod goes away and the VPC CNI hands its IP to a pod on another node (or releases it), a target
 * that was not deregistered now sends traffic to the wrong pod, or nowhere. The IP ledger knows
 * who holds each IP now; the target ledger knows who held it at registration.
 */

export interface TargetRegistration {
  readonly tgArn: string;
  readonly ip: string;
  readonly port: number;
  /** ISO 8601 event time of the RegisterTargets call. */
  readonly registeredAt: string;
  /** Instance whose ENI held the IP when the target was registered, if the IP ledger knew. */
  readonly nodeAtRegistration?: string;
  readonly eniAtRegistration?: string;
  /**
   * Set instead of the two above when the registration was processed after the IP's holder got
   * it (CloudTrail is minutes late): when that holder was assigned the IP, which is after
   * `registeredAt`, so the registered pod was somewhere else.
   */
  readonly ipReassignedAt?: string;
  /** The target group's type. Only `ip` target groups are joined to pod IPs. */
  readonly targetType?: TargetType;
}

/** The IP ledger's current holder of an address. `instanceId` absent: the ENI is not attached. */
export interface IpHolder {
  readonly eniId: string;
  readonly instanceId?: string;
  /** Stamp of the ledger write that filed the address on this ENI. */
  readonly since?: EventStamp;
}

export type StaleReason =
  | 'ip-not-on-any-eni'
  | 'ip-moved-to-another-node'
  | 'ip-on-detached-eni'
  | 'ip-reassigned-after-registration';
export type FreshReason =
  | 'ip-on-registered-node'
  | 'ip-on-registered-eni'
  /** Nothing was known at registration, so there is nothing to compare: the IP is at least held. */
  | 'no-baseline'
  | 'not-an-ip-target';

export type StaleDecision =
  | { readonly stale: true; readonly reason: StaleReason }
  | { readonly stale: false; readonly reason: FreshReason };

export type RegistrationBaseline = Pick<
  TargetRegistration,
  'nodeAtRegistration' | 'eniAtRegistration' | 'ipReassignedAt'
>;

/** A sweep files what it finds under its own start time, which says nothing of when the IP came. */
const isSweepStamp = (stamp: EventStamp): boolean => stamp.eventId.startsWith('sweep:');

/**
 * Who held the IP at `registeredAt`, judged from who holds it when the registration is
 * processed. A holder assigned the IP after the registration (an event's stamp newer than it)
 * cannot be the registered pod's node: the baseline is then unknown, and recorded as such.
 */
export function registrationBaseline(
  holder: IpHolder | undefined,
  registeredAt: string,
): RegistrationBaseline {
  if (holder === undefined) return {};
  const since = holder.since;
  if (since !== undefined && !isSweepStamp(since)) {
    const assigned = Date.parse(since.eventTime);
    const registered = Date.parse(registeredAt);
    if (assigned > registered) return { ipReassignedAt: since.eventTime };
  }
  return {
    ...(holder.instanceId === undefined ? {} : { nodeAtRegistration: holder.instanceId }),
    eniAtRegistration: holder.eniId,
  };
}

export function decideStaleTarget(
  registration: TargetRegistration,
  holder: IpHolder | undefined,
): StaleDecision {
  // Instance targets carry node IPs whose ownership does not follow pods; never join them.
  if (registration.targetType !== undefined && registration.targetType !== 'ip') {
    return { stale: false, reason: 'not-an-ip-target' };
  }
  if (holder === undefined) return { stale: true, reason: 'ip-not-on-any-eni' };
  // Whoever holds it now got it after the registration (or later still): not the registered pod.
  if (registration.ipReassignedAt !== undefined) {
    return { stale: true, reason: 'ip-reassigned-after-registration' };
  }

  const { nodeAtRegistration, eniAtRegistration } = registration;
  if (holder.instanceId === undefined) {
    // Same ENI or not, an unattached ENI receives no traffic: the target is a black hole.
    if (nodeAtRegistration !== undefined || eniAtRegistration !== undefined) {
      return { stale: true, reason: 'ip-on-detached-eni' };
    }
    return { stale: false, reason: 'no-baseline' };
  }
  if (nodeAtRegistration !== undefined) {
    return holder.instanceId === nodeAtRegistration
      ? { stale: false, reason: 'ip-on-registered-node' }
      : { stale: true, reason: 'ip-moved-to-another-node' };
  }
  if (eniAtRegistration !== undefined) {
    // VPC CNI ENIs belong to one node for life (description aws-K8S-<instance-id>), so another ENI
    // means another node in all but the rarest case.
    return holder.eniId === eniAtRegistration
      ? { stale: false, reason: 'ip-on-registered-eni' }
      : { stale: true, reason: 'ip-moved-to-another-node' };
  }
  return { stale: false, reason: 'no-baseline' };
}

export interface StaleTargetContext {
  readonly cluster: string;
  /** `namespace/name` of the owning Service or Ingress, from the target group's tags. */
  readonly stack?: string;
  /** The target has since been deregistered: nothing to alert about any more. */
  readonly deregistered?: boolean;
  /** Last known health of the target, for the message. */
  readonly health?: TargetHealthState;
}

const REASON_TEXT: Record<StaleReason, string> = {
  'ip-not-on-any-eni': 'no ENI holds this IP any more; traffic to it goes nowhere',
  'ip-moved-to-another-node':
    'the VPC CNI gave this IP to another node; traffic may reach the wrong pod',
  'ip-on-detached-eni': 'the ENI holding this IP is no longer attached to a node',
  'ip-reassigned-after-registration':
    'the VPC CNI gave this IP to its holder after the registration; traffic may reach the wrong pod',
};

/**
 * The alert condition for one IP target. Active while the decision is stale and the target is
 * still registered; inactive (resolves) once it is deregistered, or when the IP is back where it
 * was registered (or re-registered with a new baseline), i.e. the decision is no longer stale.
 */
export function staleTargetCondition(
  registration: TargetRegistration,
  holder: IpHolder | undefined,
  context: StaleTargetContext,
): AlertCondition {
  const decision = decideStaleTarget(registration, holder);
  const { tgArn, ip, port } = registration;
  const active = decision.stale && context.deregistered !== true;
  // A reused IP can pass health checks while serving another app: worse than a dead target.
  const severity: Severity =
    decision.stale &&
    (decision.reason === 'ip-moved-to-another-node' ||
      decision.reason === 'ip-reassigned-after-registration')
      ? 'critical'
      : 'warning';
  const owner = context.stack ?? 'unknown service';
  const now = holder
    ? `now on ${holder.eniId}${holder.instanceId ? ` (${holder.instanceId})` : ' (not attached)'}`
    : 'now on no ENI';
  const then =
    registration.nodeAtRegistration ??
    registration.eniAtRegistration ??
    (registration.ipReassignedAt === undefined
      ? 'unknown'
      : `a node unknown (the IP changed hands at ${registration.ipReassignedAt})`);

  const title = !decision.stale
    ? `Target ${ip}:${port} of ${owner} is no longer stale`
    : context.deregistered
      ? `Stale target ${ip}:${port} of ${owner} was deregistered`
      : `Stale target ${ip}:${port} in ${owner}`;
  const summary = decision.stale
    ? `${ip}:${port} registered at ${registration.registeredAt} on ${then}, ${now}: ${REASON_TEXT[decision.reason]}`
    : `${ip}:${port} ${now} (${decision.reason})`;

  const facts: Record<string, string | number | boolean> = {
    targetGroupArn: tgArn,
    ip,
    port,
    reason: decision.reason,
    registeredAt: registration.registeredAt,
    holderEni: holder?.eniId ?? 'none',
    holderNode: holder?.instanceId ?? 'none',
  };
  if (context.stack !== undefined) facts.stack = context.stack;
  if (registration.nodeAtRegistration !== undefined) {
    facts.registeredNode = registration.nodeAtRegistration;
  }
  if (registration.eniAtRegistration !== undefined) {
    facts.registeredEni = registration.eniAtRegistration;
  }
  if (registration.ipReassignedAt !== undefined) {
    facts.ipReassignedAt = registration.ipReassignedAt;
  }
  if (context.health !== undefined) facts.health = context.health;
  if (context.deregistered !== undefined) facts.deregistered = context.deregistered;

  return {
    kind: 'stale-target',
    subject: ipTargetKey(tgArn, ip, port),
    cluster: context.cluster,
    active,
    severity,
    title,
    summary,
    facts,
  };
}
