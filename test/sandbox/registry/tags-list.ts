// GET /gitlab/v1/repositories/<path>/tags/list/ as the registry serves it
// (registry/handlers/repositories.go: filterParamsFromRequest, GetTags, createLinkEntry).
import type { Repository, Tag } from '../model.ts';
import { type RegistrySort, registryTagPage } from '../registry-pages.ts';
import { type ApiResponse, jsonResponse } from '../responses.ts';
import type { SandboxState } from '../state.ts';
import { REGISTRY_HEADERS, registryError } from './errors.ts';

const SORTS: RegistrySort[] = ['-name', 'name', '-published_at', 'published_at'];
/** reference.TagRegexp — unanchored, as the handler matches it. */
const TAG_PATTERN = /[\w][\w.-]{0,127}/;
const TAG_PATTERN_SOURCE = '[\\w][\\w.-]{0,127}';
const NAME_FILTER = /^[a-zA-Z0-9._-]{1,128}$/;
const DEFAULT_PAGE_SIZE = 100;

type Filters = {
  n: number;
  last?: string;
  before?: string;
  name?: string;
  exact?: string;
  sort?: RegistrySort;
};

export function listRegistryTags(
  state: SandboxState,
  repository: Repository | undefined,
  path: string,
  rawPath: string,
  query: URLSearchParams,
): ApiResponse {
  const filters = parseFilters(query);
  if ('error' in filters) return filters.error;
  if (!repository) return registryError('NAME_UNKNOWN', { name: path });

  let tags: Tag[];
  let next: string | undefined;
  let previous: string | undefined;
  if (filters.exact !== undefined) {
    // An exact-name match returns one tag or none, and never a Link.
    const tag = state.findTag(repository, filters.exact);
    tags = tag ? [tag] : [];
  } else {
    const page = registryTagPage(state.tagStore(repository), {
      n: filters.n,
      last: filters.last,
      before: filters.before,
      sort: filters.sort,
      name: filters.name,
    });
    if (!page) return registryError('INVALID_QUERY_PARAMETER_VALUE', 'the pagination marker is invalid');
    ({ tags, next, previous } = page);
  }
  const links: string[] = [];
  if (previous !== undefined) links.push(link(rawPath, filters, 'before', previous, 'previous'));
  if (next !== undefined) links.push(link(rawPath, filters, 'last', next, 'next'));
  const headers: Record<string, string> = { ...REGISTRY_HEADERS };
  if (links.length > 0) headers.Link = links.join(', ');
  return jsonResponse(200, tags.map(tagJson), headers);
}

/** RepositoryTagResponse: `omitempty` drops config_digest and updated_at when unset. */
function tagJson(tag: Tag) {
  return {
    name: tag.name,
    digest: tag.digest,
    ...(tag.configDigest ? { config_digest: tag.configDigest } : {}),
    media_type: tag.mediaType,
    size_bytes: tag.sizeBytes,
    created_at: tag.createdAt.toISOString(),
    ...(tag.updatedAt ? { updated_at: tag.updatedAt.toISOString() } : {}),
    published_at: tag.publishedAt.toISOString(),
  };
}

/**
 * generateLink: the request's path (relative: no scheme or host) with n, the marker, name and sort
 * (sort only when the request named one), keys in Go's sorted order.
 */
function link(
  rawPath: string,
  filters: Filters,
  marker: 'last' | 'before',
  value: string,
  rel: string,
): string {
  const params: [string, string][] = [
    [marker, value],
    ['n', String(filters.n)],
  ];
  if (filters.name !== undefined) params.push(['name', filters.name]);
  if (filters.sort !== undefined) params.push(['sort', filters.sort]);
  params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `<${rawPath}?${new URLSearchParams(params).toString()}>; rel="${rel}"`;
}

function parseFilters(query: URLSearchParams): Filters | { error: ApiResponse } {
  const fail = (code: 'INVALID_QUERY_PARAMETER_VALUE' | 'INVALID_QUERY_PARAMETER_TYPE', detail: string) => ({
    error: registryError(code, detail),
  });
  let n = DEFAULT_PAGE_SIZE;
  if (query.has('n')) {
    const raw = query.get('n') ?? '';
    if (!/^[+-]?\d+$/.test(raw))
      return fail('INVALID_QUERY_PARAMETER_TYPE', "the 'n' query parameter value type must be one of: int");
    n = Number.parseInt(raw, 10);
    if (n < 1 || n > 1000)
      return fail(
        'INVALID_QUERY_PARAMETER_VALUE',
        "the 'n' query parameter value must be between 1 and 1000",
      );
  }
  if (query.has('last') && query.has('before')) {
    return fail('INVALID_QUERY_PARAMETER_VALUE', 'keys: [last before] are mutually exclusive');
  }
  const filters: Filters = { n };
  for (const marker of ['last', 'before'] as const) {
    const value = query.get(marker);
    if (value === null) continue;
    if (!TAG_PATTERN.test(markerName(value))) {
      return fail(
        'INVALID_QUERY_PARAMETER_VALUE',
        `the '${marker}' query parameter value must match the pattern '${TAG_PATTERN_SOURCE}'`,
      );
    }
    filters[marker] = value;
  }
  if (query.has('name') && query.has('name_exact')) {
    return fail('INVALID_QUERY_PARAMETER_VALUE', 'keys: [name name_exact] are mutually exclusive');
  }
  const name = query.get('name') ?? '';
  if (name !== '') {
    if (!NAME_FILTER.test(name)) {
      return fail(
        'INVALID_QUERY_PARAMETER_VALUE',
        "the 'name' query parameter value must match the pattern '^[a-zA-Z0-9._-]{1,128}$'",
      );
    }
    filters.name = name;
  }
  const exact = query.get('name_exact') ?? '';
  if (exact !== '') {
    if (!TAG_PATTERN.test(exact)) {
      return fail(
        'INVALID_QUERY_PARAMETER_VALUE',
        `the 'name_exact' query parameter value must match the pattern '${TAG_PATTERN_SOURCE}'`,
      );
    }
    filters.exact = exact;
  }
  const sort = (query.get('sort') ?? '').trim().toLowerCase();
  if (sort !== '') {
    if (!SORTS.includes(sort as RegistrySort)) {
      return fail(
        'INVALID_QUERY_PARAMETER_VALUE',
        `the 'sort' query parameter must be set to one of: ${SORTS.join(', ')}`,
      );
    }
    filters.sort = sort as RegistrySort;
  }
  return filters;
}

/** A published_at marker is base64("<time>|<name>"); the pattern applies to the name in it. */
function markerName(value: string): string {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const separator = decoded.indexOf('|');
  if (
    separator !== -1 &&
    /^\d{1,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(decoded.slice(0, separator))
  ) {
    return decoded.slice(separator + 1);
  }
  return value;
}
