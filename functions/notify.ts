/** SNS (the alerts topic): posts each netledger alert to Slack. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { makeNotifyHandler, readNotifyConfig } from '#app/notify-handler.ts';
import { awsNotifyDeps } from '#app/notify-wiring.ts';
import { logger } from '#shared/powertools.ts';

const deps = awsNotifyDeps(readNotifyConfig(process.env));

export const handler = middy(makeNotifyHandler(deps)).use(injectLambdaContext(logger));
