import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { unavailableEc2 } from '#adapters/ec2/ec2-unavailable.ts';
import { handleEc2Event } from '#core/network/handle-ec2-event.ts';
import { localClientConfig, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { createLedgerTable } from '#local/ledger-table.ts';

const SAMPLES = new URL('../events/samples/ec2/node-lifecycle/', import.meta.url).pathname;

export interface LedgerBenchResult {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly heapMiB: number;
}

/**
 * Event throughput of the EC2 pipeline against DynamoDB Local (in memory):
 * the node-lifecycle story replayed `rounds` times under fresh event ids, so
 * every round is real work rather than duplicates.
 */
export async function runLedgerBench(rounds = 30): Promise<LedgerBenchResult> {
  const db = await startDynamoDbLocal();
  const raw = new DynamoDBClient(localClientConfig(db.endpoint));
  try {
    await createLedgerTable(raw, 'bench');
    const ledger = new DynamoNetworkLedger(DynamoDBDocumentClient.from(raw), 'bench');
    const deps = {
      ledger,
      ec2: unavailableEc2,
      scope: { clusters: 'all', vpcIds: 'all' } as const,
    };
    const story = readdirSync(SAMPLES)
      .sort()
      .map((f) => JSON.parse(readFileSync(join(SAMPLES, f), 'utf8')));
    const started = performance.now();
    let events = 0;
    for (let round = 0; round < rounds; round++) {
      for (const event of story) {
        const copy = structuredClone(event);
        copy.id = randomUUID();
        if (copy.detail?.eventID) copy.detail.eventID = randomUUID();
        await handleEc2Event(copy, deps);
        events++;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const result = {
      events,
      seconds: Number(seconds.toFixed(2)),
      eventsPerSecond: Number((events / seconds).toFixed(1)),
      heapMiB: Number((process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)),
    };
    console.log(
      `ledger replay: ${result.events} events in ${result.seconds} s = ${result.eventsPerSecond} events/s (heap ${result.heapMiB} MiB)`,
    );
    return result;
  } finally {
    raw.destroy();
    await db.stop();
  }
}
