import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { expect, test } from 'vitest';
import { DynamoAlertStore } from '#adapters/dynamodb/ledger-alerts.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import { dynamoUnitOfWork } from '#adapters/dynamodb/ledger-unit-of-work.ts';
import { ec2EventHandler } from '#app/ec2-handler.ts';
import { elbEventHandler } from '#app/elb-handler.ts';
import type { AlertKind } from '#core/alerts/alert.ts';
import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';
import type { AlertRef } from '#core/alerts/alert-store.ts';
import { StaticInstanceTypeCatalog } from '#test/helpers/capacity-fakes.ts';
import { CAPACITY, ec2HandlerWithCapacity, SCOPE } from '#test/helpers/ec2-capacity-handler.ts';
import { sampleLimits } from '#test/helpers/instance-types.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { recordReads } from '#test/helpers/request-log.ts';
import { type SampleEvent, sample, sampleFolder } from '#test/helpers/samples.ts';
import { SimulatedEc2 } from '#test/helpers/simulated-ec2.ts';
import { SimulatedElbv2 } from '#test/helpers/simulated-elbv2.ts';

/**
 * With alerts on, the stale-target review and the capacity review that follow one EC2 event
 * read every alert they settle in one request (DynamoDB Local, the deployed handlers).
 */
const context = { functionName: 'test', awsRequestId: 'test' } as unknown as Context;
const ECHO: SampleEvent[] = sample('elb/sequences/echo-nlb-lifecycle.json') as never;
const echo = (idPrefix: string) =>
  structuredClone(ECHO.find((x) => String(x.detail.eventID).startsWith(idPrefix)) as SampleEvent);

/** The DynamoDB alert store, writing down each read it is asked for. */
class CountedAlertStore extends DynamoAlertStore {
  /** Per read: the kinds of alert it asked for. */
  reads: string[][] = [];
  override async get(kind: AlertKind, subject: string) {
    this.reads.push([kind]);
    return super.get(kind, subject);
  }
  override async getMany(refs: readonly AlertRef[]) {
    this.reads.push([...new Set(refs.map((r) => r.kind))].sort());
    return super.getMany(refs);
  }
}

test('the target and capacity reviews of one EC2 event read their alerts in one request', async () => {
  const { client, tableName } = await freshLedgerTable();
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const alerts = new CountedAlertStore(db, tableName);
  const notifier = { notify: async (_: AlertNotification) => undefined };
  let now = '2026-11-21T09:00:00.000Z';
  const clock = () => now;
  const deps = {
    targets: new DynamoTargetLedger(db, tableName),
    network: new DynamoNetworkLedger(db, tableName),
    elbv2: new SimulatedElbv2(),
    scope: SCOPE,
    settings: { delayPolicy: { default: 60, perCluster: {}, perStack: {} }, remediate: false },
    alerting: { alerts, notifier, policy: CAPACITY.alertPolicy },
  };
  const ec2 = ec2EventHandler({
    ledger: deps.network,
    ec2: new SimulatedEc2(),
    scope: SCOPE,
    targets: { ...deps, clock },
    capacity: {
      alerts,
      catalog: new StaticInstanceTypeCatalog(sampleLimits()),
      notifier,
      settings: CAPACITY,
      clock,
    },
  });
  const elb = elbEventHandler({ ...deps, clock });
  const tick = (event: SampleEvent) => {
    now = new Date(
      Date.parse(String(event.detail?.eventTime ?? event.time)) + 180_000,
    ).toISOString();
  };
  for (const { event } of sampleFolder('ec2/node-lifecycle')) {
    tick(event);
    await ec2(event, context);
  }
  for (const id of ['b1f7c3a2', 'c2a8d4b3', 'd3b9e5c4', 'e4c0f6d5']) {
    const event = echo(id);
    tick(event);
    await elb(event, context);
  }

  const perEvent: Record<string, string[][]> = {};
  for (const { name, event } of sampleFolder('ec2/node-termination')) {
    alerts.reads = [];
    tick(event);
    await ec2(event, context);
    perEvent[name] = alerts.reads;
  }

  // Each event one read; the detach (of the ENI holding the echo replicas' IPs) reads the
  // stale-target alerts with the node's capacity alert (a detach moves no address in or out of
  // its subnet, so the subnet's alerts are not read).
  for (const reads of Object.values(perEvent)) expect(reads).toHaveLength(1);
  expect(perEvent['01-detach-network-interface.json']).toEqual([
    ['node-pod-capacity', 'stale-target'],
  ]);
}, 120_000);

