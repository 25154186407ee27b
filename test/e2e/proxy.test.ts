// Proxies end to end: a CONNECT proxy on loopback between the bundle and the sandbox GitLab.
// HTTPS_PROXY tunnels (the proxy sees only "CONNECT host:port", never the token), NO_PROXY bypasses,
// HTTP_PROXY forwards plain HTTP, credentials in the proxy URL work and never reach any output, and
// a proxy that refuses or is down ends the run with one line.

import { afterAll, beforeAll, describe, expect, type OnTestFinishedHandler, test } from 'vitest';
import type { Sandbox } from '../sandbox/index.ts';
import { type BundleResult, oneErrorLine, runBundle } from './support/bundle.ts';
import { makeTestPki, type TestPki } from './support/certificates.ts';
import { closedPort } from './support/closed-port.ts';
import { startConnectProxy, type TestProxy } from './support/connect-proxy.ts';
import { PAT, PROJECT_PATH, type SmallWorld, snapshot, startWorld } from './support/small-world.ts';

const PASSWORD = 's3cret-proxy-pass';
const CREDENTIALS = { user: 'user', password: PASSWORD };
/** how the password would look in a leaked Proxy-Authorization header */
const PASSWORD_BASE64 = Buffer.from(`user:${PASSWORD}`).toString('base64');

let pki: TestPki;
beforeAll(async () => {
  pki = await makeTestPki();
});
afterAll(() => pki?.remove());

type OnFinished = (handler: OnTestFinishedHandler) => void;

async function world(onTestFinished: OnFinished, https: boolean): Promise<SmallWorld & { sandbox: Sandbox }> {
  const started = await startWorld(
    { repositories: ['', 'api'], builds: 2 },
    https ? { tls: pki.loopback } : {},
  );
  onTestFinished(() => started.sandbox.close());
  return started;
}

async function proxy(onTestFinished: OnFinished, withCredentials = false): Promise<TestProxy> {
  const started = await startConnectProxy(withCredentials ? { credentials: CREDENTIALS } : {});
  onTestFinished(() => started.close());
  return started;
}

const withPassword = (port: number) => `http://user:${PASSWORD}@127.0.0.1:${port}`;
const DELETE_FEATURE_LOGIN = ['delete-tag', '--project', PROJECT_PATH, '--tag', 'feature-login'];

function expectFeatureLoginDeleted(w: SmallWorld, before: Set<string>): void {
  const expected = new Set(before);
  expected.delete('acme/web-app:feature-login');
  expect(snapshot(w.state)).toEqual(expected);
}

function expectNoSecret(result: BundleResult, ...more: string[]): void {
  for (const text of [result.stdout, result.stderr, ...more]) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(PASSWORD_BASE64);
    expect(text).not.toContain(PAT);
  }
}

