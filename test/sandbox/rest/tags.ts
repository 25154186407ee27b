import { protectedTagMatcher } from '../access.ts';
import { isImageIndex, type Repository } from '../model.ts';
import { MAX_REGISTRY_PAGE_SIZE } from '../registry-pages.ts';
import {
  ApiError,
  type ApiResponse,
  badRequest,
  forbidden,
  jsonResponse,
  methodNotAllowed,
  notFound,
} from '../responses.ts';
import {
  authorizeProject,
  findProjectOrFail,
  findProjectRepository,
  grapeParams,
  linkFor,
  type RestRequest,
  repositoryIdParam,
} from './context.ts';
import { tagDetailsEntity, tagEntity } from './entities.ts';
import { paginateOffset } from './pagination.ts';
import { ParamCheck, paginationParams } from './params.ts';

/** ProjectContainerRepositories::DEFAULT_PAGE_COUNT, the keyset page size when per_page is absent. */
const DEFAULT_KEYSET_PAGE_SIZE = 20;
/** ContainerRepository::MAX_TAGS_PAGES × 100: beyond this Rails raises "too many pages requested". */
const MAX_LISTED_TAGS = 2000 * 100;

/**
 * Project lookup and read permission (the resource's `before` filter), then Grape's param
 * validation (repository_id first, then the route's own params), then the repository.
 */
function readRepository<T>(
  request: RestRequest,
  declare: (check: ParamCheck) => T,
): { repository: Repository; params: T } {
  const project = findProjectOrFail(request);
  authorizeProject(request, project, 'read_container_image');
  const check = new ParamCheck(request.params);
  const repositoryId = repositoryIdParam(request, check);
  const params = declare(check);
  check.done();
  return { repository: findProjectRepository(request, project, repositoryId), params };
}

/**
 * GET /projects/:id/registry/repositories/:repository_id/tags — offset or keyset. A
 * registry error is swallowed: `200 []`, no next page.
 */
export function listTags(request: RestRequest): ApiResponse {
  const { repository, params } = readRepository(request, paginationParams);
  const { page, perPage } = params;
  const { config, registry } = request;

  if (request.params.pagination === 'keyset') {
    if (registry.kind === 'legacy') throw methodNotAllowed();
    const n = Math.min(perPage ?? DEFAULT_KEYSET_PAGE_SIZE, MAX_REGISTRY_PAGE_SIZE);
    const sort = request.params.sort === 'desc' ? '-name' : 'name';
    const result = registry.tagPage(repository, { n, sort, last: request.params.last });
    const headers: Record<string, string> = {};
    if (result?.next !== undefined) {
      // Keyset::HeaderBuilder: the current params merged with the registry's n, last and sort.
      const params = {
        ...grapeParams(request, { page: '1', per_page: String(DEFAULT_KEYSET_PAGE_SIZE) }),
        per_page: String(n),
        last: result.next,
        sort: sort === '-name' ? 'desc' : 'asc',
      };
      headers.Link = `<${linkFor(request)(params)}>; rel="next"`;
    }
    const body = (result?.tags ?? []).map((tag) => tagEntity(config, repository, tag.name));
    return jsonResponse(200, body, headers);
  }

  const names = listedTagNames(request, repository);
  const pageOf = paginateOffset(
    names,
    { page, perPage, linkParams: grapeParams(request), link: linkFor(request) },
    'array',
  );
  return jsonResponse(
    200,
    pageOf.items.map((name) => tagEntity(config, repository, name)),
    pageOf.headers,
  );
}

/** All tag names, as REST lists them; more than MAX_TAGS_PAGES pages is a 500 in Rails. */
export function listedTagNames(request: RestRequest, repository: Repository): readonly string[] {
  const names = request.registry.tagNames(repository);
  if (names.length > MAX_LISTED_TAGS) throw new ApiError(500, { message: '500 Internal Server Error' });
  return names;
}

/** GET …/tags/:tag_name. */
export function tagDetails(request: RestRequest): ApiResponse {
  const { repository } = readRepository(request, () => undefined);
  const { config, registry } = request;
  const tag = registry.lookupTag(repository, request.route.tag_name ?? '');
  // Some GitLab versions fail to read details of multi-arch images although they are listed.
  if (!tag || (config.multiArchDetails404 && isImageIndex(tag.mediaType))) throw notFound('Tag');
  return jsonResponse(200, tagDetailsEntity(config, registry.kind, repository, tag));
}

/** DELETE …/tags/:tag_name, in its three generations. */
export async function deleteTag(request: RestRequest): Promise<ApiResponse> {
  const { repository } = readRepository(request, () => undefined);
  const { state, config, registry } = request;
  const name = request.route.tag_name ?? '';
  const user = request.auth.user;
  authorizeProject(request, repository.project, 'destroy_container_image');

  if (config.deleteGeneration === 'old') {
    // authorize_destroy_container_image! + validate_tag!
    if (!registry.lookupTag(repository, name)) throw notFound('Tag');
  }
  // Newest, metadata registry: `authorize! :destroy_container_image_tag, tag`, where `tag` is nil
  // for an unknown name and authorizing nil fails; then Gitlab::DeleteTagsService
  // #filter_out_protected! (one name, so "all protected"). The third-party service has no filter.
  if (config.deleteGeneration === 'newest' && registry.kind === 'metadata') {
    if (!registry.lookupTag(repository, name)) throw forbidden();
    if (protectedTagMatcher(state, user, repository.project)(name)) {
      throw forbidden('cannot delete protected tag(s)');
    }
  }
  // The registry's 404 for an unknown tag counts as success (BaseClient#delete_if_exists); an error
  // answer leaves nothing deleted: "could not delete tags" → `bad_request!`.
  if (!(await registry.deleteTag(repository, name))) throw badRequest();
  return jsonResponse(200, 200);
}
