import type { Project, User } from './model.ts';
import { SandboxState } from './state.ts';

export interface ExampleSeed {
  state: SandboxState;
  project: Project;
  developer: User;
  maintainer: User;
  /** `api` personal access token of the developer. */
  personalToken: string;
  /** `api` personal access token of the maintainer (bulk delete needs Maintainer). */
  maintainerToken: string;
  /** CI job token of a job the developer triggered in Acme/Web-App. */
  jobToken: string;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * A small, realistic registry: Acme/Web-App with a root image and two sub-images, release tags,
 * branch tags (some for merged or deleted branches), `latest`, and tags sharing a digest.
 */
export function seedExample(state = new SandboxState()): ExampleSeed {
  const now = state.clock().getTime();
  const developer = state.addUser('dev');
  const maintainer = state.addUser('maintainer');
  const project = state.addProject('Acme/Web-App');
  state.addMember(project, developer, 'developer');
  state.addMember(project.namespace, maintainer, 'maintainer');
  for (const branch of ['feature/login', 'feature/search', 'renovate/node-24.x'])
    state.addBranch(project, branch);
  state.addMergeRequest(project, { sourceBranch: 'feature/login' });
  state.addMergeRequest(project, { sourceBranch: 'fix/typo', state: 'merged' });

  const root = state.addRepository(project);
  const api = state.addRepository(project, 'api');
  const worker = state.addRepository(project, 'worker');
  const pushed = (daysAgo: number) => ({ at: new Date(now - daysAgo * DAY) });
  for (const repository of [root, api, worker]) {
    for (const [index, version] of ['1.0.0', '1.1.0', '1.2.0', '2.0.0'].entries()) {
      state.pushTag(repository, version, pushed(90 - index * 20));
    }
    state.pushTag(repository, 'main', pushed(1));
    state.pushTag(repository, 'feature-login', pushed(3));
    state.pushTag(repository, 'feature-search', pushed(12));
    state.pushTag(repository, 'fix-typo', pushed(40));
    const latest = state.pushTag(repository, 'latest', pushed(1));
    state.pushTag(repository, 'stable', { ...pushed(1), digest: latest.digest });
  }
  state.addProtectionRule(project, {
    pattern: '^\\d+\\.\\d+\\.\\d+$',
    minimumAccessLevelForDelete: 'maintainer',
  });

  return {
    state,
    project,
    developer,
    maintainer,
    personalToken: state.addPersonalToken(developer),
    maintainerToken: state.addPersonalToken(maintainer),
    jobToken: state.addJobToken(developer, project),
  };
}
