import type { ConsumerKind, EniAttachment } from '#core/network/network.ts';

/**
 * Which node an ENI is filed under, so a node's one query finds it and its addresses.
 * A ledger adapter stores the answer; it does not decide it.
 */

/** Filing an ENI from its facts: attached ENIs under their instance, others under the node they were made for. */
export type EniFiling =
  /** Attached: filed under the instance it is attached to, whatever it was made for. */
  | { readonly by: 'attachment'; readonly attachment: EniAttachment }
  /**
   * Not attached, but made for a node (a CNI ENI's description or tag names it): filed under
   * that node unless the ledger already knows an attachment (a newer attach event won).
   */
  | { readonly by: 'made-for'; readonly instanceId: string }
  | { readonly by: 'none' };

/** How an ENI created or read back is filed. An attachment without an instance id is no attachment. */
export function eniFiling(
  attachment: EniAttachment | undefined,
  madeFor: string | undefined,
): EniFiling {
  if (attachment?.instanceId) return { by: 'attachment', attachment };
  if (madeFor) return { by: 'made-for', instanceId: madeFor };
  return { by: 'none' };
}

/**
 * After a detach: a CNI ENI stays filed under the node it was made for (ipamd re-attaches it
 * there or deletes it), so the node still counts it; any other ENI belongs to no node.
 */
export function keepsNodeAfterDetach(kind: ConsumerKind): boolean {
  return kind === 'vpc-cni';
}
