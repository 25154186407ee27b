// A repository's tags over GraphQL (personal, project and group tokens): name, digest, times and
// size in one page. GitLab clamps a tag page to 20 but advances the cursor by `first`, silently
// skipping tags when asked for more (ContainerRepositoryDetails.tags max_page_size): never more.

import { GitLabResponseError } from '../errors.ts';
import type { Inventory, ReadStrategy, Repository, Tag, TagOrder } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { graphql, graphqlFailure, repositoryGid } from './graphql.ts';
import { readPasses } from './read-passes.ts';
import type { GraphqlTagFeatures, RegistryFeatures } from './registry-features.ts';
import { parseTime, type TagNode, tagFromNode } from './tag-json.ts';

export const GRAPHQL_TAG_PAGE_SIZE = 20;

/** The tags query for this GitLab's schema: publishedAt only where it exists (asking fails the query). */
function tagsQuery(features: GraphqlTagFeatures): string {
  return `query($id: ContainerRepositoryID!, $after: String, $sort: ContainerRepositoryTagSort) {
  containerRepository(id: $id) {
    tags(first: ${GRAPHQL_TAG_PAGE_SIZE}, after: $after, sort: $sort) {
      pageInfo { hasNextPage endCursor }
      nodes { name digest createdAt${features.publishedAt ? ' publishedAt' : ''} totalSize }
    }
  }
}`;
}

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
  features: GraphqlTagFeatures,
): AsyncGenerator<{ nodes: TagNode[]; more: boolean }> {
  const query = tagsQuery(features);
  let after: string | null = null;
  const action = `list the tags of ${repository.path}`;
  for (let page = 1; ; page++) {
    const answer: { data: TagsPage | null; errors: { message: string }[] } = await graphql<TagsPage>(
      api,
      query,
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
      throw new GitLabResponseError({ kind: 'list-cut-short', action, page });
    }
    const more = connection.pageInfo.hasNextPage && Boolean(connection.pageInfo.endCursor);
    yield { nodes: connection.nodes, more };
    if (!more) return;
    after = connection.pageInfo.endCursor;
  }
}

/**
 * Every tag, by name. Times are publishedAt (the last push) where the registry reports it, else
 * createdAt for every tag: the image's build time on a legacy registry (which reports no
 * publishedAt where the schema has it), or the first push of the name on one with the metadata
 * database (GitLabs before publishedAt: the registry is asked which it is).
 */
export async function readAllTagsGraphql(
  api: GitLabApi,
  repository: Repository,
  registry: RegistryFeatures,
): Promise<Inventory> {
  const features = await registry.graphqlTagFeatures();
  const tags: Tag[] = [];
  const createdTimes: (Date | undefined)[] = [];
  let published = false;
  for await (const { nodes } of graphqlPages(api, repository, 'NAME_ASC', features)) {
    for (const node of nodes) {
      tags.push(tagFromNode(node, 'publishedAt'));
      createdTimes.push(parseTime(node.createdAt));
      if (node.publishedAt) published = true;
    }
  }
  if (tags.length === 0) return { repository, tags, complete: true };
  if (published)
    return { repository, tags, times: { field: 'published_at', meaning: 'last-push' }, complete: true };
  tags.forEach((tag, i) => {
    const created = createdTimes[i];
    if (created) tag.pushedAt = created;
  });
  if (features.publishedAt) registry.learnRegistryKind('legacy');
  const kind = await registry.registryKind(repository);
  return {
    repository,
    tags,
    times: { field: 'created_at', meaning: kind === 'metadata' ? 'first-push' : 'build-time' },
    complete: true,
  };
}

/**
 * The strategy's passes, by push time. Undefined when GitLab cannot sort by push time here (only
 * some registries can: publishedAt missing, or pages out of order): the caller reads everything.
 */
export async function readTagsByTime(
  api: GitLabApi,
  repository: Repository,
  strategy: ReadStrategy,
  registry: RegistryFeatures,
): Promise<Inventory | undefined> {
  const features = await registry.graphqlTagFeatures();
  if (!features.publishedAt || !features.sortByPublishedAt) return undefined;
  return readPasses(
    repository,
    strategy,
    async function* (order) {
      for await (const { nodes } of graphqlPages(api, repository, SORT_OF[order], features))
        yield nodes.map((node) => tagFromNode(node, 'publishedAt'));
    },
    { field: 'published_at', meaning: 'last-push' },
  );
}
