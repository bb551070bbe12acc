import type { AlertKind } from '#core/alerts/alert.ts';
import type { AlertNotification, AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import { type AlertStore, AlertWriteConflictError } from '#core/alerts/alert-store.ts';
import type { Notifier } from '#core/alerts/notifier.ts';
import type { CapacityLedger, InstanceTypeCatalog } from '#core/capacity/capacity-ports.ts';
import type { InstanceTypeLimits } from '#core/capacity/instance-type.ts';
import type { NodeView, SubnetView } from '#core/network/network-ports.ts';

/** An AlertStore in a Map, with the same compare-and-set rule as the DynamoDB one. */
export class InMemoryAlertStore implements AlertStore {
  readonly records = new Map<string, AlertRecord>();
  readonly writes: AlertRecord[] = [];
  /** Called just before a put is checked: lets a test simulate a concurrent writer. */
  beforePut: ((record: AlertRecord) => void) | undefined;

  async get(kind: AlertKind, subject: string): Promise<AlertRecord | undefined> {
    return this.records.get(`${kind}#${subject}`);
  }

  async put(record: AlertRecord, expected?: AlertRecord | null): Promise<void> {
    this.beforePut?.(record);
    const key = `${record.kind}#${record.subject}`;
    const stored = this.records.get(key);
    if (expected !== undefined && !sameVersion(stored, expected)) {
      throw new AlertWriteConflictError(`alert ${key} changed`);
    }
    this.records.set(key, record);
    this.writes.push(record);
  }

  async listOpen(): Promise<AlertRecord[]> {
    return [...this.records.values()].filter((r) => r.status === 'open');
  }
}

function sameVersion(stored: AlertRecord | undefined, expected: AlertRecord | null): boolean {
  if (expected === null || stored === undefined) return expected === null && stored === undefined;
  return (
    stored.status === expected.status &&
    stored.lastNotifiedAt === expected.lastNotifiedAt &&
    stored.notifyCount === expected.notifyCount &&
    stored.openedAt === expected.openedAt
  );
}

/** Node and subnet views set by the test; unknown ids read as empty, as in the ledger. */
export class InMemoryCapacityLedger implements CapacityLedger {
  readonly nodes = new Map<string, NodeView>();
  readonly subnets = new Map<string, SubnetView>();

  async nodeView(instanceId: string): Promise<NodeView> {
    return this.nodes.get(instanceId) ?? { node: undefined, enis: [], addresses: [] };
  }

  async subnetView(subnetId: string): Promise<SubnetView> {
    return this.subnets.get(subnetId) ?? { subnet: undefined, enis: [], addresses: [] };
  }
}

export class StaticInstanceTypeCatalog implements InstanceTypeCatalog {
  readonly lookups: string[] = [];

  constructor(private readonly types: Readonly<Record<string, InstanceTypeLimits | Error>>) {}

  async limits(instanceType: string): Promise<InstanceTypeLimits | undefined> {
    this.lookups.push(instanceType);
    const entry = this.types[instanceType];
    if (entry instanceof Error) throw entry;
    return entry;
  }
}

/** Keeps what it was asked to deliver; `failNext` makes the next delivery reject. */
export class RecordingNotifier implements Notifier {
  readonly sent: AlertNotification[] = [];
  failNext: Error | undefined;

  async notify(notification: AlertNotification): Promise<void> {
    const failure = this.failNext;
    if (failure) {
      this.failNext = undefined;
      throw failure;
    }
    this.sent.push(notification);
  }
}
