import type { Repository, Tag } from '../model.ts';
import { MAX_REGISTRY_PAGE_SIZE, type RegistrySort } from '../registry-pages.ts';
import { compareStrings } from '../tag-store.ts';
import { type Connection, type ConnectionArgs, clampPageArgs } from './connection.ts';
import type { GraphqlContext } from './context.ts';
import { decodeCursor, encodeCursor } from './ids.ts';

/** ContainerRepositoryDetails.tags has `max_page_size: 20`. */
export const TAGS_MAX_PAGE_SIZE = 20;

export interface TagsArgs extends ConnectionArgs {
  sort?: 'NAME_ASC' | 'NAME_DESC' | 'PUBLISHED_AT_ASC' | 'PUBLISHED_AT_DESC' | null;
  name?: string | null;
}

const REGISTRY_SORTS: Record<NonNullable<TagsArgs['sort']>, RegistrySort> = {
  NAME_ASC: 'name',
  NAME_DESC: '-name',
  PUBLISHED_AT_ASC: 'published_at',
  PUBLISHED_AT_DESC: '-published_at',
};

/**
 * Resolvers::ContainerRepositoryTagsResolver on an API registry, with
 * ExternallyPaginatedArrayConnection. The registry is asked for n = max(first, last) tags
 * (not clamped to 20, capped at 1000), the connection then returns only the first 20, and the
 * cursors come from the registry's links — so `first: 100` silently skips 80 tags. Without
 * first/last, n is 0, which the registry rejects: the page is empty.
 */
export function apiTagsConnection(
  context: GraphqlContext,
  repository: Repository,
  args: TagsArgs,
  wrap: (tag: Tag) => unknown,
): Connection<unknown> {
  const n = Math.min(Math.max(args.first ?? 0, args.last ?? 0), MAX_REGISTRY_PAGE_SIZE);
  // A failed or refused registry answer is an empty page (`tags_page` gets `{}`).
  const page = context.registry.tagPage(repository, {
    n,
    last: args.after ?? undefined,
    before: args.before ?? undefined,
    sort: args.sort ? REGISTRY_SORTS[args.sort] : undefined,
    name: args.name || undefined,
  });
  const items = page?.tags ?? [];
  const { start, end } = limitNodes(0, items.length, clampPageArgs(args, TAGS_MAX_PAGE_SIZE));
  const edges = edgesOf(items, start, end, wrap);
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage: page?.next !== undefined,
      hasPreviousPage: page?.previous !== undefined,
      startCursor: page?.previous ?? null,
      endCursor: page?.next ?? null,
    },
  };
}

/**
 * The resolver on a legacy registry: all tags (one 10,000-name page), `name` substring filter,
 * optional Ruby sort, then graphql-ruby's ArrayConnection with index cursors. PUBLISHED_AT sorts
 * compare nil with nil (equal in Ruby), so they keep name order (reversed for _DESC).
 */
export function legacyTagsConnection(
  context: GraphqlContext,
  repository: Repository,
  args: TagsArgs,
  wrap: (tag: Tag) => unknown,
): Connection<unknown> {
  const store = context.state.tagStore(repository);
  let items = context.registry
    .tagNames(repository)
    .filter((name) => !args.name || name.includes(args.name))
    .map((name) => store.get(name) as Tag);
  if (args.sort === 'NAME_DESC' || args.sort === 'PUBLISHED_AT_DESC') {
    items = [...items].sort((a, b) => compareStrings(b.name, a.name));
  }

  const { first, last } = clampPageArgs(args, TAGS_MAX_PAGE_SIZE);
  const afterIndex = args.after ? indexFromCursor(args.after) : undefined;
  const beforeIndex = args.before ? indexFromCursor(args.before) : undefined;
  const end = beforeIndex === undefined ? items.length : Math.max(beforeIndex - 1, 0);
  const start = Math.min(afterIndex ?? 0, end);
  const sliced = end - start;
  const page = limitNodes(start, end, { first, last });
  const edges = edgesOf(items, page.start, page.end, wrap);
  const hasPreviousPage = last !== undefined ? sliced > last : (afterIndex ?? 0) > 0;
  const hasNextPage =
    beforeIndex !== undefined ? beforeIndex < items.length + 1 : first !== undefined && sliced > first;
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** `items.first(first)` then `.last(last)`, as index bounds within [start, end). */
function limitNodes(start: number, end: number, limits: { first?: number; last?: number }) {
  let to = end;
  if (limits.first !== undefined) to = Math.min(to, start + limits.first);
  const from = limits.last !== undefined ? Math.max(start, to - limits.last) : start;
  return { start: from, end: to };
}

/** ArrayConnection#cursor_for: the 1-based index in the resolved array, base64-encoded. */
function edgesOf(items: readonly Tag[], start: number, end: number, wrap: (tag: Tag) => unknown) {
  const edges: { cursor: string; node: unknown }[] = [];
  for (let index = start; index < end; index++) {
    edges.push({ cursor: encodeCursor(String(index + 1)), node: wrap(items[index] as Tag) });
  }
  return edges;
}

function indexFromCursor(cursor: string): number {
  const index = Number.parseInt(decodeCursor(cursor), 10);
  return Number.isNaN(index) ? 0 : index;
}
