import { readFileSync } from 'node:fs';
import {
  DescribeInstanceTypesCommand,
  DescribeSubnetsCommand,
  EC2Client,
  GetSubnetCidrReservationsCommand,
} from '@aws-sdk/client-ec2';
import { PublishCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SNSEvent, SNSMessageAttributes } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DynamoAlertStore } from '#adapters/dynamodb/ledger-alerts.ts';
import { SlackWebhookNotifier } from '#adapters/notify/slack-webhook.ts';
import { ec2EventHandler } from '#app/ec2-handler.ts';
import { makeNotifyHandler } from '#app/notify-handler.ts';
import { ec2HandlerDeps } from '#app/wiring.ts';
import { SLACK_COLOURS } from '#core/alerts/alert-message.ts';
import { loadConfig } from '#shared/config.ts';
import { Ec2EventBuilder, ips } from '#test/helpers/ec2-events.ts';
import { FakeSlack } from '#test/helpers/fake-slack.ts';
import { instanceTypesDocument } from '#test/helpers/instance-types.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';

const TOPIC = 'arn:aws:sns:ap-northeast-2:111122223333:netledger-alerts';
const VPC = 'vpc-0a1b2c3d4e5f60718';
const NODE = 'i-0a1b2c3d4e5f00001';
const SUBNET = 'subnet-0aa1111111111111a';
const ETH0 = 'eni-0a1b2c3d4e5f60001';
const ETH1 = 'eni-0a1b2c3d4e5f60011';
const ETH2 = 'eni-0a1b2c3d4e5f60021';
const NET = '192.168.1.';
const REMIND_AFTER = 3600;

const instanceTypes = instanceTypesDocument().InstanceTypes;
const snsSample = JSON.parse(
  readFileSync(
    new URL('../../events/samples/sns/alert-notification.json', import.meta.url),
    'utf8',
  ),
) as SNSEvent;

const context = {
  functionName: 'netledger-test-eni-activity',
  functionVersion: '$LATEST',
  invokedFunctionArn:
    'arn:aws:lambda:ap-northeast-2:111122223333:function:netledger-test-eni-activity',
  memoryLimitInMB: '512',
  awsRequestId: 'test',
  logGroupName: '/aws/lambda/netledger-test-eni-activity',
  logStreamName: 'test',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

const quietLogger = { info: () => undefined, warn: () => undefined };

interface Harness {
  readonly events: Ec2EventBuilder;
  readonly send: (event: Record<string, unknown>) => Promise<{ status: string }>;
  readonly published: () => PublishCommandInput[];
  readonly describeInstanceTypesCalls: () => number;
  readonly alerts: DynamoAlertStore;
  /** Delivers what was published since the last call to the notify function, i.e. to Slack. */
  readonly deliverToSlack: () => Promise<void>;
  /** The next SNS publish fails (after the SDK's retries), as when SNS is down. */
  readonly failNextPublish: (error: Error) => void;
}

let slack: FakeSlack;
let slackUrl: string;
beforeEach(async () => {
  slack = new FakeSlack();
  slackUrl = await slack.start();
});
afterEach(async () => {
  await slack.stop();
});

/**
 * The deployed wiring (ec2HandlerDeps + ec2EventHandler) against a fresh table in
 * DynamoDB Local, with EC2 and SNS mocked at the SDK client and the scenario's clock.
 */
async function harness(
  subnets: Record<string, string>,
  env: Record<string, string> = {},
): Promise<Harness> {
  const { client, tableName } = await freshLedgerTable();
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const ec2 = new EC2Client({});
  const ec2Mock = mockClient(ec2);
  ec2Mock.on(DescribeSubnetsCommand).callsFake((input: { SubnetIds: string[] }) => ({
    Subnets: input.SubnetIds.map((id) => ({
      SubnetId: id,
      VpcId: VPC,
      CidrBlock: subnets[id],
      AvailabilityZone: 'ap-northeast-2a',
    })),
  }));
  ec2Mock.on(GetSubnetCidrReservationsCommand).resolves({ SubnetIpv4CidrReservations: [] });
  ec2Mock.on(DescribeInstanceTypesCommand).callsFake((input: { InstanceTypes: string[] }) => ({
    InstanceTypes: instanceTypes.filter((t) => input.InstanceTypes.includes(t.InstanceType)),
  }));
  const sns = new SNSClient({});
  const snsMock = mockClient(sns);
  snsMock.on(PublishCommand).resolves({ MessageId: 'm' });

  const events = new Ec2EventBuilder();
  const config = loadConfig({
    TABLE_NAME: tableName,
    CLUSTERS: 'myeks',
    VPC_IDS: VPC,
    ALERT_TOPIC_ARN: TOPIC,
    ALERT_REMIND_AFTER_SECONDS: String(REMIND_AFTER),
    ...env,
  });
  const handler = ec2EventHandler(
    ec2HandlerDeps(config, { db, ec2, sns: () => sns, clock: () => new Date(events.now) }),
  );
  const published = () =>
    snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input as PublishCommandInput);
  let delivered = 0;
  const notify = makeNotifyHandler({
    slack: new SlackWebhookNotifier(async () => slackUrl),
    logger: quietLogger,
  });
  return {
    events,
    send: (event) => handler(event, context),
    published,
    describeInstanceTypesCalls: () => ec2Mock.commandCalls(DescribeInstanceTypesCommand).length,
    alerts: new DynamoAlertStore(db, tableName),
    failNextPublish: (error) => {
      snsMock.on(PublishCommand).rejectsOnce(error).resolves({ MessageId: 'm' });
    },
    deliverToSlack: async () => {
      const fresh = published().slice(delivered);
      delivered += fresh.length;
      for (const input of fresh) await notify(snsEventFor(input));
    },
  };
}

