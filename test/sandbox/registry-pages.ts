import type { Tag } from './model.ts';
import type { RegistryKind } from './profile.ts';
import { comparePublished, compareStrings, lowerBound, type TagStore, upperBound } from './tag-store.ts';

/**
 * The container registry's `GET /gitlab/v1/repositories/<path>/tags/list/` as Rails calls it for
 * REST keyset pages and GraphQL tag pages on an API registry (container-registry
 * docs/spec/gitlab/api.md "List Repository Tags"): `n` 1–1000, exclusive `last`/`before` cursors,
 * `name` substring filter, sort by name or published_at (cursor base64("<time>|<name>")).
 */
export type RegistrySort = 'name' | '-name' | 'published_at' | '-published_at';

export interface RegistryTagPageRequest {
  n: number;
  last?: string | undefined;
  before?: string | undefined;
  sort?: RegistrySort | undefined;
  name?: string | undefined;
}

export interface RegistryTagPage {
  tags: Tag[];
  /** The `last` value of the registry's rel="next" link, when there is a next page. */
  next?: string;
  /** The `before` value of the registry's rel="previous" link, when there is a previous page. */
  previous?: string;
}

export const MAX_REGISTRY_PAGE_SIZE = 1000;
/** ContainerRegistry::Client::DEFAULT_TAGS_PAGE_SIZE: Rails reads a legacy registry's tags in one page. */
const LEGACY_TAG_LIST_LIMIT = 10_000;
const TAG_NAME = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
/** The registry's `name` filter pattern; anything else is a 400. */
export const REGISTRY_NAME_FILTER = /^[a-zA-Z0-9._-]{1,128}$/;

/** Returns undefined where the registry answers 400 (Rails then behaves as if the page were empty). */
export function registryTagPage(
  store: TagStore,
  request: RegistryTagPageRequest,
): RegistryTagPage | undefined {
  const { n, last, before, name } = request;
  const sort = request.sort ?? 'name';
  if (!Number.isInteger(n) || n < 1 || n > MAX_REGISTRY_PAGE_SIZE) return undefined;
  if (last !== undefined && before !== undefined) return undefined;
  if (name !== undefined && !REGISTRY_NAME_FILTER.test(name)) return undefined;

  const byPublished = sort === 'published_at' || sort === '-published_at';
  const descending = sort.startsWith('-');
  const cursor = last ?? before;
  let cursorTag: Tag | undefined;
  if (cursor !== undefined) {
    cursorTag = byPublished
      ? decodePublishedCursor(cursor)
      : TAG_NAME.test(cursor)
        ? probe(cursor)
        : undefined;
    if (!cursorTag) return undefined;
  }

  // Positions count in the requested order over an ascending index; [start, end) is the page.
  const order = byPublished ? publishedOrder(store, name) : nameOrder(store, name);
  const total = order.size;
  const at = (position: number) => order.tagAt(descending ? total - 1 - position : position);
  let start = 0;
  let end: number;
  if (cursorTag && last !== undefined) {
    start = descending ? total - order.lowerBound(cursorTag) : order.upperBound(cursorTag);
    end = Math.min(total, start + n);
  } else if (cursorTag) {
    end = descending ? total - order.upperBound(cursorTag) : order.lowerBound(cursorTag);
    start = Math.max(0, end - n);
  } else {
    end = Math.min(total, n);
  }

  const tags: Tag[] = [];
  for (let position = start; position < end; position++) tags.push(at(position));
  const page: RegistryTagPage = { tags };
  const first = tags[0];
  const lastTag = tags[tags.length - 1];
  if (lastTag && end < total) page.next = byPublished ? encodePublishedCursor(lastTag) : lastTag.name;
  if (first && start > 0) page.previous = byPublished ? encodePublishedCursor(first) : first.name;
  return page;
}

export function encodePublishedCursor(tag: Tag): string {
  const micros = `${tag.publishedAt.toISOString().slice(0, 23)}000Z`;
  return Buffer.from(`${micros}|${tag.name}`).toString('base64');
}

function decodePublishedCursor(cursor: string): Tag | undefined {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  const separator = text.indexOf('|');
  if (separator === -1) return undefined;
  const time = new Date(text.slice(0, separator));
  const name = text.slice(separator + 1);
  if (Number.isNaN(time.getTime()) || !TAG_NAME.test(name)) return undefined;
  return { ...probe(name), publishedAt: time };
}

/** A stand-in Tag for binary searches by name. */
function probe(name: string): Tag {
  const epoch = new Date(0);
  return {
    name,
    digest: '',
    configDigest: null,
    mediaType: '',
    sizeBytes: 0,
    createdAt: epoch,
    updatedAt: null,
    publishedAt: epoch,
    configCreatedAt: null,
  };
}

/** An ascending index of a repository's tags with binary search by cursor. */
interface OrderedTags {
  size: number;
  tagAt(index: number): Tag;
  /** How many entries sort before `cursor`. */
  lowerBound(cursor: Tag): number;
  /** How many entries sort before or equal to `cursor`. */
  upperBound(cursor: Tag): number;
}

function nameOrder(store: TagStore, filter: string | undefined): OrderedTags {
  const all = store.names();
  const names = filter === undefined ? all : all.filter((candidate) => candidate.includes(filter));
  return {
    size: names.length,
    tagAt: (index) => store.get(names[index] as string) as Tag,
    lowerBound: (cursor) => lowerBound(names, cursor.name, compareStrings),
    upperBound: (cursor) => upperBound(names, cursor.name, compareStrings),
  };
}

function publishedOrder(store: TagStore, filter: string | undefined): OrderedTags {
  const all = store.byPublished();
  const tags = filter === undefined ? all : all.filter((tag) => tag.name.includes(filter));
  return {
    size: tags.length,
    tagAt: (index) => tags[index] as Tag,
    lowerBound: (cursor) => lowerBound(tags, cursor, comparePublished),
    upperBound: (cursor) => upperBound(tags, cursor, comparePublished),
  };
}

/**
 * The names Rails sees when it reads all tags (ContainerRepository#tags): every page of an API
 * registry, but only the first `/v2/<path>/tags/list?n=10000` page of a legacy one.
 */
export function allTagNames(store: TagStore, kind: RegistryKind): readonly string[] {
  const names = store.names();
  return kind === 'legacy' && names.length > LEGACY_TAG_LIST_LIMIT
    ? names.slice(0, LEGACY_TAG_LIST_LIMIT)
    : names;
}

/** `tags_count`: Rails counts one `/v2/<path>/tags/list?n=10000` page, so counts stop at 10,000. */
export function tagsCount(store: TagStore): number {
  return Math.min(store.size, LEGACY_TAG_LIST_LIMIT);
}