describe.concurrent('through a proxy', () => {
  // Where the proxy is the only way out, an HTTPS GitLab is reachable only through a CONNECT tunnel;
  // the tunnel also keeps the token out of the proxy's sight. undici is loaded piecemeal (start-up
  // time), and tunnels need a part its index would otherwise add: this is the run that notices.
  test('HTTPS_PROXY: every connection to the HTTPS GitLab is a CONNECT tunnel through the proxy', async ({
    onTestFinished,
  }) => {
    const w = await world(onTestFinished, true);
    const p = await proxy(onTestFinished);
    const before = snapshot(w.state);
    const result = await runBundle([...DELETE_FEATURE_LOGIN, '--ca-file', pki.caFile], {
      ...w.patEnv(w.sandbox),
      HTTPS_PROXY: p.url,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expectFeatureLoginDeleted(w, before);
    expect(p.connectTargets().length).toBeGreaterThan(0);
    expect(new Set(p.connectTargets())).toEqual(new Set([`127.0.0.1:${w.sandbox.port}`]));
    expect(p.forwardedUrls()).toEqual([]);
    // the tunnel request carries no credential of GitLab's
    for (const seen of p.seen) {
      expect(Object.keys(seen.headers)).not.toContain('private-token');
      expect(JSON.stringify(seen.headers)).not.toContain(PAT);
    }
  });

  test('NO_PROXY=127.0.0.1 bypasses it', async ({ onTestFinished }) => {
    const w = await world(onTestFinished, true);
    const p = await proxy(onTestFinished);
    const before = snapshot(w.state);
    const result = await runBundle([...DELETE_FEATURE_LOGIN, '--ca-file', pki.caFile], {
      ...w.patEnv(w.sandbox),
      HTTPS_PROXY: p.url,
      NO_PROXY: '127.0.0.1',
    });
    expect(result.code).toBe(0);
    expectFeatureLoginDeleted(w, before);
    expect(p.seen).toEqual([]);
    expect(w.sandbox.requests.length).toBeGreaterThan(0);
  });

  test('HTTP_PROXY: a plain-HTTP GitLab is reached through it (forwarded requests, no tunnel)', async ({
    onTestFinished,
  }) => {
    const w = await world(onTestFinished, false);
    const p = await proxy(onTestFinished);
    const before = snapshot(w.state);
    const result = await runBundle(DELETE_FEATURE_LOGIN, { ...w.patEnv(w.sandbox), HTTP_PROXY: p.url });
    expect(result.code).toBe(0);
    expectFeatureLoginDeleted(w, before);
    expect(p.connectTargets()).toEqual([]);
    expect(p.forwardedUrls().length).toBe(w.sandbox.requests.length);
    for (const url of p.forwardedUrls()) expect(url.startsWith(`${w.sandbox.apiUrl}/`)).toBe(true);
  });

  test('http_proxy (lower case) wins over HTTP_PROXY, as in curl', async ({ onTestFinished }) => {
    const w = await world(onTestFinished, false);
    const lower = await proxy(onTestFinished);
    const upper = await proxy(onTestFinished);
    const result = await runBundle(DELETE_FEATURE_LOGIN, {
      ...w.patEnv(w.sandbox),
      http_proxy: lower.url,
      HTTP_PROXY: upper.url,
    });
    expect(result.code).toBe(0);
    expect(lower.seen.length).toBeGreaterThan(0);
    expect(upper.seen).toEqual([]);
  });

  // Corporate proxies often want a user and password in HTTPS_PROXY; the password is as secret as
  // the token, so it must work through a tunnel and appear in no output or report.
  test('a proxy URL with credentials: it works, and the password is in no output', async ({
    onTestFinished,
  }) => {
    const w = await world(onTestFinished, true);
    const p = await proxy(onTestFinished, true);
    const before = snapshot(w.state);
    const report = `${pki.dir}/proxy-report-${w.sandbox.port}.json`;
    const result = await runBundle(
      [...DELETE_FEATURE_LOGIN, '--ca-file', pki.caFile, '--verbose', '--output', 'json', '--report', report],
      { ...w.patEnv(w.sandbox), HTTPS_PROXY: withPassword(p.port) },
    );
    expect(result.code).toBe(0);
    expectFeatureLoginDeleted(w, before);
    expect(p.seen.length).toBeGreaterThan(0);
    expect(p.seen.every((seen) => seen.status === 200 && seen.credentials === `user:${PASSWORD}`)).toBe(true);
    const { readFileSync } = await import('node:fs');
    expectNoSecret(result, readFileSync(report, 'utf8'));
  });
});

describe.concurrent('a proxy that refuses or is down', () => {
  test('407 (wrong password) on a tunnel: exit 1, one line, no password, nothing deleted', async ({
    onTestFinished,
  }) => {
    const w = await world(onTestFinished, true);
    const p = await proxy(onTestFinished, true);
    const before = snapshot(w.state);
    const result = await runBundle([...DELETE_FEATURE_LOGIN, '--ca-file', pki.caFile, '--retries', '1'], {
      ...w.patEnv(w.sandbox),
      HTTPS_PROXY: `http://user:wrong-${PASSWORD}@127.0.0.1:${p.port}`,
    });
    expect(result.code).toBe(1);
    oneErrorLine(result);
    expectNoSecret(result);
    expect(result.stderr).not.toContain(`wrong-${PASSWORD}`);
    expect(w.sandbox.requests).toEqual([]);
    expect(snapshot(w.state)).toEqual(before);
  });

  // undici reports a tunnel's 407 as an aborted request, which looks like our own timeout. A wrong
  // password will not get better with retries, and the fix is in HTTPS_PROXY, not in GitLab: the line
  // must name the proxy and the variable, after a single attempt.
  test('407 on a tunnel is reported as the proxy refusing the credentials, without retries', async ({
    onTestFinished,
  }) => {
    const w = await world(onTestFinished, true);
    const p = await proxy(onTestFinished, true);
    const result = await runBundle([...DELETE_FEATURE_LOGIN, '--ca-file', pki.caFile, '--retries', '1'], {
      ...w.patEnv(w.sandbox),
      HTTPS_PROXY: `http://user:wrong-${PASSWORD}@127.0.0.1:${p.port}`,
    });
    expect(oneErrorLine(result)).toMatch(
      new RegExp(`proxy http://127\\.0\\.0\\.1:${p.port} .*407.*check the user and password in HTTPS_PROXY`),
    );
    expect(p.seen).toHaveLength(1);
  });

  // A forwarding proxy's 407 arrives as an HTTP answer rather than a failed tunnel; the user needs
  // the same line either way: which proxy refused, and which variable to correct.
  test('407 from a forwarding proxy (plain HTTP) says the same', async ({ onTestFinished }) => {
    const w = await world(onTestFinished, false);
    const p = await proxy(onTestFinished, true);
    const result = await runBundle([...DELETE_FEATURE_LOGIN, '--retries', '1'], {
      ...w.patEnv(w.sandbox),
      HTTP_PROXY: `http://user:wrong-${PASSWORD}@127.0.0.1:${p.port}`,
    });
    expect(result.code).toBe(1);
    expectNoSecret(result);
    expect(oneErrorLine(result)).toMatch(
      new RegExp(`proxy http://127\\.0\\.0\\.1:${p.port} .*407.*check the user and password in HTTP_PROXY`),
    );
  });

  // A proxy that is down ends the run promptly, in one line, without the password from the proxy
  // URL: a stop job must neither hang on it nor print the password into the job log.
  test('a proxy that is down: exit 1, one line, no password, bounded time', async ({ onTestFinished }) => {
    const w = await world(onTestFinished, true);
    const port = await closedPort();
    const result = await runBundle([...DELETE_FEATURE_LOGIN, '--ca-file', pki.caFile, '--retries', '1'], {
      ...w.patEnv(w.sandbox),
      HTTPS_PROXY: withPassword(port),
    });
    expect(result.code).toBe(1);
    expect(oneErrorLine(result)).toMatch(/ECONNREFUSED/);
    expectNoSecret(result);
    expect(w.sandbox.requests).toEqual([]);
    // one retry: a backoff of 0.5–1 s
    expect(result.ms).toBeLessThan(10_000);
  });

  // The address that refused is the proxy's: blaming GitLab would send the user to check the wrong
  // machine, so the line names the proxy.
  test('a proxy that is down is named in the error line (without its password)', async ({
    onTestFinished,
  }) => {
    const w = await world(onTestFinished, true);
    const port = await closedPort();
    const result = await runBundle([...DELETE_FEATURE_LOGIN, '--ca-file', pki.caFile, '--retries', '0'], {
      ...w.patEnv(w.sandbox),
      HTTPS_PROXY: withPassword(port),
    });
    expect(oneErrorLine(result)).toMatch(
      new RegExp(`cannot reach the proxy http://127\\.0\\.0\\.1:${port} `),
    );
  });
});
