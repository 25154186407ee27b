// Where GitLab is, who we are to it, and how patient to be: what options/ resolves from flags and
// variables, and what gitlab/ opens its clients with.

/** How a token is presented to GitLab. A job token only works on its own project, through REST. */
export type TokenKind = 'private' | 'job';

export interface Credential {
  kind: TokenKind;
  value: string;
  /** where it came from, for messages: '--token', 'REGISTRY_CLEANER_TOKEN', 'GITLAB_TOKEN', 'CI_JOB_TOKEN' */
  source: string;
}

/** Proxies from the environment (lower-case variables win, as in curl and undici). */
export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
  /** the variables they came from ('HTTPS_PROXY', 'https_proxy', …), for messages */
  variables?: { http?: string; https?: string };
}

/** Where GitLab is, who we are to it, and how patient to be: what options/ resolves and gitlab/ uses. */
export interface Connection {
  /** …/api/v4 */
  restUrl: string;
  /** …/api/graphql */
  graphqlUrl: string;
  credential: Credential;
  timeoutMs: number;
  retries: number;
  concurrency: number;
  /** the longest wait for a rate limit or a Retry-After before the run stops */
  maxWaitMs?: number;
  /** PEM bundle trusted in addition to Node's CAs */
  ca?: string;
  proxy: ProxySettings;
  /** the container registry's origin (https://host[:port]); absent: GitLab's APIs only */
  registryUrl?: string;
}
