import { type GitlabProfile, gitlabProfile, type RegistryKind } from './profile.ts';
import type { DeleteGeneration, SandboxOptions } from './types.ts';

/** GitLab's GraphQL timeout: `Settings.gitlab['graphql_timeout'] ||= 30` (config/initializers/1_settings.rb). */
const GRAPHQL_TIMEOUT_MS = 30_000;
/** `container_registry_token_expire_delay` defaults to 5 minutes. */
const REGISTRY_TOKEN_TTL_SECONDS = 300;

/** SandboxOptions with every default applied; what handlers read. */
export interface SandboxConfig {
  profile: GitlabProfile;
  registry: RegistryKind;
  deleteGeneration: DeleteGeneration;
  prefix: string;
  externalUrl: string;
  /** host[:port] of the registry; the registry listener replaces it with its own once it listens. */
  registryHost: string;
  latencyMs: number;
  maxConcurrency: number;
  rateLimit: { requests: number; periodSeconds: number } | undefined;
  rateLimitHeaders: 'always' | 'throttled';
  multiArchDetails404: boolean;
  registryDeleteLatencyMs: number;
  graphqlTimeoutMs: number;
  registryTokenTtlSeconds: number;
  registryDeletesEnabled: boolean;
}

export function resolveConfig(options: SandboxOptions): SandboxConfig {
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  if (prefix !== '' && !prefix.startsWith('/')) throw new Error(`prefix must start with "/": ${prefix}`);
  const profile = gitlabProfile(options.gitlab ?? '18.6');
  const registry: RegistryKind =
    options.registry ?? (options.registryMode === 'legacy' ? 'legacy' : 'metadata');
  return {
    profile,
    registry,
    deleteGeneration: options.deleteGeneration ?? 'newest',
    prefix,
    externalUrl: (options.externalUrl ?? 'https://gitlab.example.com').replace(/\/+$/, ''),
    registryHost: options.registryHost ?? 'registry.example.com',
    latencyMs: options.latencyMs ?? 0,
    maxConcurrency: options.maxConcurrency ?? Number.POSITIVE_INFINITY,
    rateLimit: options.rateLimit,
    rateLimitHeaders: options.rateLimitHeaders ?? (profile.rateLimitHeadersAlways ? 'always' : 'throttled'),
    multiArchDetails404: options.multiArchDetails404 ?? false,
    registryDeleteLatencyMs: options.registryDeleteLatencyMs ?? 0,
    graphqlTimeoutMs: options.graphqlTimeoutMs ?? GRAPHQL_TIMEOUT_MS,
    registryTokenTtlSeconds: options.registryTokenTtlSeconds ?? REGISTRY_TOKEN_TTL_SECONDS,
    registryDeletesEnabled: options.registryDeletesEnabled ?? true,
  };
}
