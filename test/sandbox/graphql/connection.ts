import { decodeCursor, encodeCursor } from './ids.ts';

/** GitlabSchema `default_max_page_size`. */
export const DEFAULT_MAX_PAGE_SIZE = 100;

export interface ConnectionArgs {
  after?: string | null;
  before?: string | null;
  first?: number | null;
  last?: number | null;
}

export interface Connection<T> {
  count?: number;
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

/**
 * graphql-ruby's page-size rule (GraphQL::Pagination::Connection#first/#last): negative → 0, above
 * max_page_size → max_page_size silently, and with neither given `first` is max_page_size.
 */
export function clampPageArgs(args: ConnectionArgs, maxPageSize: number): { first?: number; last?: number } {
  const limit = (value: number) => Math.min(Math.max(value, 0), maxPageSize);
  const last = args.last == null ? undefined : limit(args.last);
  const first = args.first == null ? (last === undefined ? maxPageSize : undefined) : limit(args.first);
  return { ...(first === undefined ? {} : { first }), ...(last === undefined ? {} : { last }) };
}

/**
 * A connection over a list GitLab keeps in the database (repositories, projects), already
 * filtered and sorted. Cursors are opaque (base64 JSON of the record id, like GitLab's keyset
 * cursors); an unknown cursor starts from the beginning.
 */
export function recordConnection<T>(
  items: readonly T[],
  idOf: (item: T) => number,
  args: ConnectionArgs,
  maxPageSize: number,
  wrap: (item: T) => unknown,
): Connection<unknown> {
  const { first, last } = clampPageArgs(args, maxPageSize);
  const positionOf = (cursor: string | null | undefined) => {
    const id = cursor ? cursorId(cursor) : undefined;
    const index = id === undefined ? -1 : items.findIndex((item) => idOf(item) === id);
    return index === -1 ? undefined : index;
  };
  const afterIndex = positionOf(args.after);
  const beforeIndex = positionOf(args.before);
  let start = afterIndex === undefined ? 0 : afterIndex + 1;
  let end = beforeIndex === undefined ? items.length : beforeIndex;
  if (first !== undefined) end = Math.min(end, start + first);
  if (last !== undefined) start = Math.max(start, end - last);
  const page = items.slice(start, end);
  const cursorOf = (item: T) => encodeCursor(JSON.stringify({ id: String(idOf(item)) }));
  const edges = page.map((item) => ({ cursor: cursorOf(item), node: wrap(item) }));
  const firstItem = page[0];
  const lastItem = page[page.length - 1];
  return {
    count: items.length,
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage: end < (beforeIndex ?? items.length),
      hasPreviousPage: start > (afterIndex === undefined ? 0 : afterIndex + 1),
      startCursor: firstItem === undefined ? null : cursorOf(firstItem),
      endCursor: lastItem === undefined ? null : cursorOf(lastItem),
    },
  };
}

function cursorId(cursor: string): number | undefined {
  try {
    const id = Number((JSON.parse(decodeCursor(cursor)) as { id?: unknown }).id);
    return Number.isInteger(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
