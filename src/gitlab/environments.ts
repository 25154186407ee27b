// Environments and their successful deployments: what a project's environments may be running.
// All of it is open to a CI job token on its own project (lib/api/environments.rb and
// lib/api/deployments.rb: job_token_allowed, since GitLab 16.2) and needs the Reporter role.
//
// Cost: the environment lists (one request per state and 100 environments); then, when more than
// one environment is wanted, the project's newest successful deployments, a page of 100 at a time
// while fewer pages remain than environments are unsettled; then one request per environment
// still unsettled. Never more than one request per environment besides the list pages.

import { mapConcurrent } from '../concurrency.ts';
import { GitLabResponseError } from '../errors.ts';
import type { DeploymentRecord, EnvironmentDeployments } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { scanNewestDeployments } from './deployment-scan.ts';
import {
  deploymentRecord,
  environmentOf,
  type ListedEnvironment,
  NEWEST_FINISHED,
  readList,
  send,
  unusable,
} from './environment-reads.ts';
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

/** Environments whose deployments are read at once, after the shared pages. */
const ENVIRONMENTS_AT_ONCE = 8;
/** Reads of an environment list that changed while it was read, before giving up. */
const LIST_ATTEMPTS = 3;

/** The project's environments in the wanted states, each with its newest successful deployments. */
export async function readEnvironmentDeployments(
  api: GitLabApi,
  project: number | string,
  wanted: DeploymentsWanted,
): Promise<EnvironmentDeployments[]> {
  const lists = await Promise.all(wanted.states.map((state) => listEnvironments(api, project, state)));
  const environments = lists.flat().filter((environment) => environment.name !== wanted.except);
  const found = new Map<string, DeploymentRecord[]>(environments.map((e) => [e.name, []]));
  const settled =
    environments.length > 1 && (await scanNewestDeployments(api, project, found, wanted.perEnvironment));
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

/**
 * Every environment in `state`, by id. An environment that stops or starts between two pages moves
 * the offsets, and one could be skipped unseen: a list whose total changed is read again.
 */
async function listEnvironments(
  api: GitLabApi,
  project: number | string,
  state: LiveState,
): Promise<ListedEnvironment[]> {
  const action = `list its ${state} environments`;
  for (let attempt = 1; attempt <= LIST_ATTEMPTS; attempt++) {
    const environments: ListedEnvironment[] = [];
    const totals = new Set<string | undefined>();
    let url: URL | undefined = api.url(['projects', project, 'environments'], {
      states: state,
      per_page: MAX_OFFSET_PAGE_SIZE,
    });
    while (url) {
      const page = await readList(api, url, 'listEnvironments', project, action);
      totals.add(page.response.headers['x-total']);
      for (const item of page.items) environments.push(environmentOf(item, project));
      url = nextPage(api, url, page.response);
    }
    if (totals.size === 1) return environments;
  }
  throw new GitLabResponseError({ kind: 'environments-changing', project: String(project), state });
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
