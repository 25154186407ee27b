// A repository's tags through the registry's own API (docs/spec/gitlab/api.md of GitLab's container
// registry): GET /gitlab/v1/repositories/<path>/tags/list/?n=1000[&sort=…], 1,000 tags a page with
// digest, size and times, following `Link: <…>; rel="next"` (a path on the registry's host; no
// Link on the last page).
//
// Times: published_at is the last time the tag moved to new content, GREATEST(created_at,
// updated_at) in the registry's database; a registry that does not send it still sends those two.
// Sorting by it (`sort=published_at` / `-published_at`) gives the read strategy its passes; a
// registry that refuses the sort is read whole, by name.
//
// An empty list here is the registry's own answer (it reports its failures as errors, unlike
// GitLab's APIs, which turn them into empty lists): it needs no recount.

import { GitLabResponseError } from '../errors.ts';
import type { Inventory, ReadStrategy, Repository, Tag, TagOrder, TimeSource } from '../model.ts';
import { readPasses } from './read-passes.ts';
import type { ContainerRegistry } from './registry-client.ts';
import { registryAnswerError, registryErrorCode, registryFailure } from './registry-errors.ts';
import { parseTime } from './tag-json.ts';

/** The registry's largest page (`n` 1–1000). */
export const REGISTRY_TAG_PAGE_SIZE = 1000;
const SORT_OF: Record<TagOrder, string | undefined> = {
  // The registry's default order is by name; leaving `sort` out works on every version.
  name: undefined,
  'newest-first': '-published_at',
  'oldest-first': 'published_at',
};
const LAST_PUSH: TimeSource = { field: 'published_at', meaning: 'last-push' };

/** The registry's answer for a listing it cannot give to this token: read through GitLab instead. */
export class RegistryListingRefused extends Error {}

/** Every page of tags in `order`; nothing when the registry does not know the repository (it holds no tags). */
async function* registryPages(
  registry: ContainerRegistry,
  repository: Repository,
  order: TagOrder,
): AsyncGenerator<Tag[]> {
  const action = `list the tags of ${repository.path}`;
  const sort = SORT_OF[order];
  let url: URL | undefined = registry.url(
    ['gitlab', 'v1', 'repositories', ...repository.path.split('/'), 'tags', 'list', ''],
    { n: REGISTRY_TAG_PAGE_SIZE, ...(sort ? { sort } : {}) },
  );
  const seen = new Set<string>();
  while (url) {
    seen.add(url.href);
    const response = await registry.send(repository.path, {
      method: 'GET',
      url,
      label: 'registryTags',
      action,
      expectJson: true,
    });
    const code = registryErrorCode(response);
    // A repository GitLab lists but the registry has never seen holds no tags.
    if (response.status === 404 && code === 'NAME_UNKNOWN') return;
    // The token lacks pull here (GitLab left it out): GitLab's APIs may still answer.
    if (response.status === 401 && code === 'UNAUTHORIZED') throw new RegistryListingRefused(action);
    if (response.status !== 200) throw registryAnswerError(response, action);
    if (!Array.isArray(response.json)) {
      throw registryFailure(action, { status: 200, message: 'an answer that is not a list of tags' });
    }
    yield response.json.map(tagOf);
    url = nextPage(registry, response.headers.link, action);
    if (url && seen.has(url.href)) throw new GitLabResponseError({ kind: 'page-loop', action });
  }
}

/** `Link: <path?query>; rel="next"` (relative to the registry's host), or the last page. */
function nextPage(registry: ContainerRegistry, header: string | undefined, action: string): URL | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part.trim());
    if (!match) continue;
    const next = new URL(match[1] as string, registry.origin);
    // A next page elsewhere cannot be followed, and must not pass for the last one.
    if (next.origin !== registry.origin) {
      throw registryFailure(action, {
        status: 200,
        message: `a next page on another host (${next.origin}${next.pathname})`,
      });
    }
    return next;
  }
  return undefined;
}

/** A tag of the registry's list: name, digest, size_bytes, created_at, updated_at?, published_at. */
function tagOf(item: unknown): Tag {
  const raw = (item ?? {}) as Record<string, unknown>;
  const name = typeof raw.name === 'string' ? raw.name : '';
  const pushedAt =
    parseTime(raw.published_at) ?? latest(parseTime(raw.created_at), parseTime(raw.updated_at));
  const size = typeof raw.size_bytes === 'number' ? raw.size_bytes : undefined;
  return {
    name,
    ...(typeof raw.digest === 'string' ? { digest: raw.digest } : {}),
    ...(pushedAt ? { pushedAt } : {}),
    ...(size === undefined ? {} : { sizeBytes: size }),
  };
}

function latest(created: Date | undefined, updated: Date | undefined): Date | undefined {
  if (!created || !updated) return created ?? updated;
  return created.getTime() >= updated.getTime() ? created : updated;
}

/**
 * The strategy's read through the registry's API: its passes by push time where the registry
 * sorts by it, else every tag by name.
 */
export async function readTagsRegistry(
  registry: ContainerRegistry,
  repository: Repository,
  strategy: ReadStrategy,
): Promise<Inventory> {
  if (strategy.passes.length > 0) {
    try {
      const byTime = await readPasses(
        repository,
        strategy,
        (order) => registryPages(registry, repository, order),
        LAST_PUSH,
      );
      if (byTime) return { ...byTime, via: 'registry' };
    } catch (error) {
      // A registry too old to sort by publish time refuses the parameter (400): read by name.
      if (!(error instanceof GitLabResponseError && error.status === 400)) throw error;
    }
  }
  const tags: Tag[] = [];
  for await (const page of registryPages(registry, repository, 'name')) tags.push(...page);
  const dated = tags.some((tag) => tag.pushedAt);
  return { repository, tags, ...(dated ? { times: LAST_PUSH } : {}), complete: true, via: 'registry' };
}
