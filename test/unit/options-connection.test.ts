// src/options/connection.ts: where GitLab is, which token, how patient; all checked before a request.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Credential } from '../../src/connection.ts';
import { AuthError, UsageError } from '../../src/errors.ts';
import { type Connection, checkJobTokenScope, resolveConnection } from '../../src/options/connection.ts';
import type { Env } from '../../src/options/raw.ts';
import { temporaryDirectory } from '../e2e/support/temporary.ts';
import { rawOptions, thrown } from './options-support.ts';

const TOKEN: Env = { GITLAB_TOKEN: 'glpat-personal-token-value' };

function connection(
  flags: Record<string, unknown>,
  env: Env,
): { connection: Connection; warnings: string[] } {
  const warnings: string[] = [];
  return { connection: resolveConnection(rawOptions('prune', flags, env), env, warnings), warnings };
}

function refusal(flags: Record<string, unknown>, env: Env): string {
  return thrown(() => connection(flags, env), UsageError).message;
}

const urls = (flags: Record<string, unknown>, env: Env) => {
  const { restUrl, graphqlUrl } = connection(flags, { ...TOKEN, ...env }).connection;
  return { restUrl, graphqlUrl };
};

describe('the GitLab URL', () => {
  test.each([
    ['https://gitlab.example.com', 'https://gitlab.example.com'],
    ['https://gitlab.example.com/', 'https://gitlab.example.com'],
    ['https://gitlab.example.com/gitlab', 'https://gitlab.example.com/gitlab'],
    ['https://gitlab.example.com/gitlab/api/v4', 'https://gitlab.example.com/gitlab'],
    ['https://gitlab.example.com/api/v4/', 'https://gitlab.example.com'],
    ['https://gitlab.example.com:8443/a/b', 'https://gitlab.example.com:8443/a/b'],
  ])('--gitlab-url %s: the root is %s', (given, root) => {
    expect(urls({ 'gitlab-url': given }, {})).toEqual({
      restUrl: `${root}/api/v4`,
      graphqlUrl: `${root}/api/graphql`,
    });
  });

  test('--gitlab-url wins over REGISTRY_CLEANER_GITLAB_URL, which wins over the CI variables', () => {
    const env = {
      REGISTRY_CLEANER_GITLAB_URL: 'https://from-variable.example.com',
      CI_API_V4_URL: 'https://from-ci.example.com/api/v4',
      CI_SERVER_URL: 'https://from-ci-server.example.com',
    };
    expect(urls({ 'gitlab-url': 'https://from-flag.example.com' }, env).restUrl).toBe(
      'https://from-flag.example.com/api/v4',
    );
    expect(urls({}, env).restUrl).toBe('https://from-variable.example.com/api/v4');
  });

  test('in CI: CI_API_V4_URL (with its sub-path) first, then CI_SERVER_URL', () => {
    expect(
      urls(
        {},
        {
          CI_API_V4_URL: ' https://gitlab.example.com/gitlab/api/v4/ ',
          CI_SERVER_URL: 'https://other.example.com',
        },
      ),
    ).toEqual({
      restUrl: 'https://gitlab.example.com/gitlab/api/v4',
      graphqlUrl: 'https://gitlab.example.com/gitlab/api/graphql',
    });
    expect(urls({}, { CI_API_V4_URL: '  ', CI_SERVER_URL: 'https://gitlab.example.com/gitlab/' })).toEqual({
      restUrl: 'https://gitlab.example.com/gitlab/api/v4',
      graphqlUrl: 'https://gitlab.example.com/gitlab/api/graphql',
    });
  });

  test('CI_API_GRAPHQL_URL is used when it is on the REST API host; elsewhere it is refused', () => {
    const v4 = 'https://gitlab.example.com/api/v4';
    expect(
      urls({}, { CI_API_V4_URL: v4, CI_API_GRAPHQL_URL: 'https://gitlab.example.com/gql' }).graphqlUrl,
    ).toBe('https://gitlab.example.com/gql');
    for (const elsewhere of [
      'https://attacker.example.net/api/graphql',
      'http://gitlab.example.com/api/graphql',
      'https://gitlab.example.com:8443/api/graphql',
    ]) {
      expect(refusal({}, { ...TOKEN, CI_API_V4_URL: v4, CI_API_GRAPHQL_URL: elsewhere }), elsewhere).toBe(
        `CI_API_GRAPHQL_URL ${elsewhere} is not on the host of CI_API_V4_URL (https://gitlab.example.com): the token would go elsewhere; unset it, or fix it`,
      );
    }
  });

  test('CI_API_GRAPHQL_URL with credentials is refused, and shown without them', () => {
    const message = refusal(
      {},
      {
        ...TOKEN,
        CI_API_V4_URL: 'https://gitlab.example.com/api/v4',
        CI_API_GRAPHQL_URL: 'https://user:hunter2-secret@gitlab.example.com/api/graphql',
      },
    );
    expect(message).toMatch(
      /^CI_API_GRAPHQL_URL https:\/\/\[MASKED\]@gitlab\.example\.com\/api\/graphql is not on the host/,
    );
    expect(message).not.toContain('hunter2');
  });

  test('CI_API_GRAPHQL_URL without a scheme: unset it or give a scheme', () => {
    const message = refusal(
      {},
      {
        ...TOKEN,
        CI_API_V4_URL: 'https://gitlab.example.com/api/v4',
        CI_API_GRAPHQL_URL: 'gitlab.example.com/api/graphql',
      },
    );
    expect(message).toBe(
      'CI_API_GRAPHQL_URL gitlab.example.com/api/graphql has no scheme: unset it, or write it as https://gitlab.example.com/api/graphql',
    );
  });

  test.each([
    [
      'gitlab.example.com:8443',
      '--gitlab-url gitlab.example.com:8443 has no scheme: write it as https://gitlab.example.com:8443',
    ],
    [
      '//gitlab.example.com',
      '--gitlab-url //gitlab.example.com has no scheme: write it as https://gitlab.example.com',
    ],
    ['https://', '--gitlab-url https:// is not a URL: write it as https://gitlab.example.com'],
    ['ftp://gitlab.example.com', '--gitlab-url ftp://gitlab.example.com must use https:// (or http://)'],
    [
      'ssh://git@gitlab.example.com',
      '--gitlab-url ssh://[MASKED]@gitlab.example.com must use https:// (or http://)',
    ],
    [
      'https://gitlab.example.com/?private=1',
      '--gitlab-url https://gitlab.example.com/?private=1 must not have a query or fragment: give the GitLab root URL',
    ],
    [
      'https://gitlab.example.com/#top',
      '--gitlab-url https://gitlab.example.com/#top must not have a query or fragment: give the GitLab root URL',
    ],
  ])('--gitlab-url %s is refused', (given, message) => {
    expect(refusal({ 'gitlab-url': given }, TOKEN)).toBe(message);
  });

  test.each([
    'https://gitlab.example.com/acme/web-app/-/packages',
    'https://gitlab.example.com/api/v4/projects/1',
    'https://gitlab.example.com/api/graphql',
    'https://registry.example.com/v2',
    'https://registry.example.com/v2/acme/web/tags/list',
  ])('%s points inside GitLab, not at its root', (given) => {
    expect(refusal({ 'gitlab-url': given }, TOKEN)).toBe(
      `--gitlab-url ${given} points inside GitLab, not at its root: give the root URL (as in CI_SERVER_URL, e.g. https://gitlab.example.com)`,
    );
  });

  test('credentials in the URL are refused, and the message does not repeat them', () => {
    for (const given of [
      'https://oauth2:glpat-in-url-secret@gitlab.example.com',
      'https://glpat-in-url-secret@gitlab.example.com',
    ]) {
      const message = refusal({ 'gitlab-url': given }, TOKEN);
      expect(message).toBe(
        '--gitlab-url must not contain credentials: remove them and pass the token in REGISTRY_CLEANER_TOKEN',
      );
    }
    expect(refusal({}, { ...TOKEN, CI_SERVER_URL: 'https://u:p@gitlab.example.com' })).toMatch(
      /^CI_SERVER_URL must not contain credentials/,
    );
  });

  // Surprising: the scheme check runs first and shows the URL as given; withoutCredentials only
  // masks a user-info after "//", so git's "oauth2:<token>@host" habit, without https://, is
  // printed with the token (twice: in the URL and in the suggested fix). The Redactor in main.ts
  // does not know this value either: it masks user-info only after a scheme.
  test('a URL without a scheme that holds credentials is shown without them', () => {
    const message = refusal({ 'gitlab-url': 'oauth2:glpat-in-url-secret@gitlab.example.com' }, TOKEN);
    expect(message).not.toContain('glpat-in-url-secret');
  });

  test('no URL anywhere: say how to give one', () => {
    expect(refusal({}, TOKEN)).toBe(
      'no GitLab URL: outside GitLab CI pass --gitlab-url https://gitlab.example.com (or set REGISTRY_CLEANER_GITLAB_URL)',
    );
  });

  test('plain http to a remote host warns, naming the source; loopback hosts do not', () => {
    expect(connection({}, { ...TOKEN, CI_SERVER_URL: 'http://gitlab.example.com' }).warnings).toEqual([
      'CI_SERVER_URL uses http://: the token travels unencrypted; use https://',
    ]);
    for (const local of [
      'http://localhost:8080',
      'http://127.0.0.1:8080',
      'http://127.1.2.3',
      'http://[::1]:8080',
    ]) {
      expect(connection({ 'gitlab-url': local }, TOKEN).warnings, local).toEqual([]);
    }
  });
});

