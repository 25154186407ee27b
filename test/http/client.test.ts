import nock from 'nock';
import { describe, expect, test } from 'vitest';
import { GitLabUnavailableError, WrongEndpointError } from '../../src/errors.ts';
import { explain } from '../../src/explain.ts';
import { API, JOB, makeApi, networkError, ORIGIN, PAT, useNock } from './support.ts';

useNock();

const url = (path: string) => new URL(`${API}${path}`);
const get = (path: string) => ({
  method: 'GET' as const,
  url: url(path),
  label: 'probe',
  api: 'rest' as const,
  expectJson: true,
});

describe('credentials', () => {
  test('a private token goes as PRIVATE-TOKEN, a job token as JOB-TOKEN, GraphQL gets Bearer', async () => {
    const scope = nock(ORIGIN)
      .get('/gitlab/api/v4/a')
      .matchHeader('private-token', PAT.value)
      .matchHeader('job-token', (value) => value == null)
      .reply(200, [])
      .get('/gitlab/api/v4/b')
      .matchHeader('job-token', JOB.value)
      .matchHeader('private-token', (value) => value == null)
      .reply(200, [])
      .post('/gitlab/api/graphql')
      .matchHeader('authorization', `Bearer ${PAT.value}`)
      .reply(200, { data: {} });
    await makeApi().http.send(get('/a'));
    await makeApi({ credential: JOB }).http.send(get('/b'));
    await makeApi().http.send({
      method: 'POST',
      url: new URL(`${ORIGIN}/gitlab/api/graphql`),
      label: 'gql',
      api: 'graphql',
      body: {},
    });
    expect(scope.isDone()).toBe(true);
  });
});

