import { applyParked, type Subject } from '#core/events/parking.ts';
import type { Affected, EventOutcome } from '#core/network/apply-ec2-event.ts';
import type { Ec2Event } from '#core/network/ec2-event.ts';
import type { NetworkLedger } from '#core/network/network-ports.ts';

/**
 * Applies, oldest first, the changes parked for subjects an event just filed, each through
 * `apply` (applyEc2Event itself, so stamp rules and processed markers hold). A detach parked
 * under its attachment id learns the ENI of the attach that filed it: that is all it lacked.
 */
export function applyParkedEc2Changes(
  ledger: NetworkLedger,
  filed: readonly Subject[],
  attached: { readonly attachmentId: string; readonly eniId: string } | undefined,
  apply: (event: Ec2Event) => Promise<EventOutcome>,
): Promise<EventOutcome[]> {
  return applyParked(ledger, filed, (p) => {
    const change =
      p.change.type === 'eni-detached' && p.change.attachmentId === attached?.attachmentId
        ? { ...p.change, eniId: attached.eniId }
        : p.change;
    return apply({ stamp: p.stamp, name: p.name, change });
  });
}

/** The nodes and subnets parked changes applied later touched count as touched by this event. */
export function withLaterAffected(affected: Affected, later: readonly EventOutcome[]): Affected {
  const more = later.flatMap((o) => (o.affected ? [o.affected] : []));
  if (more.length === 0) return affected;
  const all = [affected, ...more];
  const union = (pick: (a: Affected) => readonly string[] | undefined) =>
    [...new Set(all.flatMap((a) => pick(a) ?? []))].sort();
  const released = union((a) => a.releasedFrom);
  const addresses = all.flatMap((a) => a.addresses ?? []);
  return {
    nodes: union((a) => a.nodes),
    subnets: union((a) => a.subnets),
    ...(released.length ? { releasedFrom: released } : {}),
    ...(addresses.length ? { addresses } : {}),
  };
}
