/** SNS (the alerts topic): posts each netledger alert to Slack. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SSMClient } from '@aws-sdk/client-ssm';
import middy from '@middy/core';
import { SlackWebhookNotifier } from '#adapters/notify/slack-webhook.ts';
import { makeSlackWebhookUrlReader } from '#adapters/notify/slack-webhook-url.ts';
import { makeNotifyHandler, readNotifyConfig } from '#app/notify-handler.ts';
import { logger, tracer } from '#shared/powertools.ts';

const config = readNotifyConfig(process.env);
const slack = new SlackWebhookNotifier(
  makeSlackWebhookUrlReader({
    provider: new SSMProvider({ awsSdkV3Client: tracer.captureAWSv3Client(new SSMClient({})) }),
    parameterName: config.slackWebhookParameter,
  }),
);

export const handler = middy(makeNotifyHandler({ slack, logger })).use(injectLambdaContext(logger));
