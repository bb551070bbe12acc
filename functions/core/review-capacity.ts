import type { AlertCondition, AlertKind } from './alert.ts';
import {
  type AlertNotificationType,
  type AlertPolicy,
  type AlertRecord,
  nextAlert,
} from './alert-lifecycle.ts';
import type { Affected } from './apply-ec2-event.ts';
import {
  type AlertStore,
  AlertWriteConflictError,
  type CapacityLedger,
  type InstanceTypeCatalog,
} from './capacity-ports.ts';
import { type CapacitySettings, clusterSettings } from './capacity-settings.ts';
import { nodeCapacityFromView, subnetCapacityFromView, subnetClusters } from './capacity-views.ts';
import { InstanceTypeDataError } from './instance-type.ts';
import { evaluateNodeCapacity } from './node-capacity.ts';
import type { Notifier } from './notifier.ts';
import { evaluateSubnetExhaustion, evaluateSubnetFragmentation } from './subnet-capacity.ts';

export interface ReviewCapacityDeps {
  readonly ledger: CapacityLedger;
  readonly alerts: AlertStore;
  readonly catalog: InstanceTypeCatalog;
  readonly notifier: Notifier;
  readonly settings: CapacitySettings;
  /** ISO-8601; the caller reads the clock. */
  readonly now: string;
}

/**
 * What happened to one alert: a notification went out (opened, reminded, resolved), the
 * stored numbers changed silently (updated), nothing changed (unchanged), or another
 * invocation stored its decision first and ours was dropped unsent (conflict).
 */
export type AlertOutcome =
  | 'opened'
  | 'reminded'
  | 'resolved'
  | 'updated'
  | 'unchanged'
  | 'conflict';

/** One alert that exists in the store, for the log line. Subjects that never alerted are left out. */
export interface ReviewedAlert {
  readonly kind: AlertKind;
  readonly subject: string;
  readonly cluster: string;
  readonly active: boolean;
  readonly outcome: AlertOutcome;
}

export interface SkippedSubject {
  readonly subject: string;
  readonly reason: string;
}

export interface CapacityReview {
  readonly alerts: readonly ReviewedAlert[];
  readonly skipped: readonly SkippedSubject[];
}

/** States in which a node runs no pods any more: its capacity alert has nothing left to say. */
const GONE_STATES = new Set(['shutting-down', 'terminated']);
/** SNS and the notify function need a cluster; nodes outside any EKS cluster only appear with CLUSTERS=all. */
const UNKNOWN_CLUSTER = 'unknown';
/** Makes an alert overdue, so the next evaluation sends it again as a reminder. */
const NEVER = '1970-01-01T00:00:00.000Z';

/**
 * Re-evaluates the capacity alerts of the nodes and subnets an event touched: node pod
 * capacity, subnet exhaustion and, where a cluster uses prefix delegation, /28
 * fragmentation. Each alert is stored before it is delivered, with a conditional write,
 * so concurrent invocations for one node notify once. A failed delivery is rolled back
 * (or, for a first open, marked overdue) so the next evaluation sends it again, and then
 * rethrown once every subject has been reviewed.
 */
