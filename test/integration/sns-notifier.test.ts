import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, test } from 'vitest';
import { SnsNotifier } from '#adapters/sns-notifier.ts';
import type { AlertNotification } from '#core/alert-lifecycle.ts';

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

beforeEach(() => {
  sns.reset();
});

describe('SnsNotifier', () => {
  test('publishes the JSON notification with filterable String attributes', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e' });
    const notifier = new SnsNotifier(client, topicArn);

    // Act
    await notifier.notify(resolved);

    // Assess
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input).toEqual({
      TopicArn: topicArn,
      Message: expect.any(String),
      MessageAttributes: {
        type: { DataType: 'String', StringValue: 'resolve' },
        kind: { DataType: 'String', StringValue: 'deregistration-delay-drift' },
        severity: { DataType: 'String', StringValue: 'warning' },
        cluster: { DataType: 'String', StringValue: 'prod-eu' },
      },
    });
    expect(JSON.parse(input?.Message ?? '')).toEqual({
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
    });
  });

  test('an open carries no resolvedAt', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { resolvedAt: _, ...rest } = resolved;

    // Act
    await new SnsNotifier(client, topicArn).notify({ ...rest, type: 'open' });

    // Assess
    const message = JSON.parse(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '');
    expect(message).not.toHaveProperty('resolvedAt');
    expect(message.type).toBe('open');
  });

  test('an SNS failure rejects, so the caller can retry', async () => {
    // Prepare
    sns
      .on(PublishCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }));

    // Act / Assess
    await expect(new SnsNotifier(client, topicArn).notify(resolved)).rejects.toThrow(
      'Rate exceeded',
    );
  });
});
