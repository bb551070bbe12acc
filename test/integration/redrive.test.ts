import {
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  type InvokeCommandInput,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type MotoServer, startMoto } from '#local/moto-server.ts';
import { sample } from '#test/helpers/hostile-events.ts';
import { redriveCommand } from '../../bin/commands/redrive.ts';

const REGION = 'us-east-1';
const FUNCTION = 'netledger-test-eniActivity';

let moto: MotoServer;
let sqs: SQSClient;
const lambda = mockClient(LambdaClient);

beforeAll(async () => {
  moto = await startMoto();
  sqs = new SQSClient({
    region: REGION,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

/** Lambda's on-failure destination record for an event the handler kept failing on. */
const onFailure = (event: unknown) => ({
  version: '1.0',
  timestamp: '2026-11-21T10:05:00.000Z',
  requestContext: {
    requestId: 'c0ffee00-0000-4000-8000-000000000001',
    functionArn: `arn:aws:lambda:${REGION}:123456789012:function:${FUNCTION}:$LATEST`,
    condition: 'RetriesExhausted',
    approximateInvokeCount: 3,
  },
  requestPayload: event,
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  responsePayload: { errorType: 'ThrottlingException', errorMessage: 'Rate exceeded' },
});

const assign = sample('ec2/node-lifecycle/03-assign-private-ip-addresses.json');
const create = sample('ec2/node-lifecycle/04-create-network-interface.json');
const running = sample('ec2/node-lifecycle/02-instance-running.json');

let queueUrl = '';
let queueArn = '';
let invoked: unknown[] = [];
let out = '';
let exitCode = 0;

async function queueCounts(): Promise<{ visible: number; hidden: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    hidden: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
  };
}

async function run(args: string[]): Promise<string[]> {
  out = '';
  exitCode = 0;
  const command = redriveCommand({
    lambda: async () => new LambdaClient({ region: REGION }),
    sqs: async () => sqs,
    writeOut: (text) => {
      out += text;
    },
    setExitCode: (code) => {
      exitCode = code;
    },
  }).exitOverride();
  await command.parseAsync(['--function', FUNCTION, ...args], { from: 'user' });
  return out.trim().split('\n');
}

beforeEach(async () => {
  const name = `dlq-${Math.random().toString(36).slice(2)}`;
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? '';
  queueArn = `arn:aws:sqs:${REGION}:123456789012:${name}`;
  for (const body of [
    JSON.stringify(onFailure(assign)),
    JSON.stringify(onFailure(create)),
    JSON.stringify(running),
    'not json at all',
  ]) {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  }
  invoked = [];
  lambda.reset();
  lambda.on(GetFunctionEventInvokeConfigCommand, { FunctionName: FUNCTION }).resolves({
    DestinationConfig: { OnFailure: { Destination: queueArn } },
  });
  // The function fails again for the CreateNetworkInterface event, succeeds for the others.
  lambda.on(InvokeCommand).callsFake((input: InvokeCommandInput) => {
    const payload = JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array));
    invoked.push(payload);
    if (payload.detail?.eventName === 'CreateNetworkInterface') {
      return {
        StatusCode: 200,
        FunctionError: 'Unhandled',
        Payload: new TextEncoder().encode(
          JSON.stringify({ errorType: 'ThrottlingException', errorMessage: 'Rate exceeded' }),
        ),
      };
    }
    return { StatusCode: 200, Payload: new TextEncoder().encode('{}') };
  });
});

describe('netledger redrive against SQS on moto', () => {
  test('--dry-run lists every message, invokes nothing and leaves the queue as it was', async () => {
    const lines = await run(['--dry-run']);
    expect(lines.filter((l) => l.startsWith('would-redrive'))).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('skipped'))).toEqual([
      expect.stringMatching(/body is not JSON; left in the queue$/),
    ]);
    expect(lines.at(-1)).toMatch(/^4 message\(s\) from .*: 3 would be redriven, 1 skipped$/);
    expect(invoked).toEqual([]);
    expect(await queueCounts()).toEqual({ visible: 4, hidden: 0 });
  }, 30_000);

  test('re-invokes with each original event and deletes a message only after the function succeeded', async () => {
    const lines = await run([]);
    expect(lines.filter((l) => l.startsWith('redriven'))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /AssignPrivateIpAddresses .*on-failure record \(RetriesExhausted\)\); deleted$/,
        ),
        expect.stringMatching(
          /EC2 Instance State-change Notification .*undelivered EventBridge event\); deleted$/,
        ),
      ]),
    );
    expect(lines.filter((l) => l.startsWith('failed'))).toEqual([
      expect.stringMatching(
        /CreateNetworkInterface .*Unhandled: ThrottlingException: Rate exceeded; kept in the queue$/,
      ),
    ]);
    expect(lines.at(-1)).toMatch(/4 message\(s\) from .*: 2 redriven, 1 failed, 1 skipped$/);
    expect(exitCode).toBe(1);
    // The payloads are the original events, not the records around them.
    expect(invoked).toHaveLength(3);
    expect(invoked).toEqual(expect.arrayContaining([assign, create, running]));
    // Left, and visible again for the next run: the failed one and the one that held no event.
    expect(await queueCounts()).toEqual({ visible: 2, hidden: 0 });
  }, 30_000);

  test('--max stops after that many messages', async () => {
    const lines = await run(['--max', '1', '--dry-run']);
    expect(lines).toHaveLength(2);
    expect(lines.at(-1)).toMatch(/^1 message\(s\) from /);
  }, 30_000);

  test('a function without an SQS on-failure destination is refused with one line', async () => {
    lambda.on(GetFunctionEventInvokeConfigCommand).resolves({ DestinationConfig: {} });
    await expect(run([])).rejects.toThrow(/has no SQS on-failure destination/);
    expect(invoked).toEqual([]);
  });
});
