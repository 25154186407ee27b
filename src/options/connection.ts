// Where GitLab is, how to authenticate, and how patient to be. Everything checked before the
// first request: a bad URL, a missing token or an unreadable CA file exits 2 with the fix.

import { readFileSync } from 'node:fs';
import type { Connection, Credential, ProxySettings } from '../connection.ts';
import { AuthError, UsageError } from '../errors.ts';
import { type ProjectRef, refKey } from '../model.ts';
import { formatDuration, parseDuration } from '../plan/duration.ts';
import { maskUrlCredentials } from '../redact.ts';
import type { Env, RawOptions } from './raw.ts';
import { resolveRegistryUrl } from './registry-url.ts';

export type { Connection };

export const DEFAULTS = { timeoutMs: 30_000, retries: 4, concurrency: 8, maxWaitMs: 5 * 60_000 } as const;
const MAX_TIMEOUT_MS = 10 * 60_000;
/** GitLab's rate-limit windows are a minute on GitLab.com and up to an hour by default on self-managed. */
const MAX_MAX_WAIT_MS = 24 * 3_600_000;

export function resolveConnection(raw: RawOptions, env: Env, warnings: string[]): Connection {
  const { restUrl, graphqlUrl } = resolveUrls(raw, env, warnings);
  const credential = resolveCredential(raw, env, warnings);
  return {
    restUrl,
    graphqlUrl,
    credential,
    timeoutMs: resolveDurationSetting(raw, 'timeout', DEFAULTS.timeoutMs, MAX_TIMEOUT_MS),
    maxWaitMs: resolveDurationSetting(raw, 'max-wait', DEFAULTS.maxWaitMs, MAX_MAX_WAIT_MS),
    retries: integerIn(raw, 'retries', 0, 10, DEFAULTS.retries),
    concurrency: integerIn(raw, 'concurrency', 1, 64, DEFAULTS.concurrency),
    ...resolveCa(raw, env),
    proxy: resolveProxy(env),
    ...optionalRegistryUrl(raw, env),
  };
}

function optionalRegistryUrl(raw: RawOptions, env: Env): { registryUrl?: string } {
  const registryUrl = resolveRegistryUrl(raw, env);
  return registryUrl === undefined ? {} : { registryUrl };
}

function resolveUrls(raw: RawOptions, env: Env, warnings: string[]): { restUrl: string; graphqlUrl: string } {
  const flag = raw.string('gitlab-url');
  if (flag) return fromGivenUrl(flag.value, flag.source, warnings);
  const apiV4 = env.CI_API_V4_URL?.trim();
  if (apiV4) {
    const rest = checkUrl(apiV4, 'CI_API_V4_URL', warnings).replace(/\/+$/, '');
    const givenGraphql = env.CI_API_GRAPHQL_URL?.trim();
    const graphql = givenGraphql
      ? checkGraphqlUrl(givenGraphql, rest)
      : rest.replace(/\/api\/v4$/, '/api/graphql');
    return { restUrl: rest, graphqlUrl: graphql };
  }
  const server = env.CI_SERVER_URL?.trim();
  if (server) return fromGivenUrl(server, 'CI_SERVER_URL', warnings);
  throw new UsageError(
    'no GitLab URL: outside GitLab CI pass --gitlab-url https://gitlab.example.com (or set REGISTRY_CLEANER_GITLAB_URL)',
  );
}

/** Accepts the root URL (with any sub-path, e.g. https://host/gitlab) or the API URL (…/api/v4). */
function fromGivenUrl(
  text: string,
  source: string,
  warnings: string[],
): { restUrl: string; graphqlUrl: string } {
  const url = checkUrl(text, source, warnings).replace(/\/+$/, '');
  const root = url.replace(/\/api\/v4$/, '');
  return { restUrl: `${root}/api/v4`, graphqlUrl: `${root}/api/graphql` };
}

/**
 * `text` as a URL, or a UsageError that shows it as `shown` (without credentials) and says how to
 * fix it. The scheme is required: without one, `new URL` reads "gitlab.example.com:8443" as a
 * scheme and a path.
 */
