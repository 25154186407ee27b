// A second origin (GitLab's container registry) through the same client stack: its own Bearer
// token, its own pacing and statistics; and a token learnt at run time never reaches any output.

import nock from 'nock';
import { describe, expect, test } from 'vitest';
import { AuthError, errorFromFailure } from '../../src/errors.ts';
import { explain } from '../../src/explain.ts';
import { bearerAuthorization } from '../../src/gitlab/authorization.ts';
import { failureOf } from '../../src/gitlab/failures.ts';
import { HttpClient } from '../../src/gitlab/http.ts';
import { redactingIo } from '../../src/main.ts';
import { API, fakeTiming, ORIGIN, PAT, useNock } from './support.ts';

useNock();

const REGISTRY = 'https://registry.test';
const REGISTRY_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.registry-token-0123456789';

function clients(addSecret?: (secret: string) => void) {
  const timing = fakeTiming();
  const traces: string[] = [];
  const gitlab = new HttpClient({
    credential: PAT,
    timeoutMs: 2000,
    retries: 2,
    concurrency: 2,
    userAgent: 'registry-cleaner/test',
    timing,
    trace: (line) => traces.push(line),
    ...(addSecret ? { addSecret } : {}),
  });
  let token = REGISTRY_TOKEN;
  const registry = gitlab.sibling({ service: 'registry', authorize: bearerAuthorization(() => token) });
  return { gitlab, registry, timing, traces, renew: (next: string) => (token = next) };
}

const get = (url: string, label = 'probe') => ({
  method: 'GET' as const,
  url: new URL(url),
  label,
  expectJson: true,
});

describe('a sibling client for the container registry', () => {
  test("sends its Bearer token, never GitLab's; GitLab's client keeps sending PRIVATE-TOKEN", async () => {
    const scope = nock(REGISTRY)
      .get('/gitlab/v1/')
      .matchHeader('authorization', `Bearer ${REGISTRY_TOKEN}`)
      .matchHeader('private-token', (value) => value == null)
      .reply(200, {})
      .get('/gitlab/v1/')
      .matchHeader('authorization', 'Bearer renewed-token-0123456789')
      .reply(200, {});
    const gitlabScope = nock(ORIGIN)
      .get('/gitlab/api/v4/x')
      .matchHeader('private-token', PAT.value)
      .matchHeader('authorization', (value) => value == null)
      .reply(200, []);
    const { gitlab, registry, renew } = clients();
    await registry.send(get(`${REGISTRY}/gitlab/v1/`));
    renew('renewed-token-0123456789');
    await registry.send(get(`${REGISTRY}/gitlab/v1/`));
    await gitlab.send(get(`${API}/x`));
    expect(scope.isDone()).toBe(true);
    expect(gitlabScope.isDone()).toBe(true);
    expect(registry.statistics.total).toBe(2);
    expect(gitlab.statistics.total).toBe(1);
  });

  test("a 429 of the registry's pauses the registry, not GitLab", async () => {
    nock(REGISTRY)
      .get('/v2/acme/web-app/tags/list')
      .reply(429, 'slow down', {
        'content-type': 'text/plain',
        'retry-after': '30',
        'ratelimit-limit': '60',
        'ratelimit-remaining': '0',
      })
      .get('/v2/acme/web-app/tags/list')
      .reply(200, {});
    nock(ORIGIN).get('/gitlab/api/v4/x').reply(200, []);
    const { gitlab, registry, timing } = clients();
    await registry.send(get(`${REGISTRY}/v2/acme/web-app/tags/list`));
    const waitedBefore = timing.sleeps.length;
    expect(waitedBefore).toBeGreaterThan(0);
    await gitlab.send(get(`${API}/x`));
    expect(timing.sleeps.length).toBe(waitedBefore);
    expect(registry.statistics.rateLimited).toBe(1);
    expect(gitlab.statistics.rateLimited).toBe(0);
  });

  test('its failures say which server failed', async () => {
    nock(REGISTRY)
      .get('/v2/')
      .times(3)
      .replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    const error = await clients()
      .registry.send(get(`${REGISTRY}/v2/`))
      .catch((caught: unknown) => caught);
    expect(explain(error)).toMatch(
      /^cannot reach the container registry at https:\/\/registry\.test: ECONNRESET \(3 attempts\)/,
    );
    expect(explain(error)).not.toMatch(/--gitlab-url/);
  });
});

describe('a token learnt at run time', () => {
  test('registered through the client, it is masked in everything the run writes, even when echoed back', async () => {
    const written: string[] = [];
    const stream = { write: (text: string) => void written.push(text) };
    const io = redactingIo({ env: {}, stdout: stream, stderr: stream, now: () => new Date() }, []);
    const { registry, traces } = clients(io.addSecret);
    registry.addSecret(REGISTRY_TOKEN);
    nock(REGISTRY)
      .get('/gitlab/v1/')
      .reply(401, { message: `401 Unauthorized: token ${REGISTRY_TOKEN} has expired` });
    const response = await registry.send(get(`${REGISTRY}/gitlab/v1/`));
    const error = errorFromFailure(failureOf(response, PAT, 'list the tags of acme/web-app'));
    expect(error).toBeInstanceOf(AuthError);
    // the echo is in the error's data…
    expect(explain(error)).toContain(REGISTRY_TOKEN);
    // …and in nothing written
    io.stderr.write(`registry-cleaner: error: ${explain(error)}\n`);
    io.stdout.write(JSON.stringify({ error: error.message }));
    const report = io.redact(`{"reason": "${explain(error)}"}`);
    for (const text of [...written, report, ...traces]) expect(text).not.toContain(REGISTRY_TOKEN);
    expect(written.join('')).toContain('[MASKED]');
  });

  test('a client with nowhere to register it refuses the token rather than risk printing it', () => {
    expect(() => clients().registry.addSecret(REGISTRY_TOKEN)).toThrow(/bug: .*no redaction/);
  });
});
