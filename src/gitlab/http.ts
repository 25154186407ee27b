// The one place that talks HTTP. Every request gets the same treatment: a keep-alive pool with
// bounded concurrency, a per-request timeout, retries with exponential backoff and jitter on network
// errors, 429 and 500/502/503/504 (honouring Retry-After / RateLimit-Reset), pacing before the rate
// limit is hit, proxies from the environment, an extra CA, and traces without secrets.

import { Semaphore } from '../concurrency.ts';
import { GitLabResponseError, GitLabUnavailableError, WrongEndpointError } from '../errors.ts';
import type { Credential, ProxySettings } from '../model.ts';
import { RateLimitGate, realTiming, serverRequestedDelayMs, type Timing } from './pacing.ts';
import { EnvHttpProxyAgent, request } from './undici.ts';

export interface HttpOptions {
  credential: Credential;
  /** per request, headers and body included */
  timeoutMs: number;
  /** extra attempts after the first, for transient failures only */
  retries: number;
  /** requests in flight at once (also the size of the connection pool) */
  concurrency: number;
  /** PEM bundle trusted in addition to Node's CAs (which include NODE_EXTRA_CA_CERTS) */
  ca?: string;
  proxy?: ProxySettings;
  userAgent: string;
  /** verbose request traces; receives lines without credentials */
  trace?: (line: string) => void;
  timing?: Timing;
  /** first backoff step; doubled per attempt, capped at maxBackoffMs, with jitter */
  backoffBaseMs?: number;
  maxBackoffMs?: number;
  /** a server asking us to wait longer than this (Retry-After) ends the request instead */
  maxServerDelayMs?: number;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: URL;
  /** what this request is ('listRepositories', 'deleteTag', …): traces and request statistics */
  label: string;
  /** what it does, in words, for messages: 'list the tags of acme/web-app' */
  action?: string;
  api: 'rest' | 'graphql';
  /** JSON request body */
  body?: unknown;
  /** a 2xx answer whose body is not JSON is a transient fault (a truncated page) and is retried */
  expectJson?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  text: string;
  /** parsed body when it was JSON, else undefined */
  json: unknown;
  attempts: number;
}

// 429s are waited out separately. 500 is retried too: GitLab answers it for passing registry errors, and every request this program makes
// (reads, single-tag DELETE, the tag-destroying mutation) may be repeated without harm.
const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);
/** 429s waited out per request before giving up; each wait is what GitLab asked for. */
const MAX_RATE_LIMITED_WAITS = 20;
const RATE_LIMIT_JITTER_MS = 250;
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  'TIMEOUT',
]);
const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
]);

export interface RequestStatistics {
  /** requests sent (attempts), by label */
  byLabel: Record<string, number>;
  total: number;
  retries: number;
  rateLimited: number;
  waitedForRateLimitMs: number;
}

class TransientFailure extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

export class GitLabHttp {
  readonly statistics: RequestStatistics = {
    byLabel: {},
    total: 0,
    retries: 0,
    rateLimited: 0,
    waitedForRateLimitMs: 0,
  };
  private readonly options: HttpOptions;
  private readonly timing: Timing;
  private readonly dispatcher: EnvHttpProxyAgent;
  private readonly inFlight: Semaphore;
  private readonly gate: RateLimitGate;

  constructor(options: HttpOptions) {
    this.options = options;
    this.timing = options.timing ?? realTiming;
    this.inFlight = new Semaphore(options.concurrency);
    this.gate = new RateLimitGate(this.timing);
    // An explicit `ca` replaces Node's list; keep the default one (bundled roots plus
    // NODE_EXTRA_CA_CERTS) and add the user's, so that a proxy or mirror with a public
    // certificate keeps working next to a private GitLab CA.
    // node:tls is loaded only when needed: an ES import would load it at every start (~18 ms).
    // rejectUnauthorized is always explicit: left unset, Node's tls.connect takes it from
    // NODE_TLS_REJECT_UNAUTHORIZED, and "0" there turns off the chain and the name checks.
    const trust = {
      rejectUnauthorized: true,
      ...(options.ca
        ? { ca: [...process.getBuiltinModule('node:tls').getCACertificates('default'), options.ca] }
        : {}),
    };
    // Proxy settings are passed explicitly ('' = none) so that the agent never reads the
    // environment behind the options' back.
    this.dispatcher = new EnvHttpProxyAgent({
      httpProxy: options.proxy?.httpProxy ?? '',
      httpsProxy: options.proxy?.httpsProxy ?? '',
      noProxy: options.proxy?.noProxy ?? '',
      connections: options.concurrency,
      keepAliveTimeout: 30_000,
      connect: trust,
      requestTls: trust,
      proxyTls: trust,
    });
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const release = await this.inFlight.acquire();
    try {
      return await this.sendWithRetries(req);
    } finally {
      release();
    }
  }

