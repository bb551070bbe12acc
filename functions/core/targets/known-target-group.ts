import type { Subject } from '#core/events/parking.ts';
import { subject } from '#core/events/parking.ts';
import { outOfScope } from '#core/events/scope.ts';
import type { ElbDeps } from '#core/targets/apply-elb-event.ts';
import type { TargetGroupRecord } from '#core/targets/target-ports.ts';

/**
 * One event's budget of ELBv2 describe calls: at most one, spent only when the event does not
 * carry the answer (a target group the ledger has never seen, or a delay it does not know).
 */
export class DescribeBudget {
  private used = 0;
  take(): boolean {
    if (this.used >= 1) return false;
    this.used++;
    return true;
  }
}

/**
 * The target group from the ledger, or from one DescribeTargetGroups call when the ledger has
 * never seen it (its create record was missed or has not arrived yet). When neither can answer
 * (local mode, the budget spent, or the group already gone), the caller parks its change under
 * the group: read-back first, parking when the read-back cannot answer.
 */
export async function knownTargetGroup(
  arn: string,
  deps: ElbDeps,
  budget: DescribeBudget,
  now: string,
): Promise<
  | { record: TargetGroupRecord; note?: string; filed?: boolean }
  | { ignored: string }
  | { park: Subject; reason: string }
> {
  const known = await deps.targets.getTargetGroup(arn);
  if (known?.ignoredReason) return { ignored: `target group ${arn}: ${known.ignoredReason}` };
  if (known?.deleted) return { ignored: `target group ${arn} was deleted` };
  if (known?.name) return { record: known };
  if (!budget.take()) {
    return {
      park: subject.targetGroup(arn),
      reason: `target group ${arn} not in the ledger (one describe per event spent); parked until it is filed`,
    };
  }
  const found = await deps.elbv2.describeTargetGroup(arn);
  if (!found) {
    return {
      park: subject.targetGroup(arn),
      reason: `unknown target group ${arn}: not in the ledger and DescribeTargetGroups says not found; parked until it is filed`,
    };
  }
  const why = outOfScope(deps.scope, found.vpcId, undefined);
  if (why) return { ignored: `target group ${arn}: ${why}` };
  // What a describe returns is true now, not at the event's time.
  await deps.targets.putTargetGroup(found, { eventTime: now, eventId: `describe:${now}` });
  const record = await deps.targets.getTargetGroup(arn);
  if (!record) return { ignored: `target group ${arn} vanished from the ledger` };
  return { record, note: `TG ${arn} read from ELBv2 (tags follow in the sweep)`, filed: true };
}
