import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** A local HTTP server answering like the platform under test; each test sets the handler. */
export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface FakeServer {
  url: string;
  requests: { path: string; headers: IncomingHttpHeaders; body: string }[];
  answer(handler: (path: string, headers: IncomingHttpHeaders, n: number) => Answer): void;
  close(): Promise<void>;
}

export async function startFakeServer(): Promise<FakeServer> {
  let handler: (path: string, headers: IncomingHttpHeaders, n: number) => Answer = () => ({ status: 404 });
  const requests: FakeServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      requests.push({ path: req.url ?? '/', headers: req.headers, body });
      const a = handler(req.url ?? '/', req.headers, requests.length);
      res.writeHead(a.status ?? 200, a.headers ?? {});
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer(h) {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function fixture(name: string): Buffer {
  return readFileSync(path.join(__dirname, 'fixtures', name));
}