export async function reviewCapacity(
  affected: Affected,
  deps: ReviewCapacityDeps,
): Promise<CapacityReview> {
  const alerts: ReviewedAlert[] = [];
  const skipped: SkippedSubject[] = [];
  const failures: unknown[] = [];
  const evaluate = async (
    kind: AlertKind,
    subject: string,
    condition: (wasOpen: boolean, previous: AlertRecord | undefined) => AlertCondition,
  ) => {
    try {
      const previous = await deps.alerts.get(kind, subject);
      const reviewed = await settle(
        previous,
        condition(previous?.status === 'open', previous),
        deps,
      );
      if (reviewed) alerts.push(reviewed);
    } catch (error) {
      failures.push(error);
    }
  };

  for (const nodeId of affected.nodes) {
    const view = await deps.ledger.nodeView(nodeId);
    const node = view.node;
    if (!node) {
      skipped.push({ subject: nodeId, reason: 'node not in the ledger' });
      continue;
    }
    if (node.state && GONE_STATES.has(node.state)) {
      const state = node.state;
      await evaluate('node-pod-capacity', nodeId, (_, previous) => ({
        kind: 'node-pod-capacity',
        subject: nodeId,
        cluster: previous?.cluster ?? node.cluster ?? UNKNOWN_CLUSTER,
        active: false,
        severity: previous?.severity ?? 'info',
        title: previous?.title ?? `Node ${nodeId} ${state}`,
        summary: `${nodeId} is ${state}: its pods and addresses are gone`,
        facts: { state },
      }));
      skipped.push({ subject: nodeId, reason: `node is ${state}` });
      continue;
    }
    if (!node.instanceType) {
      skipped.push({ subject: nodeId, reason: 'instance type not known yet' });
      continue;
    }
    let limits: Awaited<ReturnType<InstanceTypeCatalog['limits']>>;
    try {
      limits = await deps.catalog.limits(node.instanceType);
    } catch (error) {
      if (!(error instanceof InstanceTypeDataError)) throw error;
      skipped.push({ subject: nodeId, reason: error.message });
      continue;
    }
    if (!limits) {
      skipped.push({
        subject: nodeId,
        reason: `instance type ${node.instanceType} unknown to EC2`,
      });
      continue;
    }
    const settings = clusterSettings(deps.settings.clusters, node.cluster);
    const capacity = nodeCapacityFromView(view, nodeId, limits, settings);
    await evaluate('node-pod-capacity', nodeId, (wasOpen) =>
      withCluster(evaluateNodeCapacity(capacity, deps.settings.thresholds.node, wasOpen)),
    );
  }

  for (const subnetId of affected.subnets) {
    const view = await deps.ledger.subnetView(subnetId);
    const capacity = subnetCapacityFromView(view, subnetId);
    if (!capacity) {
      skipped.push({ subject: subnetId, reason: 'subnet CIDR not known' });
      continue;
    }
    const { thresholds } = deps.settings;
    await evaluate('subnet-exhaustion', subnetId, (wasOpen) =>
      withCluster(evaluateSubnetExhaustion(capacity, thresholds.subnetExhaustion, wasOpen)),
    );
    const prefixes = subnetClusters(view).some(
      (cluster) => clusterSettings(deps.settings.clusters, cluster).prefixDelegation,
    );
    await evaluate('subnet-fragmentation', subnetId, (wasOpen) => {
      const condition = evaluateSubnetFragmentation(
        capacity,
        thresholds.subnetFragmentation,
        wasOpen,
      );
      // Without prefix delegation fragmentation cannot hurt: only clear an alert left from before.
      return withCluster(prefixes ? condition : { ...condition, active: false });
    });
  }

  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    throw new AggregateError(failures, `${failures.length} capacity alerts could not be settled`);
  }
  return { alerts, skipped };
}

function withCluster(condition: AlertCondition): AlertCondition {
  return condition.cluster ? condition : { ...condition, cluster: UNKNOWN_CLUSTER };
}

/** Stores the next state of one alert and delivers its notification; `undefined` when nothing exists or changed. */
async function settle(
  previous: AlertRecord | undefined,
  condition: AlertCondition,
  deps: ReviewCapacityDeps,
): Promise<ReviewedAlert | undefined> {
  const policy: AlertPolicy = deps.settings.alertPolicy;
  const { record, notification } = nextAlert(previous, condition, deps.now, policy);
  if (!record) return undefined;
  const base = {
    kind: condition.kind,
    subject: condition.subject,
    cluster: record.cluster,
    active: condition.active,
  };
  if (!notification && sameRecord(record, previous)) return { ...base, outcome: 'unchanged' };
  try {
    await deps.alerts.put(record, previous ?? null);
  } catch (error) {
    if (error instanceof AlertWriteConflictError) return { ...base, outcome: 'conflict' };
    throw error;
  }
  if (!notification) return { ...base, outcome: 'updated' };
  try {
    await deps.notifier.notify(notification);
  } catch (error) {
    const retry = previous?.status === 'open' ? previous : { ...record, lastNotifiedAt: NEVER };
    // If even this fails, the original delivery error is the one worth reporting.
    await deps.alerts.put(retry, record).catch(() => undefined);
    throw error;
  }
  return { ...base, outcome: SENT[notification.type] };
}

const SENT: Record<AlertNotificationType, AlertOutcome> = {
  open: 'opened',
  remind: 'reminded',
  resolve: 'resolved',
};

/** Stores may hand maps back in another key order, so compare canonically. */
function sameRecord(a: AlertRecord, b: AlertRecord | undefined): boolean {
  return b !== undefined && canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
