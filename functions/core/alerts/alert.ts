/**
 * Alert vocabulary shared by every evaluator (capacity, targets, DNS) and by the
 * lifecycle that turns conditions into notifications.
 */
export const ALERT_KINDS = [
  'node-pod-capacity',
  'subnet-exhaustion',
  'subnet-fragmentation',
  'stale-target',
  'deregistration-delay-drift',
  'dns-conflict',
  'dns-failure',
  'dns-invalid',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export type Severity = 'info' | 'warning' | 'critical';

/**
 * What an evaluator says about one subject right now. `active: false` means the
 * condition has cleared (evaluators apply their own hysteresis before saying so).
 */
export interface AlertCondition {
  readonly kind: AlertKind;
  /** Stable identity of the thing the alert is about: node id, subnet id, `tgArn|ip:port`, hostname. */
  readonly subject: string;
  readonly cluster: string;
  readonly active: boolean;
  readonly severity: Severity;
  /** Short headline, e.g. "Node i-0abc near its pod ceiling". */
  readonly title: string;
  /** One line with the numbers, e.g. "t3.medium: 3/3 ENIs, 15/15 secondary IPs; pods beyond 17 will stay Pending". */
  readonly summary: string;
  /** The numbers and names behind the summary, for JSON consumers and Slack fields. */
  readonly facts: Readonly<Record<string, string | number | boolean>>;
}
