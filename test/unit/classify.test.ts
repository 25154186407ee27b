// The classifier decides every attempt: pure, so each rule is tested here without a network.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type AttemptFacts,
  type AttemptOutcome,
  backoff,
  classify,
  FIRST_ATTEMPT,
  type RetryPolicy,
  type RetryState,
  type Verdict,
} from '../../src/gitlab/classify.ts';
import { type ProxyRoute, proxyRoute } from '../../src/gitlab/network-failures.ts';
import { AnswerTooLarge, NoAnswerInTime, UnsendableHeader } from '../../src/gitlab/wire.ts';

const NOW = 1_700_000_000_000;
const POLICY: RetryPolicy = {
  retries: 3,
  backoffBaseMs: 250,
  backoffFactor: 4,
  maxBackoffMs: 30_000,
  maxRateLimitedWaits: 20,
  maxWaitMs: 120_000,
};
const URL_ = new URL('https://gitlab.test/api/v4/projects/1/registry/repositories');
const FACTS: AttemptFacts = {
  service: 'gitlab',
  url: URL_,
  action: 'list the registry of project 1',
  timeoutMs: 2000,
  method: 'GET',
  expectJson: true,
  nowMs: NOW,
  jitter: 0.5,
};

function answer(status: number, body: unknown = [], headers: Record<string, string> = {}): AttemptOutcome {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = headers['content-type'] ?? 'application/json';
  let json: unknown;
  try {
    json = /json/.test(type) ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { response: { status, headers: { 'content-type': type, ...headers }, text, json } };
}

const failed = (error: unknown): AttemptOutcome => ({ error });
const systemError = (code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`connect ${code}`), { code, ...extra });
const judge = (
  outcome: AttemptOutcome,
  state: RetryState = FIRST_ATTEMPT,
  facts: Partial<AttemptFacts> = {},
  policy: Partial<RetryPolicy> = {},
): Verdict => classify(outcome, state, { ...FACTS, ...facts }, { ...POLICY, ...policy });
const spent = (faults: number, rateLimitedWaits = 0): RetryState => ({
  attempts: faults + rateLimitedWaits,
  faults,
  rateLimitedWaits,
});

describe('answers', () => {
  test('a 2xx JSON answer, and every 4xx but 429, are final', () => {
    for (const status of [200, 201, 202, 204, 400, 401, 403, 404, 405, 409, 422, 501]) {
      expect(judge(answer(status, { message: `${status}` })), String(status)).toEqual({ kind: 'done' });
    }
  });

  test('500, 502, 503 and 504 are faults: retried after a short, growing, jittered backoff', () => {
    for (const status of [500, 502, 503, 504]) {
      expect(judge(answer(status, { message: 'x' }))).toEqual({
        kind: 'retry',
        delayMs: 187.5,
        state: { attempts: 1, faults: 1, rateLimitedWaits: 0 },
        why: `HTTP ${status}`,
      });
    }
    expect(judge(answer(502), spent(1))).toMatchObject({ kind: 'retry', delayMs: 750 });
    expect(judge(answer(502), spent(2))).toMatchObject({ kind: 'retry', delayMs: 3000 });
  });

  test('once the retries are spent, the last answer is final (the caller says what failed)', () => {
    expect(judge(answer(503), spent(3))).toEqual({ kind: 'done' });
    expect(judge(answer(503), FIRST_ATTEMPT, {}, { retries: 0 })).toEqual({ kind: 'done' });
  });

  test('a 2xx body that is not JSON is a fault when JSON is expected', () => {
    const truncated = answer(200, '[{"name":"a"},{"na');
    expect(judge(truncated)).toMatchObject({ kind: 'retry', why: 'an unreadable body (18 bytes)' });
    expect(judge(truncated, FIRST_ATTEMPT, { expectJson: false })).toEqual({ kind: 'done' });
  });

  test('a DELETE confirmed with an empty body is done; with a body that is not JSON, a fault', () => {
    expect(judge(answer(204, ''), FIRST_ATTEMPT, { method: 'DELETE' })).toEqual({ kind: 'done' });
    expect(
      judge(answer(200, 'deleted!', { 'content-type': 'text/plain' }), FIRST_ATTEMPT, { method: 'DELETE' }),
    ).toMatchObject({ kind: 'retry' });
  });

  test('a 503 with Retry-After waits what it says, within the longest wait allowed', () => {
    expect(judge(answer(503, {}, { 'retry-after': '4' }))).toMatchObject({ kind: 'retry', delayMs: 4125 });
    expect(judge(answer(503, {}, { 'retry-after': '600' }))).toEqual({
      kind: 'fail',
      failure: {
        kind: 'wait-too-long',
        service: 'gitlab',
        action: FACTS.action,
        waitMs: 600_000,
        maxWaitMs: 120_000,
        status: 503,
      },
    });
  });
});

