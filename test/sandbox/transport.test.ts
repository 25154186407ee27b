import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildTeam, withToken } from './fixtures.ts';
import { startSandbox } from './server.ts';
import type { Fault, Sandbox, SandboxOptions } from './types.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}) {
  const team = buildTeam();
  team.state.pushTag(team.repository, 'v1');
  sandbox = await startSandbox({ state: team.state, ...options });
  const tags = `${sandbox.apiUrl}/projects/${team.project.id}/registry/repositories/${team.repository.id}/tags`;
  const deleteV1 = (init: RequestInit = {}) =>
    fetch(`${tags}/v1`, { method: 'DELETE', ...withToken(team.tokens.developer), ...init });
  const hasV1 = () => team.state.findTag(team.repository, 'v1') !== undefined;
  return { team, sandbox, tags, deleteV1, hasV1 };
}

describe('rate limiting (lib/gitlab/rack_attack.rb)', () => {
  it('throttles per user with Rack::Attack headers, and sends RateLimit-* on every response', async () => {
    const { team, tags } = await start({ rateLimit: { requests: 3, periodSeconds: 3600 } });
    const remaining: (string | null)[] = [];
    for (let index = 0; index < 3; index++) {
      const response = await fetch(tags, withToken(team.tokens.reporter));
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-name')).toBe('throttle_authenticated_api');
      remaining.push(response.headers.get('ratelimit-remaining'));
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const throttled = await fetch(tags, withToken(team.tokens.reporter));
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('content-type')).toBe('text/plain');
    expect(await throttled.text()).toBe('Retry later\n');
    expect(throttled.headers.get('ratelimit-limit')).toBe('1');
    expect(throttled.headers.get('ratelimit-observed')).toBe('4');
    expect(throttled.headers.get('ratelimit-remaining')).toBe('0');
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(Number(throttled.headers.get('ratelimit-reset'))).toBe(Math.floor(Date.now() / 1000) + retryAfter);
    expect(throttled.headers.get('ratelimit-resettime')).toMatch(/ GMT$/);

    // Another user has a budget of their own; anonymous traffic is not throttled here.
    expect((await fetch(tags, withToken(team.tokens.maintainer))).status).toBe(200);
    const anonymous = await fetch(tags);
    expect(anonymous.status).toBe(404);
    expect(anonymous.headers.has('ratelimit-name')).toBe(false);
  });
});

