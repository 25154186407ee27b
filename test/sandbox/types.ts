import type { GitlabVersion, RegistryKind } from './profile.ts';
import type { SandboxState } from './state.ts';

/** The old name of `registry`: 'api' is a metadata-database registry. */
export type RegistryMode = 'api' | 'legacy';

/**
 * The three generations of REST single-tag DELETE (lib/api/project_container_repositories.rb, three versions). They differ on an unknown
 * tag: newest → 403 on an API registry, 200 on a legacy one; middle → 200; old → 404 Tag Not Found.
 */
export type DeleteGeneration = 'newest' | 'middle' | 'old';

export interface SandboxOptions {
  state?: SandboxState;
  /** The GitLab version to impersonate (see profile.ts); default '18.6', the newest. */
  gitlab?: GitlabVersion;
  /** The registry behind GitLab; default 'metadata'. */
  registry?: RegistryKind;
  /** Alias of `registry` kept for existing callers: 'api' = 'metadata'. `registry` wins. */
  registryMode?: RegistryMode;
  deleteGeneration?: DeleteGeneration;
  /** GitLab relative URL root, e.g. '/gitlab'. */
  prefix?: string;
  /** Origin GitLab believes it has; `Link` headers use it, like a GitLab behind a reverse proxy. */
  externalUrl?: string;
  /** Registry host[:port] used in `location` fields. */
  registryHost?: string;
  latencyMs?: number;
  maxConcurrency?: number;
  rateLimit?: { requests: number; periodSeconds: number };
  /** RateLimit-* on every answer or only on 429; default from the profile (always from 18.6). */
  rateLimitHeaders?: 'always' | 'throttled';
  multiArchDetails404?: boolean;
  /** How long Rails waits for the registry per tag it deletes (REST and GraphQL deletes). */
  registryDeleteLatencyMs?: number;
  /** GitLab's GraphQL timeout (gitlab.yml `graphql_timeout`, 30 s). */
  graphqlTimeoutMs?: number;
  /** Serve the container registry on a listener of its own (`true` = plain HTTP, free port). */
  registryListener?: boolean | RegistryListenerOptions;
  /** Lifetime of /jwt/auth tokens (`container_registry_token_expire_delay`, 5 minutes). */
  registryTokenTtlSeconds?: number;
  /** The registry's `storage.delete.enabled`; false → every DELETE answers 405 UNSUPPORTED. */
  registryDeletesEnabled?: boolean;
  tls?: { key: string | Buffer; cert: string | Buffer };
  faults?: RandomFaults;
  host?: string;
  /** Port to listen on; default 0 (a free port). */
  port?: number;
}

export interface RegistryListenerOptions {
  port?: number;
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface Sandbox {
  url: string;
  apiUrl: string;
  graphqlUrl: string;
  port: number;
  /** Origin of the registry listener (`http(s)://host:port`), when it is on. */
  registryUrl?: string;
  /** `CI_REGISTRY`: host:port without a scheme; the `location` fields use it. */
  registryHost: string;
  state: SandboxState;
  requests: RecordedRequest[];
  resetRequests(): void;
  intercept(interceptor: Interceptor): () => void;
  close(): Promise<void>;
}

/** 'registry': a valid token from /jwt/auth presented to the registry listener. */
export type AuthKind = 'pat' | 'job' | 'none' | 'invalid' | 'registry';
export type AuthHeader = 'PRIVATE-TOKEN' | 'JOB-TOKEN' | 'Authorization' | 'query';

export type Listener = 'gitlab' | 'registry';

export interface RecordedRequest {
  /** 'registry' for requests to the registry listener; absent for GitLab's. */
  listener?: 'registry';
  method: string;
  /** Below the prefix, still URL-encoded, without the query string. */
  path: string;
  query: Record<string, string>;
  operation: Operation;
  auth: AuthKind;
  authHeader?: AuthHeader;
  user?: string;
  /** 0 when the connection was reset without a response. */
  status: number;
  fault?: string;
  graphqlFields?: string[];
}

export type Operation =
  | 'getProject'
  | 'listRepositories'
  | 'listGroupRepositories'
  | 'getRepository'
  | 'listTags'
  | 'listTagsKeyset'
  | 'tagDetails'
  | 'deleteTag'
  | 'bulkDeleteTags'
  | 'deleteRepository'
  | 'listBranches'
  | 'listMergeRequests'
  | 'listGroupProjects'
  | 'getGroup'
  | 'graphql'
  | 'listEnvironments'
  | 'getEnvironment'
  | 'listDeployments'
  | 'jwtAuth'
  | 'registryBase'
  | 'registryV2Base'
  | 'registryTagsList'
  | 'registryDeleteManifest'
  | 'unknown';

export interface InterceptedRequest {
  listener: Listener;
  method: string;
  path: string;
  query: Record<string, string>;
  operation: Operation;
  body?: string;
}

/** Runs before every request is handled; may mutate state; returns a Fault to inject one. */
export type Interceptor = (request: InterceptedRequest, state: SandboxState) => Fault | undefined;

export type Fault =
  /** 'after': the handler ran (state changed) and its response was replaced — a lost response. */
  | { kind: 'status'; status: 500 | 502 | 503 | 504; when?: 'before' | 'after' }
  /** 429 like Rack::Attack; without retryAfterSeconds there is no Retry-After header. */
  | { kind: 'rateLimited'; retryAfterSeconds?: number }
  /** Destroy the socket without a response. */
  | { kind: 'reset'; when?: 'before' | 'after' }
  /** Handle the request, but answer only after delayMs. */
  | { kind: 'slow'; delayMs: number }
  /** 200 application/json with the real body cut in half (the handler ran). */
  | { kind: 'truncatedJson' }
  /** 200 application/json whose body is not JSON (the handler did not run). */
  | { kind: 'invalidJson' }
  /** An HTML error page from a proxy, default 502 (the handler did not run). */
  | { kind: 'htmlErrorPage'; status?: number }
  /** 302 to the sign-in page, as GitLab answers a browser-like request without a session. */
  | { kind: 'redirectToLogin' };

export interface RandomFaults {
  seed: number;
  /** Probability per request, 0..1. */
  rate: number;
  /** Default: status, rateLimited, reset, truncatedJson, invalidJson, htmlErrorPage. */
  kinds?: Fault['kind'][];
  operations?: Operation[];
}
