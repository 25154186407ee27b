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

export class RegistryTokens {
  private readonly api: GitLabApi;
  private readonly actions: readonly RegistryAction[];
  /** by repository path: the token last fetched for it (undefined: GitLab gave none) */
  private readonly byPath = new Map<string, Promise<string | undefined>>();
  /** why GitLab gave no token, once it refused one */
  refusal: string | undefined;

  constructor(api: GitLabApi, actions: readonly RegistryAction[]) {
    this.api = api;
    this.actions = actions;
  }

  /** Fetches in one request the tokens of the paths not cached yet (a stop job's targets). */
  prefetch(paths: readonly string[]): void {
    const missing = [...new Set(paths.filter((path) => !this.byPath.has(path)))];
    if (missing.length === 0) return;
    const fetched = this.fetch(missing);
    for (const path of missing) this.byPath.set(path, fetched);
  }

  /** The token for a repository path: fetched once, then cached until the registry refuses it. */
  token(path: string): Promise<string | undefined> {
    let token = this.byPath.get(path);
    if (!token) {
      token = this.fetch([path]);
      this.byPath.set(path, token);
    }
    return token;
  }

  /**
   * A new token for `path`, after the registry refused `stale` as expired. Requests that met the
   * same expiry together share one renewal.
   */
  async renew(path: string, stale: string): Promise<string | undefined> {
    const current = await this.byPath.get(path);
    if (current !== undefined && current !== stale) return current;
    const renewed = this.fetch([path]);
    this.byPath.set(path, renewed);
    return renewed;
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
