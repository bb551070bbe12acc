import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, test } from 'vitest';
import { SnsNotifier } from '#adapters/notify/sns-notifier.ts';
import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';

const topicArn = 'arn:aws:sns:us-east-1:123456789012:netledger-dev-alerts';
const client = new SNSClient({});
const sns = mockClient(client);

const resolved: AlertNotification = {
  type: 'resolve',
  kind: 'deregistration-delay-drift',
  severity: 'warning',
  cluster: 'prod-eu',
  subject:
    'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/k8s-shop-web/0a1b2c3d4e5f6789',
  title: 'Deregistration delay drift on k8s-shop-web',
  summary: 'deregistration_delay.timeout_seconds is 60 again',
  facts: { desiredSeconds: 60, actualSeconds: 60 },
  openedAt: '2025-03-14T09:00:00.000Z',
  resolvedAt: '2025-03-14T11:00:00.000Z',
};
const { resolvedAt: _, ...opened } = resolved;

/** Delivers `n` through a fresh notifier; what SNS received is in `published()`. */
const notify = (n: AlertNotification) => new SnsNotifier(client, topicArn).notify(n);
const published = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
const body = (index = 0) => JSON.parse(published()[index]?.Message ?? '');

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e' });
});

describe('SnsNotifier', () => {
  test('publishes the notification as JSON to the topic, with filterable String attributes', async () => {
    // Act
    await notify(resolved);

    // Assess
    expect(published()).toEqual([
      {
        TopicArn: topicArn,
        Message: expect.any(String),
        MessageAttributes: {
          type: { DataType: 'String', StringValue: 'resolve' },
          kind: { DataType: 'String', StringValue: 'deregistration-delay-drift' },
          severity: { DataType: 'String', StringValue: 'warning' },
          cluster: { DataType: 'String', StringValue: 'prod-eu' },
        },
      },
    ]);
    expect(body()).toEqual(resolved);
  });

  test('an open carries no resolvedAt', async () => {
    // Act
    await notify({ ...opened, type: 'open' });

    // Assess
    expect(body()).not.toHaveProperty('resolvedAt');
    expect(body().type).toBe('open');
  });

  test('an escalation is published as a remind at its new severity, marked in the body', async () => {
    // Act
    await notify({ ...opened, type: 'remind', severity: 'critical', escalated: true });

    // Assess
    expect(published()[0]?.MessageAttributes).toMatchObject({
      type: { StringValue: 'remind' },
      severity: { StringValue: 'critical' },
    });
    expect(body()).toMatchObject({ type: 'remind', escalated: true });
  });

  test('an SNS failure rejects, so the caller can retry', async () => {
    // Prepare
    sns
      .on(PublishCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }));

    // Act / Assess
    await expect(notify(resolved)).rejects.toThrow('Rate exceeded');
  });
});
