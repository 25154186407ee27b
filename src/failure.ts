// What went wrong while talking to GitLab, a proxy or the container registry, as data. The layer
// that meets a failure fills one in; src/explain.ts turns it into the line people read, with the
// advice (flags, variables) that only the edge of the program knows about.

import type { TokenKind } from './connection.ts';

/** Which server a request was for: GitLab itself, or its container registry. */
export type Service = 'gitlab' | 'registry';

/** Why no answer came: a network error code (ECONNRESET, UND_ERR_SOCKET, …), or none in time. */
export type NetworkCause = { code: string } | { timeoutMs: number };

/** A proxy, as the user configured it: its origin without credentials, and the variable it came from. */
export interface ProxyRef {
  origin: string;
  variable: string;
}

/** A token without its value: what it is and where it came from ('--token', 'CI_JOB_TOKEN', …). */
export interface TokenRef {
  kind: TokenKind;
  source: string;
}

/**
 * `action` is what was attempted, in words ("list the tags of acme/web-app"); `message` is what
 * GitLab said, if anything. URLs and origins never carry credentials or query strings.
 */
export type Failure =
  // No answer from the server.
  | { kind: 'unreachable'; service: Service; origin: string; cause: NetworkCause; attempts: number }
  | {
      kind: 'proxy-unreachable';
      service: Service;
      origin: string;
      proxy: ProxyRef;
      cause: NetworkCause;
      attempts: number;
    }
  /** the proxy wants other credentials (407) */
  | { kind: 'proxy-auth'; proxy?: ProxyRef }
  /** the proxy would not open a tunnel to `host`; `status` when known */
  | { kind: 'proxy-refused'; proxy?: ProxyRef; host: string; status?: number }
  | { kind: 'tls-untrusted'; service: Service; host: string; code: string }
  | { kind: 'tls-wrong-name'; service: Service; host: string }
  | { kind: 'tls-expired'; service: Service; host: string }
  | { kind: 'unknown-host'; service: Service; hostname: string }
  /** any other network error that retrying will not cure */
  | { kind: 'network'; service: Service; action: string; code?: string; detail: string }
  // Answers that say "later".
  /** the server asked for (or the rate limit needs) a longer wait than the user allows */
  | {
      kind: 'wait-too-long';
      service: Service;
      action: string;
      waitMs: number;
      maxWaitMs: number;
      status?: number;
    }
  /** 5xx or 429 still, after every retry */
  | { kind: 'kept-failing'; service: Service; action: string; status: number; attempts: number }
  // Answers that are not the API.
  | { kind: 'redirect'; service: Service; action: string; url: string; location?: string; status: number }
  | { kind: 'project-moved'; to: string; status: number }
  | { kind: 'web-page'; service: Service; url: string }
  | { kind: 'oversized'; service: Service; url: string; limitBytes: number }
  | { kind: 'not-a-list'; action: string }
  | { kind: 'not-graphql'; action: string; url: string; status: number }
  /** the next page is one already read */
  | { kind: 'page-loop'; action: string }
  /** a next-page link off the API's base URL; `link` without its query */
  | { kind: 'unfollowable-link'; link: string }
  // GitLab's refusals.
  | { kind: 'token-rejected'; action: string; token: TokenRef; message: string }
  | { kind: 'insufficient-scope'; action: string; token: TokenRef }
  | { kind: 'job-token-other-project'; action: string; token: TokenRef }
  | { kind: 'forbidden'; action: string; message: string }
  /** a project or group GitLab does not show to this token */
  | { kind: 'not-found'; action: string; message: string }
  /** a record deleted since it was listed */
  | { kind: 'gone'; action: string }
  | { kind: 'graphql-not-allowed'; action: string; message: string }
  | { kind: 'graphql-error'; action: string; message: string }
  /** any other status */
  | { kind: 'refused'; action: string; status: number; message: string }
  // Answers that cannot be trusted.
  /** an answer without what it must hold; `what` says what was wrong, e.g. "a repository without id" */
  | { kind: 'malformed'; action: string; what: string }
  /** a listing that stopped before its end (`page`: where) */
  | { kind: 'list-cut-short'; action: string; page: number }
  /** GitLab listed no tags in `repository` but counts `count`: its registry did not answer */
  | { kind: 'listed-empty'; repository: string; count: number }
  /** a tag's absence could not be confirmed: the listing was empty while GitLab counts `count` */
  | { kind: 'absence-unconfirmed'; repository: string; tag: string; count: number }
  /** GitLab answered as to an anonymous user (a job token where it does not count), without `missing` */
  | { kind: 'anonymous-view'; action: string; missing: string }
  // Deployed images: a project whose environments cannot be read keeps every tag.
  /** GitLab refused to show `project`'s environments or deployments (403, 404) */
  | { kind: 'deployments-refused'; project: string; action: string; status: number; message: string }
  /** GitLab's answer about `project`'s environments or deployments is not what GitLab sends */
  | { kind: 'deployments-malformed'; project: string; action: string }
  /** `project`'s environments of `state` changed on every reading */
  | { kind: 'environments-changing'; project: string; state: string }
  // The container registry's own API.
  /** an answer of the registry's that is not the one asked for; `code` from its error body, when it sent one */
  | { kind: 'registry-answer'; action: string; status: number; code?: string; message: string }
  /** the registry refused a token GitLab had just issued for the request (401 invalid_token twice) */
  | { kind: 'registry-token-rejected'; action: string };

export type FailureKind = Failure['kind'];

/** The HTTP status a failure is about, when it is about one. */
export function statusOf(failure: Failure): number | undefined {
  if ('status' in failure && typeof failure.status === 'number') return failure.status;
  switch (failure.kind) {
    case 'token-rejected':
      return 401;
    case 'insufficient-scope':
    case 'job-token-other-project':
    case 'forbidden':
      return 403;
    case 'not-found':
    case 'gone':
      return 404;
    case 'oversized':
    case 'not-a-list':
    case 'page-loop':
    case 'unfollowable-link':
    case 'graphql-error':
    case 'graphql-not-allowed':
    case 'web-page':
    case 'malformed':
    case 'list-cut-short':
    case 'listed-empty':
    case 'absence-unconfirmed':
    case 'anonymous-view':
    case 'deployments-malformed':
    case 'environments-changing':
      return 200;
    case 'registry-token-rejected':
      return 401;
    default:
      return undefined;
  }
}
