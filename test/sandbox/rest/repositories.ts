import { canOnProject, canReadGroupContainerImages } from '../access.ts';
import { groupContains, type Repository } from '../model.ts';
import { type ApiResponse, forbidden, jsonResponse, recordNotFound, unauthorized } from '../responses.ts';
import {
  authorizeProject,
  findProjectOrFail,
  findProjectRepository,
  grapeParams,
  linkFor,
  type RestRequest,
  repositoryIdParam,
} from './context.ts';
import { type RepositoryEntityExtras, repositoryEntity } from './entities.ts';
import { findGroupOrFail } from './groups.ts';
import { paginateOffset } from './pagination.ts';
import { ParamCheck, paginationParams } from './params.ts';
import { listedTagNames } from './tags.ts';

/** GET /projects/:id/registry/repositories: ordered by id, optional tags and tags_count. */
export function listRepositories(request: RestRequest): ApiResponse {
  const project = findProjectOrFail(request);
  authorizeProject(request, project, 'read_container_image');
  const check = new ParamCheck(request.params);
  const { page, perPage } = paginationParams(check);
  const withTags = check.boolean('tags', false);
  const withCount = check.boolean('tags_count', false);
  check.done();
  // Grape writes coerced values and declared defaults into params, so links carry them.
  const linkParams = { ...grapeParams(request), tags: String(withTags), tags_count: String(withCount) };
  const pageOf = paginateOffset(
    request.state.repositories(project),
    { page, perPage, linkParams, link: linkFor(request) },
    'relation',
  );
  const body = pageOf.items.map((repository) =>
    repositoryEntity(request.config, repository, extrasFor(request, repository, withTags, withCount)),
  );
  return jsonResponse(200, body, pageOf.headers);
}

/** GET /groups/:id/registry/repositories: the group and all subgroups; no job token. */
export function listGroupRepositories(request: RestRequest): ApiResponse {
  const group = findGroupOrFail(request);
  if (!canReadGroupContainerImages(request.state, request.auth.user, group)) throw forbidden();
  const check = new ParamCheck(request.params);
  const { page, perPage } = paginationParams(check);
  check.done();
  const repositories = request.state
    .repositories()
    .filter((repository) => groupContains(group, repository.project.namespace));
  const pageOf = paginateOffset(
    repositories,
    { page, perPage, linkParams: grapeParams(request), link: linkFor(request) },
    'relation',
  );
  return jsonResponse(
    200,
    pageOf.items.map((repository) => repositoryEntity(request.config, repository)),
    pageOf.headers,
  );
}

/** GET /registry/repositories/:id: `authenticate!` first, so anonymous gets 401. */
export function getRepository(request: RestRequest): ApiResponse {
  const user = request.auth.user;
  if (!user) throw unauthorized();
  const check = new ParamCheck(request.params);
  const withTags = check.boolean('tags', false);
  const withCount = check.boolean('tags_count', false);
  const withSize = check.boolean('size', false);
  check.done();
  const repository = request.state.findRepository(Number(request.route.id));
  if (!repository) throw recordNotFound();
  if (!canOnProject(request.state, user, 'read_container_image', repository.project)) throw forbidden();
  const extras = extrasFor(request, repository, withTags, withCount);
  const { config } = request;
  if (canOnProject(request.state, user, 'admin_container_image', repository.project)) {
    extras.deleteApiPath = `${config.externalUrl}${config.prefix}/api/v4/projects/${repository.project.id}/registry/repositories/${repository.id}`;
  }
  if (withSize) {
    extras.size = request.registry.detailsAvailable(repository)
      ? request.state.tagStore(repository).deduplicatedSize()
      : null;
  }
  return jsonResponse(200, repositoryEntity(config, repository, extras));
}

/** DELETE /projects/:id/registry/repositories/:repository_id: Maintainer, 202, scheduled. */
export function deleteRepository(request: RestRequest): ApiResponse {
  const project = findProjectOrFail(request);
  authorizeProject(request, project, 'read_container_image');
  const check = new ParamCheck(request.params);
  const repositoryId = repositoryIdParam(request, check);
  check.done();
  const repository = findProjectRepository(request, project, repositoryId);
  authorizeProject(request, project, 'admin_container_image');
  repository.status = 'delete_scheduled';
  return jsonResponse(202, 202);
}

function extrasFor(
  request: RestRequest,
  repository: Repository,
  withTags: boolean,
  withCount: boolean,
): RepositoryEntityExtras {
  const extras: RepositoryEntityExtras = {};
  // tags_count comes from the registry's `/v2/` tag list, even on a metadata registry.
  if (withCount) extras.tagsCount = request.registry.tagsCount(repository);
  if (withTags) extras.tagNames = listedTagNames(request, repository);
  return extras;
}
