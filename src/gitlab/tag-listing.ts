// Reading a repository's tags: names, push times, digests, sizes.
//
// - Personal/project/group tokens: GraphQL, which returns name, digest, publishedAt and size in
//   one page. GitLab clamps the page to 20 tags but advances the cursor by `first`, silently
//   skipping tags when asked for more (../shared/gitlab-api.md §6.4): never ask for more than 20.
// - CI job tokens (REST only): names from keyset pages of up to 1,000, then one details request
//   for each tag that still needs a date after the name rules (created_at: first push on GitLab's
//   registry, image build time on legacy registries).

import { mapConcurrent } from '../concurrency.ts';
import { GitLabResponseError } from '../errors.ts';
import type { Repository, Tag } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { graphql, graphqlFailure, repositoryGid } from './graphql.ts';
import { allPages, MAX_OFFSET_PAGE_SIZE, pages } from './pagination.ts';
import { getTagDetails, tagsPath } from './tags.ts';

export const GRAPHQL_TAG_PAGE_SIZE = 20; // ContainerRepositoryDetails.tags max_page_size
export const MAX_KEYSET_PAGE_SIZE = 1000; // the registry's `n` limit, passed through by REST keyset

const TAGS_QUERY = `query($id: ContainerRepositoryID!, $after: String, $sort: ContainerRepositoryTagSort) {
  containerRepository(id: $id) {
    tags(first: ${GRAPHQL_TAG_PAGE_SIZE}, after: $after, sort: $sort) {
      pageInfo { hasNextPage endCursor }
      nodes { name digest createdAt publishedAt totalSize }
    }
  }
}`;

type TagSort = 'NAME_ASC' | 'PUBLISHED_AT_ASC' | 'PUBLISHED_AT_DESC';

interface TagNode {
  name: string;
  digest: string | null;
  createdAt: string | null;
  publishedAt: string | null;
  totalSize: string | number | null;
}

interface TagsPage {
  containerRepository: {
    tags: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: TagNode[] } | null;
  } | null;
}

async function* graphqlPages(
  api: GitLabApi,
  repository: Repository,
  sort: TagSort,
): AsyncGenerator<TagNode[]> {
  let after: string | null = null;
  const action = `list the tags of ${repository.path}`;
  for (let page = 1; ; page++) {
    const answer: { data: TagsPage | null; errors: { message: string }[] } = await graphql<TagsPage>(
      api,
      TAGS_QUERY,
      { id: repositoryGid(repository.id), after, sort },
      'graphqlTags',
      action,
    );
    // A page with errors (the registry unreachable, say) is not a short list: fail, never guess.
    if (answer.errors.length > 0) throw graphqlFailure(action, answer.errors[0]?.message ?? 'unknown error');
    const connection = answer.data?.containerRepository?.tags;
    if (!connection) {
      // On the first page: the repository was deleted since it was listed. Later: a list cut short.
      if (page === 1) return;
      throw new GitLabResponseError(
        `GitLab's GraphQL API stopped listing the tags of ${repository.path} at page ${page} (was the repository deleted meanwhile?); run again`,
        200,
      );
    }
    yield connection.nodes;
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) return;
    after = connection.pageInfo.endCursor;
  }
}

export async function listTagsGraphql(api: GitLabApi, repository: Repository): Promise<Tag[]> {
  const tags: Tag[] = [];
  for await (const nodes of graphqlPages(api, repository, 'NAME_ASC'))
    for (const node of nodes) tags.push(fromNode(node));
  return tags;
}

export interface AgeWindow {
  /** tags pushed at or after this are kept by --older-than whatever else holds */
  cutoff: Date;
  keepLatest?: number;
  /** whether a name counts towards --keep-latest (the name rules leave it open) */
  isEligible: (name: string) => boolean;
}

/**
 * Reads only the tags that can be deleted or that --keep-latest keeps: newest first until
 * `keepLatest` eligible tags are seen, then oldest first up to the cut-off. Every tag not read
 * is younger than the cut-off, so it is kept whatever its rank. The cost follows the tags to
 * delete, not the size of the repository.
 * Undefined when GitLab cannot sort by push time here (only some registries can: publishedAt
 * missing or pages out of order), and the caller reads everything instead.
 */
