import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { expect, test } from 'vitest';
import { keys } from '#adapters/dynamodb/ledger-keys.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import { dynamoUnitOfWork } from '#adapters/dynamodb/ledger-unit-of-work.ts';
import { unavailableElbv2 } from '#adapters/elbv2/elbv2-unavailable.ts';
import { inEventUnit } from '#app/event-unit.ts';
import type { Scope } from '#core/events/scope.ts';
import { parseElbEvent } from '#core/targets/elb-event.ts';
import { handleElbEvent } from '#core/targets/handle-elb-event.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { type SampleEvent, sample } from '#test/helpers/samples.ts';

/**
 * A console ModifyTargetGroupAttributes answers with every attribute (13) though it changed
 * one: on DynamoDB Local, through a unit of work as in Lambda, only the changed key takes the
 * event's stamp; the others keep theirs, and the map's stamp (`attributesAsOf`) stands for them.
 */
const SCOPE: Scope = { clusters: ['myeks'], vpcIds: 'all' };
const NOW = '2026-11-21T15:00:00Z';

test('a console ModifyTargetGroupAttributes stamps only the attribute it changed', async () => {
  const { client, tableName } = await freshLedgerTable();
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const deps = {
    targets: new DynamoTargetLedger(db, tableName),
    network: new DynamoNetworkLedger(db, tableName),
    elbv2: unavailableElbv2,
    scope: SCOPE,
    settings: { delayPolicy: { default: 60, perCluster: {}, perStack: {} }, remediate: false },
  };
  const apply = async (event: SampleEvent) => {
    const parsed = parseElbEvent(event);
    const ahead = parsed.ok ? { eventId: parsed.value.eventId, change: parsed.value } : undefined;
    return inEventUnit(
      () => dynamoUnitOfWork(db, tableName),
      ahead,
      (ports) => handleElbEvent(event, ports ? { ...deps, ...ports } : deps, NOW),
    );
  };
  for (const file of [
    'create-load-balancer.json',
    'create-target-group.json',
    'modify-target-group-attributes.json',
  ]) {
    expect((await apply(sample(`elb/${file}`))).status).toBe('applied');
  }
  const console300 = sample('elb/modify-target-group-attributes-console-300.json');
  const tgArn = console300.detail.requestParameters.targetGroupArn as string;
  const read = async () =>
    (await db.send(new GetCommand({ TableName: tableName, Key: keys.targetGroup(tgArn) }))).Item ??
    {};
  const before = await read();

  const outcome = await apply(console300);

  expect(outcome.status).toBe('applied');
  const after = await read();
  const stamp = `${new Date(console300.detail.eventTime).toISOString()}|${console300.detail.eventID}`;
  const attributes = after.attributes as Record<string, string>;
  const changed = Object.keys(attributes).filter((k) => attributes[k] !== before.attributes?.[k]);
  expect(changed).toEqual(['deregistration_delay.timeout_seconds']);
  expect(Object.keys(attributes)).toHaveLength(13);
  const stamps = after.attributeStamps as Record<string, string>;
  const restamped = Object.keys(stamps).filter((k) => stamps[k] !== before.attributeStamps?.[k]);
  expect(restamped).toEqual(changed);
  expect(stamps['deregistration_delay.timeout_seconds']).toBe(stamp);
  expect(after.attributesAsOf).toBe(stamp);
}, 60_000);
