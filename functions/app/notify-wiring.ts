import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SlackWebhookNotifier } from '#adapters/notify/slack-webhook.ts';
import { makeSlackWebhookUrlReader } from '#adapters/notify/slack-webhook-url.ts';
import type { NotifyConfig, NotifyDeps } from '#app/notify-handler.ts';
import { logger, tracer } from '#shared/powertools.ts';

/**
 * The notify function's one port (Slack, its webhook URL read from SSM, never from plain env).
 * Apart from wiring.ts so the notify bundle carries no EC2, ELBv2 or DynamoDB client.
 */
export function awsNotifyDeps(config: NotifyConfig): NotifyDeps {
  const slack = new SlackWebhookNotifier(
    makeSlackWebhookUrlReader({
      provider: new SSMProvider({ awsSdkV3Client: tracer.captureAWSv3Client(new SSMClient({})) }),
      parameterName: config.slackWebhookParameter,
    }),
  );
  return { slack, logger };
}