describe('the token', () => {
  const BASE: Env = { CI_SERVER_URL: 'https://gitlab.example.com' };
  const credential = (flags: Record<string, unknown>, env: Env) => connection(flags, { ...BASE, ...env });

  test('precedence: --token, REGISTRY_CLEANER_TOKEN, GITLAB_TOKEN, CI_JOB_TOKEN', () => {
    const all = {
      REGISTRY_CLEANER_TOKEN: 'glpat-from-rc-variable',
      GITLAB_TOKEN: 'glpat-from-gitlab-token',
      CI_JOB_TOKEN: 'job-token-without-prefix',
    };
    const { connection: flagged, warnings } = credential({ token: 'glpat-on-command-line' }, all);
    expect(flagged.credential).toEqual({
      kind: 'private',
      value: 'glpat-on-command-line',
      source: '--token',
    });
    expect(warnings).toEqual([
      '--token puts the token on the command line, where process lists and logs can show it; set REGISTRY_CLEANER_TOKEN instead',
    ]);
    expect(credential({}, all).connection.credential).toEqual({
      kind: 'private',
      value: 'glpat-from-rc-variable',
      source: 'REGISTRY_CLEANER_TOKEN',
    });
    const { REGISTRY_CLEANER_TOKEN: _, ...withoutRc } = all;
    expect(credential({}, withoutRc).connection.credential.source).toBe('GITLAB_TOKEN');
    const { GITLAB_TOKEN: __, ...jobOnly } = withoutRc;
    expect(credential({}, jobOnly).connection.credential).toEqual({
      kind: 'job',
      value: 'job-token-without-prefix',
      source: 'CI_JOB_TOKEN',
    });
    expect(credential({}, jobOnly).warnings).toEqual([]);
  });

  test('blank tokens are skipped and values are trimmed', () => {
    const { connection: resolved } = credential(
      {},
      { GITLAB_TOKEN: '  ', CI_JOB_TOKEN: ' glcbt-64_job-token \n' },
    );
    expect(resolved.credential).toEqual({ kind: 'job', value: 'glcbt-64_job-token', source: 'CI_JOB_TOKEN' });
  });

  test('a glcbt- token is a job token wherever it was put; any other is private', () => {
    expect(credential({}, { REGISTRY_CLEANER_TOKEN: 'glcbt-64_job-token' }).connection.credential.kind).toBe(
      'job',
    );
    expect(credential({ token: 'glcbt-64_job-token' }, {}).connection.credential.kind).toBe('job');
    expect(credential({}, { GITLAB_TOKEN: 'glcbt-64_job-token' }).connection.credential).toEqual({
      kind: 'job',
      value: 'glcbt-64_job-token',
      source: 'GITLAB_TOKEN',
    });
    expect(credential({}, { GITLAB_TOKEN: 'glpat-glcbt-inside' }).connection.credential.kind).toBe('private');
  });

  test('no token: say where one comes from', () => {
    expect(thrown(() => credential({}, { GITLAB_TOKEN: '', CI_JOB_TOKEN: ' ' }), UsageError).message).toBe(
      'no token: in GitLab CI the job token (CI_JOB_TOKEN) is used; elsewhere set REGISTRY_CLEANER_TOKEN to a token with the api scope',
    );
  });
});