export async function listTagsByAge(
  api: GitLabApi,
  repository: Repository,
  window: AgeWindow,
): Promise<{ tags: Tag[]; allRead: boolean } | undefined> {
  const read = new Map<string, Tag>();
  // The oldest push time the newest-first pass read: every tag after it was read then; tags at
  // exactly that time may not all have been (the pass stopped among equals).
  let newestPassReachedMs = Number.POSITIVE_INFINITY;
  if (window.keepLatest) {
    let eligible = 0;
    newest: for await (const nodes of graphqlPages(api, repository, 'PUBLISHED_AT_DESC')) {
      for (const node of nodes) {
        const tag = fromNode(node);
        const time = publishedTime(tag);
        if (time === undefined || time > newestPassReachedMs) return undefined;
        newestPassReachedMs = time;
        read.set(tag.name, tag);
        if (window.isEligible(tag.name) && ++eligible >= window.keepLatest) break newest;
      }
    }
  }
  let previous = Number.NEGATIVE_INFINITY;
  for await (const nodes of graphqlPages(api, repository, 'PUBLISHED_AT_ASC')) {
    for (const node of nodes) {
      const tag = fromNode(node);
      const time = publishedTime(tag);
      if (time === undefined || time < previous) return undefined;
      previous = time;
      // Reaching the cut-off, or the part the newest-first pass read, covers everything.
      if (time >= window.cutoff.getTime()) return { tags: [...read.values()], allRead: false };
      if (time > newestPassReachedMs) return { tags: [...read.values()], allRead: true };
      read.set(tag.name, tag);
    }
  }
  return { tags: [...read.values()], allRead: true };
}

function publishedTime(tag: Tag): number | undefined {
  return tag.pushedAtSource === 'published_at' ? tag.pushedAt?.getTime() : undefined;
}

function fromNode(node: TagNode): Tag {
  const published = parseTime(node.publishedAt);
  const created = parseTime(node.createdAt);
  const pushedAt = published ?? created;
  const size = node.totalSize === null || node.totalSize === undefined ? undefined : Number(node.totalSize);
  return {
    name: node.name,
    ...(node.digest ? { digest: node.digest } : {}),
    ...(pushedAt
      ? { pushedAt, pushedAtSource: published ? ('published_at' as const) : ('created_at' as const) }
      : {}),
    ...(size !== undefined && Number.isFinite(size) ? { sizeBytes: size } : {}),
  };
}

function parseTime(text: string | null): Date | undefined {
  if (!text) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Every tag name, keyset pages of 1,000 where GitLab offers them, else offset pages of 100. */
export async function listTagNames(api: GitLabApi, repository: Repository): Promise<string[]> {
  const base = tagsPath(repository);
  const what = { label: 'listTags', action: `list the tags of ${repository.path}` };
  const keyset = api.url(base, { pagination: 'keyset', per_page: MAX_KEYSET_PAGE_SIZE });
  const names: string[] = [];
  try {
    // A GitLab without keyset for tags answers offset pages (X-Next-Page), which pages() follows too.
    for await (const page of pages(api, keyset, what)) for (const item of page) names.push(nameOf(item));
    return names;
  } catch (error) {
    // Legacy registries answer 405 to keyset pagination.
    if (!(error instanceof GitLabResponseError && error.status === 405)) throw error;
  }
  return (await allPages(api, api.url(base, { per_page: MAX_OFFSET_PAGE_SIZE }), what)).map(nameOf);
}

function nameOf(item: unknown): string {
  return String((item as { name?: unknown })?.name);
}

/** Names in, tags out: details (push time, digest, size) only for the names that need them. */
export async function listTagsRest(
  api: GitLabApi,
  repository: Repository,
  needsDetails: (name: string) => boolean,
  concurrency: number,
): Promise<Tag[]> {
  const names = await listTagNames(api, repository);
  return mapConcurrent(names, concurrency, async (name) => {
    if (!needsDetails(name)) return { name };
    // 404 here is not "absent": some GitLab versions cannot show multi-arch tags. Unknown age then.
    return (await getTagDetails(api, repository, name)) ?? { name };
  });
}

export interface TagRead {
  tags: Tag[];
  /** false when tags younger than the age cut-off were left unread (they are kept) */
  allRead: boolean;
}

/**
 * The cheapest read that decides every tag, for this token: with a job token, REST names plus
 * details for the names `needsDetails` selects; otherwise GraphQL, by push time when an age
 * cut-off allows it, else every page.
 */
export async function readTags(
  api: GitLabApi,
  repository: Repository,
  options: { needsDetails: (name: string) => boolean; ageWindow?: AgeWindow; concurrency: number },
): Promise<TagRead> {
  if (api.credential.kind === 'job') {
    return {
      tags: await listTagsRest(api, repository, options.needsDetails, options.concurrency),
      allRead: true,
    };
  }
  if (options.ageWindow) {
    try {
      const byAge = await listTagsByAge(api, repository, options.ageWindow);
      if (byAge) return byAge;
    } catch (error) {
      // Sorting by push time is refused by GitLabs without it: read by name instead (which fails
      // too if the trouble was not the sort). Credentials and outages are not worth a second try.
      if (!(error instanceof GitLabResponseError)) throw error;
    }
  }
  return { tags: await listTagsGraphql(api, repository), allRead: true };
}
