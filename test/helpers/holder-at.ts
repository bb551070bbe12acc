import type { AddressRecord, NetworkLedger } from '#core/network/network-ports.ts';

/** Who holds one address, asked as the ledger is asked for several. */
export async function holderAt(
  ledger: Pick<NetworkLedger, 'holdersOf'>,
  vpcId: string,
  address: string,
): Promise<AddressRecord | undefined> {
  return (await ledger.holdersOf(vpcId, [address])).get(address);
}
