// GraphQL over the same HTTP client. Only personal, project and group access tokens may use it:
// GitLab refuses CI job tokens there ("CI_JOB_TOKENs are not allowed for now"), so callers never send one.

import { AuthError, GitLabResponseError } from '../errors.ts';
import type { GitLabApi } from './api.ts';
import { errorFor } from './failures.ts';

export interface GraphqlError {
  message: string;
  path?: (string | number)[];
}

export interface GraphqlAnswer<T> {
  data: T | null;
  errors: GraphqlError[];
}

/** GitLab's answer when the object is missing or the token may not see or change it. */
export const RESOURCE_NOT_AVAILABLE = /does not exist or you don't have permission/i;

export async function graphql<T>(
  api: GitLabApi,
  query: string,
  variables: Record<string, unknown>,
  label: string,
  action: string,
): Promise<GraphqlAnswer<T>> {
  if (api.credential.kind === 'job') throw new Error(`bug: ${label} would send a CI job token to GraphQL`);
  const response = await api.http.send({
    method: 'POST',
    url: new URL(api.graphqlUrl),
    label,
    action,
    api: 'graphql',
    body: { query, variables },
    expectJson: true,
  });
  // 401/403, and 429/5xx still failing after the retries: the same errors as REST (exit 3, or a
  // GitLab that is down ends the run).
  if (response.status !== 200) throw errorFor(response, api.credential, action);
  const body = response.json as { data?: T | null; errors?: GraphqlError[] } | undefined;
  if (!body || typeof body !== 'object') {
    throw new GitLabResponseError({
      kind: 'not-graphql',
      action,
      url: api.graphqlUrl,
      status: response.status,
    });
  }
  const errors = Array.isArray(body.errors) ? body.errors : [];
  if ((body.data === null || body.data === undefined) && errors.length > 0) {
    const message = errors[0]?.message ?? 'unknown error';
    if (RESOURCE_NOT_AVAILABLE.test(message)) {
      throw new AuthError({ kind: 'graphql-not-allowed', action, message });
    }
    throw graphqlFailure(action, message);
  }
  return { data: body.data ?? null, errors };
}

/** An error GitLab's GraphQL API reported: GitLab's own trouble, which a later run may not meet. */
export function graphqlFailure(action: string, message: string): GitLabResponseError {
  return new GitLabResponseError({ kind: 'graphql-error', action, message });
}

export function repositoryGid(id: number): string {
  return `gid://gitlab/ContainerRepository/${id}`;
}
