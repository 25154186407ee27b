// The world of a review-environment stop job: Acme/Web-App, whose root image and `api` image both
// have a tag for the branch feature/Login (slug feature-login), and a job token of a developer.

import {
  type Project,
  type Repository,
  type Sandbox,
  type SandboxOptions,
  SandboxState,
  startSandbox,
} from '../../sandbox/index.ts';

export interface ReviewWorld {
  sandbox: Sandbox;
  project: Project;
  /** $CI_REGISTRY_IMAGE itself: the stop job's target */
  root: Repository;
  /** $CI_REGISTRY_IMAGE/api: has the same tag, must keep it */
  api: Repository;
  jobToken: string;
}

export const ROOT_TAGS_BEFORE = ['feature-login', 'feature-search', 'main'];

/**
 * `host` is where the sandbox listens (always a loopback address); `profile` the GitLab it is
 * (version, registry kind, whether its registry listens on a port of its own; the newest by default).
 */
export async function startReviewWorld(
  host = '127.0.0.1',
  profile: Pick<SandboxOptions, 'gitlab' | 'registry' | 'registryListener'> = {},
): Promise<ReviewWorld> {
  const state = new SandboxState();
  const developer = state.addUser('dev');
  const project = state.addProject('Acme/Web-App');
  state.addMember(project, developer, 'developer');
  const root = state.addRepository(project);
  for (const tag of ROOT_TAGS_BEFORE) state.pushTag(root, tag);
  const api = state.addRepository(project, 'api');
  for (const tag of ['feature-login', 'main']) state.pushTag(api, tag);
  const jobToken = state.addJobToken(developer, project);
  const sandbox = await startSandbox({ state, host, prefix: '/gitlab', ...profile });
  return { sandbox, project, root, api, jobToken };
}

export function tagNames(world: ReviewWorld, repository: Repository): string[] {
  return world.sandbox.state
    .tags(repository)
    .map((tag) => tag.name)
    .sort();
}
