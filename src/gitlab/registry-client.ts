// GitLab's container registry, reached directly: its own API (`/gitlab/v1/`, registries with the
// metadata database) lists 1,000 tags a page with their last push, and `/v2/` deletes a tag by name.
// Whether it serves this run is found out once (discovery, or a stop job's first DELETE); when it
// does not — no registry URL, no token, a legacy registry, no answer — the run uses GitLab's APIs
// instead, quietly (a trace line, and the report's `via`). Until the registry has
// answered once, requests wait briefly and are retried once. A certificate the run does not trust
// is not quiet: it is either a missing CA or someone in between, and the user has to say which.
//
// Requests go through a sibling of GitLab's client (same transport, CA and proxies; its own pacing
// and statistics), each with the Bearer token of its repository path; a token the registry calls
// expired is fetched anew.

import { Semaphore } from '../concurrency.ts';
import { errorFromFailure, RegistryCleanerError } from '../errors.ts';
import type { FailureKind } from '../failure.ts';
import type { Repository, RequestStatistics } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { bearerAuthorization } from './authorization.ts';
import type { HttpClient, HttpRequest, HttpResponse } from './http.ts';
import { registryErrorCode, registryFailure } from './registry-errors.ts';
import { RegistryTokens } from './registry-tokens.ts';

/**
 * Requests in flight to the registry, per request in flight to GitLab: the registry answers from its
 * own database, one small transaction per tag, outside the Rails workers and the request limits that
 * GitLab's concurrency and rate limit protect; a 429 of its own still paces it.
 */
export const REGISTRY_CONCURRENCY_FACTOR = 6;
/**
 * New tokens one request may need: the first may be one another request renewed and that expired
 * meanwhile; the second is fetched for this request alone.
 */
const MAX_RENEWALS = 2;
/** The first request waits briefly and is retried once: a registry that does not answer is not worth a long wait. */
const FIRST_TIMEOUT_MS = 5_000;
const FIRST_RETRIES = 1;
/** Authorization headers and URL prefixes kept: a few repositories' at a time. */
const CACHED_HEADERS = 16;
/** Failures before the registry first answered that are not quiet: the certificate chain or name is wrong. */
const TRUST_FAILURES: ReadonlySet<FailureKind> = new Set(['tls-untrusted', 'tls-wrong-name', 'tls-expired']);

export interface RegistrySettings {
  /** https://host[:port] */
  origin: string;
  /** requests in flight at once to the registry */
  concurrency: number;
  /** the run's per-request timeout; discovery waits less */
  timeoutMs: number;
  /** trace lines (verbose runs): why the run does not use the registry's API */
  trace?: (line: string) => void;
}

type Send = Omit<HttpRequest, 'url' | 'headers'> & { url: URL };

/** The registry is not there for this run (no answer before it ever answered): use GitLab's APIs. */
export class RegistryUnavailable extends Error {}

export class ContainerRegistry {
  readonly origin: string;
  readonly concurrency: number;
  readonly http: HttpClient;
  readonly tokens: RegistryTokens;
  /** one per request in flight to the registry, for callers that queue many (deletes) */
  readonly slots: Semaphore;
  /** whether this run deletes through the registry (a job token: delete is granted on its own project) */
  readonly deletes: boolean;
  /** set when the registry refused deletes (405 UNSUPPORTED): later ones go through GitLab */
  deletesRefused = false;
  private readonly probe: HttpClient;
  private readonly trace: (line: string) => void;
  private discovery: Promise<string | undefined> | undefined;
  private unavailable: string | undefined;
  /** whether the registry has answered (anything) in this run */
  private answered = false;
  private readonly headers = new Map<string, Record<string, string>>();
  private readonly manifests = new Map<string, string>();

  constructor(api: GitLabApi, settings: RegistrySettings) {
    this.origin = settings.origin;
    this.concurrency = settings.concurrency;
    this.slots = new Semaphore(settings.concurrency);
    this.deletes = api.credential.kind === 'job';
    // Personal, project and group tokens delete through GraphQL: 100 names a request, with the
    // role GitLab checks; a registry token would carry delete only from Maintainer.
    this.tokens = new RegistryTokens(api, this.deletes ? ['pull', 'delete'] : ['pull']);
    this.http = api.http.sibling({
      service: 'registry',
      authorize: () => ({}),
      concurrency: settings.concurrency,
    });
    this.probe = api.http.sibling({
      service: 'registry',
      authorize: () => ({}),
      concurrency: 1,
      timeoutMs: Math.min(FIRST_TIMEOUT_MS, settings.timeoutMs),
      retries: FIRST_RETRIES,
    });
    this.trace = settings.trace ?? (() => {});
  }

  /** The registry's requests so far (the discovery's too). */
  statistics(): RequestStatistics[] {
    return [this.http.statistics, this.probe.statistics];
  }

  /** Why this run does not use the registry's API; undefined while it may. */
  get fallbackReason(): string | undefined {
    return this.unavailable;
  }

