import type { NetworkLedger } from '#core/network/network-ports.ts';
import {
  actualDeregistrationDelay,
  DEREGISTRATION_DELAY_ATTRIBUTE,
  type DelaySource,
  desiredDeregistrationDelay,
} from '#core/targets/deregistration-delay.ts';
import { holdersOfTargets, type TargetSettings } from '#core/targets/review-targets.ts';
import { decideStaleTarget, type StaleReason } from '#core/targets/stale-target.ts';
import type { TargetLedger } from '#core/targets/target-ports.ts';

/** One line of `netledger report targets`; the JSON form is this object as is. */
export interface TargetGroupReportRow {
  readonly targetGroupArn: string;
  readonly name: string | null;
  readonly cluster: string | null;
  /** `namespace/name` of the Service or Ingress, from the LB controller's tags. */
  readonly stack: string | null;
  readonly targetType: string | null;
  readonly deregistrationDelay: {
    /** Seconds; null while the ledger has not seen the attribute (no guess of "unset"). */
    readonly actual: number | null;
    readonly desired: number;
    readonly desiredSource: DelaySource;
  };
  readonly drift: boolean | null;
  /** Registered targets. */
  readonly targets: number;
  readonly stale: readonly {
    readonly ip: string;
    readonly port: number;
    readonly reason: StaleReason;
  }[];
}

/** Every live target group in the ledger with its delay and stale targets, by stack then ARN. */
export async function targetReport(deps: {
  readonly targets: TargetLedger;
  readonly network: Pick<NetworkLedger, 'holdersOf'>;
  readonly settings: TargetSettings;
}): Promise<TargetGroupReportRow[]> {
  const rows: TargetGroupReportRow[] = [];
  for (const tg of await deps.targets.listTargetGroups()) {
    const targets = await deps.targets.targetsOf(tg.arn);
    const desired = desiredDeregistrationDelay(deps.settings.delayPolicy, {
      ...(tg.cluster ? { cluster: tg.cluster } : {}),
      ...(tg.stack ? { stack: tg.stack } : {}),
      tags: tg.tags,
    });
    const raw = tg.attributes[DEREGISTRATION_DELAY_ATTRIBUTE];
    const actual = raw === undefined ? undefined : actualDeregistrationDelay(tg.attributes);
    const actualSeconds = actual && actual.kind !== 'invalid' ? actual.seconds : null;
    const stale: { ip: string; port: number; reason: StaleReason }[] = [];
    const holderOf = await holdersOfTargets(tg, targets, deps.network);
    for (const t of targets) {
      if (t.kind !== 'ip' || tg.targetType !== 'ip') continue;
      const holder = holderOf(t);
      const decision = decideStaleTarget(
        {
          tgArn: tg.arn,
          ip: t.id,
          port: t.port,
          registeredAt: t.registeredAt ?? t.stamp.eventTime,
          targetType: 'ip',
          ...(t.nodeAtRegistration ? { nodeAtRegistration: t.nodeAtRegistration } : {}),
          ...(t.eniAtRegistration ? { eniAtRegistration: t.eniAtRegistration } : {}),
          ...(t.ipReassignedAt ? { ipReassignedAt: t.ipReassignedAt } : {}),
        },
        holder,
      );
      if (decision.stale) stale.push({ ip: t.id, port: t.port, reason: decision.reason });
    }
    rows.push({
      targetGroupArn: tg.arn,
      name: tg.name ?? null,
      cluster: tg.cluster ?? null,
      stack: tg.stack ?? null,
      targetType: tg.targetType ?? null,
      deregistrationDelay: {
        actual: actualSeconds,
        desired: desired.seconds,
        desiredSource: desired.source,
      },
      drift:
        tg.targetType === 'lambda' || actualSeconds === null
          ? null
          : actualSeconds !== desired.seconds,
      targets: targets.length,
      stale,
    });
  }
  return rows.sort(
    (a, b) =>
      (a.stack ?? '').localeCompare(b.stack ?? '') ||
      a.targetGroupArn.localeCompare(b.targetGroupArn),
  );
}
