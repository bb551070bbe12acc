import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake Slack answers, in order; once the script runs out it answers 200 "ok". */
export interface SlackReply {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** Never answer (to provoke a client timeout). */
  readonly hang?: boolean;
}

export interface SlackRequest {
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

/** A real HTTP server on 127.0.0.1 standing in for a Slack incoming webhook. */
export class FakeSlack {
  readonly received: SlackRequest[] = [];
  private script: SlackReply[] = [];
  private server: Server | undefined;
  // Shaped like a real webhook: the path is the secret.
  readonly secretPath = '/services/T0SECRET1/B0SECRET2/abcdefghijklmnopqrstuvwx';

  /** The JSON bodies posted so far. */
  get bodies(): unknown[] {
    return this.received.map((r) => r.body);
  }

  answer(...replies: SlackReply[]): void {
    this.script = replies;
  }

  /** Starts listening on a free port; returns the webhook URL. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${this.secretPath}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    this.received.push({
      method: req.method,
      path: req.url,
      contentType: req.headers['content-type'],
      body: text ? JSON.parse(text) : undefined,
    });
    const reply = this.script.shift() ?? { status: 200, body: 'ok' };
    if (reply.hang) return;
    res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
    res.end(reply.body ?? '');
  }
}
