// A repository's tags over REST (the only way for a CI job token): names from keyset pages of up
// to 1,000, then one details request for each tag whose time the strategy needs (created_at: the
// first push of the name on GitLab's registry, the image's build time on legacy registries).

import { mapConcurrent } from '../concurrency.ts';
import { GitLabResponseError } from '../errors.ts';
import type { Inventory, ReadStrategy, Repository } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { allPages, MAX_OFFSET_PAGE_SIZE, pages } from './pagination.ts';
import { tagNameOf } from './tag-json.ts';
import { getTagDetails, tagsPath } from './tags.ts';

export const MAX_KEYSET_PAGE_SIZE = 1000; // the registry's `n` limit, passed through by REST keyset

/** Every tag name, keyset pages of 1,000 where GitLab offers them, else offset pages of 100. */
export async function listTagNames(api: GitLabApi, repository: Repository): Promise<string[]> {
  const base = tagsPath(repository);
  const what = { label: 'listTags', action: `list the tags of ${repository.path}` };
  const keyset = api.url(base, { pagination: 'keyset', per_page: MAX_KEYSET_PAGE_SIZE });
  const names: string[] = [];
  try {
    // A GitLab without keyset for tags answers offset pages (X-Next-Page), which pages() follows too.
    for await (const page of pages(api, keyset, what)) for (const item of page) names.push(tagNameOf(item));
    return names;
  } catch (error) {
    // Legacy registries answer 405 to keyset pagination.
    if (!(error instanceof GitLabResponseError && error.status === 405)) throw error;
  }
  return (await allPages(api, api.url(base, { per_page: MAX_OFFSET_PAGE_SIZE }), what)).map(tagNameOf);
}

/** Names in, tags out: details (time, digest, size) only for the names the strategy needs a time for. */
export async function readTagsRest(
  api: GitLabApi,
  repository: Repository,
  strategy: ReadStrategy,
  concurrency: number,
): Promise<Inventory> {
  const names = await listTagNames(api, repository);
  const tags = await mapConcurrent(names, concurrency, async (name) => {
    if (!strategy.needsTime(name)) return { name };
    // 404 here is not "absent": some GitLab versions cannot show multi-arch tags. Unknown age then.
    return (await getTagDetails(api, repository, name)) ?? { name };
  });
  const anyTime = tags.some((tag) => tag.pushedAt);
  return {
    repository,
    tags,
    ...(anyTime ? { times: { field: 'created_at' as const, meaning: 'first-push' as const } } : {}),
    complete: true,
  };
}
