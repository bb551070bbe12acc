import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import { targetReport } from '#core/targets/target-report.ts';
import { DEFAULT_INSTANCE_TYPES, fileInstanceTypeCatalog } from '#local/local-capacity.ts';
import { localRoutes } from '#local/local-handlers.ts';
import { loadCapacitySettings } from '#shared/config.ts';
import { loadTargetSettings } from '#shared/target-config.ts';
import { RecordingNotifier } from '#test/helpers/capacity-fakes.ts';
import { ledgerSnapshot } from '#test/helpers/ledger-snapshot.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { type SampleEvent, sample, sampleFolder } from '#test/helpers/samples.ts';

/** Everything `npm start` replays: the node story, the echo NLB, then the node's end. */
const ALL: SampleEvent[] = [
  ...sampleFolder('ec2/node-lifecycle').map((s) => s.event),
  ...(sample('elb/sequences/echo-nlb-lifecycle.json') as unknown as SampleEvent[]).filter(
    (e) => !/^Delete/.test(e.detail.eventName),
  ),
  ...sampleFolder('ec2/node-termination').map((s) => s.event),
];
const SCOPE = { clusters: ['myeks'], vpcIds: ['vpc-0a1b2c3d4e5f60718'] } as const;

async function world() {
  const { client, tableName } = await freshLedgerTable();
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const local = { db, tableName, close: async () => undefined };
  const routes = localRoutes(local, SCOPE, {
    catalog: await fileInstanceTypeCatalog(DEFAULT_INSTANCE_TYPES),
    notifier: new RecordingNotifier(),
    settings: loadCapacitySettings({}),
  });
  const replay = async (events: readonly SampleEvent[]) => {
    for (const e of events) await routes[e.source]?.(structuredClone(e));
  };
  const state = async () => ({
    network: await ledgerSnapshot(new DynamoNetworkLedger(db, tableName)),
    targets: await targetReport({
      targets: new DynamoTargetLedger(db, tableName),
      network: new DynamoNetworkLedger(db, tableName),
      settings: loadTargetSettings({}),
    }),
  });
  return { replay, state };
}

describe('EC2 and ELB events together', () => {
  test('any delivery order followed by the in-order replay ends where the in-order replay ends', async () => {
    const reference = await world();
    await reference.replay(ALL);
    const expected = await reference.state();
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(ALL, { minLength: ALL.length }), async (shuffled) => {
        const w = await world();
        await w.replay(shuffled);
        await w.replay(ALL);
        expect(await w.state()).toEqual(expected);
      }),
      { numRuns: 5 },
    );
  }, 180_000);
});
