import { startFaultProxy } from '../../bin/sim/faults/fault-proxy.ts';

/** A loopback HTTP proxy in front of moto that writes down every AWS operation it forwards. */
export interface RecordingProxy {
  readonly endpoint: string;
  /** `DescribeInstances`, `AmazonSQS.ReceiveMessage`'s `ReceiveMessage`, or `GET /2013-04-01/...` for REST. */
  readonly operations: string[];
  close(): Promise<void>;
}

/** The fault suite's proxy with a policy that injects nothing: it only records. */
export async function recordingProxy(target: string): Promise<RecordingProxy> {
  const operations: string[] = [];
  const proxy = await startFaultProxy(
    { moto: target, dynamodb: target },
    {
      verdict: (request) => {
        operations.push(request.operation);
        return { do: 'forward' };
      },
      answered: () => undefined,
    },
  );
  return { endpoint: proxy.endpoint, operations, close: () => proxy.close() };
}
