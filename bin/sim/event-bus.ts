import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { EmittedEvent } from './cloudtrail.ts';

const PATTERNS_DIR = fileURLToPath(new URL('../../events/patterns/', import.meta.url));

/** A message taken off a rule's queue, to be acknowledged once its handler succeeded. */
export interface Delivery {
  readonly rule: string;
  readonly body: unknown;
  readonly receipt: string;
}

/**
 * The account's event plumbing as a deployment has it: one EventBridge rule per pattern in
 * events/patterns/ (the same files serverless.yml uses), each with an SQS queue as target,
 * and the alert topic with a queue subscribed to it. moto routes PutEvents of `aws.*`
 * sources by the rule patterns, so an event no pattern matches is never delivered. (moto
 * has no CloudTrail or EventBridge deliveries of its own for API calls, and a Lambda target
 * makes its PutEvents fail: hence queues and a local runner.)
 */
export class EventBus {
  private constructor(
    private readonly events: EventBridgeClient,
    private readonly sqs: SQSClient,
    readonly queues: ReadonlyMap<string, string>,
    readonly topicArn: string,
    readonly alertQueueUrl: string,
  ) {}

  static async create(clients: {
    events: EventBridgeClient;
    sqs: SQSClient;
    sns: SNSClient;
  }): Promise<EventBus> {
    const queues = new Map<string, string>();
    for (const file of readdirSync(PATTERNS_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const rule = basename(file, '.json');
      const pattern = readFileSync(join(PATTERNS_DIR, file), 'utf8');
      const url = await createQueue(clients.sqs, `netledger-${rule}`);
      const ruleArn = (
        await clients.events.send(
          new PutRuleCommand({ Name: `netledger-${rule}`, EventPattern: pattern }),
        )
      ).RuleArn;
      if (!ruleArn) throw new Error(`moto returned no ARN for rule ${rule}`);
      await clients.events.send(
        new PutTargetsCommand({
          Rule: `netledger-${rule}`,
          Targets: [{ Id: 'queue', Arn: await queueArn(clients.sqs, url) }],
        }),
      );
      queues.set(rule, url);
    }
    const topicArn = (await clients.sns.send(new CreateTopicCommand({ Name: 'netledger-alerts' })))
      .TopicArn;
    if (!topicArn) throw new Error('moto returned no topic ARN');
    const alertQueueUrl = await createQueue(clients.sqs, 'netledger-alerts-inbox');
    await clients.sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: await queueArn(clients.sqs, alertQueueUrl),
        Attributes: { RawMessageDelivery: 'false' },
      }),
    );
    return new EventBus(clients.events, clients.sqs, queues, topicArn, alertQueueUrl);
  }

  /** PutEvents, ten entries a call (the API's limit); a rejected entry is an error here. */
  async put(events: readonly EmittedEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 10) {
      const batch = events.slice(i, i + 10);
      const out = await this.events.send(
        new PutEventsCommand({ Entries: batch.map((e) => e.entry) }),
      );
      if (out.FailedEntryCount) {
        const failed = out.Entries?.find((e) => e.ErrorCode);
        throw new Error(
          `PutEvents rejected an event: ${failed?.ErrorCode} ${failed?.ErrorMessage}`,
        );
      }
    }
  }

  /** Everything waiting on every rule's queue. */
  async receiveAll(): Promise<Delivery[]> {
    const out: Delivery[] = [];
    for (const [rule, url] of this.queues) {
      for (const m of await this.drain(url)) {
        out.push({ rule, body: JSON.parse(m.body), receipt: `${url} ${m.receipt}` });
      }
    }
    return out;
  }

  async ack(delivery: Delivery): Promise<void> {
    const [url, receipt] = splitReceipt(delivery.receipt);
    await this.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: receipt }));
  }

  /** Makes a failed delivery visible again at once, as the next poll's redelivery. */
  async retryLater(delivery: Delivery): Promise<void> {
    const [url, receipt] = splitReceipt(delivery.receipt);
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: receipt,
        VisibilityTimeout: 0,
      }),
    );
  }

  /** The alert notifications SNS delivered to the subscribed queue (and acknowledges them). */
  async receivedAlerts(): Promise<Array<Record<string, unknown>>> {
    const messages = await this.drain(this.alertQueueUrl);
    for (const m of messages) {
      await this.sqs.send(
        new DeleteMessageCommand({ QueueUrl: this.alertQueueUrl, ReceiptHandle: m.receipt }),
      );
    }
    return messages.map((m) => JSON.parse(m.body) as Record<string, unknown>);
  }

  private async drain(url: string): Promise<Array<{ body: string; receipt: string }>> {
    const out: Array<{ body: string; receipt: string }> = [];
    for (;;) {
      const res = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 300,
        }),
      );
      const messages = res.Messages ?? [];
      for (const m of messages) {
        if (m.Body && m.ReceiptHandle) out.push({ body: m.Body, receipt: m.ReceiptHandle });
      }
      if (messages.length === 0) return out;
    }
  }
}

function splitReceipt(receipt: string): [string, string] {
  const space = receipt.indexOf(' ');
  return [receipt.slice(0, space), receipt.slice(space + 1)];
}

async function createQueue(sqs: SQSClient, name: string): Promise<string> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl;
  if (!url) throw new Error(`moto returned no URL for queue ${name}`);
  return url;
}

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = attrs.Attributes?.QueueArn;
  if (!arn) throw new Error(`moto returned no ARN for queue ${url}`);
  return arn;
}