export function parseUrl(text: string, shown: string, fix: { noScheme: string; notUrl: string }): URL {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) throw new UsageError(`${shown} has no scheme: ${fix.noScheme}`);
  try {
    return new URL(text);
  } catch {
    throw new UsageError(`${shown} is not a URL: ${fix.notUrl}`);
  }
}

function checkUrl(text: string, source: string, warnings: string[]): string {
  const shown = `${source} ${maskUrlCredentials(text)}`;
  const url = parseUrl(text, shown, {
    noScheme: `write it as https://${maskUrlCredentials(text).replace(/^\/+/, '')}`,
    notUrl: 'write it as https://gitlab.example.com',
  });
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${shown} must use https:// (or http://)`);
  }
  if (url.username || url.password) {
    throw new UsageError(
      `${source} must not contain credentials: remove them and pass the token in REGISTRY_CLEANER_TOKEN`,
    );
  }
  if (url.search || url.hash)
    throw new UsageError(`${shown} must not have a query or fragment: give the GitLab root URL`);
  const path = url.pathname;
  if (
    /\/-\//.test(path) ||
    /\/api\/v4\/./.test(path) ||
    /\/api\/graphql/.test(path) ||
    /\/v2(\/|$)/.test(path)
  ) {
    throw new UsageError(
      `${shown} points inside GitLab, not at its root: give the root URL (as in CI_SERVER_URL, e.g. https://gitlab.example.com)`,
    );
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    warnings.push(`${source} uses http://: the token travels unencrypted; use https://`);
  }
  return text;
}