describe('timeout, retries, concurrency', () => {
  const BASE: Env = { ...TOKEN, CI_SERVER_URL: 'https://gitlab.example.com' };
  const resolved = (flags: Record<string, unknown>, env: Env = {}) =>
    connection(flags, { ...BASE, ...env }).connection;

  test('defaults: 30 s, 4 retries, 8 in flight', () => {
    expect(resolved({})).toMatchObject({ timeoutMs: 30_000, retries: 4, concurrency: 8 });
  });

  test.each([
    ['5', 5_000],
    ['2.5', 2_500],
    ['90s', 90_000],
    ['2m', 120_000],
    ['10m', 600_000],
    ['PT1M', 60_000],
  ])('--timeout %s is %i ms (a bare number is seconds)', (given, ms) => {
    expect(resolved({ timeout: given }).timeoutMs).toBe(ms);
  });

  test('REGISTRY_CLEANER_TIMEOUT is read the same way', () => {
    expect(resolved({}, { REGISTRY_CLEANER_TIMEOUT: ' 7 ' }).timeoutMs).toBe(7_000);
  });

  test.each([
    ['0', '--timeout 0 must be greater than zero'],
    ['soon', '--timeout soon is not a duration: write e.g. 90m, 36h, 14d, 2w or P14D'],
    ['10m1s', '--timeout 10m1s is too long: at most 10m'],
    ['1h', '--timeout 1h is too long: at most 10m'],
  ])('--timeout %s is refused', (given, message) => {
    expect(refusal({ timeout: given }, BASE)).toBe(message);
  });

  test('retries from 0 to 10 and concurrency from 1 to 64, whole numbers', () => {
    expect(resolved({ retries: 0, concurrency: 1 })).toMatchObject({ retries: 0, concurrency: 1 });
    expect(resolved({ retries: 10, concurrency: 64 })).toMatchObject({ retries: 10, concurrency: 64 });
    expect(resolved({}, { REGISTRY_CLEANER_RETRIES: '3', REGISTRY_CLEANER_CONCURRENCY: '16' })).toMatchObject(
      {
        retries: 3,
        concurrency: 16,
      },
    );
  });

  test.each<[Record<string, unknown>, Env, string]>([
    [{ retries: -1 }, {}, '--retries -1 must be a whole number from 0 to 10'],
    [{ retries: 11 }, {}, '--retries 11 must be a whole number from 0 to 10'],
    [{ retries: Number.NaN }, {}, '--retries NaN must be a whole number from 0 to 10'],
    [
      {},
      { REGISTRY_CLEANER_RETRIES: '2.5' },
      'REGISTRY_CLEANER_RETRIES 2.5 must be a whole number from 0 to 10',
    ],
    [{ concurrency: 0 }, {}, '--concurrency 0 must be a whole number from 1 to 64'],
    [{ concurrency: 65 }, {}, '--concurrency 65 must be a whole number from 1 to 64'],
  ])('%j %j is refused', (flags, env, message) => {
    expect(refusal(flags, { ...BASE, ...env })).toBe(message);
  });
});

