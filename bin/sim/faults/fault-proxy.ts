import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultAnswer } from './fault-answers.ts';

/** One AWS request as the proxy sees it on the wire. */
export interface WireRequest {
  /** The SigV4 signing name: `ec2`, `elasticloadbalancing`, `route53`, `sns`, `dynamodb`, ... */
  readonly service: string;
  /** `DescribeInstances`, `PutItem`, `Publish`; for REST (Route53) `POST /2013-04-01/...`. */
  readonly operation: string;
  readonly body: Buffer;
}

/**
 * What happens to a request: forwarded; answered with a fault instead (it never reaches the
 * service, as with throttling); or dropped because the handler process was just killed,
 * before the request left (`drop`) or after the service applied it but before the answer
 * came back (`forward-then-drop`).
 */
export type Verdict =
  | { readonly do: 'forward' }
  | { readonly do: 'fail'; readonly answer: FaultAnswer }
  | { readonly do: 'drop' }
  | { readonly do: 'forward-then-drop' };

export interface ProxyPolicy {
  verdict(request: WireRequest): Verdict;
  /** A forwarded request's answer arrived (also for `forward-then-drop`, which never delivers it). */
  answered(request: WireRequest, status: number): void;
}

export interface FaultProxy {
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of moto and DynamoDB Local, where the handlers' SDK clients
 * point: below every SDK retry, so an injected fault is met by the client's own retry
 * strategy exactly as AWS's would be. DynamoDB requests go to DynamoDB Local, the rest to moto.
 */
export async function startFaultProxy(
  upstreams: { readonly moto: string; readonly dynamodb: string },
  policy: ProxyPolicy,
): Promise<FaultProxy> {
  const moto = new URL(upstreams.moto);
  const dynamodb = new URL(upstreams.dynamodb);
  const server = createServer((req, res) => {
    // A killed worker's sockets go away under us: nothing to answer then.
    res.on('error', () => undefined);
    req.on('error', () => undefined);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const wire: WireRequest = {
        service: signingService(req.headers),
        operation: operationOf(req.method ?? 'GET', req.url ?? '/', req.headers, body),
        body,
      };
      const verdict = policy.verdict(wire);
      if (verdict.do === 'drop') {
        req.socket.destroy();
        return;
      }
      if (verdict.do === 'fail') {
        const { answer } = verdict;
        res.writeHead(answer.status, {
          'content-type': answer.contentType,
          'x-amzn-requestid': randomUUID(),
        });
        res.end(answer.body);
        return;
      }
      const upstream = wire.service === 'dynamodb' ? dynamodb : moto;
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (up) => {
          const status = up.statusCode ?? 502;
          const parts: Buffer[] = [];
          up.on('data', (c: Buffer) => parts.push(c));
          up.on('end', () => {
            policy.answered(wire, status);
            if (verdict.do === 'forward-then-drop') {
              req.socket.destroy();
              return;
            }
            res.writeHead(status, up.headers);
            res.end(Buffer.concat(parts));
          });
        },
      );
      forward.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      forward.end(body);
    });
  });
  // A killed worker's sockets reset; that is expected, not an error of the proxy.
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `Credential=AKID/20261130/us-east-1/ec2/aws4_request` names the service a request is for. */
function signingService(headers: IncomingHttpHeaders): string {
  const auth = headers.authorization ?? '';
  return /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1] ?? 'unknown';
}

/** The AWS operation a wire request calls (JSON protocols, query protocols, or REST). */
export function operationOf(
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): string {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  // The query protocols (EC2, ELBv2, SNS) name the operation in the form body or the URL.
  const form = new URLSearchParams(body.toString('utf8'));
  const action = form.get('Action') ?? new URL(url, 'http://x').searchParams.get('Action');
  if (action) return action;
  // REST (Route53): the method says whether it reads.
  return `${method} ${url.split('?')[0]}`;
}
