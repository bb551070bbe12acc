import {
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';

export class NoDeadLetterQueueError extends Error {
  override readonly name = 'NoDeadLetterQueueError';
}

export type InvokeResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** The deployed function: where its failures go, and invoking it with an event. */
export class LambdaFunction {
  constructor(
    private readonly lambda: LambdaClient,
    readonly name: string,
  ) {}

  /** The SQS queue of its on-failure destination (serverless.yml sets one per function). */
  async deadLetterQueueArn(): Promise<string> {
    const config = await this.lambda.send(
      new GetFunctionEventInvokeConfigCommand({ FunctionName: this.name }),
    );
    const arn = config.DestinationConfig?.OnFailure?.Destination;
    if (!arn?.startsWith('arn:') || arn.split(':')[2] !== 'sqs') {
      throw new NoDeadLetterQueueError(
        `${this.name} has no SQS on-failure destination (found ${arn ?? 'none'})`,
      );
    }
    return arn;
  }

  /** Synchronous invoke: the function ran and did not throw, or why not. */
  async invoke(payload: unknown): Promise<InvokeResult> {
    const result = await this.lambda.send(
      new InvokeCommand({
        FunctionName: this.name,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
    if (result.FunctionError) {
      const text = result.Payload ? new TextDecoder().decode(result.Payload) : '';
      let message = text;
      try {
        const error = JSON.parse(text) as { errorType?: string; errorMessage?: string };
        message = `${error.errorType ?? 'Error'}: ${error.errorMessage ?? ''}`;
      } catch {}
      return { ok: false, error: `${result.FunctionError}: ${message}`.slice(0, 300) };
    }
    return { ok: true };
  }
}
