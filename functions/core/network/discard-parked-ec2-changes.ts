import { discardParked, type Subject, subject } from '#core/events/parking.ts';
import type { AuditEntry, NetworkLedger } from '#core/network/network-ports.ts';

/**
 * A deleted ENI is final: changes parked for it (or for an attachment of it) never apply.
 * Each discarded change leaves an audit line, returned for the event that ended them.
 */
export async function discardParkedEc2Changes(
  subjects: readonly Subject[],
  ledger: NetworkLedger,
): Promise<AuditEntry[]> {
  const audit: AuditEntry[] = [];
  const queue = [...subjects];
  for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
    for (const p of await discardParked(ledger, s)) {
      audit.push({
        entity: s,
        action: `discarded parked ${p.name}`,
        detail: `${p.stamp.eventId} at ${p.stamp.eventTime}: its subject was deleted`,
      });
      // A discarded attach names an attachment whose detach may be waiting too, or still to
      // come: remembered, so a later detach finds the deleted ENI and loses by stamp.
      if (p.change.type === 'eni-attached' && p.change.attachmentId) {
        await ledger.recordPastAttachment(p.change.attachmentId, p.change.eniId);
        queue.push(subject.attachment(p.change.attachmentId));
      }
    }
  }
  return audit;
}
