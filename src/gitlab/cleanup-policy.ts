// A project's container registry cleanup policy, as GET /projects/:id shows it.

import { AuthError, GitLabResponseError } from '../errors.ts';
import type { GitLabCleanupPolicy } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { errorFor } from './failures.ts';

/**
 * The project's `container_expiration_policy`; undefined when the project has none (GitLab exposes
 * the field only when the project has a policy row: lib/api/entities/project.rb).
 *
 * GET /projects/:id takes no job token (lib/api/projects.rb sets no job_token_allowed; the token
 * is then ignored, lib/gitlab/auth/auth_finders.rb) and answers as to an anonymous user: 404 for a
 * private project, and for a public one Entities::ProjectDetails, which has no
 * `container_expiration_policy` at all. Only the signed-in view (Entities::ProjectWithAccess)
 * carries `permissions`: without it, "no policy" cannot be told from "not shown", so the read fails.
 */
export async function readCleanupPolicy(
  api: GitLabApi,
  projectId: number,
): Promise<GitLabCleanupPolicy | undefined> {
  const action = `read the cleanup policy of project ${projectId}`;
  const response = await api.http.send({
    method: 'GET',
    url: api.url(['projects', projectId]),
    label: 'getProject',
    action,
    api: 'rest',
    expectJson: true,
  });
  if (response.status !== 200) throw errorFor(response, api.credential, action);
  const project = response.json as Record<string, unknown> | null;
  if (typeof project !== 'object' || project === null || Array.isArray(project)) {
    throw new GitLabResponseError({ kind: 'malformed', action, what: 'something else than a project' });
  }
  if (!('permissions' in project)) {
    throw new AuthError({ kind: 'anonymous-view', action, missing: 'its cleanup policy' });
  }
  const policy = project.container_expiration_policy;
  if (policy === undefined || policy === null) return undefined;
  return toCleanupPolicy(policy, action);
}

function toCleanupPolicy(value: unknown, action: string): GitLabCleanupPolicy {
  const raw = value as Record<string, unknown>;
  const malformed = (field: string) =>
    new GitLabResponseError({
      kind: 'malformed',
      action,
      what: `container_expiration_policy.${field} ${JSON.stringify(raw?.[field])}`,
    });
  if (typeof raw !== 'object' || raw === null) throw malformed('');
  if (typeof raw.enabled !== 'boolean') throw malformed('enabled');
  const nullableString = (field: string): string | null => {
    const item = raw[field];
    if (item === undefined || item === null) return null;
    if (typeof item !== 'string') throw malformed(field);
    return item;
  };
  const keepN = raw.keep_n;
  if (keepN !== undefined && keepN !== null && typeof keepN !== 'number') throw malformed('keep_n');
  return {
    enabled: raw.enabled,
    keepN: typeof keepN === 'number' ? keepN : null,
    olderThan: nullableString('older_than'),
    nameRegex: nullableString('name_regex'),
    nameRegexKeep: nullableString('name_regex_keep'),
    cadence: nullableString('cadence'),
    nextRunAt: nullableString('next_run_at'),
  };
}