describe('--ca-file', () => {
  const dir = temporaryDirectory('registry-cleaner-ca-');
  const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  const BASE: Env = { ...TOKEN, CI_SERVER_URL: 'https://gitlab.example.com' };
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  test('no CA file: none in the connection', () => {
    expect(connection({}, BASE).connection).not.toHaveProperty('ca');
  });

  test("the PEM text is trusted; the flag wins over the runner's CI_SERVER_TLS_CA_FILE", () => {
    const mine = write('mine.pem', PEM);
    const runner = write('runner.pem', `${PEM}# runner\n`);
    expect(connection({ 'ca-file': mine }, { ...BASE, CI_SERVER_TLS_CA_FILE: runner }).connection.ca).toBe(
      PEM,
    );
    expect(connection({}, { ...BASE, CI_SERVER_TLS_CA_FILE: ` ${runner} ` }).connection.ca).toBe(
      `${PEM}# runner\n`,
    );
  });

  test('unreadable: the code, the source and what to give', () => {
    const missing = join(dir, 'missing.pem');
    expect(refusal({ 'ca-file': missing }, BASE)).toBe(
      `--ca-file ${missing} cannot be read (ENOENT): give the path of a PEM CA bundle`,
    );
    const directory = join(dir, 'a-directory');
    mkdirSync(directory);
    expect(refusal({}, { ...BASE, CI_SERVER_TLS_CA_FILE: directory })).toBe(
      `CI_SERVER_TLS_CA_FILE ${directory} cannot be read (EISDIR): give the path of a PEM CA bundle`,
    );
  });

  test('a file without a PEM certificate (a DER file, a key) is refused', () => {
    const der = write('ca.der', '0\x82\x03\x1a0\x82\x02\x02');
    expect(refusal({}, { ...BASE, REGISTRY_CLEANER_CA_FILE: der })).toBe(
      `REGISTRY_CLEANER_CA_FILE ${der} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
  });
});

describe('proxies from the environment', () => {
  const BASE: Env = { ...TOKEN, CI_SERVER_URL: 'https://gitlab.example.com' };
  const proxy = (env: Env) => connection({}, { ...BASE, ...env }).connection.proxy;

  test('none set: no proxy', () => {
    expect(proxy({})).toEqual({});
  });

  test('upper-case variables, with the names they came from', () => {
    expect(
      proxy({
        HTTPS_PROXY: 'http://proxy.example.com:3128',
        HTTP_PROXY: 'http://proxy.example.com:80',
        NO_PROXY: '.internal',
      }),
    ).toEqual({
      httpsProxy: 'http://proxy.example.com:3128',
      httpProxy: 'http://proxy.example.com:80',
      noProxy: '.internal',
      variables: { https: 'HTTPS_PROXY', http: 'HTTP_PROXY' },
    });
  });

  test('lower case wins over upper case, as in curl and undici, even when empty', () => {
    expect(
      proxy({
        https_proxy: ' socks5://lower.example.com:1080 ',
        HTTPS_PROXY: 'http://upper.example.com:3128',
        no_proxy: 'lower',
        NO_PROXY: 'upper',
      }),
    ).toEqual({
      httpsProxy: 'socks5://lower.example.com:1080',
      noProxy: 'lower',
      variables: { https: 'https_proxy' },
    });
    expect(proxy({ https_proxy: '', HTTPS_PROXY: 'http://upper.example.com:3128' })).toEqual({});
  });

  test.each([
    [
      { HTTPS_PROXY: 'user:proxy-secret@proxy.example.com:3128' },
      'HTTPS_PROXY [MASKED]@proxy.example.com:3128 has no scheme: write it as http://[MASKED]@proxy.example.com:3128',
    ],
    [
      { http_proxy: 'ftp://user:proxy-secret@proxy.example.com' },
      'http_proxy ftp://[MASKED]@proxy.example.com must use http://, https:// or socks5://',
    ],
    [
      { HTTP_PROXY: 'http://user:proxy-secret@' },
      'HTTP_PROXY http://[MASKED]@ is not a URL: write it as http://[user:password@]host:port',
    ],
  ])('%j is refused, its password masked', (env, message) => {
    const text = refusal({}, { ...BASE, ...env });
    expect(text).toBe(message);
    expect(text).not.toContain('proxy-secret');
  });
});

describe('checkJobTokenScope', () => {
  const job: Credential = { kind: 'job', value: 'glcbt-64_job-token', source: 'CI_JOB_TOKEN' };
  const env: Env = { CI_PROJECT_ID: '42', CI_PROJECT_PATH: 'Acme/Web-App' };

  test('a job token may name its own project, by id or by path in any case', () => {
    expect(() =>
      checkJobTokenScope(job, [{ id: 42 }, { path: 'acme/web-app' }, { path: 'ACME/WEB-APP' }], env),
    ).not.toThrow();
  });

  test('another project is refused with exit 3, naming both projects, never the token', () => {
    for (const [other, named] of [
      [{ id: 7 }, '7'],
      [{ path: 'acme/other' }, 'acme/other'],
    ] as const) {
      const error = thrown(() => checkJobTokenScope(job, [{ id: 42 }, other], env), AuthError);
      expect(error.message).toBe(
        `CI_JOB_TOKEN works only on the registry of its own project (acme/web-app), not ${named}: set REGISTRY_CLEANER_TOKEN to a project or group access token with the api scope`,
      );
      expect(error.message).not.toContain(job.value);
    }
  });

  test('the message names where the job token came from, and the own id when the path is unknown', () => {
    const pasted: Credential = { ...job, source: 'REGISTRY_CLEANER_TOKEN' };
    expect(
      thrown(() => checkJobTokenScope(pasted, [{ id: 7 }], { CI_PROJECT_ID: '42' }), AuthError).message,
    ).toMatch(/^REGISTRY_CLEANER_TOKEN works only on the registry of its own project \(42\), not 7:/);
  });

  test('what the job does not say cannot be checked: an id without CI_PROJECT_ID, a path without CI_PROJECT_PATH', () => {
    expect(() => checkJobTokenScope(job, [{ id: 7 }], { CI_PROJECT_PATH: 'acme/web-app' })).not.toThrow();
    expect(() => checkJobTokenScope(job, [{ path: 'acme/other' }], { CI_PROJECT_ID: '42' })).not.toThrow();
  });

  test('a private token is never limited', () => {
    const own: Credential = { kind: 'private', value: 'glpat-x', source: 'GITLAB_TOKEN' };
    expect(() => checkJobTokenScope(own, [{ id: 7 }, { path: 'other/project' }], env)).not.toThrow();
  });
});
