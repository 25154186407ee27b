// Timeouts and resets on real loopback sockets (nock's emulation of a late reply upsets undici).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { GitLabResponseError, GitLabUnavailableError } from '../../src/errors.ts';
import { explain } from '../../src/explain.ts';
import { HttpClient } from '../../src/gitlab/http.ts';
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

function client(timeoutMs: number, retries: number): HttpClient {
  return new HttpClient({
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
  expect(explain(error)).toMatch(/cannot reach GitLab .* \(4 attempts\)/);
  expect(attempts).toBe(4);
  await http.close();
});

test('an answer larger than any of the API is cut off and fails the request, without retries', async () => {
  let attempts = 0;
  const url = await serve((_attempt, res) => {
    attempts++;
    res.setHeader('content-type', 'application/json');
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < 20 && res.write(chunk)) sent++;
      if (sent < 20) res.once('drain', pump);
      else res.end();
    };
    pump();
  });
  const http = client(5000, 3);
  const error = await http
    .send({ method: 'GET', url, label: 'x', expectJson: true })
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(GitLabResponseError);
  expect(explain(error)).toMatch(/answered with more than 16 MB/);
  expect(attempts).toBe(1);
  await http.close();
});

test('a header value HTTP does not allow (a token pasted with a newline inside) is never sent', async () => {
  let attempts = 0;
  const url = await serve((_attempt, res) => {
    attempts++;
    res.end('[]');
  });
  const http = new HttpClient({
    credential: { ...PAT, value: 'glpat-abc\ndef-0123456789' },
    timeoutMs: 1000,
    retries: 2,
    concurrency: 1,
    userAgent: 't',
  });
  const error = await http.send({ method: 'GET', url, label: 'x' }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(GitLabUnavailableError);
  expect(explain(error)).toMatch(/the private-token header holds characters HTTP does not allow/);
  expect(explain(error)).not.toContain('glpat');
  expect(attempts).toBe(0);
  await http.close();
});
