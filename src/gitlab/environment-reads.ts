// The requests behind the environment reads, and how their answers are checked: one GET with the
// failures mapped for a project's environments (a refusal fails that project alone), and the
// entities turned into records. Shared by environments.ts and deployment-scan.ts.

import { GitLabResponseError } from '../errors.ts';
import type { DeploymentRecord } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { errorFor, gitlabMessage } from './failures.ts';
import type { HttpResponse } from './http.ts';

/**
 * DeploymentsFinder orders by finished_at only together with a finished_at filter, and allows that
 * filter only with status=success (else 400). A filter from the epoch keeps every deployment and
 * gives the order Environment#last_deployment uses (success, finished_at descending).
 */
export const NEWEST_FINISHED = {
  status: 'success',
  order_by: 'finished_at',
  sort: 'desc',
  finished_after: '1970-01-01T00:00:00Z',
} as const;

export interface ListedEnvironment {
  id: number;
  name: string;
  slug: string;
  state: string;
}

export async function readList(
  api: GitLabApi,
  url: URL,
  label: string,
  project: number | string,
  action: string,
): Promise<{ items: unknown[]; response: HttpResponse }> {
  const response = await send(api, url, label, project, action);
  if (!Array.isArray(response.json)) throw unusable(project, action);
  return { items: response.json, response };
}

/**
 * One GET. A refusal (403: the role, or environments turned off in the project's settings; 404)
 * fails this project's sweep alone; a rejected token or a GitLab that keeps failing ends the run,
 * as everywhere else.
 */
export async function send(
  api: GitLabApi,
  url: URL,
  label: string,
  project: number | string,
  action: string,
): Promise<HttpResponse> {
  const fullAction = `${action} (project ${project})`;
  const response = await api.http.send({
    method: 'GET',
    url,
    label,
    action: fullAction,
    api: 'rest',
    expectJson: true,
  });
  if (response.status === 200) return response;
  if (response.status === 403 || response.status === 404) {
    throw new GitLabResponseError({
      kind: 'deployments-refused',
      project: String(project),
      action,
      status: response.status,
      message: gitlabMessage(response),
    });
  }
  throw errorFor(response, api.credential, fullAction);
}

export function unusable(project: number | string, action: string): GitLabResponseError {
  return new GitLabResponseError({ kind: 'deployments-malformed', project: String(project), action });
}

export function environmentOf(item: unknown, project: number | string): ListedEnvironment {
  const raw = item as Partial<Record<keyof ListedEnvironment, unknown>>;
  if (typeof raw.id !== 'number' || typeof raw.name !== 'string')
    throw unusable(project, 'list its environments');
  return {
    id: raw.id,
    name: raw.name,
    slug: typeof raw.slug === 'string' ? raw.slug : '',
    state: typeof raw.state === 'string' ? raw.state : 'available',
  };
}

/** Entities::Deployment: `ref`, `sha`, and the job's `tag` flag (no job for a deployment made through the API). */
export function deploymentRecord(item: unknown, project: number | string): DeploymentRecord {
  const raw = item as { ref?: unknown; sha?: unknown; deployable?: { tag?: unknown } | null };
  if (typeof raw.ref !== 'string' || raw.ref === '' || typeof raw.sha !== 'string' || raw.sha === '') {
    throw unusable(project, 'read a deployment');
  }
  const tag = raw.deployable?.tag;
  return { ref: raw.ref, sha: raw.sha, ...(typeof tag === 'boolean' ? { refIsTag: tag } : {}) };
}
