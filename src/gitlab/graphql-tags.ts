// A repository's tags over GraphQL (personal, project and group tokens): name, digest, times and
// size in one page. GitLab clamps a tag page to 20 but advances the cursor by `first`, silently
// skipping tags when asked for more (ContainerRepositoryDetails.tags max_page_size): never more.

import { GitLabResponseError } from '../errors.ts';
import type { Inventory, ReadStrategy, Repository, Tag, TagOrder } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { graphql, graphqlFailure, repositoryGid } from './graphql.ts';
import { readPasses } from './read-passes.ts';
import { parseTime, type TagNode, tagFromNode } from './tag-json.ts';

export const GRAPHQL_TAG_PAGE_SIZE = 20;

const TAGS_QUERY = `query($id: ContainerRepositoryID!, $after: String, $sort: ContainerRepositoryTagSort) {
  containerRepository(id: $id) {
    tags(first: ${GRAPHQL_TAG_PAGE_SIZE}, after: $after, sort: $sort) {
      pageInfo { hasNextPage endCursor }
      nodes { name digest createdAt publishedAt totalSize }
    }
  }
}`;

type TagSort = 'NAME_ASC' | 'PUBLISHED_AT_ASC' | 'PUBLISHED_AT_DESC';
const SORT_OF: Record<TagOrder, TagSort> = {
  name: 'NAME_ASC',
  'newest-first': 'PUBLISHED_AT_DESC',
  'oldest-first': 'PUBLISHED_AT_ASC',
};

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

/**
 * Every tag, by name. Times are publishedAt (the last push) where the registry reports it, else
 * createdAt for every tag (registries without publishedAt report none).
 */
export async function readAllTagsGraphql(api: GitLabApi, repository: Repository): Promise<Inventory> {
  const tags: Tag[] = [];
  const createdTimes: (Date | undefined)[] = [];
  let published = false;
  for await (const nodes of graphqlPages(api, repository, 'NAME_ASC')) {
    for (const node of nodes) {
      tags.push(tagFromNode(node, 'publishedAt'));
      createdTimes.push(parseTime(node.createdAt));
      if (node.publishedAt) published = true;
    }
  }
  if (!published) {
    tags.forEach((tag, i) => {
      const created = createdTimes[i];
      if (created) tag.pushedAt = created;
    });
  }
  const anyTime = tags.some((tag) => tag.pushedAt);
  return {
    repository,
    tags,
    ...(anyTime
      ? {
          times: published
            ? { field: 'published_at' as const, meaning: 'last-push' as const }
            : { field: 'created_at' as const, meaning: 'first-push' as const },
        }
      : {}),
    complete: true,
  };
}

/**
 * The strategy's passes, by push time. Undefined when GitLab cannot sort by push time here (only
 * some registries can: publishedAt missing, or pages out of order): the caller reads everything.
 */
export function readTagsByTime(
  api: GitLabApi,
  repository: Repository,
  strategy: ReadStrategy,
): Promise<Inventory | undefined> {
  return readPasses(
    repository,
    strategy,
    async function* (order) {
      for await (const nodes of graphqlPages(api, repository, SORT_OF[order]))
        yield nodes.map((node) => tagFromNode(node, 'publishedAt'));
    },
    { field: 'published_at', meaning: 'last-push' },
  );
}
