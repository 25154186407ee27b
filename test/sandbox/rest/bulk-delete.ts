import { type CleanupParams, runCleanup } from '../cleanup.ts';
import { ApiError, type ApiResponse, jsonResponse } from '../responses.ts';
import { compileUntrustedRegexp } from '../untrusted-regexp.ts';
import {
  authorizeProject,
  findProjectOrFail,
  findProjectRepository,
  type RestRequest,
  repositoryIdParam,
} from './context.ts';
import { ParamCheck } from './params.ts';

/** The exclusive lease `container_repository:cleanup_tags:<id>` lasts an hour and is never released early. */
const LEASE_MS = 60 * 60 * 1000;
const LEASE_TAKEN =
  'This request has already been made. You can run this at most once an hour for a given container repository';

/**
 * DELETE /projects/:id/registry/repositories/:repository_id/tags. Validation runs after the
 * project `before` filter and before the endpoint; the lease is taken only after validation and
 * the Maintainer check, so a 400/403 does not use up the hour. The cleanup itself runs on the
 * next tick, like the Sidekiq job it stands for.
 */
export function bulkDeleteTags(request: RestRequest): ApiResponse {
  const project = findProjectOrFail(request);
  authorizeProject(request, project, 'read_container_image');
  const params = validate(request);
  const repository = findProjectRepository(request, project, params.repositoryId);
  authorizeProject(request, project, 'admin_container_image');

  const { state } = request;
  const now = state.clock();
  const lease = state.cleanupLeases.get(repository.id);
  if (lease && lease > now) throw new ApiError(400, { message: LEASE_TAKEN });
  state.cleanupLeases.set(repository.id, new Date(now.getTime() + LEASE_MS));

  const user = request.auth.user;
  const kind = request.registry.kind;
  if (user) setImmediate(() => runCleanup(state, kind, user, repository, params.cleanup));
  return jsonResponse(202, 202);
}

function validate(request: RestRequest): { repositoryId: number; cleanup: CleanupParams } {
  const check = new ParamCheck(request.params);
  const repositoryId = repositoryIdParam(request, check);
  const { name_regex_delete, name_regex, name_regex_keep, older_than } = request.params;
  for (const [param, value] of [
    ['name_regex_delete', name_regex_delete],
    ['name_regex', name_regex],
  ] as const) {
    if (value !== undefined && !compileUntrustedRegexp(value)) check.fail(`${param} is an invalid regexp`);
  }
  if (name_regex_delete === undefined && name_regex === undefined) {
    check.fail('name_regex, name_regex_delete are missing, at least one parameter must be provided');
  }
  if (name_regex_keep !== undefined && !compileUntrustedRegexp(name_regex_keep)) {
    check.fail('name_regex_keep is an invalid regexp');
  }
  const keepN = check.integer('keep_n');
  check.done();
  return {
    repositoryId,
    cleanup: {
      nameRegexDelete: name_regex_delete,
      nameRegex: name_regex,
      nameRegexKeep: name_regex_keep,
      keepN,
      olderThan: older_than,
    },
  };
}
