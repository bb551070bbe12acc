import type { AlertCondition } from '#core/alerts/alert.ts';
import type { TargetGroupAttributesModified } from '#core/targets/elb-event.ts';
import { type Tags, type TargetType, targetGroupNameFromArn } from '#core/targets/target-group.ts';

/**
 * Deregistration delay drift. Teams lower the delay by annotation (the LB controller writes
 * `deregistration_delay.timeout_seconds`), and then someone raises it in the console, or a new
 * target group keeps AWS's 300 s. Desired comes from policy, actual from the attributes.
 */

export const DEREGISTRATION_DELAY_ATTRIBUTE = 'deregistration_delay.timeout_seconds';
/** A tag on the target group that pins the desired value for that one target group. */
export const DEREGISTRATION_DELAY_TAG = 'netledger/deregistration-delay';
/** What AWS applies when the attribute was never set. */
export const AWS_DEFAULT_DEREGISTRATION_DELAY = 300;
export const MAX_DEREGISTRATION_DELAY = 3600;

export interface DeregistrationDelayPolicy {
  readonly default: number;
  /** By cluster name. */
  readonly perCluster: Readonly<Record<string, number>>;
  /** By `namespace/name` of the Service or Ingress group (the LB controller's stack tag). */
  readonly perStack: Readonly<Record<string, number>>;
}

export type DelaySeconds = { ok: true; seconds: number } | { ok: false; problem: string };

/** AWS accepts whole seconds from 0 to 3600. */
export function parseDelaySeconds(raw: string | number): DelaySeconds {
  const text = String(raw).trim();
  if (!/^\d+$/.test(text))
    return { ok: false, problem: `"${raw}" is not a whole number of seconds` };
  const seconds = Number(text);
  if (seconds > MAX_DEREGISTRATION_DELAY) {
    return { ok: false, problem: `${seconds} is above ${MAX_DEREGISTRATION_DELAY} s` };
  }
  return { ok: true, seconds };
}

/** Problems with a policy, one line each; empty when valid. For config validation at cold start. */
export function validateDelayPolicy(policy: DeregistrationDelayPolicy): string[] {
  const problems: string[] = [];
  const check = (where: string, value: number) => {
    const parsed = parseDelaySeconds(value);
    if (!parsed.ok) problems.push(`${where}: ${parsed.problem}`);
  };
  check('default', policy.default);
  for (const [cluster, v] of Object.entries(policy.perCluster)) check(`perCluster.${cluster}`, v);
  for (const [stack, v] of Object.entries(policy.perStack)) {
    if (!/^[^/\s]+\/[^/\s]+$/.test(stack))
      problems.push(`perStack.${stack}: key is not namespace/name`);
    check(`perStack.${stack}`, v);
  }
  return problems;
}

export type DelaySource = 'tag' | 'stack' | 'cluster' | 'default';

export interface DesiredDelay {
  readonly seconds: number;
  readonly source: DelaySource;
  /** The tag was present but unusable, so a lower-precedence source decided; says why. */
  readonly ignoredTag?: string;
}

export interface DelayScope {
  readonly cluster?: string;
  readonly stack?: string;
  readonly tags: Tags;
}

/** Precedence: the target group's tag, then its stack, then its cluster, then the default. */
export function desiredDeregistrationDelay(
  policy: DeregistrationDelayPolicy,
  scope: DelayScope,
): DesiredDelay {
  const tag = scope.tags[DEREGISTRATION_DELAY_TAG];
  let ignoredTag: string | undefined;
  if (tag !== undefined) {
    const parsed = parseDelaySeconds(tag);
    if (parsed.ok) return { seconds: parsed.seconds, source: 'tag' };
    ignoredTag = `${DEREGISTRATION_DELAY_TAG}: ${parsed.problem}`;
  }
  const extra = ignoredTag === undefined ? {} : { ignoredTag };
  const byStack = scope.stack === undefined ? undefined : policy.perStack[scope.stack];
  if (byStack !== undefined) return { seconds: byStack, source: 'stack', ...extra };
  const byCluster = scope.cluster === undefined ? undefined : policy.perCluster[scope.cluster];
  if (byCluster !== undefined) return { seconds: byCluster, source: 'cluster', ...extra };
  return { seconds: policy.default, source: 'default', ...extra };
}

export type ActualDelay =
  | { readonly kind: 'set'; readonly seconds: number }
  | { readonly kind: 'aws-default'; readonly seconds: number }
  | { readonly kind: 'invalid'; readonly raw: string; readonly problem: string };

/**
 * From a successful DescribeTargetGroupAttributes map only: a failed call must never reach here
 * as an empty map, or a throttled read would look like "unset" (300 s) and raise false drift.
 */
export function actualDeregistrationDelay(
  attributes: Readonly<Record<string, string>>,
): ActualDelay {
  const raw = attributes[DEREGISTRATION_DELAY_ATTRIBUTE];
  if (raw === undefined || raw.trim() === '') {
    return { kind: 'aws-default', seconds: AWS_DEFAULT_DEREGISTRATION_DELAY };
  }
  const parsed = parseDelaySeconds(raw);
  return parsed.ok
    ? { kind: 'set', seconds: parsed.seconds }
    : { kind: 'invalid', raw, problem: parsed.problem };
}

/** Who last changed the attribute, when the ledger knows (from a ModifyTargetGroupAttributes record). */
export interface DelayChange {
  readonly by: string;
  readonly at: string;
  readonly seconds?: number;
}

