// The few errors the program knows. Each carries its exit code; only main.ts turns them into one.
// Errors about GitLab carry a Failure (what happened, as data); src/explain.ts words them for
// people. Expected failures print no stack trace.

import { type Failure, type FailureKind, statusOf } from './failure.ts';

export const ExitCode = {
  ok: 0,
  /** at least one tag failed (or was protected though asked for by name), or an unexpected error */
  failed: 1,
  /** invalid usage or configuration; raised before any request is sent */
  usage: 2,
  /** GitLab refused the credentials or the role/scope is too low */
  auth: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The exit code of a run that was not stopped, from its counts. A refused role outranks a failure
 * (the fix is the token, not a re-run). Protected tags are the one difference between the
 * commands: delete-tag asked for the tag by name, so not deleting it fails; a prune sweep expects
 * some and fails nothing.
 */
export function exitCodeFor(
  counts: { forbidden: number; failed: number; protected: number },
  { protectedFails }: { protectedFails: boolean },
): ExitCode {
  if (counts.forbidden > 0) return ExitCode.auth;
  if (counts.failed > 0 || (protectedFails && counts.protected > 0)) return ExitCode.failed;
  return ExitCode.ok;
}

export class RegistryCleanerError extends Error {
  readonly exitCode: ExitCode = ExitCode.failed;
  /** what happened, as data, for errors about GitLab; undefined for errors worded where raised */
  readonly failure: Failure | undefined;

  /**
   * A message for errors worded where they are raised (options/), or a Failure: its message is
   * then a terse technical summary for traces; people read explain(error).
   */
  constructor(cause: string | Failure) {
    super(typeof cause === 'string' ? cause : summary(cause));
    this.failure = typeof cause === 'string' ? undefined : cause;
  }
}

/** Bad flags, environment or configuration. Raised before the first request. */
export class UsageError extends RegistryCleanerError {
  override readonly exitCode = ExitCode.usage;
}

/** The URL answered, but not as a GitLab API does (an HTML page, a login redirect). */
export class WrongEndpointError extends RegistryCleanerError {
  override readonly exitCode = ExitCode.usage;
}

/** 401, or 403 where the whole run cannot proceed (listing, job token on another project). */
export class AuthError extends RegistryCleanerError {
  override readonly exitCode = ExitCode.auth;
}

/** GitLab could not be reached, kept failing after the retries, or wants a longer wait than allowed: the run stops. */
export class GitLabUnavailableError extends RegistryCleanerError {}

/** GitLab answered with something the program cannot use (unexpected status or body): this request fails. */
export class GitLabResponseError extends RegistryCleanerError {
  readonly status: number;
  constructor(failure: Failure);
  /** @deprecated worded where raised: give a Failure instead */
  constructor(message: string, status: number);
  constructor(cause: string | Failure, status?: number) {
    super(cause);
    this.status = typeof cause === 'string' ? (status ?? 200) : (statusOf(cause) ?? 200);
  }
}

/** Which error each kind of failure is: this, with the exit codes above, decides how a run ends. */
const CLASS_OF: Record<FailureKind, 'unavailable' | 'wrong-endpoint' | 'auth' | 'response'> = {
  unreachable: 'unavailable',
  'proxy-unreachable': 'unavailable',
  'proxy-auth': 'unavailable',
  'proxy-refused': 'unavailable',
  'tls-untrusted': 'unavailable',
  'tls-wrong-name': 'unavailable',
  'tls-expired': 'unavailable',
  'unknown-host': 'unavailable',
  network: 'unavailable',
  'wait-too-long': 'unavailable',
  'kept-failing': 'unavailable',
  redirect: 'wrong-endpoint',
  'project-moved': 'wrong-endpoint',
  'web-page': 'wrong-endpoint',
  oversized: 'response',
  'not-a-list': 'response',
  'not-graphql': 'response',
  'page-loop': 'response',
  'unfollowable-link': 'response',
  'token-rejected': 'auth',
  'insufficient-scope': 'auth',
  'job-token-other-project': 'auth',
  forbidden: 'auth',
  'not-found': 'auth',
  gone: 'response',
  'graphql-not-allowed': 'auth',
  'graphql-error': 'response',
  refused: 'response',
  malformed: 'response',
  'list-cut-short': 'response',
  'listed-empty': 'response',
  'absence-unconfirmed': 'response',
  'anonymous-view': 'auth',
  'deployments-refused': 'response',
  'deployments-malformed': 'response',
  'environments-changing': 'response',
  'registry-answer': 'response',
  'registry-token-rejected': 'auth',
};

/** The error for a failure, of the class that gives its exit code and whether it stops the run. */
export function errorFromFailure(failure: Failure): RegistryCleanerError {
  switch (CLASS_OF[failure.kind]) {
    case 'unavailable':
      return new GitLabUnavailableError(failure);
    case 'wrong-endpoint':
      return new WrongEndpointError(failure);
    case 'auth':
      return new AuthError(failure);
    case 'response':
      return new GitLabResponseError(failure);
  }
}

/** e.g. "kept-failing: list the tags of acme/web-app (HTTP 503, 5 attempts)": for traces and stacks. */
function summary(failure: Failure): string {
  const subject =
    ('action' in failure && failure.action) ||
    ('url' in failure && failure.url) ||
    ('origin' in failure && failure.origin) ||
    ('host' in failure && failure.host) ||
    ('hostname' in failure && failure.hostname) ||
    ('to' in failure && failure.to) ||
    ('link' in failure && failure.link) ||
    '';
  const status = statusOf(failure);
  const details = [
    status === undefined ? '' : `HTTP ${status}`,
    'attempts' in failure ? `${failure.attempts} attempts` : '',
    'cause' in failure
      ? 'code' in failure.cause
        ? failure.cause.code
        : `timeout ${failure.cause.timeoutMs} ms`
      : '',
    'message' in failure ? failure.message : '',
  ].filter(Boolean);
  return `${failure.kind}${subject ? `: ${subject}` : ''}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

/**
 * Whether an error ends the whole run rather than the one repository or tag it happened on:
 * refused credentials and an unreachable GitLab would meet every later request too.
 */
export function endsRun(error: unknown): boolean {
  return error instanceof AuthError || error instanceof GitLabUnavailableError;
}
