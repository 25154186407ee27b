// The GitLab API as this program sees it: where it lives, how it is reached, who we are.
// Builds URLs with every path segment encoded, so a project path or tag never escapes its segment.

import type { Connection, Credential } from '../connection.ts';
import type { RequestStatistics } from '../model.ts';
import { VERSION } from '../version.ts';
import { HttpClient } from './http.ts';
import { ContainerRegistry, REGISTRY_CONCURRENCY_FACTOR } from './registry-client.ts';

export class GitLabApi {
  readonly http: HttpClient;
  /** e.g. https://host/gitlab/api/v4 — never rebuilt from the host alone (GitLab may live under a sub-path) */
  readonly restUrl: string;
  readonly graphqlUrl: string;
  readonly credential: Credential;
  /** the container registry's own API, when the run knows where the registry is */
  registry: ContainerRegistry | undefined;

  constructor(http: HttpClient, restUrl: string, graphqlUrl: string, credential: Credential) {
    this.http = http;
    this.restUrl = restUrl.replace(/\/+$/, '');
    this.graphqlUrl = graphqlUrl;
    this.credential = credential;
  }

  /** Requests of the run so far: GitLab's and the registry's (their labels tell them apart). */
  statistics(): RequestStatistics {
    const all = [this.http.statistics, ...(this.registry?.statistics() ?? [])];
    const merged: RequestStatistics = {
      byLabel: {},
      total: 0,
      retries: 0,
      rateLimited: 0,
      waitedForRateLimitMs: 0,
    };
    for (const one of all) {
      merged.total += one.total;
      merged.retries += one.retries;
      merged.rateLimited += one.rateLimited;
      merged.waitedForRateLimitMs += one.waitedForRateLimitMs;
      for (const [label, count] of Object.entries(one.byLabel))
        merged.byLabel[label] = (merged.byLabel[label] ?? 0) + count;
    }
    return merged;
  }

  /** GitLab's root (CI_SERVER_URL), sub-path included: where /jwt/auth lives. */
  rootUrl(): string {
    return this.restUrl.replace(/\/api\/v4$/, '');
  }

  url(segments: readonly (string | number)[], query: Record<string, string | number | boolean> = {}): URL {
    const path = segments.map((segment) => encodeURIComponent(String(segment))).join('/');
    const url = new URL(`${this.restUrl}/${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
    return url;
  }

  /**
   * Rewrites a pagination Link onto our base URL. GitLab builds Link with its own external host
   * (external_url), which may differ from the URL this job uses.
   */
  rebase(link: string): URL | undefined {
    let parsed: URL;
    try {
      parsed = new URL(link);
    } catch {
      return undefined;
    }
    const marker = '/api/v4/';
    const at = parsed.pathname.indexOf(marker);
    if (at < 0) return undefined;
    return new URL(`${this.restUrl}/${parsed.pathname.slice(at + marker.length)}${parsed.search}`);
  }
}

/**
 * @param trace receives a line per request (never a credential), for --verbose
 * @param addSecret masks a secret learnt during the run (a registry token) in every output; the
 *   run's Io.addSecret. Clients opened without it refuse to take one (HttpClient.addSecret).
 */
export function openGitLabApi(
  settings: Connection,
  trace?: (line: string) => void,
  addSecret?: (secret: string) => void,
): GitLabApi {
  const registryConcurrency = settings.concurrency * REGISTRY_CONCURRENCY_FACTOR;
  const http = new HttpClient({
    credential: settings.credential,
    timeoutMs: settings.timeoutMs,
    retries: settings.retries,
    concurrency: settings.concurrency,
    ...(settings.registryUrl ? { connections: registryConcurrency } : {}),
    ...(settings.maxWaitMs === undefined ? {} : { maxWaitMs: settings.maxWaitMs }),
    ...(settings.ca ? { ca: settings.ca } : {}),
    proxy: settings.proxy,
    userAgent: `registry-cleaner/${VERSION}`,
    ...(trace ? { trace } : {}),
    ...(addSecret ? { addSecret } : {}),
  });
  const api = new GitLabApi(http, settings.restUrl, settings.graphqlUrl, settings.credential);
  if (settings.registryUrl) {
    api.registry = new ContainerRegistry(api, {
      origin: settings.registryUrl,
      concurrency: registryConcurrency,
      timeoutMs: settings.timeoutMs,
      ...(trace ? { trace } : {}),
    });
  }
  return api;
}