describe('faults', () => {
  it('status before: 503 and nothing changed; after: 502 although the tag was deleted', async () => {
    const { sandbox, deleteV1, hasV1 } = await start();
    const remove = sandbox.intercept(() => ({ kind: 'status', status: 503 }));
    const before = await deleteV1();
    expect(before.status).toBe(503);
    expect(await before.json()).toEqual({ message: '503 Service Unavailable' });
    expect(hasV1()).toBe(true);
    remove();
    sandbox.intercept(() => ({ kind: 'status', status: 502, when: 'after' }));
    expect((await deleteV1()).status).toBe(502);
    expect(hasV1()).toBe(false);
    expect(sandbox.requests.map((request) => [request.fault, request.status])).toEqual([
      ['status', 503],
      ['status', 502],
    ]);
  });

  it('reset: the connection drops; `after` lets the deletion happen first', async () => {
    const { sandbox, deleteV1, hasV1 } = await start();
    const remove = sandbox.intercept(() => ({ kind: 'reset' }));
    await expect(deleteV1()).rejects.toThrow();
    expect(hasV1()).toBe(true);
    remove();
    sandbox.intercept(() => ({ kind: 'reset', when: 'after' }));
    await expect(deleteV1()).rejects.toThrow();
    expect(hasV1()).toBe(false);
    expect(sandbox.requests.map((request) => request.status)).toEqual([0, 0]);
  });

  it('rateLimited: 429 text/plain with or without Retry-After', async () => {
    const { sandbox, tags, team } = await start();
    const faults: Fault[] = [{ kind: 'rateLimited', retryAfterSeconds: 7 }, { kind: 'rateLimited' }];
    sandbox.intercept(() => faults.shift());
    const first = await fetch(tags, withToken(team.tokens.reporter));
    expect([first.status, first.headers.get('retry-after'), await first.text()]).toEqual([
      429,
      '7',
      'Retry later\n',
    ]);
    const second = await fetch(tags, withToken(team.tokens.reporter));
    expect(second.status).toBe(429);
    expect(second.headers.has('retry-after')).toBe(false);
  });

  it('slow: the client times out, the deletion still happens later', async () => {
    const { sandbox, deleteV1, hasV1 } = await start();
    sandbox.intercept(() => ({ kind: 'slow', delayMs: 300 }));
    await expect(deleteV1({ signal: AbortSignal.timeout(50) })).rejects.toThrow();
    expect(hasV1()).toBe(true);
    await vi.waitFor(() => expect(hasV1()).toBe(false), { timeout: 3000, interval: 50 });
  });

  it('truncated and invalid JSON bodies, proxy HTML pages, and sign-in redirects', async () => {
    const { sandbox, tags, team } = await start();
    const faults: Fault[] = [
      { kind: 'truncatedJson' },
      { kind: 'invalidJson' },
      { kind: 'htmlErrorPage' },
      { kind: 'htmlErrorPage', status: 504 },
      { kind: 'redirectToLogin' },
    ];
    sandbox.intercept(() => faults.shift());
    for (let index = 0; index < 2; index++) {
      const response = await fetch(tags, withToken(team.tokens.reporter));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      await expect(response.json()).rejects.toThrow();
    }
    const html = await fetch(tags, withToken(team.tokens.reporter));
    expect([html.status, html.headers.get('content-type')]).toEqual([502, 'text/html']);
    expect(await html.text()).toContain('502 Bad Gateway');
    expect((await fetch(tags, withToken(team.tokens.reporter))).status).toBe(504);
    const redirect = await fetch(tags, { ...withToken(team.tokens.reporter), redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('https://gitlab.example.com/users/sign_in');
  });

  it('interceptors see the request and may change state mid-run; removing one stops it', async () => {
    const { sandbox, tags, team } = await start();
    const seen: string[] = [];
    const remove = sandbox.intercept((request, state) => {
      seen.push(`${request.operation} ${request.method} ${request.path} ${JSON.stringify(request.query)}`);
      if (request.operation === 'listTags') state.pushTag(team.repository, 'pushed-meanwhile');
      return undefined;
    });
    const listed = (await (await fetch(`${tags}?per_page=5`, withToken(team.tokens.reporter))).json()) as {
      name: string;
    }[];
    expect(listed.map((tag) => tag.name)).toEqual(['pushed-meanwhile', 'v1']);
    remove();
    await fetch(tags, withToken(team.tokens.reporter));
    // Authentication happens after interceptors, so revoking a token mid-run takes effect at once.
    sandbox.intercept((_request, state) => {
      const token = state.findPersonalToken(team.tokens.reporter);
      if (token) token.revoked = true;
      return undefined;
    });
    expect((await fetch(tags, withToken(team.tokens.reporter))).status).toBe(401);
    expect(seen).toEqual([
      `listTags GET /api/v4/projects/${team.project.id}/registry/repositories/${team.repository.id}/tags {"per_page":"5"}`,
    ]);
  });

  it('random faults are reproducible from the seed and limited to the chosen operations', async () => {
    const run = async () => {
      const { sandbox, tags, team } = await start({
        faults: { seed: 42, rate: 0.5, kinds: ['status', 'htmlErrorPage'], operations: ['listTags'] },
      });
      for (let index = 0; index < 12; index++) await fetch(tags, withToken(team.tokens.reporter));
      await fetch(`${tags}/v1`, withToken(team.tokens.reporter));
      const faults = sandbox.requests.map((request) => `${request.fault ?? '-'}:${request.status}`);
      await sandbox.close();
      return faults;
    };
    const first = await run();
    const second = await run();
    sandbox = undefined;
    expect(first).toEqual(second);
    expect(first.filter((entry) => entry.startsWith('-')).length).toBeGreaterThan(1);
    expect(first.filter((entry) => !entry.startsWith('-')).length).toBeGreaterThan(1);
    expect(first.at(-1)).toBe('-:200');
  });
});

describe('pacing, routing, lifecycle', () => {
  it('holds at most maxConcurrency requests at once (FIFO) and adds latency to each', async () => {
    const { tags, team } = await start({ maxConcurrency: 2, latencyMs: 100 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 6 }, () => fetch(tags, withToken(team.tokens.reporter))));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('answers unknown routes and paths outside the prefix with 404 {"error":"404 Not Found"}', async () => {
    const { team } = await start({ prefix: '/gitlab' });
    const base = sandbox?.url ?? '';
    for (const url of [
      `${base}/api/v4/projects/1/nothing`,
      `${base.replace('/gitlab', '')}/api/v4/projects/1`,
    ]) {
      const response = await fetch(url, withToken(team.tokens.reporter));
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: '404 Not Found' });
    }
    expect(sandbox?.requests.map((request) => request.operation)).toEqual(['unknown', 'unknown']);
  });

  it('closes promptly with keep-alive connections open and a slow request pending', async () => {
    const { sandbox: running, tags, team } = await start();
    running.intercept((request) => (request.query.slow ? { kind: 'slow', delayMs: 60_000 } : undefined));
    await fetch(tags, withToken(team.tokens.reporter));
    const pending = fetch(`${tags}?slow=1`, withToken(team.tokens.reporter)).catch(() => 'failed');
    await sleep(20);
    const started = Date.now();
    await running.close();
    sandbox = undefined;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBe('failed');
  });

  it('serves HTTPS when given a key and certificate', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'sandbox-tls-'));
    try {
      const key = join(directory, 'key.pem');
      const cert = join(directory, 'cert.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
      const certificate = readFileSync(cert);
      const { sandbox: secure, team } = await start({ tls: { key: readFileSync(key), cert: certificate } });
      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const status = await new Promise<number>((resolve, reject) => {
        const request = httpsRequest(
          `${secure.apiUrl}/projects/${team.project.id}`,
          { ca: certificate, headers: { 'PRIVATE-TOKEN': team.tokens.reporter } },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        request.on('error', reject);
        request.end();
      });
      expect(status).toBe(200);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
