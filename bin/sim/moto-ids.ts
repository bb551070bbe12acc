import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Route53Client } from '@aws-sdk/client-route-53';

/** The actors' clients: every call that changes the account goes through one of these. */
type ActorClient = EC2Client | ElasticLoadBalancingV2Client | Route53Client;

/**
 * Why two runs of one scenario with different `--seed` used to end with different ids, and
 * what keeps them equal now.
 *
 * moto draws every id it makes (instance, ENI, subnet and VPC ids, ELBv2 ARNs, hosted zone ids)
 * from one random generator, `moto.moto_api._internal.mock_random`, the only thing
 * `POST /moto-api/seed?a=N` seeds. The same generator also makes SQS message ids and receipt
 * handles, EventBridge event ids, SNS message ids and Route53 change ids. The delivery of
 * events (PutEvents, ReceiveMessage, the retries of a failed handler) and what the handlers do
 * (alerts on SNS, DNS sync on Route53) therefore consume it, as often as the chaos seed
 * decides (CloudTrail delays move records into other steps, duplicates, reordering). Every id
 * made after the first delivery then depended on the chaos seed.
 *
 * So the actors' clients reseed moto before every mutating call with the call's number in the
 * story: what a call creates depends only on the scenario and the calls before it, never on
 * how much randomness the delivery drew in between. Reads (Describe*, List*, Get*) draw
 * nothing and are not numbered. A retried attempt is reseeded with the same number.
 */
export function reseedBeforeEachMutation(
  clients: readonly ActorClient[],
  reseed: (callNumber: number) => Promise<void>,
): void {
  let calls = 0;
  for (const client of clients) {
    const numbers = new WeakMap<object, number>();
    const stack = client.middlewareStack as EC2Client['middlewareStack'];
    stack.add(
      (next, context) => async (args) => {
        if (!isRead(String(context.commandName ?? ''))) numbers.set(context, ++calls);
        return next(args);
      },
      { step: 'initialize', name: 'numberMotoMutation' },
    );
    stack.add(
      (next, context) => async (args) => {
        const n = numbers.get(context);
        if (n !== undefined) await reseed(n);
        return next(args);
      },
      // After the retry middleware, so each attempt starts from the same draws.
      { step: 'finalizeRequest', priority: 'low', name: 'reseedMotoBeforeMutation' },
    );
  }
}

function isRead(commandName: string): boolean {
  return /^(Describe|List|Get)/.test(commandName);
}