describe('429', () => {
  test("Retry-After is waited out, without spending the retries; a spent quota's crowd spreads over 250 ms more", () => {
    expect(
      judge(answer(429, 'Retry later\n', { 'content-type': 'text/plain', 'retry-after': '7' })),
    ).toMatchObject({
      kind: 'wait',
      delayMs: 7000,
    });
    const verdict = judge(
      answer(429, 'Retry later\n', {
        'content-type': 'text/plain',
        'retry-after': '7',
        'ratelimit-remaining': '0',
      }),
      spent(3),
    );
    expect(verdict).toEqual({
      kind: 'wait',
      delayMs: 7125,
      state: { attempts: 4, faults: 3, rateLimitedWaits: 1 },
      why: 'HTTP 429',
    });
  });

  test('Retry-After as an HTTP date, and RateLimit-Reset when Retry-After is missing', () => {
    const inTenSeconds = new Date(NOW + 10_000).toUTCString();
    expect(judge(answer(429, '', { 'retry-after': inTenSeconds }))).toMatchObject({
      kind: 'wait',
      delayMs: 10_000,
    });
    const reset = String(NOW / 1000 + 20);
    expect(judge(answer(429, '', { 'ratelimit-reset': reset }))).toMatchObject({
      kind: 'wait',
      delayMs: 20_250,
    });
  });

  test("without a word on how long: a fault's backoff, counted in 429s", () => {
    expect(judge(answer(429, 'Retry later\n', { 'content-type': 'text/plain' }), spent(3))).toMatchObject({
      kind: 'wait',
      delayMs: 187.5,
    });
    expect(judge(answer(429, ''), spent(0, 2))).toMatchObject({ kind: 'wait', delayMs: 3000 });
  });

  test('beyond the longest wait allowed, the request fails now (the run stops)', () => {
    expect(judge(answer(429, '', { 'retry-after': '3600' }))).toMatchObject({
      kind: 'fail',
      failure: { kind: 'wait-too-long', waitMs: 3_600_000, status: 429 },
    });
    expect(
      judge(answer(429, '', { 'retry-after': '3600' }), FIRST_ATTEMPT, {}, { maxWaitMs: 3_600_000 }),
    ).toMatchObject({ kind: 'wait' });
  });

  test('after 20 waits the 429 is final', () => {
    expect(judge(answer(429, '', { 'retry-after': '1' }), spent(0, 20))).toEqual({ kind: 'done' });
  });
});

describe('answers that are not the API', () => {
  test('a redirect fails at once, its location shown without the query', () => {
    const verdict = judge(
      answer(302, '<html></html>', {
        'content-type': 'text/html',
        location: 'https://gitlab.test/users/sign_in?redirect=x',
      }),
    );
    expect(verdict).toEqual({
      kind: 'fail',
      failure: {
        kind: 'redirect',
        service: 'gitlab',
        action: FACTS.action,
        url: 'https://gitlab.test/api/v4/projects/1/registry/repositories',
        location: 'https://gitlab.test/users/sign_in',
        status: 302,
      },
    });
  });

  test('a redirect to another project of the API is a moved project', () => {
    const verdict = judge(
      answer(301, '', { location: 'https://gitlab.test/api/v4/projects/acme%2Fnew-name/registry' }),
    );
    expect(verdict).toEqual({
      kind: 'fail',
      failure: { kind: 'project-moved', to: 'acme/new-name', status: 301 },
    });
  });

  test('an HTML page with 2xx is a wrong URL; an HTML 502 from a proxy is a fault like any 502', () => {
    expect(
      judge(answer(200, '<!DOCTYPE html>', { 'content-type': 'text/html; charset=utf-8' })),
    ).toMatchObject({
      kind: 'fail',
      failure: { kind: 'web-page' },
    });
    expect(judge(answer(502, '<html>Bad Gateway</html>', { 'content-type': 'text/html' }))).toMatchObject({
      kind: 'retry',
    });
  });
});

