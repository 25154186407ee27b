// Groups, projects, branches and merge requests: what prune needs to know besides tags.

import { type GroupRef, type ProjectRef, type Repository, refKey } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { errorFor } from './failures.ts';
import { allPages, MAX_OFFSET_PAGE_SIZE, pages } from './pagination.ts';
import { describeProject, toRepository } from './repositories.ts';

/** Repositories of every project in the group and its subgroups (not open to CI job tokens). */
export async function listGroupRepositories(api: GitLabApi, group: GroupRef): Promise<Repository[]> {
  const segment = refKey(group);
  const url = api.url(['groups', segment, 'registry', 'repositories'], { per_page: MAX_OFFSET_PAGE_SIZE });
  const what = { label: 'listGroupRepositories', action: `list the container registry of group ${segment}` };
  return (await allPages(api, url, what)).map(toRepository);
}

export interface ProjectDetails {
  id: number;
  path: string;
  defaultBranch?: string;
}

export async function getProject(api: GitLabApi, project: ProjectRef): Promise<ProjectDetails> {
  const url = api.url(['projects', refKey(project)]);
  const action = `read ${describeProject(project)}`;
  const response = await api.http.send({
    method: 'GET',
    url,
    label: 'getProject',
    action,
    api: 'rest',
    expectJson: true,
  });
  if (response.status !== 200) throw errorFor(response, api.credential, action);
  const raw = response.json as { id: number; path_with_namespace: string; default_branch?: string | null };
  return {
    id: raw.id,
    path: raw.path_with_namespace,
    ...(raw.default_branch ? { defaultBranch: raw.default_branch } : {}),
  };
}

/** Names of the project's branches and of the source branches of its open merge requests. */
export async function listLiveBranches(
  api: GitLabApi,
  projectId: number,
): Promise<{ branches: string[]; openMergeRequestSources: string[] }> {
  const branches: string[] = [];
  const branchesUrl = api.url(['projects', projectId, 'repository', 'branches'], {
    per_page: MAX_OFFSET_PAGE_SIZE,
  });
  const action = `list the branches of project ${projectId}`;
  for await (const page of pages(api, branchesUrl, { label: 'listBranches', action })) {
    for (const item of page) branches.push(String((item as { name?: unknown }).name));
  }
  const openMergeRequestSources: string[] = [];
  const mergeRequestsUrl = api.url(['projects', projectId, 'merge_requests'], {
    state: 'opened',
    per_page: MAX_OFFSET_PAGE_SIZE,
  });
  const mrAction = `list the open merge requests of project ${projectId}`;
  for await (const page of pages(api, mergeRequestsUrl, { label: 'listMergeRequests', action: mrAction })) {
    for (const item of page)
      openMergeRequestSources.push(String((item as { source_branch?: unknown }).source_branch));
  }
  return { branches, openMergeRequestSources };
}
