// Turns GitLab's refusals and failures into the program's errors, each one line that says what to do.
// Error bodies per ../shared/gitlab-api.md §1.2 and §1.4.

import { AuthError, GitLabResponseError, GitLabUnavailableError } from '../errors.ts';
import type { Credential } from '../model.ts';
import type { HttpResponse } from './http.ts';

/** GitLab's message from an error body: {"message": …}, {"error": …, "error_description": …}, GraphQL errors. */
export function gitlabMessage(response: HttpResponse): string {
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

function tokenName(credential: Credential): string {
  return credential.source.startsWith('--') ? `the ${credential.source} token` : credential.source;
}

/**
 * The error for a response that is not the answer asked for. Refusals stop the whole run (bad
 * credentials, missing scope, a job token on another project, a project we cannot see), as does
 * GitLab still failing after the retries (5xx, 429); a record gone since it was listed, or any other
 * status, fails this one request. `action` says what we tried, e.g. "list the registry of project
 * acme/web-app".
 */
export function errorFor(response: HttpResponse, credential: Credential, action: string): Error {
  // GitLab's messages usually start with the status ("401 Unauthorized"); never say it twice.
  const message = gitlabMessage(response);
  const said = message.startsWith(String(response.status))
    ? message.slice(String(response.status).length).trim()
    : message;
  const token = tokenName(credential);
  const body = (response.json ?? {}) as Record<string, unknown>;
  switch (response.status) {
    case 401:
      if (credential.kind === 'job') {
        return new AuthError(
          `GitLab rejected ${token} trying to ${action} (401 ${said}): a job token is valid only while its job runs and only for its own project's registry; use a project access token (api scope) in REGISTRY_CLEANER_TOKEN`,
        );
      }
      return new AuthError(
        `GitLab rejected ${token} trying to ${action} (401 ${said}): the token is unknown, expired or revoked; create a new one with the api scope`,
      );
    case 403:
      if (body.error === 'insufficient_scope') {
        return new AuthError(
          `${token} lacks the scope to ${action} (403 insufficient_scope): create the token with the api scope`,
        );
      }
      if (JOB_TOKEN_OTHER_PROJECT.test(said)) {
        return new AuthError(
          `${token} works only on the registry of its job's own project (403) and cannot ${action}: use a project or group access token with the api scope`,
        );
      }
      return new AuthError(
        `GitLab refused to ${action} (403 ${said}): the token's user needs at least the Reporter role to list and the Developer role to delete tags`,
      );
    case 404:
      // "404 Not found" is a record (a repository deleted since it was listed): that one read
      // fails. A project or group GitLab does not show is invisible to the token (or mistyped).
      if (body.message === '404 Not found') {
        return new GitLabResponseError(`cannot ${action}: GitLab no longer has it (404 Not found)`, 404);
      }
      return new AuthError(
        `GitLab cannot find what we need to ${action} (404 ${said}): check ${/group/i.test(said) ? '--group' : '--project'} and that the token's user is a member`,
      );
    default:
      if (response.status >= 500 || response.status === 429) {
        return new GitLabUnavailableError(
          `GitLab kept failing to ${action} (HTTP ${response.status} after ${response.attempts} attempt${response.attempts === 1 ? '' : 's'}): try again later`,
        );
      }
      return new GitLabResponseError(
        `GitLab refused to ${action} (HTTP ${response.status}: ${said})`,
        response.status,
      );
  }
}