  private async sendWithRetries(req: HttpRequest): Promise<HttpResponse> {
    const retries = Math.max(0, this.options.retries);
    // A 429 is not a failure of GitLab's but a request to wait, which others sharing the user's
    // quota can make us do again and again: it has its own budget, bounded by MAX_RATE_LIMITED_WAITS
    // waits of at most maxServerDelayMs each.
    let failures = 0;
    let rateLimitedWaits = 0;
    for (let attempt = 1; ; attempt++) {
      const admission = await this.gate.admit();
      this.statistics.waitedForRateLimitMs += admission.waitedMs;
      this.count(req.label);
      if (attempt > 1) this.statistics.retries++;
      const started = this.timing.now();
      let response: HttpResponse;
      try {
        response = await this.attempt(req, attempt);
        admission.settle(response.headers);
      } catch (error) {
        admission.settle();
        const proxyAnswer = this.proxyRefusal(req, error);
        if (proxyAnswer) throw proxyAnswer;
        const transient = asTransient(error, this.options.timeoutMs);
        if (!transient) throw this.fatalNetworkError(req, error);
        this.trace(`${req.method} ${describeUrl(req.url)} ✗ ${transient.message}`);
        if (++failures > retries) {
          const attempts = `${attempt} attempt${plural(attempt)}`;
          const proxy = this.proxyFor(req.url);
          if (proxy && refusedBy(error, proxy, req.url)) {
            throw new GitLabUnavailableError(
              `cannot reach the proxy ${proxy.origin} (${proxy.variable}) for ${req.url.origin}: ${transient.message} (${attempts}); ` +
                `check ${proxy.variable}, or add the GitLab host to NO_PROXY if it is to be reached directly`,
            );
          }
          throw new GitLabUnavailableError(
            `cannot reach GitLab at ${req.url.origin}: ${transient.message} (${attempts}); ` +
              'check --gitlab-url, the network and HTTPS_PROXY/NO_PROXY, or raise --timeout/--retries',
          );
        }
        await this.backoff(req, failures, undefined, transient.message);
        continue;
      }
      this.trace(
        `${req.method} ${describeUrl(req.url)} → ${response.status} in ${Math.round(this.timing.now() - started)} ms`,
      );
      this.rejectNonApiAnswer(req, response);

      // A DELETE may be confirmed with an empty body; any other 2xx body must be JSON.
      const emptyDelete = req.method === 'DELETE' && response.text.trim() === '';
      const badJson = req.expectJson && response.status < 300 && response.json === undefined && !emptyDelete;
      if (response.status === 429) {
        this.statistics.rateLimited++;
        if (++rateLimitedWaits > MAX_RATE_LIMITED_WAITS) return response;
        await this.backoff(req, rateLimitedWaits, response, 'HTTP 429');
        continue;
      }
      if (RETRYABLE_STATUS.has(response.status) || badJson) {
        if (++failures > retries) return response;
        const why = badJson
          ? `an unreadable body (${response.text.length} bytes)`
          : `HTTP ${response.status}`;
        await this.backoff(req, failures, response, why);
        continue;
      }
      return response;
    }
  }

