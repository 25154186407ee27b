import { projectPermissions } from '../access.ts';
import type { MergeRequestState } from '../model.ts';
import { type ApiResponse, jsonResponse } from '../responses.ts';
import { authorizeProject, findProjectOrFail, grapeParams, linkFor, type RestRequest } from './context.ts';
import { branchEntity, mergeRequestEntity, projectDetailsEntity, projectEntity } from './entities.ts';
import { paginateOffset } from './pagination.ts';
import { ParamCheck, paginationParams } from './params.ts';

/**
 * GET /projects/:id — not a job-token route: a CI_JOB_TOKEN alone is anonymous here, and an
 * anonymous request gets Entities::ProjectDetails (no cleanup policy, no permissions) where a
 * signed-in one gets Entities::ProjectWithAccess (lib/api/projects.rb).
 */
export function getProject(request: RestRequest): ApiResponse {
  const project = findProjectOrFail(request);
  const { user } = request.auth;
  if (!user) return jsonResponse(200, projectDetailsEntity(request.config, project));
  const { state } = request;
  return jsonResponse(
    200,
    projectEntity(
      request.config,
      project,
      projectPermissions(state, user, project),
      state.cleanupPolicies.get(project),
    ),
  );
}

/** GET /projects/:id/repository/branches — name order; `search` with optional ^/$ anchors. */
export function listBranches(request: RestRequest): ApiResponse {
  const project = findProjectOrFail(request);
  authorizeProject(request, project, 'read_code');
  const check = new ParamCheck(request.params);
  const { page, perPage } = paginationParams(check);
  check.done();
  const matches = searchMatcher(request.params.search);
  const mergedSources = new Set(
    request.state
      .mergeRequestsOf(project)
      .filter((mergeRequest) => mergeRequest.state === 'merged')
      .map((mergeRequest) => mergeRequest.sourceBranch),
  );
  const branches = request.state
    .branchesOf(project)
    .filter((branch) => matches(branch.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const pageOf = paginateOffset(
    branches,
    { page, perPage, linkParams: grapeParams(request), link: linkFor(request) },
    'array',
  );
  const body = pageOf.items.map((branch) =>
    branchEntity(request.config, project, branch, mergedSources.has(branch.name)),
  );
  return jsonResponse(200, body, pageOf.headers);
}

const MERGE_REQUEST_STATES = new Set(['opened', 'closed', 'merged', 'locked', 'all']);

/** GET /projects/:id/merge_requests — `state` (default all), `source_branch`, `target_branch`; newest first. */
export function listMergeRequests(request: RestRequest): ApiResponse {
  const project = findProjectOrFail(request);
  authorizeProject(request, project, 'read_merge_request');
  const check = new ParamCheck(request.params);
  const { page, perPage } = paginationParams(check);
  const state = request.params.state ?? 'all';
  if (!MERGE_REQUEST_STATES.has(state)) check.fail('state does not have a valid value');
  check.done();
  const { source_branch: sourceBranch, target_branch: targetBranch } = request.params;
  const mergeRequests = request.state
    .mergeRequestsOf(project)
    .filter((mergeRequest) => state === 'all' || mergeRequest.state === (state as MergeRequestState))
    .filter((mergeRequest) => sourceBranch === undefined || mergeRequest.sourceBranch === sourceBranch)
    .filter((mergeRequest) => targetBranch === undefined || mergeRequest.targetBranch === targetBranch)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id);
  const pageOf = paginateOffset(
    mergeRequests,
    { page, perPage, linkParams: grapeParams(request), link: linkFor(request) },
    'relation',
  );
  return jsonResponse(
    200,
    pageOf.items.map((mergeRequest) => mergeRequestEntity(request.config, mergeRequest)),
    pageOf.headers,
  );
}

/** The branches API's search: substring, or prefix/suffix with a leading ^ / trailing $. */
function searchMatcher(search: string | undefined): (name: string) => boolean {
  if (!search) return () => true;
  const anchoredStart = search.startsWith('^');
  const anchoredEnd = search.endsWith('$');
  const needle = search.slice(anchoredStart ? 1 : 0, anchoredEnd ? -1 : undefined).toLowerCase();
  return (name) => {
    const lower = name.toLowerCase();
    if (anchoredStart && anchoredEnd) return lower === needle;
    if (anchoredStart) return lower.startsWith(needle);
    if (anchoredEnd) return lower.endsWith(needle);
    return lower.includes(needle);
  };
}
