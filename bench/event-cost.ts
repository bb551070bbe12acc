import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localClientConfig } from '#local/dynamodb-local.ts';
import { loadEventFiles } from '#local/event-files.ts';
import { createLedgerTable, dropLedgerTable } from '#local/ledger-table.ts';
import { localRoutes } from '#local/local-handlers.ts';
import { countDynamoDb } from './dynamodb-counter.ts';
import { inspectWrites, type RewriteCounts } from './write-inspector.ts';

/** The story `npm start` tells, in its order: a node's life, a load balancer's, the node's end. */
export const STORY = [
  'events/samples/ec2/node-lifecycle',
  'events/samples/elb/create-load-balancer.json',
  'events/samples/elb/create-target-group.json',
  'events/samples/elb/modify-target-group-attributes.json',
  'events/samples/elb/register-targets.json',
  'events/samples/elb/add-tags.json',
  'events/samples/elb/modify-target-group-attributes-console-300.json',
  'events/samples/ec2/node-termination',
];

export interface EventCost {
  readonly file: string;
  readonly writes: number;
  readonly reads: number;
  readonly writeUnits: number;
}

/** Requests per event over a story: what both ways of counting (client, wire) report. */
export interface PerEventRequests {
  readonly meanWrites: number;
  readonly maxWrites: number;
  readonly meanReads: number;
  readonly maxReads: number;
}

export function perEventRequests(
  events: readonly { readonly writes: number; readonly reads: number }[],
): PerEventRequests {
  const mean = (f: (e: (typeof events)[number]) => number) =>
    Number((events.reduce((n, e) => n + f(e), 0) / Math.max(1, events.length)).toFixed(2));
  return {
    meanWrites: mean((e) => e.writes),
    maxWrites: Math.max(...events.map((e) => e.writes)),
    meanReads: mean((e) => e.reads),
    maxReads: Math.max(...events.map((e) => e.reads)),
  };
}

export interface EventCostResult extends PerEventRequests {
  readonly events: EventCost[];
  readonly writeUnits: number;
  readonly itemsWritten: number;
  readonly rewrites: RewriteCounts;
}

/**
 * DynamoDB requests per event, counted at the client, replaying the samples in story order
 * through the deployed handlers (as `netledger replay` does) into a fresh table.
 */
export async function runEventCost(endpoint: string, tableName: string): Promise<EventCostResult> {
  const raw = new DynamoDBClient(localClientConfig(endpoint));
  const reader = new DynamoDBClient(localClientConfig(endpoint));
  const counter = countDynamoDb(raw);
  const rewrites = inspectWrites(raw, reader);
  try {
    await createLedgerTable(reader, tableName);
    const db = DynamoDBDocumentClient.from(raw, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const routes = localRoutes(
      { db, tableName, close: async () => undefined },
      { clusters: 'all', vpcIds: 'all' },
    );
    const events: EventCost[] = [];
    let units = 0;
    let items = 0;
    for (const { file, event } of loadEventFiles(STORY)) {
      const route = routes[String((event as { source?: unknown }).source)];
      if (!route) continue;
      counter.reset();
      await route(event);
      const c = counter.counts();
      units += c.writeUnits;
      items += c.itemsWritten;
      events.push({
        file: file.replace(/^.*events\/samples\//, ''),
        writes: c.writeRequests,
        reads: c.readRequests,
        writeUnits: c.writeUnits,
      });
    }
    return {
      events,
      ...perEventRequests(events),
      writeUnits: units,
      itemsWritten: items,
      rewrites: rewrites.counts(),
    };
  } finally {
    await dropLedgerTable(reader, tableName).catch(() => undefined);
    raw.destroy();
    reader.destroy();
  }
}
