// Timeouts and resets on real loopback sockets (nock's emulation of a late reply upsets undici).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { GitLabUnavailableError } from '../../src/errors.ts';
import { GitLabHttp } from '../../src/gitlab/http.ts';
import { PAT } from './support.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function serve(
  handler: (attempt: number, res: import('node:http').ServerResponse) => void,
): Promise<URL> {
  let attempt = 0;
  server = createServer((_req, res) => handler(++attempt, res));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4/x`);
}

function client(timeoutMs: number, retries: number): GitLabHttp {
  return new GitLabHttp({
    credential: PAT,
    timeoutMs,
    retries,
    concurrency: 2,
    userAgent: 't',
    backoffBaseMs: 10,
  });
}

test('an answer slower than the timeout is abandoned and retried', async () => {
  const url = await serve((attempt, res) => {
    if (attempt === 1) setTimeout(() => res.end('[]'), 2000);
    else res.setHeader('content-type', 'application/json').end('[1]');
  });
  const http = client(200, 2);
  const response = await http.send({ method: 'GET', url, label: 'x', api: 'rest', expectJson: true });
  expect(response.json).toEqual([1]);
  expect(response.attempts).toBe(2);
  await http.close();
});

test('a server that resets every connection ends the run with a clear, bounded error', async () => {
  let attempts = 0;
  const url = await serve((_attempt, res) => {
    attempts++;
    res.socket?.destroy();
  });
  const http = client(1000, 3);
  const error = await http
    .send({ method: 'GET', url, label: 'x', api: 'rest' })
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(GitLabUnavailableError);
  expect((error as Error).message).toMatch(/cannot reach GitLab .* \(4 attempts\)/);
  expect(attempts).toBe(4);
  await http.close();
});
