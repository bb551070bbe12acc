import { z } from 'zod';
import { AWS_DEFAULT_DEREGISTRATION_DELAY, parseDelaySeconds } from '#core/deregistration-delay.ts';
import type { TargetSettings } from '#core/review-targets.ts';
import { ConfigError } from './errors.ts';

const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;
// Kubernetes namespace and Service names are DNS labels.
const STACK = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const seconds = (what: string) =>
  z
    .string()
    .trim()
    .transform((value, ctx) => {
      const parsed = parseDelaySeconds(value);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: `${what}: ${parsed.problem}` });
        return z.NEVER;
      }
      return parsed.seconds;
    });

/** `key=seconds,...`, each key checked against `pattern`; unset or empty means none. */
const overrides = (what: string, pattern: RegExp) =>
  z
    .string()
    .trim()
    .default('')
    .transform((value, ctx): Record<string, number> => {
      const out: Record<string, number> = {};
      if (value === '') return out;
      for (const entry of value.split(',').map((s) => s.trim())) {
        const match = /^([^=\s]+)\s*=\s*(\S+)$/.exec(entry);
        const key = match?.[1] ?? '';
        const delay = parseDelaySeconds(match?.[2] ?? '');
        if (!match || !pattern.test(key)) {
          ctx.addIssue({ code: 'custom', message: `"${entry}" is not ${what}=seconds` });
          return z.NEVER;
        }
        if (!delay.ok) {
          ctx.addIssue({ code: 'custom', message: `"${entry}": ${delay.problem}` });
          return z.NEVER;
        }
        if (key in out) {
          ctx.addIssue({ code: 'custom', message: `${what} ${key} is listed twice` });
          return z.NEVER;
        }
        out[key] = delay.seconds;
      }
      return out;
    });

const TargetEnvSchema = z.object({
  DEREGISTRATION_DELAY_DEFAULT: seconds('deregistration delay').default(
    AWS_DEFAULT_DEREGISTRATION_DELAY,
  ),
  DEREGISTRATION_DELAY_CLUSTERS: overrides('cluster', CLUSTER_NAME),
  DEREGISTRATION_DELAY_STACKS: overrides('namespace/name', STACK),
  DRIFT_REMEDIATE: z
    .enum(['true', 'false'], { error: 'must be "true" or "false"' })
    .default('false')
    .transform((v) => v === 'true'),
});

/**
 * The deregistration-delay policy and remediation switch. Separate from loadConfig so local
 * mode (no table or scope variables) validates it with the same rules and messages.
 */
export function loadTargetSettings(env: Record<string, string | undefined>): TargetSettings {
  const parsed = TargetEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `${String(issue?.path[0] ?? 'environment')}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const e = parsed.data;
  return {
    delayPolicy: {
      default: e.DEREGISTRATION_DELAY_DEFAULT,
      perCluster: e.DEREGISTRATION_DELAY_CLUSTERS,
      perStack: e.DEREGISTRATION_DELAY_STACKS,
    },
    remediate: e.DRIFT_REMEDIATE,
  };
}
