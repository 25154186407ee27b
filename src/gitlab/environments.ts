// Environments and their successful deployments: what a project's environments may be running.
// All of it is open to a CI job token on its own project (lib/api/environments.rb and
// lib/api/deployments.rb: job_token_allowed, since GitLab 16.2) and needs the Reporter role.
//
// Cost: the environment lists (one request per state and 100 environments), then, when more than
// one environment is wanted, one page of the project's newest successful deployments, which often
// holds every environment's latest ones; then one request per environment the page did not settle.

import { mapConcurrent } from '../concurrency.ts';
import { GitLabResponseError } from '../errors.ts';
import type { DeploymentRecord, EnvironmentDeployments } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { errorFor, gitlabMessage } from './failures.ts';
import type { HttpResponse } from './http.ts';
import { MAX_OFFSET_PAGE_SIZE, nextPage } from './pagination.ts';

/** The states in which an environment may still serve an image ('stopping': its stop job has not finished). */
export type LiveState = 'available' | 'stopping';

export interface DeploymentsWanted {
  states: readonly LiveState[];
  /** successful deployments wanted per environment, newest first: 1 to 100 */
  perEnvironment: number;
  /** an environment left out (the one a stop job is stopping) */
  except?: string;
}

/**
 * DeploymentsFinder orders by finished_at only together with a finished_at filter, and allows that
 * filter only with status=success (else 400). A filter from the epoch keeps every deployment and
 * gives the order Environment#last_deployment uses (success, finished_at descending).
 */
const NEWEST_FINISHED = {
  status: 'success',
  order_by: 'finished_at',
  sort: 'desc',
  finished_after: '1970-01-01T00:00:00Z',
} as const;
/** Environments whose deployments are read at once, after the shared page. */
const ENVIRONMENTS_AT_ONCE = 8;

interface ListedEnvironment {
  id: number;
  name: string;
  slug: string;
  state: string;
}

/** The project's environments in the wanted states, each with its newest successful deployments. */
export async function readEnvironmentDeployments(
  api: GitLabApi,
  project: number | string,
  wanted: DeploymentsWanted,
): Promise<EnvironmentDeployments[]> {
  const lists = await Promise.all(wanted.states.map((state) => listEnvironments(api, project, state)));
  const environments = lists.flat().filter((environment) => environment.name !== wanted.except);
  const found = new Map<string, DeploymentRecord[]>(environments.map((e) => [e.name, []]));
  let settled = false;
  if (environments.length > 1) {
    // The newest deployments of the whole project: a prefix of every environment's own order.
    const url = api.url(['projects', project, 'deployments'], {
      ...NEWEST_FINISHED,
      per_page: MAX_OFFSET_PAGE_SIZE,
    });
    const { items, response } = await readList(api, url, 'listDeployments', project, 'list its deployments');
    for (const item of items) {
      const name = (item as { environment?: { name?: unknown } }).environment?.name;
      const records = typeof name === 'string' ? found.get(name) : undefined;
      if (records && records.length < wanted.perEnvironment) records.push(deploymentRecord(item, project));
    }
    // The last page holds every successful deployment there is.
    settled = nextPage(api, url, response) === undefined;
  }
  const unsettled = settled
    ? []
    : environments.filter((e) => (found.get(e.name)?.length ?? 0) < wanted.perEnvironment);
  await mapConcurrent(unsettled, ENVIRONMENTS_AT_ONCE, async (environment) => {
    found.set(environment.name, await newestDeployments(api, project, environment, wanted.perEnvironment));
  });
  return environments.map((environment) => ({
    name: environment.name,
    slug: environment.slug,
    state: environment.state,
    deployments: found.get(environment.name) ?? [],
  }));
}

async function listEnvironments(
  api: GitLabApi,
  project: number | string,
  state: LiveState,
): Promise<ListedEnvironment[]> {
  const environments: ListedEnvironment[] = [];
  let url: URL | undefined = api.url(['projects', project, 'environments'], {
    states: state,
    per_page: MAX_OFFSET_PAGE_SIZE,
  });
  while (url) {
    const page = await readList(api, url, 'listEnvironments', project, `list its ${state} environments`);
    for (const item of page.items) environments.push(environmentOf(item, project));
    url = nextPage(api, url, page.response);
  }
  return environments;
}

/** One environment's newest successful deployments: its last_deployment, or a page of the list. */
async function newestDeployments(
  api: GitLabApi,
  project: number | string,
  environment: ListedEnvironment,
  count: number,
): Promise<DeploymentRecord[]> {
  if (count === 1) {
    const url = api.url(['projects', project, 'environments', environment.id]);
    const action = `read its environment ${environment.name}`;
    const response = await send(api, url, 'getEnvironment', project, action);
    const body = response.json as { last_deployment?: unknown } | undefined;
    if (!body || typeof body !== 'object') throw unusable(project, action);
    return body.last_deployment ? [deploymentRecord(body.last_deployment, project)] : [];
  }
  const url = api.url(['projects', project, 'deployments'], {
    environment: environment.name,
    ...NEWEST_FINISHED,
    per_page: count,
  });
  const { items } = await readList(
    api,
    url,
    'listDeployments',
    project,
    `list the deployments of its environment ${environment.name}`,
  );
  return items.slice(0, count).map((item) => deploymentRecord(item, project));
}

async function readList(
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
async function send(
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
    const said = gitlabMessage(response).replace(new RegExp(`^${response.status}\\s*`), '');
    throw new GitLabResponseError(
      `${unknownDeployments(project)}: GitLab refused to ${action} (${response.status} ${said}); the token's user needs the Reporter role there (and the project its Environments feature), or turn this protection off with --allow-deleting-deployed-images`,
      response.status,
    );
  }
  throw errorFor(response, api.credential, fullAction);
}

function unknownDeployments(project: number | string): string {
  return `cannot tell which tags the environments of project ${project} run, so nothing there was deleted`;
}

function unusable(project: number | string, action: string): GitLabResponseError {
  return new GitLabResponseError(
    `${unknownDeployments(project)}: GitLab's answer when asked to ${action} is not what GitLab sends; check --gitlab-url and proxies`,
    200,
  );
}

function environmentOf(item: unknown, project: number | string): ListedEnvironment {
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
function deploymentRecord(item: unknown, project: number | string): DeploymentRecord {
  const raw = item as { ref?: unknown; sha?: unknown; deployable?: { tag?: unknown } | null };
  if (typeof raw.ref !== 'string' || raw.ref === '' || typeof raw.sha !== 'string' || raw.sha === '') {
    throw unusable(project, 'read a deployment');
  }
  const tag = raw.deployable?.tag;
  return { ref: raw.ref, sha: raw.sha, ...(typeof tag === 'boolean' ? { refIsTag: tag } : {}) };
}