/** The ELB handler on DynamoDB Local, each event in its unit of work, alerting into `notified`. */
function elbOnUnits(
  db: DynamoDBDocumentClient,
  tableName: string,
  network: DynamoNetworkLedger,
  clock: () => string,
) {
  const notified: AlertNotification[] = [];
  const elb = elbEventHandler({
    targets: new DynamoTargetLedger(db, tableName),
    network,
    elbv2: new SimulatedElbv2(),
    scope: SCOPE,
    settings: { delayPolicy: { default: 60, perCluster: {}, perStack: {} }, remediate: false },
    alerting: {
      alerts: new DynamoAlertStore(db, tableName),
      notifier: { notify: async (n: AlertNotification) => void notified.push(n) },
      policy: CAPACITY.alertPolicy,
    },
    clock,
    unitOfWork: () => dynamoUnitOfWork(db, tableName),
  });
  return { elb, notified };
}

test('an ELB event in its unit of work reads its review alerts with its own items, in one request', async () => {
  const { client, tableName } = await freshLedgerTable();
  const reads = recordReads(client);
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  let now = '2026-11-21T09:00:00.000Z';
  const { elb, notified } = elbOnUnits(
    db,
    tableName,
    new DynamoNetworkLedger(db, tableName),
    () => now,
  );
  const send = async (event: SampleEvent) => {
    now = new Date(Date.parse(String(event.detail.eventTime)) + 180_000).toISOString();
    reads.length = 0;
    await elb(event, context);
    return [...reads];
  };
  for (const id of ['b1f7c3a2', 'c2a8d4b3', 'd3b9e5c4', 'e4c0f6d5']) await send(echo(id));

  // alice sets 300 s in the console: the drift alert opens, read with the group in one request.
  const raised = await send(echo('a6e2b8f7'));
  // bob sets it back: the open alert is read the same way, and resolves.
  const lowered = await send(echo('c8a4dab9'));

  // (No EC2 events here, so the replicas' IPs are held by nobody: their stale-target alerts open too.)
  const drift = notified.filter((n) => n.kind === 'deregistration-delay-drift');
  expect(drift.map((n) => `${n.type} ${n.kind}`)).toEqual([
    'open deregistration-delay-drift',
    'resolve deregistration-delay-drift',
  ]);
  expect(raised).toEqual(['BatchGetItem']);
  expect(lowered).toEqual(['BatchGetItem']);
}, 120_000);

test('an EC2 event in its unit of work reads the capacity alerts it names with its own items', async () => {
  const { client, tableName } = await freshLedgerTable();
  const reads = recordReads(client);
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const ec2 = ec2HandlerWithCapacity(db, tableName, () => '2026-11-21T09:00:00.000Z');
  const [launch] = sampleFolder('ec2/node-lifecycle');
  if (launch?.name !== '01-run-instances.json') throw new Error('sample order');

  await ec2(launch.event, context);

  // The unit's one BatchGetItem (the node, its ENI, addresses, subnet, parked markers and the
  // node's and subnet's alerts); no query of the new ENI's partition; the node and subnet
  // views the review evaluates.
  expect(reads).toEqual(['BatchGetItem', 'Query GSI1 NODE', 'Query GSI2 SUBNET']);
}, 120_000);

