import { unavailableEc2 } from '#adapters/ec2-unavailable.ts';
import { DynamoNetworkLedger } from '#adapters/ledger-network.ts';
import type { EventOutcome } from '#core/apply-ec2-event.ts';
import type { Scope } from '#core/scope.ts';
import { ec2EventHandler } from '#shared/ec2-handler.ts';
import type { LocalLedger } from './local-ledger.ts';

type Route = (event: unknown) => Promise<EventOutcome>;

/**
 * The deployed handlers, wired to the local ledger. There is no AWS account
 * behind local mode, so EC2 answers "not found" for everything.
 */
export function localRoutes(ledger: LocalLedger, scope: Scope): Record<string, Route> {
  const ec2 = ec2EventHandler({
    ledger: new DynamoNetworkLedger(ledger.db, ledger.tableName),
    ec2: unavailableEc2,
    scope,
  });
  return {
    'aws.ec2': (event) => ec2(event, lambdaContext('eni-activity')),
  };
}

/** Just enough of a Lambda context for Powertools' logger. */
function lambdaContext(name: string) {
  return {
    functionName: `netledger-local-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:netledger-local-${name}`,
    memoryLimitInMB: '512',
    awsRequestId: 'local',
    logGroupName: `/aws/lambda/netledger-local-${name}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
