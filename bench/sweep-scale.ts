import { DynamoDBClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { sweepHandler } from '#app/sweep-handler.ts';
import { ec2HandlerDeps, elbHandlerDeps } from '#app/wiring.ts';
import { localClientConfig } from '#local/dynamodb-local.ts';
import { createLedgerTable, dropLedgerTable } from '#local/ledger-table.ts';
import { loadConfig } from '#shared/config.ts';
import { countDynamoDb, type DynamoDbCounts } from './dynamodb-counter.ts';
import { type AccountSize, CLUSTER, syntheticAccount, VPC } from './synthetic-account.ts';

export interface SweepRun {
  readonly ms: number;
  readonly dynamodb: DynamoDbCounts;
  readonly awsCalls: Record<string, number>;
}

export interface SweepScaleResult {
  readonly size: AccountSize;
  readonly first: SweepRun;
  readonly unchanged: SweepRun;
  /** Items in the table after the first sweep, audit entries apart. */
  readonly storedItems: number;
  readonly auditItems: number;
  readonly pagingMinimum: Record<string, number>;
  /** The process's peak resident set: the runtime, the synthetic account and both sweeps. */
  readonly peakRssMiB: number;
  /** Resident before the first sweep: the runtime, the SDK clients and the synthetic account. */
  readonly beforeSweepRssMiB: number;
}

const context = { functionName: 'bench-sweep', awsRequestId: 'bench' } as unknown as Context;

/**
 * The scheduled sweep end to end (network, capacity review, load balancers and targets) with
 * the real handler, adapters and SDK clients: EC2 and ELBv2 are the synthetic account, the
 * ledger is DynamoDB Local. Runs twice: into an empty ledger, then unchanged.
 */
export async function runSweepScale(
  endpoint: string,
  nodes: number,
  tableName: string,
): Promise<SweepScaleResult> {
  const account = syntheticAccount(nodes);
  const raw = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 5 });
  const counter = countDynamoDb(raw);
  const plain = new DynamoDBClient(localClientConfig(endpoint));
  try {
    await createLedgerTable(plain, tableName);
    const db = DynamoDBDocumentClient.from(raw, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const config = loadConfig({
      TABLE_NAME: tableName,
      CLUSTERS: CLUSTER,
      VPC_IDS: VPC,
      ALERT_TOPIC_ARN: 'arn:aws:sns:ap-northeast-2:123456789012:netledger-bench',
      // The deployed default (serverless.yml), and the two runs below are that far apart.
      SWEEP_SCHEDULE: 'rate(10 minutes)',
    });
    let now = new Date('2026-11-30T12:00:00.000Z');
    const clients = {
      db,
      ec2: account.ec2,
      elbv2: account.elbv2,
      sns: () => account.sns,
      clock: () => now,
    };
    const network = ec2HandlerDeps(config, clients);
    const elb = elbHandlerDeps(config, clients);
    const handler = sweepHandler({ network, elb }, () => now);

    const run = async (): Promise<SweepRun> => {
      counter.reset();
      account.resetCalls();
      const started = performance.now();
      await handler({}, context);
      return {
        ms: performance.now() - started,
        dynamodb: counter.counts(),
        awsCalls: account.calls(),
      };
    };
    globalThis.gc?.();
    const beforeSweep = process.memoryUsage().rss;
    const first = await run();
    const stored = await countItems(plain, tableName);
    now = new Date(now.getTime() + 10 * 60_000);
    const unchanged = await run();
    return {
      size: account.size,
      first,
      unchanged,
      storedItems: stored.items,
      auditItems: stored.audit,
      pagingMinimum: account.pagingMinimum(),
      // maxRSS is in KiB, and is the true peak, not a sample of it.
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      beforeSweepRssMiB: Math.round(beforeSweep / 2 ** 20),
    };
  } finally {
    await dropLedgerTable(plain, tableName).catch(() => undefined);
    raw.destroy();
    plain.destroy();
    account.restore();
  }
}

async function countItems(client: DynamoDBClient, tableName: string) {
  let items = 0;
  let audit = 0;
  let start: ScanCommandOutput['LastEvaluatedKey'];
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ProjectionExpression: 'entity',
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      if (item.entity?.S === 'audit') audit++;
      else items++;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return { items, audit };
}
