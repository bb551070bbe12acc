// The handler process of the fault suite: the deployed handlers (simHandlers, the same wiring
// as Lambda's) in a child process the suite can SIGKILL in the middle of an event, the way a
// Lambda execution environment can die. Started by worker-handlers.ts with `fork`; every SDK
// client points at the fault proxy, with the attempts the deployed clients make.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';
import { motoClientConfig } from '#local/moto-server.ts';
import { simHandlers } from '../sim-handlers.ts';
import { scaleRetryDelays } from './retry-time.ts';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker-protocol.ts';

/** As functions/app/aws-clients.ts: the deployed DynamoDB client makes 5 attempts. */
const DYNAMODB_MAX_ATTEMPTS = 5;

let handlers: ReturnType<typeof simHandlers> | undefined;
let now = new Date(0).toISOString();
let told: AlertNotification[] = [];

function start(init: WorkerInit): void {
  const tune = <T>(client: T): T => scaleRetryDelays(client, init.retryDelayScale);
  const db = DynamoDBDocumentClient.from(
    tune(
      new DynamoDBClient({
        ...motoClientConfig(init.proxy, init.region),
        maxAttempts: DYNAMODB_MAX_ATTEMPTS,
      }),
    ),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  handlers = simHandlers({
    db,
    tableName: init.tableName,
    endpoint: init.proxy,
    region: init.region,
    cluster: init.cluster,
    vpcId: init.vpcId,
    topicArn: init.topicArn,
    zone: init.zone,
    env: init.env,
    clock: () => new Date(now),
    onAlert: (n) => told.push(n),
    tuneClient: tune,
  });
}

async function invoke(request: WorkerRequest): Promise<WorkerReply> {
  if (!handlers) throw new Error('the handler worker was not initialised');
  now = request.now;
  told = [];
  try {
    const run =
      request.rule === 'sweep' ? handlers.sweep() : handlers.rules[request.rule]?.(request.event);
    if (!run) throw new Error(`no handler for rule ${request.rule}`);
    const outcome = (await run) as
      | { status?: string; reason?: string; dns?: { apply?: boolean; plan?: unknown } }
      | undefined;
    return {
      id: request.id,
      ok: true,
      status: outcome?.status,
      reason: outcome?.reason,
      dns: outcome?.dns?.apply ? { apply: true, plan: outcome.dns.plan } : undefined,
      alerts: told,
    };
  } catch (error) {
    return { id: request.id, ok: false, error: (error as Error).message, alerts: told };
  }
}

process.on('message', (message: { init?: WorkerInit; request?: WorkerRequest }) => {
  if (message.init) {
    start(message.init);
    process.send?.({ ready: true });
    return;
  }
  if (message.request) {
    void invoke(message.request).then((reply) => process.send?.({ reply }));
  }
});
// The parent gone (it was killed itself): nothing left to serve.
process.on('disconnect', () => process.exit(0));
