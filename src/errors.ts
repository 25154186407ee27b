// The few errors the program knows. Each carries its exit code; only main.ts turns them into one.
// Messages are one line and say what to do. Expected failures print no stack trace.

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

/** GitLab could not be reached or kept failing after the retries. */
export class GitLabUnavailableError extends RegistryCleanerError {}

/** GitLab answered with something the program cannot use (unexpected status or body). */
export class GitLabResponseError extends RegistryCleanerError {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/**
 * Whether an error ends the whole run rather than the one repository or tag it happened on:
 * refused credentials and an unreachable GitLab would meet every later request too.
 */
export function endsRun(error: unknown): boolean {
  return error instanceof AuthError || error instanceof GitLabUnavailableError;
}
