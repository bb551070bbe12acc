import { readFileSync } from 'node:fs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context, SNSEvent } from 'aws-lambda';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { SlackDeliveryError, SlackWebhookNotifier } from '#adapters/notify/slack-webhook.ts';
import { makeNotifyHandler, readNotifyConfig } from '#app/notify-handler.ts';
import { SLACK_COLOURS } from '#core/alerts/alert-message.ts';
import { ConfigError } from '#shared/errors.ts';
import { FakeSlack } from '#test/helpers/fake-slack.ts';

// The handler module reads its configuration at import (cold start), before any test runs.
vi.hoisted(() => {
  process.env.SLACK_WEBHOOK_PARAMETER = '/netledger/test/slack-webhook-url';
});

const sample = JSON.parse(
  readFileSync(
    new URL('../../events/samples/sns/alert-notification.json', import.meta.url),
    'utf8',
  ),
) as SNSEvent;

function recordingLogger() {
  const entries: { level: 'info' | 'warn'; message: string; extra: Record<string, unknown> }[] = [];
  return {
    entries,
    info: (message: string, ...extra: Record<string, unknown>[]) =>
      entries.push({ level: 'info', message, extra: Object.assign({}, ...extra) }),
    warn: (message: string, ...extra: Record<string, unknown>[]) =>
      entries.push({ level: 'warn', message, extra: Object.assign({}, ...extra) }),
  };
}

function withMessages(...messages: string[]): SNSEvent {
  const [record] = sample.Records;
  if (!record) throw new Error('sample has no record');
  return {
    Records: messages.map((Message, i) => ({
      ...record,
      Sns: { ...record.Sns, MessageId: `m-${i}`, Message },
    })),
  };
}

interface PostedPayload {
  text: string;
  blocks: { type: string; text: { text: string } }[];
  attachments: { color: string }[];
}

let slack: FakeSlack;
let url: string;
beforeEach(async () => {
  slack = new FakeSlack();
  url = await slack.start();
});
afterEach(async () => {
  await slack.stop();
});

describe('readNotifyConfig', () => {
  test.each([{}, { SLACK_WEBHOOK_PARAMETER: '' }, { SLACK_WEBHOOK_PARAMETER: '  ' }])(
    'fails fast, naming the variable, for %o',
    (env) => {
      expect(() => readNotifyConfig(env)).toThrow(ConfigError);
      expect(() => readNotifyConfig(env)).toThrow('SLACK_WEBHOOK_PARAMETER');
    },
  );

  test('reads the parameter name', () => {
    expect(readNotifyConfig({ SLACK_WEBHOOK_PARAMETER: '/netledger/slack' })).toEqual({
      slackWebhookParameter: '/netledger/slack',
    });
  });
});

describe('makeNotifyHandler', () => {
  test('the sample SNS event becomes one Slack message', async () => {
    // Prepare
    const logger = recordingLogger();
    const handler = makeNotifyHandler({ slack: new SlackWebhookNotifier(async () => url), logger });

    // Act
    await handler(sample);

    // Assess
    expect(slack.bodies).toHaveLength(1);
    const posted = slack.bodies[0] as PostedPayload;
    expect(posted.blocks[0]?.text.text).toContain('Node i-0a1b2c3d4e5f67890 at its pod ceiling');
    expect(posted.attachments[0]?.color).toBe(SLACK_COLOURS.critical);
    expect(logger.entries).toEqual([
      {
        level: 'info',
        message: 'alert posted to Slack',
        extra: expect.objectContaining({
          type: 'open',
          kind: 'node-pod-capacity',
          cluster: 'demo',
        }),
      },
    ]);
  });

  test('a malformed message is logged with its reason and dropped; the others are still posted', async () => {
    // Prepare
    const logger = recordingLogger();
    const handler = makeNotifyHandler({ slack: new SlackWebhookNotifier(async () => url), logger });
    const good = sample.Records[0]?.Sns.Message ?? '';
    const event = withMessages('{"type":"open","kind":"cpu-high"}', good);

    // Act
    await handler(event);

    // Assess
    expect(slack.bodies).toHaveLength(1);
    const warnings = logger.entries.filter((e) => e.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.extra.messageId).toBe('m-0');
    expect(String(warnings[0]?.extra.reason)).toContain('kind');
    expect(String(warnings[0]?.extra.reason)).not.toContain('\n');
  });

  test('a message that is not JSON at all is dropped without touching Slack', async () => {
    // Prepare
    const logger = recordingLogger();
    const handler = makeNotifyHandler({ slack: new SlackWebhookNotifier(async () => url), logger });

    // Act
    await handler(withMessages('Test message from the SNS console'));

    // Assess
    expect(slack.bodies).toHaveLength(0);
    expect(logger.entries.map((e) => e.level)).toEqual(['warn']);
  });

  test('a Slack failure fails the invocation (so the message goes to the DLQ)', async () => {
    // Prepare
    slack.answer({ status: 404, body: 'no_service' });
    const handler = makeNotifyHandler({
      slack: new SlackWebhookNotifier(async () => url),
      logger: recordingLogger(),
    });

    // Act / Assess
    await expect(handler(sample)).rejects.toBeInstanceOf(SlackDeliveryError);
  });
});

describe('the deployed handler export', () => {
  const context = {
    functionName: 'netledger-dev-notify',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:netledger-dev-notify',
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/netledger-dev-notify',
    logStreamName: '2025/03/14/[$LATEST]abcdef',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30_000,
  } as unknown as Context;

  let ssm: AwsClientStub<SSMClient> | undefined;
  afterEach(() => {
    ssm?.restore();
    process.env.SLACK_WEBHOOK_PARAMETER = '/netledger/test/slack-webhook-url';
    vi.resetModules();
  });

  test('refuses to start without SLACK_WEBHOOK_PARAMETER', async () => {
    // Prepare
    delete process.env.SLACK_WEBHOOK_PARAMETER;
    vi.resetModules();

    // Act / Assess
    await expect(import('../../functions/notify.ts')).rejects.toThrow('SLACK_WEBHOOK_PARAMETER');
  });

  test('reads the URL from SSM (decrypted) and posts the sample to Slack', async () => {
    // Prepare
    process.env.SLACK_WEBHOOK_PARAMETER = '/netledger/dev/slack-webhook-url';
    ssm = mockClient(SSMClient);
    ssm.on(GetParameterCommand).resolves({ Parameter: { Type: 'SecureString', Value: url } });
    vi.resetModules();
    const { handler } = await import('../../functions/notify.ts');

    // Act
    await handler(sample, context);

    // Assess
    expect(ssm?.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: '/netledger/dev/slack-webhook-url',
      WithDecryption: true,
    });
    expect(slack.bodies).toHaveLength(1);
  });
});
