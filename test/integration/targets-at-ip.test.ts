import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, test } from 'vitest';
import { keys } from '#adapters/dynamodb/ledger-keys.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import { dynamoUnitOfWork } from '#adapters/dynamodb/ledger-unit-of-work.ts';
import { unavailableElbv2 } from '#adapters/elbv2/elbv2-unavailable.ts';
import { inEventUnit } from '#app/event-unit.ts';
import type { EventStamp } from '#core/events/event-envelope.ts';
import { type ElbChange, parseElbEvent } from '#core/targets/elb-event.ts';
import { handleElbEvent } from '#core/targets/handle-elb-event.ts';
import type { TargetRegistrationInput } from '#core/targets/target-ports.ts';
import { forgetTargetsAtIps, freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { watchRequests } from '#test/helpers/request-log.ts';
import { sample } from '#test/helpers/samples.ts';

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

/** The entries of an IP's targets-at-IP item, sorted, as the table holds them. */
async function entriesAt(db: DynamoDBDocumentClient, tableName: string, ip: string) {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: keys.targetsAtIp(ip) }));
  return [...((out.Item?.targets ?? []) as Set<string>)].sort();
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
  expect(await entriesAt(db, tableName, IPS[0] as string)).toEqual([
    keys.targetsAtIpEntry(VPC, TG, 443),
    keys.targetsAtIpEntry(VPC, TG, 80),
  ]);
  expect(described(await ledger.targetsByIps(VPC, [IPS[0] as string]))).toEqual([
    `${TG} ${IPS[0]}:80`,
    `${TG} ${IPS[0]}:443`,
  ]);
});

describe('a deregistration takes its entry out only with its own write', () => {
  const IP = IPS[0] as string;
  const deregister = {
    kind: 'targets-deregistered',
    tgArn: TG,
    targets: [{ type: 'ip', ip: IP, port: 80 }],
  } as unknown as ElbChange;

  /** Three targets at one IP: two ports of TG and one of TG2. */
  async function threeAtOneIp() {
    const t = await table();
    await t.ledger.registerTargets(TG, [ipTarget(IP), ipTarget(IP, 443)], at(1));
    await t.ledger.registerTargets(TG2, [ipTarget(IP, 8080)], at(1));
    return t;
  }
  const unitDeregistering = async (db: DynamoDBDocumentClient, tableName: string, m: number) => {
    const unit = dynamoUnitOfWork(db, tableName);
    await unit.prepare(`ev-${m}`, deregister);
    return unit;
  };

  test('in a unit: the one entry goes, in the same transaction, and the others stay', async () => {
    // Prepare
    const { db, tableName, ledger, sent } = await threeAtOneIp();

    // Act
    sent.length = 0;
    const unit = await unitDeregistering(db, tableName, 2);
    const targets = unit.ports.targets as DynamoTargetLedger;
    await targets.deregisterTargets(TG, [{ id: IP, port: 80 }], at(2));
    const commit = await unit.commit();

    // Assess
    expect(commit).toMatchObject({ status: 'committed', requests: 1 });
    expect(sent).toEqual(['BatchGetItem', 'TransactWriteItems']);
    expect(await entriesAt(db, tableName, IP)).toEqual([
      keys.targetsAtIpEntry(VPC, TG2, 8080),
      keys.targetsAtIpEntry(VPC, TG, 443),
    ]);
    expect(described(await ledger.targetsByIps(VPC, [IP]))).toEqual([
      `${TG2} ${IP}:8080`,
      `${TG} ${IP}:443`,
    ]);
  });

  test('a stale deregistration, or one written item by item, leaves the entry', async () => {
    // Prepare
    const { db, tableName, ledger } = await threeAtOneIp();
    await ledger.registerTargets(TG, [ipTarget(IP)], at(5));

    // Act: older than the registration, in a unit; then newer, item by item
    const unit = await unitDeregistering(db, tableName, 2);
    const stale = await (unit.ports.targets as DynamoTargetLedger).deregisterTargets(
      TG,
      [{ id: IP, port: 80 }],
      at(2),
    );
    await unit.commit();
    const afterStale = await entriesAt(db, tableName, IP);
    const plain = await ledger.deregisterTargets(TG, [{ id: IP, port: 80 }], at(6));

    // Assess
    expect([stale, plain]).toEqual([['stale'], ['applied']]);
    expect(afterStale).toContain(keys.targetsAtIpEntry(VPC, TG, 80));
    expect(await entriesAt(db, tableName, IP)).toContain(keys.targetsAtIpEntry(VPC, TG, 80));
    expect(described(await ledger.targetsByIps(VPC, [IP]))).toEqual([
      `${TG2} ${IP}:8080`,
      `${TG} ${IP}:443`,
    ]);
  });

  test('a registration that lands between the read and the commit keeps its entry', async () => {
    // Prepare: the unit reads the target as registered at 1
    const { db, tableName, ledger } = await threeAtOneIp();
    const unit = await unitDeregistering(db, tableName, 4);
    await ledger.registerTargets(TG, [ipTarget(IP)], at(5));

    // Act
    const judged = await (unit.ports.targets as DynamoTargetLedger).deregisterTargets(
      TG,
      [{ id: IP, port: 80 }],
      at(4),
    );
    const commit = await unit.commit();

    // Assess: the transaction lost its pin on the target, so nothing of it was written
    expect(judged).toEqual(['applied']);
    expect(commit.status).toBe('lost');
    expect(await entriesAt(db, tableName, IP)).toContain(keys.targetsAtIpEntry(VPC, TG, 80));
    expect(described(await ledger.targetsByIps(VPC, [IP]))).toContain(`${TG} ${IP}:80`);
  });
});

