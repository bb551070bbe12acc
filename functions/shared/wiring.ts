import { SdkEc2Reader } from '#adapters/ec2-reader.ts';
import { DynamoNetworkLedger } from '#adapters/ledger-network.ts';
import type { Ec2Deps } from '#core/apply-ec2-event.ts';
import { documentClient, ec2Client } from './aws-clients.ts';
import type { Config } from './config.ts';

/** Ports backed by real AWS, for the deployed functions. */
export function awsEc2Deps(config: Config): Ec2Deps {
  return {
    ledger: new DynamoNetworkLedger(documentClient(), config.tableName),
    ec2: new SdkEc2Reader(ec2Client()),
    scope: config.scope,
  };
}
