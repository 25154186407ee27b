// A forward proxy on loopback for end-to-end tests: CONNECT tunnels (HTTPS targets) and absolute-form
// requests (plain HTTP targets), optional Basic credentials (407 otherwise), and a record of what it
// saw. It forwards only to loopback addresses, so a test can never reach the outside through it.

import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { type AddressInfo, connect, isIP, type Socket } from 'node:net';

export interface ProxySeen {
  /** 'CONNECT 127.0.0.1:4430' or 'GET http://127.0.0.1:8080/api/v4/…' */
  line: string;
  /** the Proxy-Authorization header, decoded from Basic ('user:password'), if any */
  credentials?: string;
  /** what the proxy answered itself (407, 403), or 200 when it forwarded */
  status: number;
  /** the request's headers as the proxy received them (for CONNECT: the tunnel request's only) */
  headers: Record<string, string | string[] | undefined>;
}

export interface TestProxy {
  /** http://127.0.0.1:<port>, without credentials */
  url: string;
  port: number;
  seen: ProxySeen[];
  /** targets of CONNECT requests, e.g. '127.0.0.1:4430' */
  connectTargets(): string[];
  /** absolute URLs of plainly forwarded requests */
  forwardedUrls(): string[];
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** when set, requests without exactly these Basic credentials get 407 */
  credentials?: { user: string; password: string };
}

export async function startConnectProxy(options: ProxyOptions = {}): Promise<TestProxy> {
  const seen: ProxySeen[] = [];
  const sockets = new Set<Socket>();
  const expected = options.credentials && `${options.credentials.user}:${options.credentials.password}`;

  const admit = (req: IncomingMessage, line: string): ProxySeen => {
    const credentials = basicCredentials(req.headers['proxy-authorization']);
    const entry: ProxySeen = {
      line,
      status: 200,
      headers: { ...req.headers },
      ...(credentials === undefined ? {} : { credentials }),
    };
    if (expected !== undefined && credentials !== expected) entry.status = 407;
    seen.push(entry);
    return entry;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const entry = admit(req, `${req.method} ${req.url}`);
    if (entry.status === 407) return refuse(res, 407);
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      entry.status = 400;
      return refuse(res, 400);
    }
    if (target.protocol !== 'http:' || !isLoopback(target.hostname)) {
      entry.status = 403;
      return refuse(res, 403);
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const entry = admit(req, `CONNECT ${req.url}`);
    if (entry.status === 407) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    const [host, port] = splitHostPort(req.url ?? '');
    if (!host || !isLoopback(host)) {
      entry.status = 403;
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    connectTargets: () => seen.filter((s) => s.line.startsWith('CONNECT ')).map((s) => s.line.slice(8)),
    forwardedUrls: () =>
      seen.filter((s) => !s.line.startsWith('CONNECT ')).map((s) => s.line.split(' ')[1] ?? ''),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function refuse(res: ServerResponse, status: 400 | 403 | 407): void {
  const headers: Record<string, string> = { 'content-type': 'text/plain' };
  if (status === 407) headers['proxy-authenticate'] = 'Basic realm="test"';
  res.writeHead(status, headers);
  res.end(`proxy says ${status}\n`);
}

function basicCredentials(header: string | undefined): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  return match ? Buffer.from(match[1] as string, 'base64').toString('utf8') : undefined;
}

function splitHostPort(authority: string): [string | undefined, number] {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(authority);
  return match ? [match[1], Number(match[2])] : [undefined, 0];
}

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}
