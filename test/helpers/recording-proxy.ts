import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP proxy in front of moto that writes down every AWS operation it forwards. */
export interface RecordingProxy {
  readonly endpoint: string;
  /** `DescribeInstances`, `AmazonSQS.ReceiveMessage`'s `ReceiveMessage`, or `GET /2013-04-01/...` for REST. */
  readonly operations: string[];
  close(): Promise<void>;
}

export async function recordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const operations: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      operations.push(operationOf(req.method ?? 'GET', req.url ?? '/', req.headers, body));
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      forward.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    operations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function operationOf(
  method: string,
  url: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): string {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  // The query protocol (EC2, ELBv2, SNS) names the operation in the form body or the URL.
  const form = new URLSearchParams(body.toString('utf8'));
  const action = form.get('Action') ?? new URL(url, 'http://x').searchParams.get('Action');
  if (action) return action;
  // REST (Route53): the method says whether it reads.
  return `${method} ${url.split('?')[0]}`;
}
