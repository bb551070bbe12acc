import { z } from 'zod';
import type { Scope } from '#core/scope.ts';
import { ConfigError } from './errors.ts';

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
  };
}
