// The deployed EC2 handler on DynamoDB Local with its unit of work and capacity alerts on, for
// the tests that count what one event reads.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertStore } from '#adapters/dynamodb/ledger-alerts.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { dynamoUnitOfWork } from '#adapters/dynamodb/ledger-unit-of-work.ts';
import { ec2EventHandler } from '#app/ec2-handler.ts';
import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';
import type { CapacitySettings } from '#core/capacity/capacity-settings.ts';
import type { Scope } from '#core/events/scope.ts';
import { StaticInstanceTypeCatalog } from '#test/helpers/capacity-fakes.ts';
import { sampleLimits } from '#test/helpers/instance-types.ts';
import { SimulatedEc2 } from '#test/helpers/simulated-ec2.ts';

export const SCOPE: Scope = { clusters: ['myeks'], vpcIds: ['vpc-0a1b2c3d4e5f60718'] };

export const CAPACITY: CapacitySettings = {
  clusters: { prefixDelegation: [], customNetworking: [], maxEnis: {} },
  thresholds: {
    node: { minFreeSlots: 3, minFreePercent: 0, clearMarginSlots: 2 },
    subnetExhaustion: { minFreeAddresses: 8, minFreePercent: 0, clearMarginAddresses: 4 },
    subnetFragmentation: { minFreePrefixBlocks: 2, clearMarginBlocks: 1 },
  },
  alertPolicy: { remindAfterSeconds: 3600 },
};

export function ec2HandlerWithCapacity(
  db: DynamoDBDocumentClient,
  tableName: string,
  clock: () => string,
) {
  return ec2EventHandler({
    ledger: new DynamoNetworkLedger(db, tableName),
    ec2: new SimulatedEc2(),
    scope: SCOPE,
    unitOfWork: () => dynamoUnitOfWork(db, tableName),
    capacity: {
      alerts: new DynamoAlertStore(db, tableName),
      catalog: new StaticInstanceTypeCatalog(sampleLimits()),
      notifier: { notify: async (_: AlertNotification) => undefined },
      settings: CAPACITY,
      clock,
    },
  });
}