/** The delay part of a ModifyTargetGroupAttributes change, or undefined if it did not touch it. */
export function delayChangeOf(change: TargetGroupAttributesModified): DelayChange | undefined {
  const raw = change.attributes[DEREGISTRATION_DELAY_ATTRIBUTE];
  if (raw === undefined) return undefined;
  const parsed = parseDelaySeconds(raw);
  return {
    by: change.actor.label,
    at: change.eventTime,
    ...(parsed.ok ? { seconds: parsed.seconds } : {}),
  };
}

export interface DelayCheckInput {
  readonly tgArn: string;
  readonly tgName?: string;
  readonly targetType?: TargetType;
  readonly cluster: string;
  readonly stack?: string;
  readonly tags: Tags;
  /** From a successful DescribeTargetGroupAttributes (or the ledger's copy of it). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly policy: DeregistrationDelayPolicy;
  readonly lastChange?: DelayChange;
}

export type DelayCheck =
  | { readonly status: 'not-applicable'; readonly tgArn: string; readonly reason: string }
  | {
      readonly status: 'invalid-actual';
      readonly tgArn: string;
      readonly desired: DesiredDelay;
      readonly actual: Extract<ActualDelay, { kind: 'invalid' }>;
    }
  | {
      readonly status: 'in-sync' | 'drift';
      readonly tgArn: string;
      readonly desired: DesiredDelay;
      readonly actual: Exclude<ActualDelay, { kind: 'invalid' }>;
      readonly condition: AlertCondition;
    };

export function checkDeregistrationDelay(input: DelayCheckInput): DelayCheck {
  const { tgArn } = input;
  // Lambda target groups have no deregistration delay attribute at all.
  if (input.targetType === 'lambda') {
    return {
      status: 'not-applicable',
      tgArn,
      reason: 'lambda target groups have no deregistration delay',
    };
  }
  const desired = desiredDeregistrationDelay(input.policy, input);
  const actual = actualDeregistrationDelay(input.attributes);
  if (actual.kind === 'invalid') return { status: 'invalid-actual', tgArn, desired, actual };

  const drift = actual.seconds !== desired.seconds;
  const name = input.tgName ?? targetGroupNameFromArn(tgArn) ?? tgArn;
  const owner = input.stack ?? 'no stack tag';
  const from =
    desired.source === 'tag' ? `tag ${DEREGISTRATION_DELAY_TAG}` : `${desired.source} policy`;
  const actualText = `${actual.seconds} s${actual.kind === 'aws-default' ? ' (AWS default, unset)' : ''}`;
  const changed = input.lastChange
    ? `; last changed by ${input.lastChange.by} at ${input.lastChange.at}`
    : '';
  const facts: Record<string, string | number | boolean> = {
    targetGroupArn: tgArn,
    targetGroupName: name,
    actualSeconds: actual.seconds,
    actualSource: actual.kind,
    desiredSeconds: desired.seconds,
    desiredSource: desired.source,
  };
  if (input.stack !== undefined) facts.stack = input.stack;
  if (input.lastChange) {
    facts.changedBy = input.lastChange.by;
    facts.changedAt = input.lastChange.at;
  }
  if (desired.ignoredTag !== undefined) facts.ignoredTag = desired.ignoredTag;

  const condition: AlertCondition = {
    kind: 'deregistration-delay-drift',
    subject: tgArn,
    cluster: input.cluster,
    active: drift,
    severity: 'warning',
    title: drift
      ? `Deregistration delay drift on ${name} (${owner})`
      : `Deregistration delay of ${name} (${owner}) is back to ${desired.seconds} s`,
    summary: `${owner}: actual ${actualText}, desired ${desired.seconds} s (from ${from})${changed}`,
    facts,
  };
  return { status: drift ? 'drift' : 'in-sync', tgArn, desired, actual, condition };
}

export type RemediationPlan =
  | { readonly action: 'none'; readonly description: string }
  | {
      readonly action: 'dry-run';
      readonly tgArn: string;
      readonly from: number;
      readonly to: number;
      /** For the log line: what would have been done. */
      readonly description: string;
    }
  | {
      readonly action: 'apply';
      readonly tgArn: string;
      readonly from: number;
      readonly to: number;
      /** The ModifyTargetGroupAttributes change to make. */
      readonly attribute: {
        readonly key: typeof DEREGISTRATION_DELAY_ATTRIBUTE;
        readonly value: string;
      };
      readonly description: string;
    };

/**
 * Remediation is opt-in. Note that the LB controller re-applies its annotation on its next
 * reconcile, so a policy that disagrees with the annotation would fight it: fix the annotation.
 */
export function remediationPlan(check: DelayCheck, remediate: boolean): RemediationPlan {
  if (check.status !== 'drift') {
    return { action: 'none', description: `${check.tgArn}: nothing to do (${check.status})` };
  }
  const from = check.actual.seconds;
  const to = check.desired.seconds;
  const what = `set ${DEREGISTRATION_DELAY_ATTRIBUTE} of ${check.tgArn} from ${from} to ${to}`;
  if (!remediate) {
    return {
      action: 'dry-run',
      tgArn: check.tgArn,
      from,
      to,
      description: `would ${what} (remediation off)`,
    };
  }
  return {
    action: 'apply',
    tgArn: check.tgArn,
    from,
    to,
    attribute: { key: DEREGISTRATION_DELAY_ATTRIBUTE, value: String(to) },
    description: what,
  };
}