describe('retries', () => {
  test('502, 503, 504 and 429 are retried with growing backoff; the answer after is returned', async () => {
    nock(ORIGIN)
      .get('/gitlab/api/v4/x')
      .reply(502)
      .get('/gitlab/api/v4/x')
      .reply(503)
      .get('/gitlab/api/v4/x')
      .reply(504)
      .get('/gitlab/api/v4/x')
      .reply(200, [1]);
    const { http, timing } = makeApi();
    const response = await http.send(get('/x'));
    expect(response.json).toEqual([1]);
    expect(response.attempts).toBe(4);
    // base 250 ms, four times longer per attempt, equal jitter with random() = 0.5 → 3/4 of the step
    expect(timing.sleeps).toEqual([187.5, 750, 3000]);
    expect(http.statistics).toMatchObject({ total: 4, retries: 3 });
  });

  test('Retry-After on a 429 is honoured', async () => {
    nock(ORIGIN)
      .get('/gitlab/api/v4/x')
      .reply(429, 'Retry later\n', {
        'content-type': 'text/plain',
        'retry-after': '7',
        'ratelimit-remaining': '0',
      })
      .get('/gitlab/api/v4/x')
      .reply(200, [])
      .get('/gitlab/api/v4/x')
      .reply(429, 'slow down', { 'content-type': 'text/plain', 'retry-after': '3' })
      .get('/gitlab/api/v4/x')
      .reply(200, []);
    const { http, timing } = makeApi();
    await http.send(get('/x'));
    // GitLab's throttle stopped every request at once: up to 250 ms more spread them (random() = 0.5)
    expect(timing.sleeps).toEqual([7125]);
    // a 429 of this request's own: just what it asked for
    await http.send(get('/x'));
    expect(timing.sleeps).toEqual([7125, 3000]);
    expect(http.statistics.rateLimited).toBe(2);
  });

  test('429s do not spend the retry budget: more of them in a row than --retries are waited out', async () => {
    const scope = nock(ORIGIN)
      .get('/gitlab/api/v4/x')
      .times(6)
      .reply(429, 'Retry later\n', {
        'content-type': 'text/plain',
        'retry-after': '2',
        'ratelimit-remaining': '0',
      })
      .get('/gitlab/api/v4/x')
      .reply(200, [7]);
    const { http, timing } = makeApi({ retries: 2 });
    expect((await http.send(get('/x'))).json).toEqual([7]);
    // Retry-After, plus up to 250 ms of jitter (random() = 0.5 here)
    expect(timing.sleeps).toEqual([2125, 2125, 2125, 2125, 2125, 2125]);
    expect(http.statistics.rateLimited).toBe(6);
    expect(scope.isDone()).toBe(true);
  });

  test('a server asking for an absurd wait ends the request with a clear error', async () => {
    nock(ORIGIN).get('/gitlab/api/v4/x').reply(429, 'Retry later\n', { 'retry-after': '3600' });
    const { http } = makeApi();
    const error = await http.send(get('/x')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitLabUnavailableError);
    expect(explain(error)).toMatch(/asked to wait 3600 s/);
  });

  test('a 500 is retried like a 502', async () => {
    nock(ORIGIN)
      .get('/gitlab/api/v4/x')
      .reply(500, { message: '500 Internal Server Error' })
      .get('/gitlab/api/v4/x')
      .reply(200, [3]);
    const response = await makeApi().http.send(get('/x'));
    expect(response.json).toEqual([3]);
    expect(response.attempts).toBe(2);
  });

  test('other 4xx and 501 are not retried', async () => {
    for (const status of [400, 401, 403, 404, 501]) {
      nock(ORIGIN)
        .get('/gitlab/api/v4/x')
        .reply(status, { message: `${status}` });
      const { http } = makeApi();
      const response = await http.send(get('/x'));
      expect(response.status).toBe(status);
      expect(response.attempts).toBe(1);
    }
  });

  test('connection resets are retried; when they persist the error names the host and the fix', async () => {
    nock(ORIGIN).get('/gitlab/api/v4/x').times(3).replyWithError(networkError('ECONNRESET'));
    const { http, timing } = makeApi({ retries: 2 });
    const error = await http.send(get('/x')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitLabUnavailableError);
    expect(explain(error)).toMatch(
      /cannot reach GitLab at https:\/\/gitlab\.test: ECONNRESET \(3 attempts\).*--gitlab-url/,
    );
    expect(timing.sleeps).toHaveLength(2);
  });

  test('a truncated JSON page is retried when JSON is expected', async () => {
    nock(ORIGIN)
      .get('/gitlab/api/v4/x')
      .reply(200, '[{"name":"a"},{"na', { 'content-type': 'application/json' })
      .get('/gitlab/api/v4/x')
      .reply(200, [{ name: 'a' }]);
    const { http } = makeApi();
    expect((await http.send(get('/x'))).json).toEqual([{ name: 'a' }]);
  });
});

describe('answers that are not the GitLab API', () => {
  test('a redirect to the login page is a wrong URL (exit 2), not retried', async () => {
    nock(ORIGIN)
      .get('/gitlab/api/v4/x')
      .reply(302, '<html></html>', {
        location: `${ORIGIN}/users/sign_in?redirect=x`,
        'content-type': 'text/html',
      });
    const error = await makeApi()
      .http.send(get('/x'))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WrongEndpointError);
    expect(explain(error)).toMatch(/redirect to https:\/\/gitlab\.test\/users\/sign_in .*--gitlab-url/);
  });

  test('an HTML page with 200 is a wrong URL', async () => {
    nock(ORIGIN)
      .get('/gitlab/api/v4/x')
      .reply(200, '<!DOCTYPE html><html>', { 'content-type': 'text/html; charset=utf-8' });
    await expect(makeApi().http.send(get('/x'))).rejects.toBeInstanceOf(WrongEndpointError);
  });

  test('an HTML 502 from a proxy is retried like any 502', async () => {
    nock(ORIGIN)
      .get('/gitlab/api/v4/x')
      .reply(502, '<html>Bad Gateway</html>', { 'content-type': 'text/html' })
      .get('/gitlab/api/v4/x')
      .reply(200, []);
    expect((await makeApi().http.send(get('/x'))).status).toBe(200);
  });
});