  private async attempt(req: HttpRequest, attempt: number): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.options.userAgent,
      ...authHeaders(this.options.credential, req.api),
    };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    // The whole exchange, headers and body, within the timeout. Not AbortSignal.timeout(): its
    // timer keeps the signal, and all undici hangs on it, alive for the full timeout after the
    // request is over; at hundreds of requests a second that held tens of thousands of finished
    // requests in memory.
    const abort = new AbortController();
    const timer = setTimeout(
      () => abort.abort(new DOMException('timeout', 'TimeoutError')),
      this.options.timeoutMs,
    );
    let status: number;
    let rawHeaders: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const res = await request(this.dispatcher, req.url, {
        method: req.method,
        headers,
        body,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
        signal: abort.signal,
      });
      status = res.statusCode;
      rawHeaders = res.headers;
      text = await readCapped(res.body, req);
    } finally {
      clearTimeout(timer);
    }
    const flat: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(rawHeaders)) {
      flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    return { status, headers: flat, text, json: parseJson(text, flat), attempts: attempt };
  }

  private async backoff(req: HttpRequest, attempt: number, response: HttpResponse | undefined, why: string) {
    const base = this.options.backoffBaseMs ?? 1000;
    const cap = this.options.maxBackoffMs ?? 30_000;
    // "Equal jitter": half fixed, half random, so concurrent clients spread out but never retry at once.
    const exponential = Math.min(cap, base * 2 ** (attempt - 1));
    let delay = exponential / 2 + (this.timing.random() * exponential) / 2;
    const requested = response && serverRequestedDelayMs(response.headers, this.timing.now());
    if (requested !== undefined && (response?.status === 429 || response?.headers['retry-after'])) {
      const limit = this.options.maxServerDelayMs ?? 120_000;
      if (requested > limit) {
        throw new GitLabUnavailableError(
          `GitLab asked to wait ${Math.ceil(requested / 1000)} s before trying again to ${actionOf(req)} (HTTP ${response.status}); ` +
            'run again later',
        );
      }
      // GitLab said how long: wait that, plus a little, so that the requests it stopped together
      // do not all come back in the same instant.
      delay = requested + this.timing.random() * RATE_LIMIT_JITTER_MS;
      if (response.status === 429) this.gate.pauseFor(requested);
    }
    const budget = response?.status === 429 ? MAX_RATE_LIMITED_WAITS : this.options.retries;
    this.trace(
      `${req.method} ${describeUrl(req.url)}: retry ${attempt}/${budget} in ${fmtMs(delay)} after ${why}`,
    );
    await this.timing.sleep(delay);
  }

  private rejectNonApiAnswer(req: HttpRequest, response: HttpResponse): void {
    const type = response.headers['content-type'] ?? '';
    if (response.status >= 300 && response.status < 400) {
      const moved = /\/api\/v4\/projects\/([^/?#]+)/.exec(response.headers.location ?? '');
      if (moved) {
        throw new WrongEndpointError(
          `GitLab says the project moved to ${decodeURIComponent(moved[1] as string)} (HTTP ${response.status}): use its new path or its numeric id in --project`,
        );
      }
      const location = response.headers.location ? ` to ${stripQuery(response.headers.location)}` : '';
      throw new WrongEndpointError(
        `GitLab answered with a redirect${location} (HTTP ${response.status}) when asked to ${actionOf(req)}: the URL ${req.url.origin}${req.url.pathname} is not the GitLab API; ` +
          'set --gitlab-url to the GitLab root URL (as in CI_SERVER_URL, e.g. https://gitlab.example.com)',
      );
    }
    if (response.status < 300 && /text\/html/i.test(type)) {
      throw new WrongEndpointError(
        `${req.url.origin}${req.url.pathname} answered with a web page, not the GitLab API: ` +
          'set --gitlab-url to the GitLab root URL (as in CI_SERVER_URL, e.g. https://gitlab.example.com)',
      );
    }
  }

  /**
   * The proxy answered instead of GitLab: 407 (its credentials), or another refusal to open the
   * tunnel. undici reports the first as InvalidArgumentError (plain HTTP) or RequestAbortedError
   * (tunnel; its name is "AbortError", which must not pass for our timeout), the others as the latter.
   */
  private proxyRefusal(req: HttpRequest, error: unknown): Error | undefined {
    const message = error instanceof Error ? error.message : '';
    const status =
      /^Proxy response \((\d{3})\) !== 200 when HTTP Tunneling$/.exec(message)?.[1] ??
      (/^Proxy Authentication Required \(407\)$/.test(message) ? '407' : undefined);
    if (!status) return undefined;
    const proxy = this.proxyFor(req.url);
    const which = proxy ? `the proxy ${proxy.origin} (${proxy.variable})` : 'the proxy';
    if (status === '407') {
      return new GitLabUnavailableError(
        `${which} answered 407 Proxy Authentication Required: check the user and password in ${proxy?.variable ?? 'HTTPS_PROXY/HTTP_PROXY'} (http://user:password@host:port)`,
      );
    }
    return new GitLabUnavailableError(
      `${which} refused to connect to ${req.url.host} (HTTP ${status}): check the proxy's rules, or add the host to NO_PROXY if it is to be reached directly`,
    );
  }

  /** The proxy a request to `url` goes through (undici's choice: HTTPS_PROXY, else HTTP_PROXY), without credentials. */
  private proxyFor(
    url: URL,
  ): { origin: string; hostname: string; port: number; variable: string } | undefined {
    const settings = this.options.proxy;
    if (!settings) return undefined;
    const https = url.protocol === 'https:';
    const value = https && settings.httpsProxy ? settings.httpsProxy : settings.httpProxy;
    if (!value) return undefined;
    const variable =
      (https && settings.httpsProxy ? settings.variables?.https : settings.variables?.http) ??
      (https && settings.httpsProxy ? 'HTTPS_PROXY' : 'HTTP_PROXY');
    try {
      const parsed = new URL(value);
      const port = Number(parsed.port) || (parsed.protocol === 'https:' ? 443 : 80);
      return { origin: parsed.origin, hostname: parsed.hostname.replace(/^\[|\]$/g, ''), port, variable };
    } catch {
      return undefined;
    }
  }

  private fatalNetworkError(req: HttpRequest, error: unknown): Error {
    const code = errorCode(error);
    if (code && TLS_TRUST_CODES.has(code)) {
      return new GitLabUnavailableError(
        `TLS: ${req.url.host} presented a certificate this machine does not trust (${code}); ` +
          'pass --ca-file <your CA bundle (PEM)> or set NODE_EXTRA_CA_CERTS (verification is never turned off)',
      );
    }
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      return new GitLabUnavailableError(
        `TLS: the certificate of ${req.url.host} is not valid for that name; use the host name the certificate was issued for in --gitlab-url`,
      );
    }
    if (code === 'CERT_HAS_EXPIRED') {
      return new GitLabUnavailableError(
        `TLS: the certificate of ${req.url.host} has expired; ask the GitLab administrators to renew it`,
      );
    }
    if (code === 'ENOTFOUND') {
      return new GitLabUnavailableError(
        `cannot resolve ${req.url.hostname}: check --gitlab-url (or CI_API_V4_URL / CI_SERVER_URL)`,
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    return new GitLabUnavailableError(
      `cannot ${actionOf(req)}: ${code ? `${code}: ` : ''}${message}; check --gitlab-url, the network and HTTPS_PROXY/NO_PROXY`,
    );
  }

  private count(label: string): void {
    this.statistics.total++;
    this.statistics.byLabel[label] = (this.statistics.byLabel[label] ?? 0) + 1;
  }

  private trace(line: string): void {
    this.options.trace?.(line);
  }
}

function authHeaders(credential: Credential, api: 'rest' | 'graphql'): Record<string, string> {
  // GraphQL accepts only OAuth/personal/project/group tokens, as Bearer; REST takes PRIVATE-TOKEN
  // or JOB-TOKEN (see ../shared/gitlab-api.md §1.2, §6.1). Callers never send a job token to GraphQL.
  if (api === 'graphql') return { authorization: `Bearer ${credential.value}` };
  return credential.kind === 'job'
    ? { 'job-token': credential.value }
    : { 'private-token': credential.value };
}

function parseJson(text: string, headers: Record<string, string | undefined>): unknown {
  const type = headers['content-type'] ?? '';
  if (type && !/json/i.test(type)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function asTransient(error: unknown, timeoutMs: number): TransientFailure | undefined {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new TransientFailure(`no answer within ${fmtMs(timeoutMs)}`, 'TIMEOUT');
  }
  const code = errorCode(error);
  if (code && RETRYABLE_NETWORK_CODES.has(code)) {
    const detail = code === 'UND_ERR_SOCKET' ? 'connection closed by the server' : code;
    return new TransientFailure(detail, code);
  }
  return undefined;
}

/**
 * Whether a connection error came from the proxy's address rather than GitLab's: the system error
 * names the address and port it could not connect to.
 */
function refusedBy(error: unknown, proxy: { hostname: string; port: number }, gitlab: URL): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const { address, port } = current as { address?: unknown; port?: unknown };
    if (typeof port === 'number') {
      if (port !== proxy.port) return false;
      const gitlabPort = Number(gitlab.port) || (gitlab.protocol === 'https:' ? 443 : 80);
      return address === proxy.hostname || gitlabPort !== proxy.port;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** What a request does, for messages: its action, or its method and path. */
function actionOf(req: HttpRequest): string {
  return req.action ?? `send ${req.method} ${describeUrl(req.url)}`;
}

/** Path and query only: the origin is known, and query strings never carry credentials here. */
function describeUrl(url: URL): string {
  return `${url.pathname}${url.search}`;
}

function stripQuery(location: string): string {
  return location.replace(/[?#].*$/, '');
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}

/** The largest answer read: a 1,000-tag page is ~200 KB; anything near this is not GitLab's API. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): void },
  req: HttpRequest,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      body.destroy();
      throw new GitLabResponseError(
        `${req.url.origin}${req.url.pathname} answered with more than 16 MB: that is not the GitLab API (check --gitlab-url and proxies)`,
        200,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
