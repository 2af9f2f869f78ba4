/**
 * A real HTTP server on 127.0.0.1 that records what it receives, standing in for Slack, PagerDuty,
 * Opsgenie, Teams, a webhook or an AWS JSON endpoint in tests. Each path answers 202 unless told
 * otherwise.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
}

export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Requests whose path (without query) is `path`. */
  on: (path: string) => ReceivedRequest[];
  /** Answers requests to `path` with `status` (and `body`) from now on. */
  respond: (path: string, status: number, body?: string) => void;
  /** Answers every request with what `answer` returns (a fake AWS endpoint). */
  respondWith: (answer: (request: ReceivedRequest) => { status: number; body: string }) => void;
  close: () => Promise<void>;
}

/** Starts a receiver on a free port of 127.0.0.1. */
export async function startReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const answers = new Map<string, { status: number; body: string }>();
  let dynamic: ((request: ReceivedRequest) => { status: number; body: string }) | undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const received = { method: req.method ?? '', path: req.url ?? '/', headers: req.headers, body, json };
      requests.push(received);
      const answer = dynamic?.(received) ??
        answers.get(path) ?? { status: 202, body: '{"status":"success"}' };
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on: (path) => requests.filter((r) => r.path.split('?')[0] === path),
    respond: (path, status, body = '{}') => answers.set(path, { status, body }),
    respondWith: (answer) => {
      dynamic = answer;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
