import type { SNSEvent } from 'aws-lambda';
import { parseAlertMessage } from '#core/alerts/alert-message.ts';
import type { Notifier } from '#core/alerts/notifier.ts';
import { PermanentInputError } from '#core/events/errors.ts';
import { ConfigError } from '#shared/errors.ts';

export interface NotifyConfig {
  /** Name of the SSM SecureString that holds the Slack webhook URL (never the URL itself). */
  readonly slackWebhookParameter: string;
}

export function readNotifyConfig(env: Readonly<Record<string, string | undefined>>): NotifyConfig {
  const slackWebhookParameter = env.SLACK_WEBHOOK_PARAMETER?.trim();
  if (!slackWebhookParameter) throw new ConfigError('SLACK_WEBHOOK_PARAMETER is not set');
  return { slackWebhookParameter };
}

export interface NotifyDeps {
  readonly slack: Notifier;
  readonly logger: {
    info(message: string, ...extra: Record<string, unknown>[]): void;
    warn(message: string, ...extra: Record<string, unknown>[]): void;
  };
}

/** Posts each netledger alert from the topic to Slack. Malformed messages are dropped; Slack failures throw (DLQ). */
export function makeNotifyHandler(deps: NotifyDeps) {
  return async (event: SNSEvent): Promise<void> => {
    for (const { Sns } of event.Records) {
      let notification: ReturnType<typeof parseAlertMessage>;
      try {
        notification = parseAlertMessage(Sns.Message);
      } catch (error) {
        if (!(error instanceof PermanentInputError)) throw error;
        deps.logger.warn('dropped malformed alert message', {
          messageId: Sns.MessageId,
          reason: error.message,
        });
        continue;
      }
      await deps.slack.notify(notification);
      const { type, kind, cluster, subject } = notification;
      deps.logger.info('alert posted to Slack', {
        messageId: Sns.MessageId,
        type,
        kind,
        cluster,
        subject,
      });
    }
  };
}
