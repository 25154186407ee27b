// Container repositories of a project or a group (REST). Returns domain types, never raw JSON.

import { GitLabResponseError } from '../errors.ts';
import { type ProjectRef, type Repository, refKey } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { graphql, repositoryGid } from './graphql.ts';
import { allPages, MAX_OFFSET_PAGE_SIZE } from './pagination.ts';
import { parseTime } from './tag-json.ts';

export function describeProject(project: ProjectRef): string {
  return `project ${refKey(project)}`;
}

/** Every repository of the project, all pages (GitLab's default page holds only 20). */
export async function listProjectRepositories(api: GitLabApi, project: ProjectRef): Promise<Repository[]> {
  const url = api.url(['projects', refKey(project), 'registry', 'repositories'], {
    per_page: MAX_OFFSET_PAGE_SIZE,
  });
  const what = {
    label: 'listRepositories',
    action: `list the container registry of ${describeProject(project)}`,
  };
  return (await allPages(api, url, what)).map(toRepository);
}

export function toRepository(item: unknown): Repository {
  const raw = item as Record<string, unknown>;
  if (typeof raw?.id !== 'number' || typeof raw.path !== 'string' || typeof raw.project_id !== 'number') {
    throw new GitLabResponseError({
      kind: 'malformed',
      action: 'list container repositories',
      what: 'a repository without id, path or project_id',
    });
  }
  const createdAt = parseTime(raw.created_at);
  return {
    id: raw.id,
    projectId: raw.project_id,
    name: typeof raw.name === 'string' ? raw.name : '',
    path: raw.path,
    location: typeof raw.location === 'string' ? raw.location : raw.path,
    status: typeof raw.status === 'string' ? raw.status : null,
    ...(createdAt ? { createdAt } : {}),
  };
}

/**
 * How many tags GitLab counts in the repository, read apart from the listing: the second opinion
 * on a listing that came back empty. A job token reads it from its project's repository list.
 */
export async function countTags(api: GitLabApi, repository: Repository): Promise<number> {
  const action = `count the tags of ${repository.path}`;
  if (api.credential.kind === 'job') {
    const url = api.url(['projects', repository.projectId, 'registry', 'repositories'], {
      tags_count: true,
      per_page: MAX_OFFSET_PAGE_SIZE,
    });
    const listed = await allPages(api, url, { label: 'countTags', action });
    const entry = listed.find((item) => (item as { id?: unknown })?.id === repository.id) as
      | { tags_count?: unknown }
      | undefined;
    return typeof entry?.tags_count === 'number' ? entry.tags_count : 0;
  }
  const answer = await graphql<{ containerRepository: { tagsCount: number | null } | null }>(
    api,
    'query($id: ContainerRepositoryID!) { containerRepository(id: $id) { tagsCount } }',
    { id: repositoryGid(repository.id) },
    'countTags',
    action,
  );
  return answer.data?.containerRepository?.tagsCount ?? 0;
}