test('an EC2 event finds the targets at the IPs it names with its own items, not by a query per IP', async () => {
  const { client, tableName } = await freshLedgerTable();
  const reads = recordReads(client);
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const notified: AlertNotification[] = [];
  const clock = () => '2026-11-21T09:00:00.000Z';
  const targets = new DynamoTargetLedger(db, tableName);
  const ec2 = ec2EventHandler({
    ledger: new DynamoNetworkLedger(db, tableName),
    ec2: new SimulatedEc2(),
    scope: SCOPE,
    unitOfWork: () => dynamoUnitOfWork(db, tableName),
    targets: {
      targets,
      network: new DynamoNetworkLedger(db, tableName),
      elbv2: new SimulatedElbv2(),
      scope: SCOPE,
      settings: { delayPolicy: { default: 60, perCluster: {}, perStack: {} }, remediate: false },
      alerting: {
        alerts: new DynamoAlertStore(db, tableName),
        notifier: { notify: async (n: AlertNotification) => void notified.push(n) },
        policy: CAPACITY.alertPolicy,
      },
      clock,
    },
  });
  const events = sampleFolder('ec2/node-lifecycle');
  for (const { event } of events.slice(0, 6)) await ec2(event, context);
  // An IP target at one of the two addresses the unassign releases (192.168.1.24).
  const vpcId = 'vpc-0a1b2c3d4e5f60718';
  const tgArn = 'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/k8s-web/1';
  await targets.putTargetGroup(
    { arn: tgArn, name: 'k8s-web', targetType: 'ip', protocol: 'TCP', port: 80, vpcId },
    { eventTime: '2026-11-21T08:00:00Z', eventId: 'tg' },
  );
  await targets.setTags(
    'target-group',
    tgArn,
    { 'elbv2.k8s.aws/cluster': 'myeks' },
    {
      eventTime: '2026-11-21T08:00:00Z',
      eventId: 'tags',
    },
  );
  await targets.registerTargets(
    tgArn,
    [
      {
        id: '192.168.1.24',
        port: 80,
        kind: 'ip',
        vpcId,
        eniAtRegistration: 'eni-0a1b2c3d4e5f60001',
      },
    ],
    { eventTime: '2026-11-21T08:30:00Z', eventId: 'register' },
  );
  const unassign = events[6];
  if (unassign?.name !== '07-unassign-private-ip-addresses.json') throw new Error('sample order');

  reads.length = 0;
  await ec2(unassign.event, context);

  // The unit's BatchGetItem reads the IPs' entries with the event's items, then the target they
  // name (one BatchGetItem); no query of targets by IP. The review reads the group, who holds
  // the IP now (the address, then its /28), and the target's alert.
  expect(notified.map((n) => `${n.type} ${n.kind}`)).toEqual(['open stale-target']);
  expect(reads).toEqual([
    'BatchGetItem',
    'BatchGetItem',
    'GetItem',
    'Query GSI3 IP',
    'Query GSI3 IP',
    'BatchGetItem',
  ]);
}, 120_000);

test('RegisterTargets reads the ENIs that hold its IPs in one request, not one GetItem each', async () => {
  const { client, tableName } = await freshLedgerTable();
  const reads = recordReads(client);
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const network = new DynamoNetworkLedger(db, tableName);
  const vpcId = 'vpc-0a1b2c3d4e5f60718';
  // The echo replicas' IPs, each on an ENI of its own node.
  for (const [eniId, instanceId, ip] of [
    ['eni-0000000000000001a', 'i-0000000000000001a', '192.168.1.21'],
    ['eni-0000000000000002b', 'i-0000000000000002b', '192.168.2.50'],
  ] as const) {
    await network.putEni(
      {
        facts: {
          eniId,
          vpcId,
          subnetId: 'subnet-0aa1111111111111a',
          description: `aws-K8S-${instanceId}`,
          tags: {},
          attachment: { instanceId, attachmentId: `attach-${eniId}` },
          secondaryIps: [ip],
          prefixes: [],
        },
        kind: 'vpc-cni',
        instanceId,
        addresses: [{ address: ip, kind: 'secondary', consumer: 'vpc-cni' }],
      },
      { eventTime: '2026-11-21T08:00:00Z', eventId: eniId },
    );
  }
  const { elb, notified } = elbOnUnits(db, tableName, network, () => '2026-11-21T09:00:00.000Z');
  for (const id of ['b1f7c3a2', 'c2a8d4b3', 'd3b9e5c4']) await elb(echo(id), context);

  reads.length = 0;
  await elb(echo('e4c0f6d5'), context);

  // The unit's read; who claims each of the two IPs (one query each); both claiming ENIs in one
  // BatchGetItem. Both IPs are held, so no /28 is asked and no stale-target alert opens.
  expect(reads).toEqual(['BatchGetItem', 'Query GSI3 IP', 'Query GSI3 IP', 'BatchGetItem']);
  expect(notified.filter((n) => n.kind === 'stale-target')).toEqual([]);
}, 120_000);
