import { MemoryEventLog } from '#adapters/memory/memory-event-log.ts';
import { MemoryNetworkLedger } from '#adapters/memory/memory-network-ledger.ts';
import { MemoryTargetLedger } from '#adapters/memory/memory-target-ledger.ts';
import type { UnitOfWork } from '#core/events/unit-of-work.ts';
import type { Ec2Change } from '#core/network/ec2-event.ts';
import type { NetworkLedger } from '#core/network/network-ports.ts';
import type { ElbChange } from '#core/targets/elb-event.ts';
import type { TargetLedger } from '#core/targets/target-ports.ts';

/** The unit was used after its commit. */
export class UnitCommittedError extends Error {
  override readonly name = 'UnitCommittedError';
}

/** Maps as entry lists, so two states compare as text. */
const asText = (value: unknown) =>
  JSON.stringify(value, (_, v) => (v instanceof Map ? [...v.entries()] : v));

/**
 * One event's unit of work on the memory ledgers: the event runs on copies, and the commit puts
 * the copies back, unless the ledgers changed meanwhile ('lost': nothing is applied). Coarser
 * than DynamoDB's (any change counts as a conflict, not only one to an item the unit read),
 * which the contract allows: a lost unit is applied again item by item.
 */
export function memoryUnitOfWork(
  network: MemoryNetworkLedger,
  targets: MemoryTargetLedger,
): UnitOfWork<{ network: NetworkLedger; targets: TargetLedger }, Ec2Change | ElbChange> {
  const log = network.events;
  const state = () =>
    asText([
      network.snapshot(),
      targets.snapshot(),
      log === targets.events ? [] : targets.events.snapshot(),
      log.snapshot(),
    ]);
  const opened = state();
  const unitLog = new MemoryEventLog();
  unitLog.restore(log.snapshot());
  const unitNetwork = new MemoryNetworkLedger(unitLog);
  unitNetwork.restore(network.snapshot());
  // Two ledgers on one event log (as on one table) stay so; a target ledger of its own keeps its own.
  const unitTargets = new MemoryTargetLedger(
    log === targets.events ? unitLog : new MemoryEventLog(),
  );
  if (log !== targets.events) unitTargets.events.restore(targets.events.snapshot());
  unitTargets.restore(targets.snapshot());
  let committed = false;
  return {
    ports: { network: unitNetwork, targets: unitTargets },
    prepare: async () => undefined,
    commit: async () => {
      if (committed) throw new UnitCommittedError('the unit of work was already committed');
      committed = true;
      if (state() !== opened) {
        return { status: 'lost', reason: 'the ledger changed while the unit was open' };
      }
      network.restore(unitNetwork.snapshot());
      targets.restore(unitTargets.snapshot());
      log.restore(unitLog.snapshot());
      if (log !== targets.events) targets.events.restore(unitTargets.events.snapshot());
      return { status: 'committed', requests: 0 };
    },
  };
}
