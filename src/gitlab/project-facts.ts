// What the rules need to know about a project besides its tags, read once per project however many
// of its repositories ask (a sweep reads repositories in parallel, so the read itself is shared).

import type { EnvironmentDeployments, GitLabCleanupPolicy } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { readCleanupPolicy } from './cleanup-policy.ts';
import { readEnvironmentDeployments } from './environments.ts';
import { getProject, listLiveBranches } from './scope.ts';

export interface LiveBranches {
  /** the project's branches, then the source branches of its open merge requests */
  names: string[];
  defaultBranch?: string;
}

export class ProjectFactsReader {
  private readonly api: GitLabApi;
  private readonly branches = new Map<number, Promise<LiveBranches>>();
  private readonly cleanupPolicies = new Map<number, Promise<GitLabCleanupPolicy | undefined>>();
  /** by project id and deployments per environment */
  private readonly deployments = new Map<string, Promise<EnvironmentDeployments[]>>();

  constructor(api: GitLabApi) {
    this.api = api;
  }

  liveBranches(projectId: number): Promise<LiveBranches> {
    let read = this.branches.get(projectId);
    if (!read) {
      read = this.readLiveBranches(projectId);
      this.branches.set(projectId, read);
    }
    return read;
  }

  /** The project's container registry cleanup policy; undefined when it has none. */
  cleanupPolicy(projectId: number): Promise<GitLabCleanupPolicy | undefined> {
    let read = this.cleanupPolicies.get(projectId);
    if (!read) {
      read = readCleanupPolicy(this.api, projectId);
      this.cleanupPolicies.set(projectId, read);
    }
    return read;
  }

  /** The available and stopping environments, each with its newest `perEnvironment` successful deployments. */
  environmentDeployments(projectId: number, perEnvironment: number): Promise<EnvironmentDeployments[]> {
    const key = `${projectId}:${perEnvironment}`;
    let read = this.deployments.get(key);
    if (!read) {
      read = readEnvironmentDeployments(this.api, projectId, {
        states: ['available', 'stopping'],
        perEnvironment,
      });
      this.deployments.set(key, read);
    }
    return read;
  }

  private async readLiveBranches(projectId: number): Promise<LiveBranches> {
    const [project, live] = await Promise.all([
      getProject(this.api, { id: projectId }),
      listLiveBranches(this.api, projectId),
    ]);
    return {
      names: [...live.branches, ...live.openMergeRequestSources],
      ...(project.defaultBranch ? { defaultBranch: project.defaultBranch } : {}),
    };
  }
}
