import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { expect, test } from 'vitest';
import { keys } from '#adapters/dynamodb/ledger-keys.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import { dynamoUnitOfWork } from '#adapters/dynamodb/ledger-unit-of-work.ts';
import type { EventStamp } from '#core/events/event-envelope.ts';
import type { ElbChange } from '#core/targets/elb-event.ts';
import type { TargetRegistrationInput } from '#core/targets/target-ports.ts';
import { forgetTargetsAtIps, freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { watchRequests } from '#test/helpers/request-log.ts';

/**
 * The DynamoDB ledger's targets-at-IP entries (ledger-keys.ts): what finding the targets of
 * many IPs sends, how a table filled before the entries were kept answers until its sweep
 * fills them, and what a registration writes for them.
 */
const VPC = 'vpc-1';
const TG = 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/1';
const TG2 = 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/api/2';
const IPS = Array.from({ length: 12 }, (_, i) => `10.0.1.${i + 1}`);

const at = (m: number): EventStamp => ({
  eventTime: `2026-11-21T10:${String(m).padStart(2, '0')}:00Z`,
  eventId: `ev-${m}`,
});
const ipTarget = (ip: string, port = 80): TargetRegistrationInput => ({
  id: ip,
  port,
  kind: 'ip',
  vpcId: VPC,
});

async function table() {
  const { client, tableName } = await freshLedgerTable();
  const sent: string[] = [];
  watchRequests(client, (command, input) => {
    sent.push(`${command}${input.IndexName ? ` ${String(input.IndexName)}` : ''}`);
  });
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { db, tableName, sent, ledger: new DynamoTargetLedger(db, tableName) };
}

const described = (ts: readonly { tgArn: string; id: string; port: number }[]) =>
  ts.map((t) => `${t.tgArn} ${t.id}:${t.port}`);

test("the targets of an ENI's twelve IPs cost two BatchGetItems and no query", async () => {
  // Prepare
  const { ledger, sent } = await table();
  await ledger.registerTargets(TG, [ipTarget(IPS[3] as string), ipTarget(IPS[7] as string)], at(1));
  await ledger.registerTargets(TG2, [ipTarget(IPS[3] as string, 8080)], at(1));
  sent.length = 0;

  // Act
  const found = await ledger.targetsByIps(VPC, IPS);

  // Assess
  expect(described(found)).toEqual([
    `${TG2} ${IPS[3]}:8080`,
    `${TG} ${IPS[3]}:80`,
    `${TG} ${IPS[7]}:80`,
  ]);
  expect(sent).toEqual(['BatchGetItem', 'BatchGetItem']);
});

test('IPs no target was ever registered at cost one BatchGetItem', async () => {
  // Prepare
  const { ledger, sent } = await table();
  await ledger.registerTargets(TG, [ipTarget('10.0.9.9')], at(1));
  sent.length = 0;

  // Act
  const found = await ledger.targetsByIps(VPC, IPS);

  // Assess
  expect(found).toEqual([]);
  expect(sent).toEqual(['BatchGetItem']);
});

test('a table filled before the entries were kept queries per IP until its sweep fills them', async () => {
  // Prepare: targets registered, then the entries and the ready marker taken away
  const { db, tableName, ledger, sent } = await table();
  for (const arn of [TG, TG2]) {
    await ledger.putTargetGroup(
      { arn, name: 'web', targetType: 'ip', protocol: 'TCP', port: 80, vpcId: VPC },
      at(1),
    );
  }
  await ledger.registerTargets(TG, [ipTarget(IPS[0] as string), ipTarget(IPS[5] as string)], at(1));
  await ledger.registerTargets(TG2, [ipTarget(IPS[5] as string, 8080)], at(1));
  await ledger.deregisterTargets(TG, [{ id: IPS[0] as string, port: 80 }], at(2));
  await forgetTargetsAtIps(db, tableName);
  const expected = [`${TG2} ${IPS[5]}:8080`, `${TG} ${IPS[5]}:80`];

  // Act
  sent.length = 0;
  const before = await ledger.targetsByIps(VPC, IPS);
  const readyBefore = await ledger.targetsAtIpsReady();
  const queriesBefore = sent.filter((s) => s.startsWith('Query')).length;
  const filled = await ledger.completeTargetsAtIps();
  sent.length = 0;
  const after = await ledger.targetsByIps(VPC, IPS);
  const sentAfter = [...sent];

  // Assess: the same answer both ways; the fill counts only the registered targets
  expect(described(before)).toEqual(expected);
  expect(readyBefore).toBe(false);
  expect(queriesBefore).toBe(IPS.length);
  expect(filled).toBe(2);
  expect(await ledger.targetsAtIpsReady()).toBe(true);
  expect(described(after)).toEqual(expected);
  expect(sentAfter).toEqual(['BatchGetItem', 'BatchGetItem']);
});

test("a registration's entries commit in the event's one transaction, and are not written twice", async () => {
  // Prepare
  const { db, tableName, ledger, sent } = await table();
  // Only what the unit reads ahead matters here: the group, the targets, their IPs' entries.
  const register = {
    kind: 'targets-registered',
    tgArn: TG,
    targets: [
      { type: 'ip', ip: IPS[0] as string, port: 80 },
      { type: 'ip', ip: IPS[0] as string, port: 443 },
    ],
  } as unknown as ElbChange;
  const inUnit = async (m: number, work: (l: DynamoTargetLedger) => Promise<unknown>) => {
    const unit = dynamoUnitOfWork(db, tableName);
    await unit.prepare(`ev-${m}`, register);
    await work(unit.ports.targets as DynamoTargetLedger);
    return unit.commit();
  };
  const both = [ipTarget(IPS[0] as string), ipTarget(IPS[0] as string, 443)];

  // Act
  sent.length = 0;
  await inUnit(1, (l) => l.registerTargets(TG, both, at(1)));
  const first = [...sent];
  await ledger.deregisterTargets(TG, [{ id: IPS[0] as string, port: 80 }], at(2));
  sent.length = 0;
  const again = await inUnit(3, (l) => l.registerTargets(TG, [both[0] as never], at(3)));
  const second = [...sent];

  // Assess
  expect(first).toEqual(['BatchGetItem', 'TransactWriteItems']);
  expect(again).toMatchObject({ status: 'committed' });
  // The target alone changes: its entry at the IP was read with it, and is there already.
  expect(second).toEqual(['BatchGetItem', 'UpdateItem']);
  const entries = await db.send(
    new ScanCommand({
      TableName: tableName,
      FilterExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.targetsAtIp(IPS[0] as string).PK },
    }),
  );
  const [entry] = entries.Items ?? [];
  expect([...((entry?.targets ?? []) as Set<string>)].sort()).toEqual([
    keys.targetsAtIpEntry(VPC, TG, 443),
    keys.targetsAtIpEntry(VPC, TG, 80),
  ]);
  expect(described(await ledger.targetsByIps(VPC, [IPS[0] as string]))).toEqual([
    `${TG} ${IPS[0]}:80`,
    `${TG} ${IPS[0]}:443`,
  ]);
});
