import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface QueuedMessage {
  readonly id: string;
  readonly receiptHandle: string;
  readonly body: string;
}

/** A dead-letter queue read a batch at a time; a message goes away only when deleted. */
export class DeadLetterQueue {
  constructor(
    private readonly sqs: SQSClient,
    readonly url: string,
    /** How long a received message stays hidden while it is redriven. */
    private readonly visibilitySeconds = 120,
  ) {}

  /** The queue behind an ARN (`arn:aws:sqs:region:account:name`). */
  static async fromArn(sqs: SQSClient, arn: string): Promise<DeadLetterQueue> {
    const [, , , , account, name] = arn.split(':');
    const { QueueUrl } = await sqs.send(
      new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }),
    );
    if (!QueueUrl) throw new Error(`no queue URL for ${arn}`);
    return new DeadLetterQueue(sqs, QueueUrl);
  }

  async receive(max: number): Promise<QueuedMessage[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.url,
        MaxNumberOfMessages: Math.min(10, Math.max(1, max)),
        VisibilityTimeout: this.visibilitySeconds,
        WaitTimeSeconds: 0,
      }),
    );
    return Messages.map((m) => ({
      id: m.MessageId ?? '',
      receiptHandle: m.ReceiptHandle ?? '',
      body: m.Body ?? '',
    }));
  }

  delete(message: QueuedMessage): Promise<unknown> {
    return this.sqs.send(
      new DeleteMessageCommand({ QueueUrl: this.url, ReceiptHandle: message.receiptHandle }),
    );
  }

  /** Makes a message visible again at once (a dry run looked at it, nothing more). */
  release(message: QueuedMessage): Promise<unknown> {
    return this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.url,
        ReceiptHandle: message.receiptHandle,
        VisibilityTimeout: 0,
      }),
    );
  }
}
