import { z } from 'zod';
import type { CapacitySettings } from '#core/capacity-settings.ts';
import type { TargetSettings } from '#core/review-targets.ts';
import type { Scope } from '#core/scope.ts';
import { type DnsSettings, loadDnsSettings } from './dns-config.ts';
import { ConfigError } from './errors.ts';
import { loadTargetSettings } from './target-config.ts';

/** "all", or a comma-separated list of names; empty entries are a mistake, not a wildcard. */
const listOrAll = (what: string, pattern: RegExp) =>
  z
    .string({ error: 'is required ("all" or a comma-separated list)' })
    .trim()
    .min(1, 'is required ("all" or a comma-separated list)')
    .transform((value, ctx): 'all' | string[] => {
      if (value === 'all') return 'all';
      const items = value.split(',').map((s) => s.trim());
      for (const item of items) {
        if (!pattern.test(item)) {
          ctx.addIssue({ code: 'custom', message: `"${item}" is not a valid ${what}` });
          return z.NEVER;
        }
      }
      return items;
    });

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

const EnvSchema = z.object({
  TABLE_NAME: z.string({ error: 'is required (the ledger table name)' }).min(1, 'is required'),
  CLUSTERS: listOrAll('cluster name', /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/),
  VPC_IDS: listOrAll('VPC id', /^vpc-[0-9a-f]{8,17}$/),
  ALERT_TOPIC_ARN: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/, 'is not an SNS topic ARN')
    .optional(),
  NODE_MIN_FREE_SLOTS: int(3),
  NODE_MIN_FREE_PERCENT: int(10),
  SUBNET_MIN_FREE_ADDRESSES: int(64),
  SUBNET_MIN_FREE_PERCENT: int(10),
  SUBNET_MIN_FREE_PREFIX_BLOCKS: int(4),
  ALERT_REMIND_AFTER_SECONDS: int(4 * 3600, 60),
});

export interface Config {
  readonly tableName: string;
  readonly scope: Scope;
  readonly alertTopicArn?: string;
  readonly thresholds: {
    readonly nodeMinFreeSlots: number;
    readonly nodeMinFreePercent: number;
    readonly subnetMinFreeAddresses: number;
    readonly subnetMinFreePercent: number;
    readonly subnetMinFreePrefixBlocks: number;
  };
  readonly alertRemindAfterSeconds: number;
  /** Per-cluster CNI modes, capacity thresholds with their clear margins, and the alert policy. */
  readonly capacity: CapacitySettings;
  /** Deregistration-delay policy and DRIFT_REMEDIATE, see target-config.ts. */
  readonly targets: TargetSettings;
  /** Route53 sync; `enabled: false` (no Route53 call) while DNS_ZONES is unset. See dns-config.ts. */
  readonly dns: DnsSettings;
}

/**
 * Validates the environment once, at cold start. The first problem found is
 * reported as `VARIABLE: reason`, so a broken deployment says what to fix.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `${String(issue?.path[0] ?? 'environment')}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const e = parsed.data;
  return {
    tableName: e.TABLE_NAME,
    scope: { clusters: e.CLUSTERS, vpcIds: e.VPC_IDS },
    ...(e.ALERT_TOPIC_ARN ? { alertTopicArn: e.ALERT_TOPIC_ARN } : {}),
    thresholds: {
      nodeMinFreeSlots: e.NODE_MIN_FREE_SLOTS,
      nodeMinFreePercent: e.NODE_MIN_FREE_PERCENT,
      subnetMinFreeAddresses: e.SUBNET_MIN_FREE_ADDRESSES,
      subnetMinFreePercent: e.SUBNET_MIN_FREE_PERCENT,
      subnetMinFreePrefixBlocks: e.SUBNET_MIN_FREE_PREFIX_BLOCKS,
    },
    alertRemindAfterSeconds: e.ALERT_REMIND_AFTER_SECONDS,
    capacity: loadCapacitySettings(env),
    targets: loadTargetSettings(env),
    dns: loadDnsSettings(env),
  };
}

const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;

/** Like listOrAll, but unset or empty means "no cluster". */
const clusterListOrNone = z
  .string()
  .trim()
  .default('')
  .transform((value, ctx): 'all' | string[] => {
    if (value === 'all') return 'all';
    if (value === '') return [];
    const items = value.split(',').map((s) => s.trim());
    for (const item of items) {
      if (!CLUSTER_NAME.test(item)) {
        ctx.addIssue({ code: 'custom', message: `"${item}" is not a valid cluster name` });
        return z.NEVER;
      }
    }
    return items;
  });