  /**
   * The token to reach this repository through the registry's API, or undefined when the run uses
   * GitLab's APIs: no token, or the registry's API is not there (asked once per run).
   */
  async reach(repository: Repository): Promise<string | undefined> {
    if (this.unavailable) return undefined;
    // The first repository's token serves the discovery; the others wait for its verdict before
    // asking GitLab for tokens of their own.
    this.discovery ??= this.discoverWith(repository.path);
    const why = await this.discovery;
    if (why) return this.giveUp(why);
    const token = await this.tokens.token(repository.path);
    return token ?? this.giveUp(this.tokens.refusal ?? 'GitLab gave no container registry token');
  }

  /** The registry URL of a path below its root: every segment encoded. */
  url(segments: readonly string[], query: Record<string, string | number> = {}): URL {
    const url = new URL(`${this.origin}/${segments.map(encodeURIComponent).join('/')}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
    return url;
  }

  /** `<registry>/v2/<path>/manifests/`, where its tags are deleted by name (kept per path: one per delete). */
  manifestsUrl(path: string): string {
    let url = this.manifests.get(path);
    if (url === undefined) {
      url = `${this.origin}/v2/${path.split('/').map(encodeURIComponent).join('/')}/manifests/`;
      if (this.manifests.size >= CACHED_HEADERS) this.manifests.clear();
      this.manifests.set(path, url);
    }
    return url;
  }

  /**
   * A request about one repository path, with its token. A 401 that says the token is no longer
   * valid (it expired) is sent again with a newer one: the one another request already renewed,
   * else a new one; a token fetched for this request and refused too is an error.
   */
  async send(path: string, req: Send): Promise<HttpResponse> {
    const action = req.action ?? req.label;
    let token = await this.tokens.token(path);
    for (let renewals = 0; ; renewals++) {
      if (!token) throw registryFailure(action, { status: 401, message: 'no registry token' });
      const response = await this.request({ ...req, headers: this.bearer(token) });
      if (!tokenInvalid(response)) return response;
      if (renewals === MAX_RENEWALS) throw errorFromFailure({ kind: 'registry-token-rejected', action });
      this.trace(`registry token for ${path} no longer valid (HTTP 401): fetching a new one`);
      token = await this.tokens.renew(path, token);
    }
  }

  /**
   * The Authorization header of a token, one object per token: a registry token (a JWT) is a
   * kilobyte, and a sweep sends it tens of thousands of times.
   */
  private bearer(token: string): Record<string, string> {
    let headers = this.headers.get(token);
    if (!headers) {
      if (this.headers.size >= CACHED_HEADERS) this.headers.clear();
      headers = bearerAuthorization(() => token)({});
      this.headers.set(token, headers);
    }
    return headers;
  }

  private giveUp(why: string): undefined {
    if (!this.unavailable) this.trace(`not using the container registry's API (${this.origin}): ${why}`);
    this.unavailable ??= why;
    return undefined;
  }

  private async discoverWith(path: string): Promise<string | undefined> {
    const token = await this.tokens.token(path);
    if (!token) return this.tokens.refusal ?? 'GitLab gave no container registry token';
    return this.discover(token);
  }

  /**
   * One request: with the run's patience once the registry has answered, else briefly (the
   * probe's timeout and one retry). Before its first answer, a failure other than an untrusted
   * certificate means the registry is not there: RegistryUnavailable.
   */
  private async request(req: HttpRequest): Promise<HttpResponse> {
    if (this.answered) return this.http.send(req);
    try {
      const response = await this.probe.send(req);
      this.answered = true;
      // It is there, but failing: the run's patience from now on.
      return response.status >= 500 || response.status === 429 ? this.http.send(req) : response;
    } catch (error) {
      if (this.answered || !(error instanceof RegistryCleanerError) || !error.failure) throw error;
      if (TRUST_FAILURES.has(error.failure.kind)) throw error;
      const why = `no answer from it (${error.message})`;
      this.giveUp(why);
      throw new RegistryUnavailable(why);
    }
  }

  /** GET /gitlab/v1/: 200 on a registry with the metadata database, 404 (empty) on a legacy one. */
  private async discover(token: string): Promise<string | undefined> {
    let response: HttpResponse;
    try {
      response = await this.request({
        method: 'GET',
        url: this.url(['gitlab', 'v1', '']),
        label: 'registryBase',
        action: "find out whether the container registry has GitLab's API",
        headers: this.bearer(token),
      });
    } catch (error) {
      if (error instanceof RegistryUnavailable) return error.message;
      throw error;
    }
    if (response.status === 200) return undefined;
    if (response.status === 404)
      return 'a registry without the metadata database (its /gitlab/v1/ API answers 404)';
    const code = registryErrorCode(response);
    return `its /gitlab/v1/ API answered HTTP ${response.status}${code ? ` ${code}` : ''}`;
  }
}

/** 401 for the token itself (expired, unknown), not for a protected tag or an action it lacks. */
function tokenInvalid(response: HttpResponse): boolean {
  if (response.status !== 401) return false;
  const challenge = response.headers['www-authenticate'] ?? '';
  if (/error="?insufficient_scope/i.test(challenge)) return false;
  const code = registryErrorCode(response);
  return code === undefined || code === 'UNAUTHORIZED';
}
