// Domain types every layer shares. Plain data: no behaviour, no I/O.

/** OCI tag names, as GitLab's registry validates them. */
export const TAG_NAME = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

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
}

/** A project as the user named it: a numeric id or a full path (any case). */
export type ProjectRef = { id: number } | { path: string };

/** A group as the user named it: a numeric id or a full path. */
export type GroupRef = { id: number } | { path: string };

export interface Repository {
  id: number;
  projectId: number;
  /** '' for the project's root repository ($CI_REGISTRY_IMAGE) */
  name: string;
  /** '<project path>/<name>', lower-cased, as GitLab reports it */
  path: string;
  location: string;
  /** null, or 'delete_scheduled' | 'delete_ongoing' | 'delete_failed' */
  status: string | null;
}

/** Where a tag's push time came from; REST created_at is first push (or build time on legacy registries). */
export type PushedAtSource = 'published_at' | 'created_at';

export interface Tag {
  name: string;
  digest?: string;
  pushedAt?: Date;
  pushedAtSource?: PushedAtSource;
  /** deduplicated image size in bytes, when GitLab reports it */
  sizeBytes?: number;
}

/** What happened to one tag we set out to delete. */
export type Outcome =
  /** dry run: it exists and would be deleted */
  | 'planned'
  /** GitLab deleted it */
  | 'deleted'
  /** it was already gone: success */
  | 'absent'
  /** a protection rule keeps it from this token's role */
  | 'protected'
  /** the token's role may not delete it */
  | 'forbidden'
  /** anything else; the reason says what */
  | 'failed';

/** The words for 'absent' wherever people read it: reasons, labels, summaries. */
export const ALREADY_GONE = 'already gone';

export const OUTCOMES: readonly Outcome[] = [
  'planned',
  'deleted',
  'absent',
  'protected',
  'forbidden',
  'failed',
];

export interface TagResult {
  repository: Repository;
  tag: string;
  outcome: Outcome;
  /** one line for people: why it failed or what GitLab said */
  reason?: string;
  /** the HTTP status that decided, when there was one */
  status?: number;
}
