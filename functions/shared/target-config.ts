import * as z from 'zod';
import {
  AWS_DEFAULT_DEREGISTRATION_DELAY,
  parseDelaySeconds,
} from '#core/targets/deregistration-delay.ts';
import type { TargetSettings } from '#core/targets/review-targets.ts';
import {
  CLUSTER_NAME,
  checked,
  type Env,
  flag,
  nameValueMap,
  Problem,
  parseEnv,
} from './env-parsers.ts';

// Kubernetes namespace and Service names are DNS labels.
const STACK = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A delay in seconds, or why the text is not one. */
function delay(text: string): number | Problem {
  const parsed = parseDelaySeconds(text);
  return parsed.ok ? parsed.seconds : new Problem(parsed.problem);
}

const seconds = (what: string) =>
  z
    .string()
    .trim()
    .transform(
      checked((value) => {
        const parsed = delay(value);
        return parsed instanceof Problem ? new Problem(`${what}: ${parsed.problem}`) : parsed;
      }),
    );

/** `key=seconds,...`, each key checked against `pattern`; unset or empty means none. */
const overrides = (what: string, pattern: RegExp) =>
  nameValueMap({ name: what, pattern, shape: `${what}=seconds`, value: delay });

const TargetEnvSchema = z.object({
  DEREGISTRATION_DELAY_DEFAULT: seconds('deregistration delay').default(
    AWS_DEFAULT_DEREGISTRATION_DELAY,
  ),
  DEREGISTRATION_DELAY_CLUSTERS: overrides('cluster', CLUSTER_NAME),
  DEREGISTRATION_DELAY_STACKS: overrides('namespace/name', STACK),
  DRIFT_REMEDIATE: flag(),
});

/**
 * The deregistration-delay policy and remediation switch. Separate from loadConfig so local
 * mode (no table or scope variables) validates it with the same rules and messages.
 */
export function loadTargetSettings(env: Env): TargetSettings {
  const e = parseEnv(TargetEnvSchema, env);
  return {
    delayPolicy: {
      default: e.DEREGISTRATION_DELAY_DEFAULT,
      perCluster: e.DEREGISTRATION_DELAY_CLUSTERS,
      perStack: e.DEREGISTRATION_DELAY_STACKS,
    },
    remediate: e.DRIFT_REMEDIATE,
  };
}