describe('no answer', () => {
  test('timeouts and connection faults are retried', () => {
    for (const error of [
      new NoAnswerInTime(2000),
      systemError('ECONNRESET'),
      systemError('ECONNREFUSED'),
      systemError('UND_ERR_SOCKET'),
      systemError('UND_ERR_HEADERS_TIMEOUT'),
      { message: 'wrapped', cause: systemError('EPIPE') },
    ]) {
      expect(judge(failed(error))).toMatchObject({ kind: 'retry', delayMs: 187.5 });
    }
  });

  test('when they persist, the failure names the origin, the cause and the attempts', () => {
    expect(judge(failed(systemError('ECONNRESET')), spent(3))).toEqual({
      kind: 'fail',
      failure: {
        kind: 'unreachable',
        service: 'gitlab',
        origin: 'https://gitlab.test',
        cause: { code: 'ECONNRESET' },
        attempts: 4,
      },
    });
    expect(judge(failed(new NoAnswerInTime(2000)), spent(3))).toMatchObject({
      failure: { kind: 'unreachable', cause: { timeoutMs: 2000 } },
    });
    expect(judge(failed(systemError('UND_ERR_BODY_TIMEOUT')), spent(3))).toMatchObject({
      failure: { cause: { timeoutMs: 2000 } },
    });
  });

  test('TLS trust, names and expiry, and unknown hosts fail at once', () => {
    expect(judge(failed(systemError('SELF_SIGNED_CERT_IN_CHAIN')))).toEqual({
      kind: 'fail',
      failure: {
        kind: 'tls-untrusted',
        service: 'gitlab',
        host: 'gitlab.test',
        code: 'SELF_SIGNED_CERT_IN_CHAIN',
      },
    });
    expect(judge(failed(systemError('ERR_TLS_CERT_ALTNAME_INVALID')))).toMatchObject({
      failure: { kind: 'tls-wrong-name', host: 'gitlab.test' },
    });
    expect(judge(failed(systemError('CERT_HAS_EXPIRED')))).toMatchObject({
      failure: { kind: 'tls-expired' },
    });
    expect(judge(failed(systemError('ENOTFOUND')))).toMatchObject({
      failure: { kind: 'unknown-host', hostname: 'gitlab.test' },
    });
  });

  test('anything else fails at once as a network failure, with its code and message', () => {
    expect(judge(failed(systemError('EWHATEVER')))).toEqual({
      kind: 'fail',
      failure: {
        kind: 'network',
        service: 'gitlab',
        action: FACTS.action,
        code: 'EWHATEVER',
        detail: 'connect EWHATEVER',
      },
    });
    expect(judge(failed(new UnsendableHeader('private-token')))).toMatchObject({
      failure: { kind: 'network', detail: 'the private-token header holds characters HTTP does not allow' },
    });
  });

  test('an answer too large to be the API', () => {
    expect(judge(failed(new AnswerTooLarge(16 * 1024 * 1024)))).toEqual({
      kind: 'fail',
      failure: {
        kind: 'oversized',
        service: 'gitlab',
        url: 'https://gitlab.test/api/v4/projects/1/registry/repositories',
        limitBytes: 16 * 1024 * 1024,
      },
    });
  });
});

