// Small, deterministic registries for the trust tests (faults, secrets, TLS, proxies, bad input).
// Two worlds built with the same options are identical: same ids, tokens, names, digests and push
// times (relative to one fixed `now` per test process), so a fault-free twin can compute the plan
// a faulty run must stay inside.

import {
  type Project,
  type Repository,
  type Role,
  type Sandbox,
  type SandboxOptions,
  SandboxState,
  startSandbox,
} from '../../sandbox/index.ts';

export const DAY_MS = 86_400_000;
/** Fixed for the whole test process, so that twins built seconds apart have the same push times. */
export const WORLD_NOW = Date.now();

export const PROJECT_PATH = 'Acme/Web-App';
/** The personal access token of the developer, as the user would paste it. */
export const PAT = 'glpat-SECRETTOKEN0123456789';
/** The CI job token of the project, in GitLab 16.8+ format. */
export const JOB_TOKEN = 'glcbt-64_SECRETJOB0123456789';

/**
 * A SandboxState that also accepts the recognisable tokens above: the sandbox makes up its own token
 * values, and a test that greps output for a secret needs one it chose itself.
 */
export class RecognisableTokenState extends SandboxState {
  private readonly aliases = new Map<string, string>();

  alias(recognisable: string, real: string): void {
    this.aliases.set(recognisable, real);
  }

  /** From now on the recognisable tokens are unknown: GitLab answers 401. */
  forgetRecognisableTokens(): void {
    this.aliases.clear();
  }

  override findPersonalToken(value: string) {
    return super.findPersonalToken(this.aliases.get(value) ?? value);
  }

  override findJobToken(value: string) {
    return super.findJobToken(this.aliases.get(value) ?? value);
  }
}

export interface WorldShape {
  /** repository names ('' = the project's root repository) */
  repositories?: string[];
  /** `build-000` … tags per repository, `build-<i>` pushed i days (and an hour) before WORLD_NOW */
  builds?: number;
  /** the token owner's role in the project; default developer (may delete tags) */
  role?: Role;
}

export interface SmallWorld {
  state: RecognisableTokenState;
  project: Project;
  repositories: Repository[];
  /** env for a personal access token outside CI (REGISTRY_CLEANER_TOKEN) */
  patEnv(gitlab: GitLabUrls): Record<string, string>;
  /** env of a GitLab CI job of the project (CI_JOB_TOKEN, CI_* variables) */
  jobEnv(gitlab: GitLabUrls): Record<string, string>;
}

/** Where a GitLab (the sandbox, or something in front of it) listens. */
export type GitLabUrls = Pick<Sandbox, 'url' | 'apiUrl'>;

/**
 * Acme/Web-App with the given repositories, each holding `latest`, `v1.0.0`, `feature-login` and
 * `builds` build tags of decreasing age; a developer with a personal token and a job token.
 */
export function buildWorld(shape: WorldShape = {}): SmallWorld {
  const state = new RecognisableTokenState();
  state.clock = () => new Date(WORLD_NOW);
  const developer = state.addUser('dev');
  const project = state.addProject(PROJECT_PATH);
  state.addMember(project, developer, shape.role ?? 'developer');
  const repositories = (shape.repositories ?? ['', 'api']).map((name) => state.addRepository(project, name));
  const builds = shape.builds ?? 8;
  for (const repository of repositories) {
    state.pushTag(repository, 'latest', { at: new Date(WORLD_NOW - 60 * DAY_MS) });
    state.pushTag(repository, 'v1.0.0', { at: new Date(WORLD_NOW - 50 * DAY_MS) });
    state.pushTag(repository, 'feature-login', { at: new Date(WORLD_NOW - 20 * DAY_MS - 3_600_000) });
    for (let i = 0; i < builds; i++) {
      state.pushTag(repository, buildTag(i), { at: new Date(WORLD_NOW - i * DAY_MS - 3_600_000) });
    }
  }
  state.alias(PAT, state.addPersonalToken(developer));
  state.alias(JOB_TOKEN, state.addJobToken(developer, project));
  return {
    state,
    project,
    repositories,
    patEnv: (gitlab) => ({ REGISTRY_CLEANER_GITLAB_URL: gitlab.url, REGISTRY_CLEANER_TOKEN: PAT }),
    jobEnv: (gitlab) => ({
      CI: 'true',
      GITLAB_CI: 'true',
      CI_SERVER_URL: gitlab.url,
      CI_API_V4_URL: gitlab.apiUrl,
      CI_PROJECT_ID: String(project.id),
      CI_PROJECT_PATH: PROJECT_PATH,
      CI_COMMIT_REF_SLUG: 'feature-login',
      CI_JOB_TOKEN: JOB_TOKEN,
    }),
  };
}

export function buildTag(i: number): string {
  return `build-${String(i).padStart(3, '0')}`;
}

/** A world and a sandbox serving it; `close` stops the sandbox. */
export async function startWorld(
  shape: WorldShape = {},
  options: Omit<SandboxOptions, 'state'> = {},
): Promise<SmallWorld & { sandbox: Sandbox }> {
  const world = buildWorld(shape);
  const sandbox = await startSandbox({ state: world.state, prefix: '/gitlab', ...options });
  return { ...world, sandbox };
}

/** Every tag of every repository as 'path:tag' (e.g. 'acme/web-app/api:build-003'). */
export function snapshot(state: SandboxState): Set<string> {
  const all = new Set<string>();
  for (const repository of state.repositories()) {
    for (const tag of state.tags(repository)) all.add(`${repository.path}:${tag.name}`);
  }
  return all;
}

export function difference<T>(a: Iterable<T>, b: ReadonlySet<T>): Set<T> {
  return new Set([...a].filter((item) => !b.has(item)));
}
