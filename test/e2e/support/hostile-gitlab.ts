// A hostile or broken hop in front of the sandbox GitLab: it forwards every request unless `tamper`
// answers it instead — with the caller's token echoed back in a body, a header or a redirect, as a
// misconfigured proxy or a malicious server might. Loopback only.

import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sandbox } from '../../sandbox/index.ts';

export interface TamperedRequest {
  method: string;
  /** path and query, as received */
  url: string;
  body: string;
  /** the credential the client sent (PRIVATE-TOKEN, JOB-TOKEN or Bearer), '' if none */
  token: string;
}

export interface TamperedResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export type Tamper = (request: TamperedRequest) => TamperedResponse | undefined;

export interface HostileGitLab {
  /** same prefix as the sandbox: …/gitlab */
  url: string;
  apiUrl: string;
  /** requests it answered itself */
  tampered: number;
  close(): Promise<void>;
}

export async function startHostileGitLab(upstream: Sandbox, tamper: Tamper): Promise<HostileGitLab> {
  const target = new URL(upstream.url);
  const front: HostileGitLab = { url: '', apiUrl: '', tampered: 0, close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
      };
      const token =
        header('private-token') || header('job-token') || header('authorization').replace(/^Bearer\s+/i, '');
      const answer = tamper({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        body: body.toString('utf8'),
        token,
      });
      if (answer) {
        front.tampered++;
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body);
        return;
      }
      const upstreamRequest = forward(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (upstreamResponse) => {
          res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
          upstreamResponse.pipe(res);
        },
      );
      upstreamRequest.on('error', () => res.destroy());
      upstreamRequest.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  front.url = `http://127.0.0.1:${port}${target.pathname.replace(/\/+$/, '')}`;
  front.apiUrl = `${front.url}/api/v4`;
  front.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return front;
}
