// What GitLab's refusals and failures mean, as Failures (src/failure.ts): the data the caller's
// error carries. Error bodies: {"message": …} (Grape), {"error": …, "error_description": …}
// (Doorkeeper), {"errors": [{"message": …}]} (GraphQL).

import type { Credential } from '../connection.ts';
import { errorFromFailure, type RegistryCleanerError } from '../errors.ts';
import type { Failure, TokenRef } from '../failure.ts';
import type { HttpResponse } from './http.ts';

/** GitLab's message from an error body: {"message": …}, {"error": …, "error_description": …}, GraphQL errors. */
export function gitlabMessage(response: Pick<HttpResponse, 'json' | 'text' | 'status'>): string {
  const body = response.json as Record<string, unknown> | undefined;
  if (body && typeof body === 'object') {
    if (typeof body.error_description === 'string') return body.error_description;
    if (typeof body.message === 'string') return body.message;
    if (typeof body.error === 'string') return body.error;
    if (Array.isArray(body.errors) && typeof body.errors[0]?.message === 'string')
      return body.errors[0].message;
  }
  const text = response.text.trim().split('\n')[0] ?? '';
  return text.length > 0 && text.length <= 120 && !/^</.test(text) ? text : `HTTP ${response.status}`;
}

export const JOB_TOKEN_OTHER_PROJECT = /different project/i;
/** GitLab's message when a tag protection rule kept the tags: "cannot delete protected tag(s)". */
export const PROTECTED_TAGS = /cannot delete protected tag/i;

/** A credential as failures name it: never its value. */
export function tokenRef(credential: Credential): TokenRef {
  return { kind: credential.kind, source: credential.source };
}

/**
 * The failure for a response that is not the answer asked for. Refusals stop the whole run (bad
 * credentials, missing scope, a job token on another project, a project we cannot see), as does
 * GitLab still failing after the retries (5xx, 429); a record gone since it was listed, or any other
 * status, fails this one request. `action` says what we tried, e.g. "list the registry of project
 * acme/web-app".
 */
export function failureOf(response: HttpResponse, credential: Credential, action: string): Failure {
  const message = gitlabMessage(response);
  const token = tokenRef(credential);
  const body = (response.json ?? {}) as Record<string, unknown>;
  switch (response.status) {
    case 401:
      return { kind: 'token-rejected', action, token, message };
    case 403:
      if (body.error === 'insufficient_scope') return { kind: 'insufficient-scope', action, token };
      if (JOB_TOKEN_OTHER_PROJECT.test(message)) return { kind: 'job-token-other-project', action, token };
      return { kind: 'forbidden', action, message };
    case 404:
      // "404 Not found" is a record (a repository deleted since it was listed): that one read
      // fails. A project or group GitLab does not show is invisible to the token (or mistyped).
      if (body.message === '404 Not found') return { kind: 'gone', action };
      return { kind: 'not-found', action, message };
    default:
      if (response.status >= 500 || response.status === 429) {
        return {
          kind: 'kept-failing',
          service: 'gitlab',
          action,
          status: response.status,
          attempts: response.attempts,
        };
      }
      return { kind: 'refused', action, status: response.status, message };
  }
}

/** The error for a response that is not the answer asked for (see failureOf). */
export function errorFor(
  response: HttpResponse,
  credential: Credential,
  action: string,
): RegistryCleanerError {
  return errorFromFailure(failureOf(response, credential, action));
}
