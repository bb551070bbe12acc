import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  postSlackWebhook,
  SlackDeliveryError,
  SlackWebhookNotifier,
} from '#adapters/notify/slack-webhook.ts';
import {
  makeSlackWebhookUrlReader,
  SlackWebhookUrlError,
} from '#adapters/notify/slack-webhook-url.ts';
import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';
import { renderSlackPayload } from '#core/alerts/alert-message.ts';
import { FakeSlack } from '#test/helpers/fake-slack.ts';

const notification: AlertNotification = {
  type: 'open',
  kind: 'node-pod-capacity',
  severity: 'warning',
  cluster: 'demo',
  subject: 'i-0a1b2c3d4e5f67890',
  title: 'Node i-0a1b2c3d4e5f67890 near its pod ceiling',
  summary: 't3.medium: 15/17 pods',
  facts: { instanceType: 't3.medium', maxPods: 17 },
  openedAt: '2025-03-14T09:00:00.000Z',
};
const payload = renderSlackPayload(notification);

let slack: FakeSlack;
let url: string;
let sleeps: number[];
const sleep = async (ms: number) => {
  sleeps.push(ms);
};

beforeEach(async () => {
  slack = new FakeSlack();
  url = await slack.start();
  sleeps = [];
});
afterEach(async () => {
  await slack.stop();
});

/** The secret parts of the URL must never appear in what an error exposes. */
function expectNoSecret(error: unknown): void {
  const exposed = [String(error), JSON.stringify(error), (error as Error).stack ?? ''].join('\n');
  expect(exposed).not.toContain(slack.secretPath);
  expect(exposed).not.toContain('SECRET');
  expect(exposed).not.toContain(url);
}

async function failure(promise: Promise<unknown>): Promise<SlackDeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SlackDeliveryError);
  return error as SlackDeliveryError;
}

describe('postSlackWebhook', () => {
  test('posts the payload as JSON to the webhook path', async () => {
    // Act
    const { attempts } = await postSlackWebhook(url, payload, { sleep });

    // Assess
    expect(attempts).toBe(1);
    expect(slack.received).toEqual([
      { method: 'POST', path: slack.secretPath, contentType: 'application/json', body: payload },
    ]);
    expect(sleeps).toEqual([]);
  });

  test('a 429 waits Retry-After seconds, then sends the same message again', async () => {
    // Prepare
    slack.answer({ status: 429, body: 'rate_limited', headers: { 'retry-after': '3' } });

    // Act
    const { attempts } = await postSlackWebhook(url, payload, { sleep });

    // Assess
    expect(attempts).toBe(2);
    expect(sleeps).toEqual([3000]);
    expect(slack.received.map((r) => r.body)).toEqual([payload, payload]);
  });

  test('5xx answers back off exponentially until Slack takes the message', async () => {
    // Prepare
    slack.answer({ status: 500 }, { status: 503 }, { status: 502 });

    // Act
    const { attempts } = await postSlackWebhook(url, payload, {
      sleep,
      baseDelayMs: 100,
      random: () => 0,
    });

    // Assess
    expect(attempts).toBe(4);
    // random() = 0 takes the lower half of each doubling step: 100/2, 200/2, 400/2.
    expect(sleeps).toEqual([50, 100, 200]);
  });

  test('backoff stays within [step/2, step] and under maxDelayMs', async () => {
    // Prepare
    slack.answer({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });

    // Act
    await postSlackWebhook(url, payload, {
      sleep,
      maxAttempts: 5,
      baseDelayMs: 100,
      maxDelayMs: 300,
      random: () => 0.999,
    });

    // Assess
    const steps = [100, 200, 300, 300];
    sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual((steps[i] ?? 0) / 2);
      expect(ms).toBeLessThanOrEqual(steps[i] ?? 0);
    });
    expect(sleeps).toHaveLength(4);
  });

  test('a 429 without Retry-After falls back to backoff', async () => {
    // Prepare
    slack.answer({ status: 429 });

    // Act
    await postSlackWebhook(url, payload, { sleep, baseDelayMs: 100, random: () => 0 });

    // Assess
    expect(sleeps).toEqual([50]);
    expect(slack.received).toHaveLength(2);
  });

  test('persistent 5xx ends in SlackDeliveryError after maxAttempts, naming only the status', async () => {
    // Prepare
    slack.answer({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });

    // Act
    const error = await failure(postSlackWebhook(url, payload, { sleep, maxAttempts: 3 }));

    // Assess
    expect(error.status).toBe(500);
    expect(error.attempts).toBe(3);
    expect(error.message).toContain('500');
    expect(slack.received).toHaveLength(3);
    expectNoSecret(error);
  });

  test.each([
    { status: 404, body: 'no_service' },
    { status: 400, body: 'invalid_payload' },
    { status: 403, body: 'action_prohibited' },
    { status: 410, body: 'channel_is_archived' },
  ])('a $status ($body) is permanent: one attempt, no retry', async ({ status, body }) => {
    // Prepare
    slack.answer({ status, body });

    // Act
    const error = await failure(postSlackWebhook(url, payload, { sleep }));

    // Assess
    expect(error.status).toBe(status);
    expect(error.attempts).toBe(1);
    expect(error.message).toContain(String(status));
    expect(error.message).toContain(body);
    expect(slack.received).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expectNoSecret(error);
  });

  test('an error body that is not a bare Slack code is not echoed', async () => {
    // Prepare
    slack.answer({ status: 400, body: `<html>bad request for ${slack.secretPath}</html>` });

    // Act
    const error = await failure(postSlackWebhook(url, payload, { sleep }));

    // Assess
    expect(error.message).not.toContain('html');
    expectNoSecret(error);
  });

  test('a Retry-After longer than the budget fails at once and leaves the retry to the DLQ', async () => {
    // Prepare
    slack.answer({ status: 429, headers: { 'retry-after': '120' } });

    // Act
    const error = await failure(
      postSlackWebhook(url, payload, { sleep, maxRetryAfterSeconds: 10 }),
    );

    // Assess
    expect(error.status).toBe(429);
    expect(slack.received).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  test('a Slack that never answers times out and is retried', async () => {
    // Prepare
    slack.answer({ status: 0, hang: true }, { status: 0, hang: true });

    // Act
    const error = await failure(
      postSlackWebhook(url, payload, { sleep, timeoutMs: 200, maxAttempts: 2 }),
    );

    // Assess
    expect(error.message).toContain('timed out');
    expect(error.status).toBeUndefined();
    expect(slack.received).toHaveLength(2);
    expectNoSecret(error);
  });

  test('a refused connection is retried and reported without the URL', async () => {
    // Prepare
    await slack.stop();

    // Act
    const error = await failure(postSlackWebhook(url, payload, { sleep, maxAttempts: 2 }));

    // Assess
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.attempts).toBe(2);
    expectNoSecret(error);
  });

  test('a value that is not a URL fails without quoting it', async () => {
    // Act
    const error = await failure(
      postSlackWebhook('hooks.slack.com/services/SECRET', payload, { sleep }),
    );

    // Assess
    expect(String(error)).not.toContain('SECRET');
    expect(slack.received).toHaveLength(0);
  });
});

