import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { expect, test } from 'vitest';
import { DynamoAlertStore } from '#adapters/dynamodb/ledger-alerts.ts';
import { INDEX, keys } from '#adapters/dynamodb/ledger-keys.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { dynamoUnitOfWork } from '#adapters/dynamodb/ledger-unit-of-work.ts';
import { type Ec2HandlerOutcome, ec2EventHandler } from '#app/ec2-handler.ts';
import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';
import type { CapacitySettings } from '#core/capacity/capacity-settings.ts';
import type { Scope } from '#core/events/scope.ts';
import { StaticInstanceTypeCatalog } from '#test/helpers/capacity-fakes.ts';
import { sampleLimits } from '#test/helpers/instance-types.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { sampleFolder } from '#test/helpers/samples.ts';
import { SimulatedEc2 } from '#test/helpers/simulated-ec2.ts';

/**
 * A termination reads the node's view once: releasing its ENIs reads it, and the capacity
 * review of the now terminated node (which needs only the node record, final once terminated)
 * reuses that read instead of querying the node's partition again (DynamoDB Local, the
 * deployed handler with its unit of work). After a shutting-down the node was reviewed as gone
 * already, and the termination reviews only the subnets its released ENIs leave.
 */
const NODE = 'i-0a1b2c3d4e5f00001';
const SCOPE: Scope = { clusters: ['myeks'], vpcIds: ['vpc-0a1b2c3d4e5f60718'] };
const context = { functionName: 'test', awsRequestId: 'test' } as unknown as Context;

const CAPACITY: CapacitySettings = {
  clusters: { prefixDelegation: [], customNetworking: [], maxEnis: {} },
  thresholds: {
    node: { minFreeSlots: 3, minFreePercent: 0, clearMarginSlots: 2 },
    subnetExhaustion: { minFreeAddresses: 8, minFreePercent: 0, clearMarginAddresses: 4 },
    subnetFragmentation: { minFreePrefixBlocks: 2, clearMarginBlocks: 1 },
  },
  alertPolicy: { remindAfterSeconds: 3600 },
};

test.each([
  { name: 'after its shutting-down', skip: [] as string[], nodeReviewed: false },
  {
    name: 'with no shutting-down seen',
    skip: ['03-instance-shutting-down.json'],
    nodeReviewed: true,
  },
])(
  'a termination $name queries the node view once',
  async ({ skip, nodeReviewed }) => {
    // Prepare: the node's life up to its shutdown, with capacity alerts on
    const { client, tableName } = await freshLedgerTable();
    const db = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const nodeViewQueries: string[] = [];
    db.middlewareStack.add(
      (next, ctx) => async (args) => {
        const input = args.input as { IndexName?: string; ExpressionAttributeValues?: object };
        const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
        if (ctx.commandName === 'QueryCommand' && input.IndexName === INDEX.byNode) {
          nodeViewQueries.push(String(values[':pk']));
        }
        return next(args);
      },
      { step: 'initialize', name: 'countNodeViews' },
    );
    const notifier = { notify: async (_: AlertNotification) => undefined };
    let now = '2026-11-21T09:00:00.000Z';
    const handler = ec2EventHandler({
      ledger: new DynamoNetworkLedger(db, tableName),
      ec2: new SimulatedEc2(),
      scope: SCOPE,
      unitOfWork: () => dynamoUnitOfWork(db, tableName),
      capacity: {
        alerts: new DynamoAlertStore(db, tableName),
        catalog: new StaticInstanceTypeCatalog(sampleLimits()),
        notifier,
        settings: CAPACITY,
        clock: () => now,
      },
    });
    const events = [
      ...sampleFolder('ec2/node-lifecycle'),
      ...sampleFolder('ec2/node-termination'),
    ].filter((e) => !skip.includes(e.name));
    const terminated = events.pop();
    if (terminated?.name !== '04-instance-terminated.json') throw new Error('sample order');
    for (const { event } of events) {
      now = new Date(
        Date.parse(String(event.detail?.eventTime ?? event.time)) + 1000,
      ).toISOString();
      await handler(event, context);
    }
    nodeViewQueries.length = 0;

    // Act
    now = '2026-11-21T12:00:00.000Z';
    const outcome = (await handler(terminated.event, context)) as Ec2HandlerOutcome;

    // Assess
    expect(outcome.status).toBe('applied');
    expect(nodeViewQueries).toEqual([keys.byNode(NODE)]);
    expect(outcome.affected?.nodes).toEqual(nodeReviewed ? [NODE] : []);
    expect(outcome.capacity?.skipped.some((s) => s.reason === 'node is terminated')).toBe(
      nodeReviewed,
    );
    // Its primary ENI was released: its subnet is reviewed either way.
    expect(outcome.affected?.subnets).toHaveLength(1);
  },
  120_000,
);
