import { toQuery } from '../query-string.ts';

/** Kaminari as GitLab configures it (config/initializers/kaminari_config.rb). */
const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 100;
/**
 * Kaminari::ActiveRecordRelationMethodsWithLimit::MAX_COUNT_LIMIT: a relation counting more than
 * this is paginated `without_count` (no X-Total, X-Total-Pages, rel="last"). Arrays
 * (`Kaminari.paginate_array`, e.g. registry tags) are always counted
 * (lib/gitlab/pagination/offset_pagination.rb `paginate_with_limit_optimization`).
 */
const MAX_COUNT_LIMIT = 10_000;

/** Builds the absolute URL of this endpoint with the given query params. */
export type LinkBuilder = (params: Record<string, string>) => string;

export interface OffsetPageRequest {
  page: number | undefined;
  perPage: number | undefined;
  /** What GitLab merges page/per_page into: all Grape params (route params, declared defaults). */
  linkParams: Record<string, string>;
  link: LinkBuilder;
}

/**
 * One page of `items` with the headers of lib/gitlab/pagination/offset_header_builder.rb:
 * X-Next-Page/X-Prev-Page are always present (empty when none), Link is prev, next, first, last.
 */
export function paginateOffset<T>(
  items: readonly T[],
  request: OffsetPageRequest,
  source: 'relation' | 'array',
): { items: T[]; headers: Record<string, string> } {
  const perPage = clampPerPage(request.perPage);
  const page = request.page === undefined || request.page < 1 ? 1 : request.page;
  const start = (page - 1) * perPage;
  const pageItems = items.slice(start, start + perPage);
  const counted = source === 'array' || items.length <= MAX_COUNT_LIMIT;

  let nextPage: number | undefined;
  let prevPage: number | undefined;
  let totalPages = 0;
  if (counted) {
    totalPages = Math.ceil(items.length / perPage);
    if (page < totalPages) nextPage = page + 1;
    if (page > 1 && page <= totalPages) prevPage = page - 1;
  } else {
    if (items.length > start + perPage) nextPage = page + 1;
    if (page > 1 && pageItems.length > 0) prevPage = page - 1;
  }

  const href = (target: number) =>
    request.link({ ...request.linkParams, page: String(target), per_page: String(perPage) });
  const links: string[] = [];
  if (prevPage !== undefined) links.push(`<${href(prevPage)}>; rel="prev"`);
  if (nextPage !== undefined) links.push(`<${href(nextPage)}>; rel="next"`);
  links.push(`<${href(1)}>; rel="first"`);
  if (counted) links.push(`<${href(Math.max(totalPages, 1))}>; rel="last"`);

  const headers: Record<string, string> = {
    'X-Per-Page': String(perPage),
    'X-Page': String(page),
    'X-Next-Page': nextPage === undefined ? '' : String(nextPage),
    'X-Prev-Page': prevPage === undefined ? '' : String(prevPage),
    Link: links.join(', '),
  };
  if (counted) {
    headers['X-Total'] = String(items.length);
    headers['X-Total-Pages'] = String(Math.max(totalPages, 1));
  }
  return { items: pageItems, headers };
}

/** Kaminari `per`: missing or negative → default; above the max → the max (clamped, not rejected). */
function clampPerPage(perPage: number | undefined): number {
  if (perPage === undefined || perPage < 0) return DEFAULT_PER_PAGE;
  return Math.min(perPage, MAX_PER_PAGE);
}

/** GitLab replaces scheme/host/port of the request URL with its configured external URL. */
export function linkBuilder(externalUrl: string, prefix: string, rawPath: string): LinkBuilder {
  return (params) => `${externalUrl}${prefix}${rawPath}?${toQuery(params)}`;
}
