// lib/api/environments.rb and lib/api/deployments.rb: `before { authenticate! }`, job tokens
// allowed (`route_setting :authentication, job_token_allowed: true`, since 16.2), Reporter+.
import type { DeploymentStatus } from '../deployments.ts';
import { type ApiResponse, badRequest, jsonResponse, recordNotFound, unauthorized } from '../responses.ts';
import { authorizeProject, findProjectOrFail, grapeParams, linkFor, type RestRequest } from './context.ts';
import { deploymentEntity, environmentEntity } from './deployment-entities.ts';
import { paginateOffset } from './pagination.ts';
import { ParamCheck, paginationParams } from './params.ts';

const ENVIRONMENT_STATES = new Set(['available', 'stopping', 'stopped']);
/** DeploymentsFinder::ALLOWED_SORT_VALUES / ALLOWED_SORT_DIRECTIONS; Deployment.statuses. */
const ORDER_BY = new Set(['id', 'iid', 'created_at', 'updated_at', 'ref', 'finished_at']);
const SORT = new Set(['asc', 'desc']);
const STATUSES = new Set(['created', 'running', 'success', 'failed', 'canceled', 'skipped', 'blocked']);

function readProject(request: RestRequest, ability: 'read_environment' | 'read_deployment') {
  if (!request.auth.user) throw unauthorized();
  const project = findProjectOrFail(request, 'allowlist');
  authorizeProject(request, project, ability);
  return project;
}

/**
 * GET /projects/:id/environments — `name` (exact), `states`; ordered by id; no `last_deployment`
 * in the list. (`search` is not modelled.)
 */
export function listEnvironments(request: RestRequest): ApiResponse {
  const project = readProject(request, 'read_environment');
  const check = new ParamCheck(request.params);
  const { page, perPage } = paginationParams(check);
  const { states, name, search } = request.params;
  if (states !== undefined && !ENVIRONMENT_STATES.has(states))
    check.fail('states does not have a valid value');
  if (name !== undefined && search !== undefined) check.fail('name, search cannot be used together');
  check.done();
  const environments = request.state.deployments
    .environmentsOf(project)
    .filter((environment) => states === undefined || environment.state === states)
    .filter((environment) => name === undefined || environment.name === name);
  const pageOf = paginateOffset(
    environments,
    { page, perPage, linkParams: grapeParams(request), link: linkFor(request) },
    'relation',
  );
  const body = pageOf.items.map((environment) => environmentEntity(request.config, environment));
  return jsonResponse(200, body, pageOf.headers);
}

/** GET /projects/:id/environments/:environment_id — adds `last_deployment` (null when none). */
export function getEnvironment(request: RestRequest): ApiResponse {
  const project = readProject(request, 'read_environment');
  const check = new ParamCheck(request.params);
  const raw = request.route.environment_id ?? '';
  if (!/^[+-]?\d+$/.test(raw)) check.fail('environment_id is invalid');
  check.done();
  const environment = request.state.deployments
    .environmentsOf(project)
    .find((candidate) => candidate.id === Number.parseInt(raw, 10));
  if (!environment) throw recordNotFound();
  const last = request.state.deployments.lastDeployment(environment) ?? null;
  // `except: [:project, { last_deployment: [:environment] }]`: the single environment leaves out
  // its project, and its last deployment leaves out the environment.
  const { project: _project, ...entity } = environmentEntity(request.config, environment, last);
  if (entity.last_deployment) {
    const { environment: _environment, ...deployment } = entity.last_deployment;
    return jsonResponse(200, { ...entity, last_deployment: deployment });
  }
  return jsonResponse(200, entity);
}

/**
 * GET /projects/:id/deployments with DeploymentsFinder's rules: `finished_at` ordering and a
 * `finished_after`/`finished_before` filter must come together, and the filter needs
 * `status=success`; otherwise 400 "400 Bad request - <reason>". Default order: id ascending.
 */
export function listDeployments(request: RestRequest): ApiResponse {
  const project = readProject(request, 'read_deployment');
  const check = new ParamCheck(request.params);
  const { page, perPage } = paginationParams(check);
  const p = request.params;
  const orderBy = p.order_by ?? 'id';
  const sort = p.sort ?? 'asc';
  if (!ORDER_BY.has(orderBy)) check.fail('order_by does not have a valid value');
  if (!SORT.has(sort)) check.fail('sort does not have a valid value');
  if (p.status !== undefined && !STATUSES.has(p.status)) check.fail('status does not have a valid value');
  const dates: Record<string, number | undefined> = {};
  for (const key of ['updated_after', 'updated_before', 'finished_after', 'finished_before']) {
    const value = p[key];
    if (value === undefined) continue;
    const time = Date.parse(value);
    if (Number.isNaN(time)) check.fail(`${key} is invalid`);
    else dates[key] = time;
  }
  check.done();
  const filterUpdated = dates.updated_after !== undefined || dates.updated_before !== undefined;
  const filterFinished = dates.finished_after !== undefined || dates.finished_before !== undefined;
  if (filterUpdated && filterFinished) {
    throw badRequest('Both `updated_at` filter and `finished_at` filter can not be specified');
  }
  if (filterFinished !== (orderBy === 'finished_at')) {
    throw badRequest('`finished_at` filter and `finished_at` sorting must be paired');
  }
  if (filterFinished && p.status !== 'success') {
    throw badRequest('`finished_at` filter must be combined with `success` status filter.');
  }
  // UpdatedAtFilterable: updated_after is `updated_at >= ?`, updated_before `<= ?`; Deployment's own
  // finished_after is `finished_at >= ?`, finished_before `< ?`.
  const between = (
    time: number | undefined,
    after: number | undefined,
    before: number | undefined,
    { beforeInclusive }: { beforeInclusive: boolean },
  ) =>
    (after === undefined || (time !== undefined && time >= after)) &&
    (before === undefined || (time !== undefined && (beforeInclusive ? time <= before : time < before)));
  const deployments = request.state.deployments
    .deploymentsOf(project)
    .filter((deployment) => p.environment === undefined || deployment.environment.name === p.environment)
    .filter((deployment) => p.status === undefined || deployment.status === (p.status as DeploymentStatus))
    .filter((deployment) =>
      between(deployment.updatedAt.getTime(), dates.updated_after, dates.updated_before, {
        beforeInclusive: true,
      }),
    )
    .filter((deployment) =>
      between(deployment.finishedAt?.getTime(), dates.finished_after, dates.finished_before, {
        beforeInclusive: false,
      }),
    );
  const direction = sort === 'desc' ? -1 : 1;
  const key = (deployment: (typeof deployments)[number]): number | string => {
    if (orderBy === 'updated_at') return deployment.updatedAt.getTime();
    if (orderBy === 'finished_at') return deployment.finishedAt?.getTime() ?? 0;
    if (orderBy === 'ref') return deployment.ref;
    return deployment.id; // created_at and iid sort as id (DeploymentsFinder#optimize_sort_params!)
  };
  deployments.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const primary = ka < kb ? -1 : ka > kb ? 1 : 0;
    if (primary !== 0) return primary * direction;
    // updated_at ties break by id desc; the others by id in the requested direction.
    return orderBy === 'updated_at' ? b.id - a.id : (a.id - b.id) * direction;
  });
  const linkParams = { ...grapeParams(request), order_by: orderBy, sort };
  const pageOf = paginateOffset(
    deployments,
    { page, perPage, linkParams, link: linkFor(request) },
    'relation',
  );
  const body = pageOf.items.map((deployment) => deploymentEntity(request.config, deployment));
  return jsonResponse(200, body, pageOf.headers);
}
