// Tokens for the container registry, from GitLab's token endpoint (app/controllers/jwt_controller.rb,
// app/services/auth/container_registry_authentication_service.rb): GET <GitLab root>/jwt/auth
// ?service=container_registry&scope=repository:<path>:<actions>, HTTP basic auth, answered with
// {"token": …} and nothing else. GitLab leaves out every action the credentials may not have, and
// never says so: the registry's answers tell. A CI job token gets pull, push and delete on its own
// project. Tokens expire (container_registry_token_expire_delay, 5 minutes by default): the
// registry then answers 401 invalid_token and a new one is fetched.
//
// Every token is registered as a secret the moment it arrives, before anything can print it.

import type { GitLabApi } from './api.ts';

export type RegistryAction = 'pull' | 'delete';

const SERVICE = 'container_registry';

/** A token as cached: its fetch, and its value once it arrived (undefined while pending, or none). */
interface Cached {
  fetch: Promise<string | undefined>;
  value?: string | undefined;
  settled: boolean;
}

export class RegistryTokens {
  private readonly api: GitLabApi;
  private readonly actions: readonly RegistryAction[];
  /** by repository path: the token last fetched for it */
  private readonly byPath = new Map<string, Cached>();
  /** why GitLab gave no token, once it refused one */
  refusal: string | undefined;

  constructor(api: GitLabApi, actions: readonly RegistryAction[]) {
    this.api = api;
    this.actions = actions;
  }

  /** Fetches in one request the tokens of the paths not cached yet (a stop job's targets). */
  prefetch(paths: readonly string[]): void {
    const missing = [...new Set(paths.filter((path) => !this.byPath.has(path)))];
    if (missing.length > 0) this.remember(missing, this.fetch(missing));
  }

  /** The token for a repository path: fetched once, then cached until the registry refuses it. */
  token(path: string): Promise<string | undefined> {
    return (this.byPath.get(path) ?? this.remember([path], this.fetch([path]))).fetch;
  }

  /**
   * A new token for `path`, after the registry refused `stale` as expired. Requests that met the
   * same expiry share one renewal: a fetch under way, or a token other than `stale`, is theirs too.
   * Decided before any await, so that two refusals at once cannot both fetch.
   */
  renew(path: string, stale: string): Promise<string | undefined> {
    const cached = this.byPath.get(path);
    if (cached && (!cached.settled || cached.value !== stale)) return cached.fetch;
    return this.remember([path], this.fetch([path])).fetch;
  }

  private remember(paths: readonly string[], fetch: Promise<string | undefined>): Cached {
    const cached: Cached = { fetch, settled: false };
    void fetch.then(
      (value) => {
        cached.value = value;
        cached.settled = true;
      },
      () => {
        cached.settled = true;
      },
    );
    for (const path of paths) this.byPath.set(path, cached);
    return cached;
  }

  private async fetch(paths: readonly string[]): Promise<string | undefined> {
    const url = new URL(`${this.api.rootUrl()}/jwt/auth`);
    url.searchParams.set('service', SERVICE);
    for (const path of paths)
      url.searchParams.append('scope', `repository:${path}:${this.actions.join(',')}`);
    const response = await this.api.http.send({
      method: 'GET',
      url,
      label: 'registryToken',
      action: `get a container registry token for ${paths.join(', ')}`,
      api: 'registry-token',
      expectJson: true,
    });
    const token = (response.json as { token?: unknown } | undefined)?.token;
    if (response.status === 200 && typeof token === 'string' && token !== '') {
      this.api.http.addSecret(token);
      return token;
    }
    // 404: GitLab's registry is not enabled; 401/403: these credentials get no registry token.
    this.refusal = `GitLab gave no container registry token (HTTP ${response.status})`;
    return undefined;
  }
}
