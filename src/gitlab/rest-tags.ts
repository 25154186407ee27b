// A repository's tags over REST (the only way for a CI job token): names from keyset pages of up
// to 1,000, then one details request for each tag whose time the strategy needs. The time is
// created_at: the first push of the name on a registry with the metadata database, the image's
// build time on a legacy one — which the listing tells apart (legacy registries refuse keyset).

import { mapConcurrent } from '../concurrency.ts';
import { GitLabResponseError } from '../errors.ts';
import type { AgeSource, Inventory, ReadStrategy, Repository } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { allPages, MAX_OFFSET_PAGE_SIZE, nextPage, pages, readPage } from './pagination.ts';
import type { RegistryKind } from './registry-features.ts';
import { tagNameOf } from './tag-json.ts';
import { getTagDetails, tagsPath } from './tags.ts';

export const MAX_KEYSET_PAGE_SIZE = 1000; // the registry's `n` limit, passed through by REST keyset

/**
 * Every tag name: keyset pages of 1,000 where GitLab offers them, else offset pages of 100; and
 * what the listing showed of the registry. A GitLab that ignores keyset pagination answers offset
 * pages, which cannot tell the kinds apart: that counts as legacy, whose times must be accepted.
 */
export async function listTagNames(
  api: GitLabApi,
  repository: Repository,
): Promise<{ names: string[]; registry: RegistryKind }> {
  const base = tagsPath(repository);
  const what = { label: 'listTags', action: `list the tags of ${repository.path}` };
  const keyset = api.url(base, { pagination: 'keyset', per_page: MAX_KEYSET_PAGE_SIZE });
  let first: Awaited<ReturnType<typeof readPage>>;
  try {
    first = await readPage(api, keyset, what);
  } catch (error) {
    if (!(error instanceof GitLabResponseError && error.status === 405)) throw error;
    const names = (await allPages(api, api.url(base, { per_page: MAX_OFFSET_PAGE_SIZE }), what)).map(
      tagNameOf,
    );
    return { names, registry: 'legacy' };
  }
  const names = first.items.map(tagNameOf);
  const next = nextPage(api, keyset, first.response);
  if (next)
    for await (const page of pages(api, next, what)) for (const item of page) names.push(tagNameOf(item));
  return { names, registry: first.response.headers['x-page'] ? 'legacy' : 'metadata' };
}

/** Names in, tags out: details (time, digest, size) only for the names the strategy needs a time for. */
export async function readTagsRest(
  api: GitLabApi,
  repository: Repository,
  strategy: ReadStrategy,
  concurrency: number,
): Promise<Inventory & { registry: RegistryKind }> {
  const { names, registry } = await listTagNames(api, repository);
  const meaning: AgeSource = registry === 'metadata' ? 'first-push' : 'build-time';
  // Times the rules may not act on are not worth a request per tag: the plan refuses without them.
  const fetchTimes = strategy.acceptsAges(meaning);
  const tags = await mapConcurrent(names, concurrency, async (name) => {
    if (!fetchTimes || !strategy.needsTime(name)) return { name };
    // 404 here is not "absent": some GitLab versions cannot show multi-arch tags. Unknown age then.
    return (await getTagDetails(api, repository, name)) ?? { name };
  });
  return {
    repository,
    tags,
    times: { field: 'created_at', meaning },
    complete: true,
    registry,
  };
}

/**
 * GitLab's REST API finds one tag (to delete it, or show its details) by asking a registry with
 * the metadata database for the first 100 names that contain it, sorted by name
 * (ContainerRepository#tag); a tag beyond them is answered 403 (DELETE) or 404 (GET) although it
 * exists. How many names containing this one sort before it when that is why, else undefined.
 */
export async function namesHidingTag(
  api: GitLabApi,
  repository: Repository,
  tag: string,
): Promise<number | undefined> {
  const { names, registry } = await listTagNames(api, repository);
  if (registry !== 'metadata') return undefined;
  const before = names.filter((name) => name.includes(tag) && name < tag).length;
  return before >= REST_LOOKUP_NAMES ? before : undefined;
}

/** The names GitLab's REST single-tag lookup asks its registry for. */
export const REST_LOOKUP_NAMES = 100;