/** The personal token goes to this URL too (as Bearer): the same scheme, host and port as the REST API. */
function checkGraphqlUrl(text: string, restUrl: string): string {
  const shown = `CI_API_GRAPHQL_URL ${maskUrlCredentials(text)}`;
  const url = parseUrl(text, shown, {
    noScheme: `unset it, or write it as https://${text.replace(/^\/+/, '')}`,
    notUrl: "unset it, or give GitLab's …/api/graphql URL",
  });
  const rest = new URL(restUrl);
  if (url.username || url.password || url.origin !== rest.origin) {
    throw new UsageError(
      `${shown} is not on the host of CI_API_V4_URL (${rest.origin}): the token would go elsewhere; unset it, or fix it`,
    );
  }
  return text;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

function resolveCredential(raw: RawOptions, env: Env, warnings: string[]): Credential {
  const flag = raw.string('token');
  const candidates: [string, string | undefined][] = [
    ['--token', flag?.source === '--token' ? flag.value : undefined],
    ['REGISTRY_CLEANER_TOKEN', flag?.source === 'REGISTRY_CLEANER_TOKEN' ? flag.value : undefined],
    ['GITLAB_TOKEN', env.GITLAB_TOKEN],
    ['CI_JOB_TOKEN', env.CI_JOB_TOKEN],
  ];
  for (const [source, value] of candidates) {
    const token = value?.trim();
    if (!token) continue;
    if (source === '--token') {
      warnings.push(
        '--token puts the token on the command line, where process lists and logs can show it; set REGISTRY_CLEANER_TOKEN instead',
      );
    }
    // CI job tokens start with glcbt- (GitLab 16.8+), wherever the user put them.
    const kind = source === 'CI_JOB_TOKEN' || token.startsWith('glcbt-') ? 'job' : 'private';
    return { kind, value: token, source };
  }
  throw new UsageError(
    'no token: in GitLab CI the job token (CI_JOB_TOKEN) is used; elsewhere set REGISTRY_CLEANER_TOKEN to a token with the api scope',
  );
}

/**
 * A job token works only on its own project's registry (GitLab's job token scope): refuse
 * before sending anything rather than collect a 403.
 */
export function checkJobTokenScope(credential: Credential, projects: readonly ProjectRef[], env: Env): void {
  if (credential.kind !== 'job') return;
  const ownId = env.CI_PROJECT_ID?.trim();
  const ownPath = env.CI_PROJECT_PATH?.trim().toLowerCase();
  for (const project of projects) {
    const own =
      'id' in project
        ? ownId === undefined || String(project.id) === ownId
        : ownPath === undefined || project.path.toLowerCase() === ownPath;
    if (!own) {
      const name = refKey(project);
      throw new AuthError(
        `${credential.source} works only on the registry of its own project (${ownPath ?? ownId}), not ${name}: set REGISTRY_CLEANER_TOKEN to a project or group access token with the api scope`,
      );
    }
  }
}

/** A duration flag (--timeout, --max-wait): a bare number means seconds, as in curl's --max-time. */
function resolveDurationSetting(raw: RawOptions, name: string, fallback: number, maxMs: number): number {
  const setting = raw.string(name);
  if (!setting) return fallback;
  const text = /^\d+(\.\d+)?$/.test(setting.value.trim()) ? `${setting.value.trim()}s` : setting.value;
  const parsed = parseDuration(text);
  if ('error' in parsed) throw new UsageError(`${setting.source} ${setting.value} ${parsed.error}`);
  if (parsed.ms > maxMs)
    throw new UsageError(`${setting.source} ${setting.value} is too long: at most ${formatDuration(maxMs)}`);
  return parsed.ms;
}

export function integerIn(raw: RawOptions, name: string, min: number, max: number, fallback: number): number {
  const setting = raw.number(name);
  if (!setting) return fallback;
  const value = setting.value;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${setting.source} ${value} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function resolveCa(raw: RawOptions, env: Env): { ca?: string } {
  // GitLab Runner hands jobs the CA of a GitLab with a private certificate as a file variable.
  const runnerCa = env.CI_SERVER_TLS_CA_FILE?.trim();
  const setting =
    raw.string('ca-file') ?? (runnerCa ? { value: runnerCa, source: 'CI_SERVER_TLS_CA_FILE' } : undefined);
  if (!setting) return {};
  let pem: string;
  try {
    pem = readFileSync(setting.value, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw new UsageError(
      `${setting.source} ${setting.value} cannot be read (${code}): give the path of a PEM CA bundle`,
    );
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(
      `${setting.source} ${setting.value} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
  }
  return { ca: pem };
}

function resolveProxy(env: Env): ProxySettings {
  // Lower case wins over upper case, as in curl and undici.
  const pick = (name: string): [string, string | undefined] =>
    env[name] !== undefined ? [name, env[name]] : [name.toUpperCase(), env[name.toUpperCase()]];
  const proxy: ProxySettings = {};
  const [httpVariable, httpProxy] = pick('http_proxy');
  const [httpsVariable, httpsProxy] = pick('https_proxy');
  const [, noProxy] = pick('no_proxy');
  if (httpProxy) proxy.httpProxy = checkProxyUrl(httpVariable, httpProxy);
  if (httpsProxy) proxy.httpsProxy = checkProxyUrl(httpsVariable, httpsProxy);
  if (noProxy) proxy.noProxy = noProxy;
  if (httpProxy || httpsProxy) {
    proxy.variables = {
      ...(httpProxy ? { http: httpVariable } : {}),
      ...(httpsProxy ? { https: httpsVariable } : {}),
    };
  }
  return proxy;
}

/** A proxy URL undici can use (it would otherwise fail on the first request, as a crash). */
function checkProxyUrl(variable: string, text: string): string {
  // The user-info may hold a password, which the Redactor would not recognise without a scheme.
  const masked = maskUrlCredentials(text.trim());
  const shown = `${variable} ${masked}`;
  const url = parseUrl(text.trim(), shown, {
    noScheme: `write it as http://${masked}`,
    notUrl: 'write it as http://[user:password@]host:port',
  });
  if (!['http:', 'https:', 'socks5:', 'socks:'].includes(url.protocol)) {
    throw new UsageError(`${shown} must use http://, https:// or socks5://`);
  }
  return text.trim();
}
