import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';
import type { SimHandlerOptions } from '../sim-handlers.ts';

/**
 * What the handler worker needs to wire the deployed handlers against the fault proxy: the
 * plain-data part of the in-process handlers' options (it crosses a process boundary).
 */
export interface WorkerInit
  extends Pick<
    SimHandlerOptions,
    'tableName' | 'region' | 'cluster' | 'vpcId' | 'topicArn' | 'zone' | 'env'
  > {
  /** The fault proxy: moto's services and DynamoDB Local behind one endpoint. */
  readonly proxy: string;
  /** Each SDK retry wait is multiplied by this (see retry-time.ts). */
  readonly retryDelayScale: number;
}

/** One invocation: an event for a rule's handler, or the scheduled sweep. */
export interface WorkerRequest {
  readonly id: number;
  readonly rule: string;
  readonly event?: unknown;
  /** The handler clock during this invocation. */
  readonly now: string;
}

export type WorkerReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly status?: string | undefined;
      readonly reason?: string | undefined;
      readonly dns?: { readonly apply: true; readonly plan: unknown } | undefined;
      readonly alerts: readonly AlertNotification[];
    }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: string;
      readonly alerts: readonly AlertNotification[];
    };
