// Tag reads and single-tag deletes over REST (the only way a CI job token may delete).
// What each status means comes from lib/api/project_container_repositories.rb and its history
// (three generations of answers to DELETE of a missing tag, see DeleteAnswer).

import { mapConcurrent } from '../concurrency.ts';
import { GitLabResponseError } from '../errors.ts';
import type { DeleteTarget, Repository, Tag } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { errorFor, gitlabMessage, JOB_TOKEN_OTHER_PROJECT, PROTECTED_TAGS } from './failures.ts';
import { MAX_OFFSET_PAGE_SIZE, pages } from './pagination.ts';
import { countTags } from './repositories.ts';
import { tagFromDetails, tagNameOf } from './tag-json.ts';
import { byteCompare, precedingTagName } from './tag-order.ts';

/** What GitLab answered to DELETE …/tags/:tag_name, before anyone interprets it. */
export type DeleteAnswer =
  | { kind: 'deleted'; status: number }
  /** 403 "cannot delete protected tag(s)" */
  | { kind: 'protected'; status: number; message: string }
  /** plain 403: the role may not delete it — or, on newest GitLab, the tag does not exist */
  | { kind: 'refused'; status: number; message: string }
  /** 404 "Tag Not Found": older GitLab's answer for a missing tag (or a multi-arch one) */
  | { kind: 'not-found'; status: number; message: string }
  /** 404 "Not found": the repository itself is gone (ActiveRecord::RecordNotFound) */
  | { kind: 'repository-gone'; status: number }
  /** 400 registry error, 5xx/429 after retries, anything unexpected */
  | { kind: 'error'; status: number; message: string };

/** …/projects/:id/registry/repositories/:repository_id/tags, as api.url segments. */
export function tagsPath(repository: Repository): (string | number)[] {
  return ['projects', repository.projectId, 'registry', 'repositories', repository.id, 'tags'];
}

export async function deleteTag(api: GitLabApi, repository: Repository, tag: string): Promise<DeleteAnswer> {
  const url = api.url([...tagsPath(repository), tag]);
  // expectJson: a 2xx whose body is not JSON (a proxy's page) is retried, not taken for a deletion.
  const response = await api.http.send({
    method: 'DELETE',
    url,
    label: 'deleteTag',
    action: `delete tag ${tag} of ${repository.path}`,
    api: 'rest',
    expectJson: true,
  });
  const message = gitlabMessage(response);
  const body = (response.json ?? {}) as Record<string, unknown>;
  const action = `delete tags in ${repository.path}`;
  if (response.status === 200 || response.status === 202 || response.status === 204) {
    // GitLab confirms with JSON or an empty body; anything else did not come from GitLab's API.
    if (response.text.trim() !== '' && response.json === undefined) {
      return {
        kind: 'error',
        status: response.status,
        message: `an unreadable answer (${response.text.length} bytes) instead of GitLab's confirmation`,
      };
    }
    return { kind: 'deleted', status: response.status };
  }
  // These stop the run: every other delete would be refused the same way.
  if (response.status === 401) throw errorFor(response, api.credential, action);
  if (
    response.status === 403 &&
    (body.error === 'insufficient_scope' || JOB_TOKEN_OTHER_PROJECT.test(message))
  ) {
    throw errorFor(response, api.credential, action);
  }
  if (response.status === 404 && /project not found/i.test(message))
    throw errorFor(response, api.credential, action);

  if (response.status === 403 && PROTECTED_TAGS.test(message))
    return { kind: 'protected', status: 403, message };
  if (response.status === 403) return { kind: 'refused', status: 403, message };
  if (response.status === 404 && /tag not found/i.test(message))
    return { kind: 'not-found', status: 404, message };
  // Exactly GitLab's body for a missing record; a 404 page from something else is no proof.
  if (response.status === 404 && body.message === '404 Not found')
    return { kind: 'repository-gone', status: 404 };
  return { kind: 'error', status: response.status, message };
}

/**
 * Whether the tag is listed in the repository — the ground truth for "already gone", since the
 * details endpoint answers 404 for some multi-arch tags that exist. One keyset request starting just
 * before the name settles it on registries with the metadata database, when it shows the tag or
 * its neighbours; otherwise (an empty page, a legacy registry: 405, a GitLab that ignores keyset)
 * the pages are read until the tag shows up. GitLab lists its registry's errors as empty lists, so
 * a repository listed empty is counted before the tag is called absent.
 */
export async function isTagListed(api: GitLabApi, repository: Repository, tag: string): Promise<boolean> {
  const action = `list the tags of ${repository.path}`;
  const last = precedingTagName(tag);
  const probe = api.url(tagsPath(repository), {
    pagination: 'keyset',
    per_page: 20,
    ...(last === undefined ? {} : { last }),
  });
  const response = await api.http.send({
    method: 'GET',
    url: probe,
    label: 'listTags',
    action,
    api: 'rest',
    expectJson: true,
  });
  // Only a legacy registry (405) or a GitLab that ignores keyset (offset headers) is read the long
  // way; any other failure is an error: a full scan of a large repository during an outage would
  // cost one request per 100 tags for each ambiguous DELETE.
  if (response.status !== 200 && response.status !== 405) throw errorFor(response, api.credential, action);
  const keysetAnswered =
    response.status === 200 && Array.isArray(response.json) && !response.headers['x-page'];
  if (keysetAnswered) {
    const names = (response.json as unknown[]).map(tagNameOf);
    if (names.includes(tag)) return true;
    // Trust "absent" only if the page is in the byte order the probe relies on.
    const ordered = names.every(
      (name, i) =>
        byteCompare(name, last ?? '') > 0 && (i === 0 || byteCompare(names[i - 1] as string, name) < 0),
    );
    // An empty page proves nothing: the tag may have been the last name, or the registry silent.
    if (ordered && names.length > 0) return false;
  }
  const scan = keysetAnswered
    ? api.url(tagsPath(repository), { pagination: 'keyset', per_page: 1000 })
    : api.url(tagsPath(repository), { per_page: MAX_OFFSET_PAGE_SIZE });
  let listedAny = false;
  for await (const page of pages(api, scan, { label: 'listTags', action })) {
    if (page.length > 0) listedAny = true;
    if (page.some((item) => tagNameOf(item) === tag)) return true;
  }
  if (!listedAny) {
    const count = await countTags(api, repository);
    if (count > 0) {
      throw new GitLabResponseError({ kind: 'absence-unconfirmed', repository: repository.path, tag, count });
    }
  }
  return false;
}

/** Tag details, or undefined when GitLab answers 404 (which does not prove absence: see isTagListed). */
export async function getTagDetails(
  api: GitLabApi,
  repository: Repository,
  tag: string,
): Promise<Tag | undefined> {
  const url = api.url([...tagsPath(repository), tag]);
  const action = `read tag ${tag} of ${repository.path}`;
  const response = await api.http.send({
    method: 'GET',
    url,
    label: 'tagDetails',
    action,
    api: 'rest',
    expectJson: true,
  });
  if (response.status === 404 && !/project not found/i.test(gitlabMessage(response))) return undefined;
  if (response.status !== 200) throw errorFor(response, api.credential, action);
  return tagFromDetails(tag, response.json);
}

/** The targets not listed in their repository: what a dry run reports as already gone. */
export async function unlistedTargets(
  api: GitLabApi,
  targets: readonly DeleteTarget[],
  concurrency: number,
): Promise<DeleteTarget[]> {
  const listed = await mapConcurrent(targets, concurrency, (target) =>
    isTagListed(api, target.repository, target.tag),
  );
  return targets.filter((_, i) => !listed[i]);
}
