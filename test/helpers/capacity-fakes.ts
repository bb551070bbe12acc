import { MemoryAlertStore } from '#adapters/memory/memory-alert-store.ts';
import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import type { CapacityLedger, InstanceTypeCatalog } from '#core/capacity/capacity-ports.ts';
import type { InstanceTypeLimits } from '#core/capacity/instance-type.ts';
import type { NodeView, SubnetView } from '#core/network/network-ports.ts';

/**
 * The memory alert store, watched: every stored record is kept in `writes`, and `beforePut`
 * runs just before a put is checked, so a test can play a concurrent writer.
 */
export class InMemoryAlertStore extends MemoryAlertStore {
  readonly writes: AlertRecord[] = [];
  beforePut: ((record: AlertRecord) => Promise<void> | void) | undefined;

  override async put(record: AlertRecord, expected?: AlertRecord | null): Promise<void> {
    await this.beforePut?.(record);
    await super.put(record, expected);
    this.writes.push(record);
  }
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

/** The memory notifier under the name the tests know it by. */
export { MemoryNotifier as RecordingNotifier } from '#adapters/memory/memory-notifier.ts';