describe('SlackWebhookNotifier', () => {
  test('renders the notification as Block Kit and posts it to the current URL', async () => {
    // Prepare
    let lookups = 0;
    const notifier = new SlackWebhookNotifier(
      async () => {
        lookups += 1;
        return url;
      },
      { sleep },
    );

    // Act
    await notifier.notify(notification);
    await notifier.notify({
      ...notification,
      type: 'resolve',
      resolvedAt: '2025-03-14T10:00:00.000Z',
    });

    // Assess
    expect(lookups).toBe(2);
    expect(slack.received).toHaveLength(2);
    const [first, second] = slack.received.map(
      (r) => r.body as { blocks: { text: { text: string } }[] },
    );
    expect(first?.blocks[0]?.text.text).toContain(notification.title);
    expect(second?.blocks[0]?.text.text).toContain(`Resolved: ${notification.title}`);
  });

  test('a permanent Slack failure rejects notify', async () => {
    // Prepare
    slack.answer({ status: 404, body: 'no_service' });
    const notifier = new SlackWebhookNotifier(async () => url, { sleep });

    // Act / Assess
    await expect(notifier.notify(notification)).rejects.toBeInstanceOf(SlackDeliveryError);
  });
});

describe('makeSlackWebhookUrlReader (SSM SecureString via Powertools)', () => {
  const parameterName = '/netledger/test/slack-webhook-url';

  function providerWith(ssm: SSMClient) {
    return new SSMProvider({ awsSdkV3Client: ssm });
  }

  test('reads the parameter decrypted and caches it', async () => {
    // Prepare
    const client = new SSMClient({});
    const ssm = mockClient(client);
    ssm
      .on(GetParameterCommand, { Name: parameterName, WithDecryption: true })
      .resolves({ Parameter: { Name: parameterName, Type: 'SecureString', Value: `${url}\n` } });
    const read = makeSlackWebhookUrlReader({ provider: providerWith(client), parameterName });

    // Act
    const first = await read();
    const second = await read();

    // Assess
    expect(first).toBe(url);
    expect(second).toBe(url);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: parameterName,
      WithDecryption: true,
    });
  });

  test('maxAgeSeconds 0 reads SSM every time (so a rotated URL is seen)', async () => {
    // Prepare
    const client = new SSMClient({});
    const ssm = mockClient(client);
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: url } });
    const read = makeSlackWebhookUrlReader({
      provider: providerWith(client),
      parameterName,
      maxAgeSeconds: 0,
    });

    // Act
    await read();
    await read();

    // Assess
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  test('an empty parameter is an error naming the parameter', async () => {
    // Prepare
    const client = new SSMClient({});
    mockClient(client)
      .on(GetParameterCommand)
      .resolves({ Parameter: { Value: '   ' } });
    const read = makeSlackWebhookUrlReader({ provider: providerWith(client), parameterName });

    // Act / Assess
    await expect(read()).rejects.toThrow(SlackWebhookUrlError);
    await expect(read()).rejects.toThrow(parameterName);
  });

  test('a missing parameter rejects (the invocation fails rather than dropping the alert)', async () => {
    // Prepare
    const client = new SSMClient({});
    mockClient(client)
      .on(GetParameterCommand)
      .rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    const read = makeSlackWebhookUrlReader({ provider: providerWith(client), parameterName });

    // Act / Assess
    await expect(read()).rejects.toThrow();
  });
});
