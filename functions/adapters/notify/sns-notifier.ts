import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';
import { renderSnsMessage } from '#core/alerts/alert-message.ts';
import type { Notifier } from '#core/alerts/notifier.ts';

/** Publishes alerts to the netledger topic; SDK errors propagate so the caller retries. */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async notify(notification: AlertNotification): Promise<void> {
    const { message, attributes } = renderSnsMessage(notification);
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: message,
        MessageAttributes: attributes,
      }),
    );
  }
}
