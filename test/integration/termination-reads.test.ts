import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { expect, test } from 'vitest';
import { INDEX, keys } from '#adapters/dynamodb/ledger-keys.ts';
import type { Ec2HandlerOutcome } from '#app/ec2-handler.ts';
import { ec2HandlerWithCapacity } from '#test/helpers/ec2-capacity-handler.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { sampleFolder } from '#test/helpers/samples.ts';

/**
 * A termination reads the node's view once: releasing its ENIs reads it, and the capacity
 * review of the now terminated node (which needs only the node record, final once terminated)
 * reuses that read instead of querying the node's partition again (DynamoDB Local, the
 * deployed handler with its unit of work). After a shutting-down the node was reviewed as gone
 * already, and the termination reviews only the subnets its released ENIs leave.
 */
const NODE = 'i-0a1b2c3d4e5f00001';
const context = { functionName: 'test', awsRequestId: 'test' } as unknown as Context;

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
    let now = '2026-11-21T09:00:00.000Z';
    const handler = ec2HandlerWithCapacity(db, tableName, () => now);
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
    // Named or not, the node had no alert to resolve: a termination only frees, so the review
    // does not look at it (no "node is terminated" evaluation) and reads no view of its own.
    expect(outcome.affected?.onlyFreed).toBe(true);
    expect(outcome.capacity?.skipped).toEqual([]);
    expect(outcome.capacity?.alerts).toEqual([]);
    // Its primary ENI was released: its subnet is reviewed either way.
    expect(outcome.affected?.subnets).toHaveLength(1);
  },
  120_000,
);
