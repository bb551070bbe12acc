import * as z from 'zod';
import type { CapacitySettings } from '#core/capacity/capacity-settings.ts';
import type { Scope } from '#core/events/scope.ts';
import type { TargetSettings } from '#core/targets/review-targets.ts';
import { type DnsSettings, loadDnsSettings } from './dns-config.ts';
import {
  CLUSTER_NAME,
  type Env,
  intWithDefault as int,
  listOrAll,
  listOrNone,
  nameValueMap,
  parseEnv,
  scheduleInterval,
} from './env-parsers.ts';
import { loadTargetSettings } from './target-config.ts';

const EnvSchema = z.object({
  TABLE_NAME: z.string({ error: 'is required (the ledger table name)' }).min(1, 'is required'),
  CLUSTERS: listOrAll('cluster name', CLUSTER_NAME),
  VPC_IDS: listOrAll('VPC id', /^vpc-[0-9a-f]{8,17}$/),
  ALERT_TOPIC_ARN: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/, 'is not an SNS topic ARN')
    .optional(),
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

/** Validates the environment once, at cold start; see parseEnv for how problems are reported. */
export function loadConfig(env: Env): Config {
  const e = parseEnv(EnvSchema, env);
  // The threshold variables are read once, by the capacity schema; these are views of it.
  const capacity = loadCapacitySettings(env);
  const { node, subnetExhaustion, subnetFragmentation } = capacity.thresholds;
  return {
    tableName: e.TABLE_NAME,
    scope: { clusters: e.CLUSTERS, vpcIds: e.VPC_IDS },
    ...(e.ALERT_TOPIC_ARN ? { alertTopicArn: e.ALERT_TOPIC_ARN } : {}),
    thresholds: {
      nodeMinFreeSlots: node.minFreeSlots,
      nodeMinFreePercent: node.minFreePercent,
      subnetMinFreeAddresses: subnetExhaustion.minFreeAddresses,
      subnetMinFreePercent: subnetExhaustion.minFreePercent,
      subnetMinFreePrefixBlocks: subnetFragmentation.minFreePrefixBlocks,
    },
    alertRemindAfterSeconds: capacity.alertPolicy.remindAfterSeconds,
    capacity,
    targets: loadTargetSettings(env),
    dns: loadDnsSettings(env),
  };
}

const clusterListOrNone = listOrNone('cluster name', CLUSTER_NAME);

/** `cluster=N,...`: the CNI's MAX_ENI of each listed cluster. */
const maxEnisPerCluster = nameValueMap({
  name: 'cluster',
  pattern: CLUSTER_NAME,
  shape: 'cluster=N with N a positive ENI count',
  value: (text) => {
    const count = Number(text);
    return /^\d+$/.test(text) && count >= 1 && count <= 64 ? count : undefined;
  },
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
  /** Warn when the usage trend runs a subnet out within this many hours (0: off). */
  SUBNET_EXHAUSTION_HORIZON_HOURS: int(72),
  /** The forecast fits the usage samples of this many recent hours: the current rate. */
  SUBNET_EXHAUSTION_WINDOW_HOURS: int(24, 1),
  SUBNET_MIN_FREE_PREFIX_BLOCKS: int(4),
  SUBNET_CLEAR_MARGIN_PREFIX_BLOCKS: int(1),
  ALERT_REMIND_AFTER_SECONDS: int(4 * 3600, 60),
  /** Holds back a re-open this long after a resolve (0: off); see AlertPolicy. */
  ALERT_REOPEN_QUIET_SECONDS: int(0),
  /** The sweep's EventBridge schedule: at a fixed rate, unchanged usage samples are not stored again. */
  SWEEP_SCHEDULE: scheduleInterval,
});

/**
 * The capacity part of the configuration alone, so local mode (which has no table name
 * or scope variables) validates it with the same rules and messages.
 */
export function loadCapacitySettings(env: Env): CapacitySettings {
  const e = parseEnv(CapacityEnvSchema, env);
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
        forecastHorizonHours: e.SUBNET_EXHAUSTION_HORIZON_HOURS,
        forecastWindowHours: e.SUBNET_EXHAUSTION_WINDOW_HOURS,
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
    ...(e.SWEEP_SCHEDULE !== undefined ? { sweepEveryMs: e.SWEEP_SCHEDULE } : {}),
  };
}