/** What SNS hands the notify function for a publish (the sample's envelope, this message). */
function snsEventFor(input: PublishCommandInput): SNSEvent {
  const [record] = snsSample.Records;
  if (!record) throw new Error('SNS sample has no record');
  const attributes: SNSMessageAttributes = Object.fromEntries(
    Object.entries(input.MessageAttributes ?? {}).map(([k, v]) => [
      k,
      { Type: 'String', Value: v.StringValue ?? '' },
    ]),
  );
  return {
    Records: [
      {
        ...record,
        Sns: {
          ...record.Sns,
          TopicArn: TOPIC,
          Message: input.Message ?? '',
          MessageAttributes: attributes,
        },
      },
    ],
  };
}

function attributesOf(input: PublishCommandInput | undefined) {
  return Object.fromEntries(
    Object.entries(input?.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
  );
}

function messageOf(input: PublishCommandInput | undefined) {
  return JSON.parse(input?.Message ?? 'null');
}

interface SlackBody {
  text: string;
  blocks: { type: string; text: { text: string } }[];
  attachments: {
    color: string;
    blocks: { type: string; text?: { text: string }; fields?: { text: string }[] }[];
  }[];
}

const t3Medium = {
  instanceId: NODE,
  instanceType: 't3.medium',
  subnetId: SUBNET,
  eniId: ETH0,
  privateIp: `${NET}10`,
};

describe('a redelivered event settles the alerts its first delivery could not', () => {
  test('SNS fails after the open was stored: the redelivery (a duplicate) publishes that open', async () => {
    // Prepare: a t3.medium one pod short of its alert
    const h = await harness({ [SUBNET]: '192.168.1.0/24' });
    const { events } = h;
    await h.send(events.runInstances(t3Medium));
    await h.send(events.after(41).instanceState(NODE, 'running'));
    await h.send(events.after(30).assignPrivateIpAddresses(ETH0, ips(NET, 21, 5)));
    await h.send(
      events.after(230).createNetworkInterface({
        eniId: ETH1,
        instanceId: NODE,
        subnetId: SUBNET,
        primaryIp: `${NET}40`,
        secondaryIps: ips(NET, 41, 5),
      }),
    );
    await h.send(events.after(1).attachNetworkInterface(ETH1, NODE, 1));
    await h.send(
      events.after(100).createNetworkInterface({
        eniId: ETH2,
        instanceId: NODE,
        subnetId: SUBNET,
        primaryIp: `${NET}60`,
        secondaryIps: ips(NET, 61, 2),
      }),
    );
    await h.send(events.after(1).attachNetworkInterface(ETH2, NODE, 2));
    const crossing = events.after(100).assignPrivateIpAddresses(ETH2, [`${NET}63`]);
    h.failNextPublish(new Error('SNS is down'));

    // Act: the first delivery applies the event and stores the open, then its publish fails;
    // Lambda delivers the event again
    const first = h.send(crossing);
    await expect(first).rejects.toThrow('SNS is down');
    const again = await h.send(crossing);

    // Assess: two publish calls of the same open, the one that failed and the one that went out
    expect(again.status).toBe('duplicate');
    const [failed, sent, ...rest] = h.published().map(messageOf);
    expect(rest).toEqual([]);
    expect([failed?.kind, failed?.type, failed?.subject]).toEqual([
      'node-pod-capacity',
      'open',
      NODE,
    ]);
    expect(sent).toEqual(failed);
    expect((await h.alerts.get('node-pod-capacity', NODE))?.pending).toBeUndefined();
  });
});

describe('seed scenario: a t3.medium fills up as a deployment scales toward 50 pods', () => {
  test('node-pod-capacity opens once, escalates at 0 free slots, reminds once after the interval, and resolves on scale-in', async () => {
    // Prepare
    const h = await harness({ [SUBNET]: '192.168.1.0/24' });
    const { events } = h;
    const statuses: string[] = [];
    const send = async (event: Record<string, unknown>) => {
      statuses.push((await h.send(event)).status);
    };

    // Act 1: the node starts; the CNI fills eth0, then attaches eth1 and eth2 with warm IPs
    await send(events.runInstances(t3Medium));
    await send(events.after(41).instanceState(NODE, 'running'));
    await send(events.after(30).assignPrivateIpAddresses(ETH0, ips(NET, 21, 5)));
    await send(
      events.after(230).createNetworkInterface({
        eniId: ETH1,
        instanceId: NODE,
        subnetId: SUBNET,
        primaryIp: `${NET}40`,
        secondaryIps: ips(NET, 41, 5),
      }),
    );
    await send(events.after(1).attachNetworkInterface(ETH1, NODE, 1));
    await send(
      events.after(100).createNetworkInterface({
        eniId: ETH2,
        instanceId: NODE,
        subnetId: SUBNET,
        primaryIp: `${NET}60`,
        secondaryIps: ips(NET, 61, 2),
      }),
    );
    await send(events.after(1).attachNetworkInterface(ETH2, NODE, 2));
    // 3/3 ENIs, 12/15 slots: 3 free is not below the threshold of 3
    const beforeFull = h.published().length;

    // Act 2: more pods; 13/15 (opens, warning) then 15/15 (no slot left: escalates at once)
    const openedAt = events.after(100).now;
    await send(events.assignPrivateIpAddresses(ETH2, [`${NET}63`]));
    const escalatedAt = events.after(100).now;
    await send(events.assignPrivateIpAddresses(ETH2, ips(NET, 64, 2)));
    const afterOpen = h.published().length;

    // Act 3: churn within the remind interval: 14/15, 13/15 (calmer), 15/15 again (as announced)
    await send(events.after(REMIND_AFTER - 300).unassignPrivateIpAddresses(ETH2, [`${NET}65`]));
    await send(events.after(200).unassignPrivateIpAddresses(ETH2, [`${NET}64`]));
    await send(events.after(60).assignPrivateIpAddresses(ETH2, ips(NET, 64, 2)));
    const afterChurn = h.published().length;

    // Act 4: the deployment scales in; eth2 empties (5 free: not enough to clear, but a
    // reminder is due), then eth1
    const remindedAt = events.after(600).now;
    await send(events.unassignPrivateIpAddresses(ETH2, ips(NET, 61, 5)));
    const halfway = h.published().length;
    const resolvedAt = events.after(30).now;
    await send(events.unassignPrivateIpAddresses(ETH1, ips(NET, 41, 5)));
    await h.deliverToSlack();

    // Assess: every event applied; one open, one escalation, one reminder, one resolve
    expect(statuses.every((s) => s === 'applied')).toBe(true);
    expect([beforeFull, afterOpen, afterChurn, halfway]).toEqual([0, 2, 2, 3]);
    const [open, escalate, remind, resolve, ...rest] = h.published();
    expect(rest).toEqual([]);
    expect(h.describeInstanceTypesCalls()).toBe(1);

    // Assess: the SNS messages
    for (const input of [open, escalate, remind, resolve]) expect(input?.TopicArn).toBe(TOPIC);
    expect(attributesOf(open)).toEqual({
      type: 'open',
      kind: 'node-pod-capacity',
      severity: 'warning',
      cluster: 'myeks',
    });
    expect(messageOf(open)).toMatchObject({
      type: 'open',
      kind: 'node-pod-capacity',
      subject: NODE,
      cluster: 'myeks',
      openedAt,
      facts: {
        instanceType: 't3.medium',
        enisAttached: 3,
        eniLimit: 3,
        slotsInUse: 13,
        slotCapacity: 15,
        freeSlots: 2,
        maxPods: 17,
      },
    });
    expect(messageOf(open).summary).toBe(
      't3.medium: 3/3 ENIs, 13/15 secondary IPs; pods beyond 17 will stay Pending',
    );
    expect(attributesOf(escalate)).toEqual({
      type: 'remind',
      kind: 'node-pod-capacity',
      severity: 'critical',
      cluster: 'myeks',
    });
    expect(messageOf(escalate)).toMatchObject({
      type: 'remind',
      escalated: true,
      openedAt,
      facts: { slotsInUse: 15, freeSlots: 0 },
    });
    expect(attributesOf(remind)).toMatchObject({
      type: 'remind',
      kind: 'node-pod-capacity',
      severity: 'warning',
      cluster: 'myeks',
    });
    expect(messageOf(remind)).toMatchObject({
      type: 'remind',
      openedAt,
      facts: { slotsInUse: 10, freeSlots: 5 },
    });
    expect(messageOf(remind)).not.toHaveProperty('escalated');
    expect(Date.parse(remindedAt) - Date.parse(escalatedAt)).toBeGreaterThanOrEqual(
      REMIND_AFTER * 1000,
    );
    expect(attributesOf(resolve)).toMatchObject({
      type: 'resolve',
      kind: 'node-pod-capacity',
      cluster: 'myeks',
    });
    expect(messageOf(resolve)).toMatchObject({
      type: 'resolve',
      openedAt,
      resolvedAt,
      facts: { slotsInUse: 5, freeSlots: 10 },
    });

    // Assess: what Slack received, through the notify function
    const bodies = slack.bodies as SlackBody[];
    expect(bodies).toHaveLength(4);
    const title = `Node ${NODE} near its pod ceiling`;
    expect(bodies.map((b) => b.blocks[0]?.text.text)).toEqual([
      `:large_orange_circle: ${title}`,
      `:red_circle: Escalated: ${title}`,
      `:large_orange_circle: Reminder: ${title}`,
      `:white_check_mark: Resolved: ${title}`,
    ]);
    expect(bodies.map((b) => b.attachments[0]?.color)).toEqual([
      SLACK_COLOURS.warning,
      SLACK_COLOURS.critical,
      SLACK_COLOURS.warning,
      SLACK_COLOURS.resolved,
    ]);
    expect(bodies[0]?.text).toContain('pods beyond 17 will stay Pending');
    const fields = bodies[0]?.attachments[0]?.blocks
      .flatMap((b) => b.fields ?? [])
      .map((f) => f.text);
    expect(fields).toContain('*freeSlots*\n2');
    expect(fields).toContain('*instanceType*\nt3.medium');

    // Assess: nothing left open
    expect(await h.alerts.listOpen()).toEqual([]);
  });

  test('no alert while the node can still attach an ENI; the same numbers alert once it cannot', async () => {
    // Prepare: 50% of 15 slots is the threshold, so eth0 and eth1 full (5 free) is "low"
    const h = await harness({ [SUBNET]: '192.168.1.0/24' }, { NODE_MIN_FREE_PERCENT: '50' });
    const { events } = h;
    await h.send(events.runInstances(t3Medium));
    await h.send(events.after(30).assignPrivateIpAddresses(ETH0, ips(NET, 21, 5)));
    await h.send(
      events.after(30).createNetworkInterface({
        eniId: ETH1,
        instanceId: NODE,
        subnetId: SUBNET,
        primaryIp: `${NET}40`,
        secondaryIps: ips(NET, 41, 5),
      }),
    );

    // Act
    await h.send(events.after(1).attachNetworkInterface(ETH1, NODE, 1));
    const withEniLeft = h.published().length;
    await h.send(
      events.after(30).createNetworkInterface({
        eniId: ETH2,
        instanceId: NODE,
        subnetId: SUBNET,
        primaryIp: `${NET}60`,
        secondaryIps: [],
      }),
    );
    await h.send(events.after(1).attachNetworkInterface(ETH2, NODE, 2));

    // Assess
    expect(withEniLeft).toBe(0);
    expect(h.published().map((p) => attributesOf(p).type)).toEqual(['open']);
    expect(messageOf(h.published()[0])).toMatchObject({ facts: { enisAttached: 3, freeSlots: 5 } });
  });

  test('a small /27 subnet running out of addresses opens subnet-exhaustion', async () => {
    // Prepare: a c5.large (3 ENIs x 10 IPv4) in a /27: 32 addresses, 5 kept by AWS
    const small = 'subnet-0dd4444444444444d';
    const net = '10.0.8.';
    const h = await harness(
      { [small]: '10.0.8.0/27' },
      { SUBNET_MIN_FREE_ADDRESSES: '8', SUBNET_MIN_FREE_PERCENT: '0' },
    );
    const { events } = h;
    await h.send(
      events.runInstances({
        instanceId: NODE,
        instanceType: 'c5.large',
        subnetId: small,
        eniId: ETH0,
        privateIp: `${net}4`,
      }),
    );
    await h.send(events.after(30).assignPrivateIpAddresses(ETH0, ips(net, 5, 9)));
    const beforeEth1 = h.published().length;

    // Act: the CNI's second ENI takes 10 more addresses
    await h.send(
      events.after(30).createNetworkInterface({
        eniId: ETH1,
        instanceId: NODE,
        subnetId: small,
        primaryIp: `${net}14`,
        secondaryIps: ips(net, 15, 9),
      }),
    );
    await h.deliverToSlack();

    // Assess
    expect(beforeEth1).toBe(0);
    const [alert, ...rest] = h.published();
    expect(rest).toEqual([]);
    expect(attributesOf(alert)).toEqual({
      type: 'open',
      kind: 'subnet-exhaustion',
      severity: 'warning',
      cluster: 'myeks',
    });
    expect(messageOf(alert)).toMatchObject({
      subject: small,
      facts: {
        cidr: '10.0.8.0/27',
        total: 32,
        reserved: 5,
        used: 20,
        free: 32 - 5 - 20,
        'used.vpc-cni': 19,
        'used.node-primary': 1,
      },
    });
    expect((slack.bodies[0] as SlackBody).blocks[0]?.text.text).toContain(
      `Subnet ${small} running out of addresses`,
    );
    expect((await h.alerts.listOpen()).map((a) => `${a.kind}#${a.subject}`)).toEqual([
      `subnet-exhaustion#${small}`,
    ]);
  });
});