describe('proxies', () => {
  const settings = {
    httpsProxy: 'http://user:secret@proxy.test:3128',
    httpProxy: 'http://forward.test:8080',
    variables: { https: 'https_proxy', http: 'HTTP_PROXY' },
  };
  const tunnel = proxyRoute(settings, URL_) as ProxyRoute;
  const forwarding = proxyRoute(settings, new URL('http://gitlab.test/api/v4/x')) as ProxyRoute;
  const aborted = Object.assign(new Error('aborted'), { code: 'UND_ERR_ABORTED' });

  test('the route names the proxy without its credentials, and the variable it came from', () => {
    expect(tunnel).toEqual({
      ref: { origin: 'http://proxy.test:3128', variable: 'https_proxy' },
      hostname: 'proxy.test',
      port: 3128,
      tunnel: true,
    });
    expect(forwarding).toMatchObject({ ref: { variable: 'HTTP_PROXY' }, port: 8080, tunnel: false });
    expect(proxyRoute({}, URL_)).toBeUndefined();
    expect(proxyRoute(undefined, URL_)).toBeUndefined();
  });

  test("a tunnel refused with 407 is the proxy's credentials; with another status, its rules", () => {
    expect(judge(failed(aborted), FIRST_ATTEMPT, { proxy: tunnel, tunnelRefusal: 407 })).toEqual({
      kind: 'fail',
      failure: { kind: 'proxy-auth', proxy: tunnel.ref },
    });
    expect(judge(failed(aborted), FIRST_ATTEMPT, { proxy: tunnel, tunnelRefusal: 403 })).toEqual({
      kind: 'fail',
      failure: { kind: 'proxy-refused', proxy: tunnel.ref, host: 'gitlab.test', status: 403 },
    });
    expect(judge(failed(aborted), FIRST_ATTEMPT, { proxy: tunnel })).toEqual({
      kind: 'fail',
      failure: { kind: 'proxy-refused', proxy: tunnel.ref, host: 'gitlab.test' },
    });
  });

  test("a forwarding proxy's 407 (undici's invalid-argument error) is the proxy's credentials", () => {
    const invalid = Object.assign(new Error('Proxy Authentication Required (407)'), {
      code: 'UND_ERR_INVALID_ARG',
    });
    const url = new URL('http://gitlab.test/api/v4/x');
    expect(judge(failed(invalid), FIRST_ATTEMPT, { url, proxy: forwarding })).toEqual({
      kind: 'fail',
      failure: { kind: 'proxy-auth', proxy: forwarding.ref },
    });
    // without a proxy it is nobody's 407
    expect(judge(failed(invalid), FIRST_ATTEMPT, { url })).toMatchObject({ failure: { kind: 'network' } });
  });

  test('a proxy that refuses connections is named once the retries are spent', () => {
    const refused = systemError('ECONNREFUSED', { address: 'proxy.test', port: 3128 });
    expect(judge(failed(refused), FIRST_ATTEMPT, { proxy: tunnel })).toMatchObject({ kind: 'retry' });
    expect(judge(failed(refused), spent(3), { proxy: tunnel })).toEqual({
      kind: 'fail',
      failure: {
        kind: 'proxy-unreachable',
        service: 'gitlab',
        origin: 'https://gitlab.test',
        proxy: tunnel.ref,
        cause: { code: 'ECONNREFUSED' },
        attempts: 4,
      },
    });
    // the server's own address refusing is the server's
    const byServer = systemError('ECONNREFUSED', { address: '10.0.0.1', port: 443 });
    expect(judge(failed(byServer), spent(3), { proxy: tunnel })).toMatchObject({
      failure: { kind: 'unreachable' },
    });
  });
});

describe('backoff', () => {
  test('exponential by the factor, capped, half of each step random', () => {
    expect([1, 2, 3, 4, 5].map((step) => backoff(step, 250, POLICY, 0))).toEqual([
      125, 500, 2000, 8000, 15_000,
    ]);
    expect([1, 2, 3, 4, 5].map((step) => backoff(step, 250, POLICY, 1))).toEqual([
      250, 1000, 4000, 16_000, 30_000,
    ]);
  });

  test('property: a fault is never retried more than `retries` times, and no delay exceeds the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 }),
        fc.array(fc.constantFrom(500, 502, 503, 504), { minLength: 1, maxLength: 20 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retries, statuses, jitter) => {
          let state = FIRST_ATTEMPT;
          let retried = 0;
          for (const status of statuses) {
            const verdict = judge(answer(status), state, { jitter }, { retries });
            if (verdict.kind !== 'retry')
              return verdict.kind === 'done' && retried === Math.min(retries, statuses.length);
            expect(verdict.delayMs).toBeLessThanOrEqual(POLICY.maxBackoffMs);
            retried++;
            state = verdict.state;
          }
          return retried <= retries;
        },
      ),
    );
  });
});