test('a deregistration delivered after a newer registration of its target leaves its entry', async () => {
  // Prepare: the samples' group and target, registered again after its deregistration
  const { db, tableName, ledger } = await table();
  const deps = {
    targets: ledger,
    network: new DynamoNetworkLedger(db, tableName),
    elbv2: unavailableElbv2,
    scope: { clusters: ['myeks'], vpcIds: ['vpc-0a1b2c3d4e5f60718'] },
    settings: { delayPolicy: { default: 60, perCluster: {}, perStack: {} }, remediate: false },
  };
  const again = sample('elb/register-targets.json');
  again.id = '7e2a9c14-58b3-4d61-a0f2-c93e1b6d4a10';
  again.time = '2026-11-21T11:20:00Z';
  again.detail.eventTime = again.time;
  again.detail.eventID = 'e4c0f6d5-9a7b-4c3d-8f54-6b1a8dacef10';
  again.detail.requestParameters.targets = [{ id: '192.168.1.21', port: 8080 }];
  const [create, first, late] = [
    'create-target-group',
    'register-targets',
    'deregister-targets',
  ].map((name) => sample(`elb/${name}.json`));

  // Act: the deregistration (11:09) arrives after the registration of 11:20
  const outcomes = [];
  for (const event of [create, first, again, late]) {
    const parsed = parseElbEvent(event);
    if (!parsed.ok) throw new Error(parsed.reason);
    const outcome = await inEventUnit(
      () => dynamoUnitOfWork(db, tableName),
      { eventId: parsed.value.eventId, change: parsed.value },
      (ports) =>
        handleElbEvent(event, ports ? { ...deps, ...ports } : deps, '2026-11-21T12:00:00Z'),
    );
    outcomes.push(outcome.unit?.writes);
  }

  // Assess
  expect(outcomes).toEqual(['unit', 'unit', 'unit', 'unit']);
  const tg = String(again.detail.requestParameters.targetGroupArn);
  expect(described(await ledger.targetsByIps('vpc-0a1b2c3d4e5f60718', ['192.168.1.21']))).toEqual([
    `${tg} 192.168.1.21:8080`,
  ]);
});
