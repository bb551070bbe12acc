import { compareStamps } from '#core/events/event-envelope.ts';
import type { AddressRecord, EniRecord, NetworkLedger } from '#core/network/network-ports.ts';
import type { LedgerState } from '#core/network/plan-network-sweep.ts';

/** One ledger entry for an address in a VPC, with the ENI that entry names (if it is still known). */
export interface AddressClaim {
  readonly address: AddressRecord;
  /** False once the address was unassigned (a release tombstone). */
  readonly assigned: boolean;
  readonly eni: EniRecord | undefined;
}

/**
 * Which live ENI holds an address right now, from every claim the ledger has on it.
 *
 * - Released addresses and addresses of deleted (or unknown) ENIs hold nothing.
 * - Two live ENIs can claim one address while the older release is still in CloudTrail's
 *   pipeline: the newest assignment (by event stamp) is the one that holds it.
 * - The holder's node is the instance its ENI is attached to now. A detached ENI still files
 *   under the node it was made for, but nobody holds its addresses: no instance id then.
 */
export function holderOf(claims: readonly AddressClaim[]): AddressRecord | undefined {
  let holder: { record: AddressRecord; eni: EniRecord } | undefined;
  for (const claim of claims) {
    const { eni } = claim;
    if (!claim.assigned || !eni || eni.deleted) continue;
    if (!holder || compareStamps(claim.address.stamp, holder.record.stamp) > 0) {
      holder = { record: claim.address, eni };
    }
  }
  if (!holder) return undefined;
  const { instanceId: _filedUnder, ...rest } = holder.record;
  const attachedTo = holder.eni.attachment?.instanceId;
  return attachedTo ? { ...rest, instanceId: attachedTo } : rest;
}

/**
 * Address holders answered from a ledger read in full (the sweep's read), so the target
 * sweep and review ask no query and no ENI read per target. The read holds assigned
 * addresses of live ENIs only, which are the only claims that can hold an address.
 */
export function snapshotHolders(state: LedgerState): Pick<NetworkLedger, 'holdersOf'> {
  const enis = new Map(state.enis.map((e) => [e.eniId, e]));
  const claims = new Map<string, AddressClaim[]>();
  for (const address of state.addresses) {
    const key = `${address.vpcId}|${address.address}`;
    const claim = { address, assigned: true, eni: enis.get(address.eniId) };
    const list = claims.get(key);
    if (list) list.push(claim);
    else claims.set(key, [claim]);
  }
  return {
    holdersOf: (vpcId, addresses, orElseAt) =>
      heldAmong(
        addresses,
        async (address) => holderOf(claims.get(`${vpcId}|${address}`) ?? []),
        orElseAt,
      ),
  };
}

/** `holdersOf` asked one address at a time: for ledgers that answer from memory. */
export async function heldAmong(
  addresses: readonly string[],
  holderOfOne: (address: string) => Promise<AddressRecord | undefined>,
  orElseAt?: (address: string) => string | undefined,
): Promise<Map<string, AddressRecord>> {
  const held = new Map<string, AddressRecord>();
  for (const address of new Set(addresses)) {
    const second = orElseAt?.(address);
    const holder = (await holderOfOne(address)) ?? (second ? await holderOfOne(second) : undefined);
    if (holder) held.set(address, holder);
  }
  return held;
}