describe('rate-limit pacing', () => {
  test('when RateLimit-Remaining reaches 0 the next request waits for RateLimit-Reset', async () => {
    const { http, timing } = makeApi({ concurrency: 1 });
    const reset = Math.floor(timing.now() / 1000) + 10;
    nock(ORIGIN)
      .get('/gitlab/api/v4/x')
      .reply(200, [], { 'ratelimit-remaining': '1', 'ratelimit-reset': String(reset) })
      .get('/gitlab/api/v4/x')
      .reply(200, [], { 'ratelimit-remaining': '0', 'ratelimit-reset': String(reset) })
      .get('/gitlab/api/v4/x')
      .reply(200, []);
    await http.send(get('/x'));
    await http.send(get('/x'));
    expect(timing.sleeps).toEqual([]);
    await http.send(get('/x'));
    expect(timing.sleeps).toHaveLength(1);
    expect(timing.now()).toBeGreaterThanOrEqual(reset * 1000);
    expect(http.statistics.rateLimited).toBe(0);
  });
});

describe('rate limits without headers on every answer, and long waits', () => {
  test('GitLab before 18.6 sends RateLimit-* only with a 429: the requests after it are spaced by its RateLimit-Limit', async () => {
    const scope = nock(ORIGIN)
      .get('/gitlab/api/v4/x')
      .reply(200, [])
      .get('/gitlab/api/v4/x')
      .reply(429, 'Retry later\n', {
        'content-type': 'text/plain',
        'retry-after': '2',
        'ratelimit-limit': '600',
        'ratelimit-remaining': '0',
      })
      .get('/gitlab/api/v4/x')
      .times(3)
      .reply(200, []);
    const { http, timing } = makeApi({ concurrency: 1 });
    for (let i = 0; i < 4; i++) await http.send(get('/x'));
    // the 429's wait, then one request per 100 ms (600 a minute) and a 10 % margin
    expect(timing.sleeps).toEqual([2125, 110, 110]);
    expect(scope.isDone()).toBe(true);
  });

  test('a spent window whose reset is further off than the longest wait allowed ends the run now', async () => {
    const { http, timing } = makeApi({ concurrency: 1, maxWaitMs: 60_000 });
    const reset = String(Math.floor(timing.now() / 1000) + 3600);
    nock(ORIGIN)
      .get('/gitlab/api/v4/x')
      .reply(200, [], { 'ratelimit-remaining': '0', 'ratelimit-reset': reset });
    await http.send(get('/x'));
    const error = await http
      .send({ ...get('/x'), action: 'list the tags of acme/web-app' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitLabUnavailableError);
    expect((error as GitLabUnavailableError).failure).toMatchObject({
      kind: 'wait-too-long',
      maxWaitMs: 60_000,
    });
    expect(explain(error)).toMatch(
      /rate limit allows the next request to list the tags of acme\/web-app in 360\d s, more than --max-wait 1m/,
    );
    expect(timing.sleeps).toEqual([]);
  });

  test('a Retry-After within the longest wait allowed is waited out', async () => {
    nock(ORIGIN)
      .get('/gitlab/api/v4/x')
      .reply(429, 'Retry later\n', { 'retry-after': '3600', 'ratelimit-remaining': '0' })
      .get('/gitlab/api/v4/x')
      .reply(200, [5]);
    const { http, timing } = makeApi({ maxWaitMs: 2 * 3_600_000 });
    expect((await http.send(get('/x'))).json).toEqual([5]);
    expect(timing.sleeps).toEqual([3_600_125]);
  });
});

describe('traces', () => {
  test('show method, path and status, never the token', async () => {
    nock(ORIGIN)
      .get('/gitlab/api/v4/x')
      .query(true)
      .reply(503)
      .get('/gitlab/api/v4/x')
      .query(true)
      .reply(200, []);
    const { http, traces } = makeApi();
    await http.send(get('/x?per_page=100'));
    expect(traces.join('\n')).toMatch(/GET \/gitlab\/api\/v4\/x\?per_page=100 → 503/);
    expect(traces.join('\n')).toMatch(/retry 1\/3/);
    expect(traces.join('\n')).not.toContain(PAT.value);
  });
});