/** `cluster=N,...`: the CNI's MAX_ENI of each listed cluster. */
const maxEnisPerCluster = z
  .string()
  .trim()
  .default('')
  .transform((value, ctx): Record<string, number> => {
    const out: Record<string, number> = {};
    if (value === '') return out;
    for (const entry of value.split(',').map((s) => s.trim())) {
      const match = /^([^=\s]+)\s*=\s*(\d+)$/.exec(entry);
      const cluster = match?.[1] ?? '';
      const count = Number(match?.[2]);
      if (!match || !CLUSTER_NAME.test(cluster) || count < 1 || count > 64) {
        ctx.addIssue({
          code: 'custom',
          message: `"${entry}" is not cluster=N with N a positive ENI count`,
        });
        return z.NEVER;
      }
      if (cluster in out) {
        ctx.addIssue({ code: 'custom', message: `cluster ${cluster} is listed twice` });
        return z.NEVER;
      }
      out[cluster] = count;
    }
    return out;
  });

const CapacityEnvSchema = z.object({
  PREFIX_DELEGATION_CLUSTERS: clusterListOrNone,
  CUSTOM_NETWORKING_CLUSTERS: clusterListOrNone,
  MAX_ENIS: maxEnisPerCluster,
  NODE_MIN_FREE_SLOTS: int(3),
  NODE_MIN_FREE_PERCENT: int(10),
  /** An open node alert clears only when free slots exceed the threshold by more than this. */
  NODE_CLEAR_MARGIN_SLOTS: int(2),
  SUBNET_MIN_FREE_ADDRESSES: int(64),
  SUBNET_MIN_FREE_PERCENT: int(10),
  SUBNET_CLEAR_MARGIN_ADDRESSES: int(16),
  SUBNET_MIN_FREE_PREFIX_BLOCKS: int(4),
  SUBNET_CLEAR_MARGIN_PREFIX_BLOCKS: int(1),
  ALERT_REMIND_AFTER_SECONDS: int(4 * 3600, 60),
  /** Holds back a re-open this long after a resolve (0: off); see AlertPolicy. */
  ALERT_REOPEN_QUIET_SECONDS: int(0),
});

/**
 * The capacity part of the configuration alone, so local mode (which has no table name
 * or scope variables) validates it with the same rules and messages.
 */
export function loadCapacitySettings(env: Record<string, string | undefined>): CapacitySettings {
  const parsed = CapacityEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `${String(issue?.path[0] ?? 'environment')}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const e = parsed.data;
  return {
    clusters: {
      prefixDelegation: e.PREFIX_DELEGATION_CLUSTERS,
      customNetworking: e.CUSTOM_NETWORKING_CLUSTERS,
      maxEnis: e.MAX_ENIS,
    },
    thresholds: {
      node: {
        minFreeSlots: e.NODE_MIN_FREE_SLOTS,
        minFreePercent: e.NODE_MIN_FREE_PERCENT,
        clearMarginSlots: e.NODE_CLEAR_MARGIN_SLOTS,
      },
      subnetExhaustion: {
        minFreeAddresses: e.SUBNET_MIN_FREE_ADDRESSES,
        minFreePercent: e.SUBNET_MIN_FREE_PERCENT,
        clearMarginAddresses: e.SUBNET_CLEAR_MARGIN_ADDRESSES,
      },
      subnetFragmentation: {
        minFreePrefixBlocks: e.SUBNET_MIN_FREE_PREFIX_BLOCKS,
        clearMarginBlocks: e.SUBNET_CLEAR_MARGIN_PREFIX_BLOCKS,
      },
    },
    alertPolicy: {
      remindAfterSeconds: e.ALERT_REMIND_AFTER_SECONDS,
      reopenQuietSeconds: e.ALERT_REOPEN_QUIET_SECONDS,
    },
  };
}
