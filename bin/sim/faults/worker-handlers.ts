import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';
import { reapWithParent } from '#local/process-reaper.ts';
import type { SeededRandom } from '../seeded-random.ts';
import type { RuleHandler, SimHandlerOptions } from '../sim-handlers.ts';
import type { FaultPlan } from './fault-plan.ts';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker-protocol.ts';

const WORKER = fileURLToPath(new URL('./handler-worker.ts', import.meta.url));

/** The handler process died in the middle of an invocation; the event is delivered again. */
export class HandlerCrashedError extends Error {
  override readonly name = 'HandlerCrashedError';
}

export interface CrashSettings {
  /** Share of events whose first invocation is killed. */
  readonly rate: number;
  /** The kill comes at a request drawn from 1..this of an event's invocation. */
  readonly maxRequest: number;
  /** The same for the sweep, which makes many more requests. */
  readonly sweepMaxRequest: number;
  /** Share of sweeps killed (the next scheduled sweep runs again). */
  readonly sweepRate: number;
}

export interface CrashStats {
  crashes: number;
  /** Exits the suite did not cause: a bug in the handlers or the worker. */
  unexpectedExits: number;
}

/** How many times a sweep is run again after it crashed or failed, as the schedule would. */
const SWEEP_RUNS = 6;

/** One forked handler process. */
class HandlerWorker {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  private readonly waiting = new Map<number, (reply: WorkerReply | Error) => void>();
  killedOnPurpose = false;
  exited = false;

  constructor(init: WorkerInit, onExit: (worker: HandlerWorker) => void) {
    this.child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: {
        ...process.env,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_METRICS_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    reapWithParent(this.child);
    this.ready = new Promise((resolve, reject) => {
      this.child.on('message', (m: { ready?: true; reply?: WorkerReply }) => {
        if (m.ready) resolve();
        if (m.reply) {
          const done = this.waiting.get(m.reply.id);
          this.waiting.delete(m.reply.id);
          done?.(m.reply);
        }
      });
      this.child.once('exit', (code, signal) => {
        this.exited = true;
        const error = new HandlerCrashedError(
          `handler process ended (${signal ?? `exit code ${code}`}) mid-invocation`,
        );
        reject(error);
        for (const done of this.waiting.values()) done(error);
        this.waiting.clear();
        onExit(this);
      });
    });
    this.ready.catch(() => undefined);
    this.child.send({ init });
  }

  invoke(request: WorkerRequest): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      if (this.exited) {
        reject(new HandlerCrashedError('handler process is gone'));
        return;
      }
      this.waiting.set(request.id, (r) => (r instanceof Error ? reject(r) : resolve(r)));
      this.child.send({ request });
    });
  }

  kill(): void {
    this.killedOnPurpose = true;
    this.child.kill('SIGKILL');
  }
}

/**
 * The scenario's handlers in a child process behind the fault proxy: each invocation is sent
 * to the worker; an armed crash SIGKILLs it at a random request of the invocation, the
 * invocation fails (the runner delivers the event again, as Lambda retries an invocation
 * whose runtime died) and a warm standby worker takes over while the next one starts.
 */
export async function crashingHandlers(
  o: SimHandlerOptions,
  faults: {
    readonly proxy: string;
    readonly plan: FaultPlan;
    readonly random: SeededRandom;
    readonly crash: CrashSettings;
    readonly stats: CrashStats;
    readonly retryDelayScale: number;
    /**
     * Sabotage, to show the suite can fail: an invocation the crash killed counts as handled,
     * so its event is never delivered again.
     */
    readonly dropCrashedEvents?: boolean | undefined;
  },
): Promise<{
  rules: Record<string, RuleHandler>;
  sweep: () => Promise<unknown>;
  destroy: () => void;
}> {
  const init: WorkerInit = {
    proxy: faults.proxy,
    tableName: o.tableName,
    region: o.region,
    cluster: o.cluster,
    vpcId: o.vpcId,
    topicArn: o.topicArn,
    zone: o.zone,
    env: o.env,
    retryDelayScale: faults.retryDelayScale,
  };
  const all = new Set<HandlerWorker>();
  let destroyed = false;
  const spawnWorker = () => {
    const w = new HandlerWorker(init, (gone) => {
      all.delete(gone);
      if (!gone.killedOnPurpose && !destroyed) faults.stats.unexpectedExits += 1;
    });
    all.add(w);
    return w;
  };
  let active = spawnWorker();
  let standby = spawnWorker();
  await active.ready;
  const live = async (): Promise<HandlerWorker> => {
    if (active.exited) {
      active = standby;
      standby = spawnWorker();
      faults.plan.reset();
    }
    await active.ready;
    return active;
  };
  let nextId = 0;
  const crashedEvents = new Set<string>();

  const run = async (rule: string, event: unknown, crashAt: number | undefined) => {
    const worker = await live();
    faults.plan.arm(
      crashAt === undefined
        ? undefined
        : {
            atRequest: crashAt,
            when: faults.random.chance(0.5) ? 'before' : 'after',
            kill: () => {
              faults.stats.crashes += 1;
              worker.kill();
            },
          },
    );
    try {
      const reply = await worker.invoke({
        id: nextId++,
        rule,
        event,
        now: o.clock().toISOString(),
      });
      for (const n of reply.alerts) o.onAlert(n as AlertNotification);
      if (!reply.ok) throw new Error(reply.error);
      return reply;
    } finally {
      faults.plan.arm(undefined);
    }
  };

  const rules: Record<string, RuleHandler> = {};
  for (const rule of ['instance-state', 'eni-activity', 'elb-activity']) {
    rules[rule] = async (event) => {
      const id = String((event as { id?: unknown }).id);
      let crashAt: number | undefined;
      if (!crashedEvents.has(id) && faults.random.chance(faults.crash.rate)) {
        crashedEvents.add(id);
        crashAt = faults.random.int(1, faults.crash.maxRequest);
      }
      try {
        const reply = await run(rule, event, crashAt);
        return reply.ok
          ? { status: reply.status, reason: reply.reason, dns: reply.dns }
          : undefined;
      } catch (error) {
        if (faults.dropCrashedEvents && error instanceof HandlerCrashedError) {
          return { status: 'dropped', reason: error.message };
        }
        throw error;
      }
    };
  }

  const sweep = async () => {
    let last: unknown;
    for (let attempt = 0; attempt < SWEEP_RUNS; attempt++) {
      const crashAt =
        attempt === 0 && faults.random.chance(faults.crash.sweepRate)
          ? faults.random.int(1, faults.crash.sweepMaxRequest)
          : undefined;
      try {
        return await run('sweep', undefined, crashAt);
      } catch (error) {
        last = error;
      }
    }
    throw last;
  };

  return {
    rules,
    sweep,
    destroy() {
      destroyed = true;
      for (const w of all) w.kill();
    },
  };
}
