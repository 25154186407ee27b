// The environment stop job: `registry-cleaner delete-tag` with nothing but GitLab's predefined
// CI_* variables and the job token, on a project with 10 repositories whose root repository holds
// the branch's tag, under several sets of environments. The guard reads the available
// environments and what the others run before the DELETE; its cost depends on how many there are
// and on whether their last deployments are among the project's newest 100.
//
// Targets: 2 requests with the guard off (list the repositories, delete the tag); 3 when no other
// environment is available; 4 when the others' last deployments are among the newest 100.
// Through the registry's own API (guard off): 3 requests, 2 of them to GitLab (list the
// repositories, a registry token; the registry's DELETE).

import type { SandboxState } from '../../test/sandbox/index.ts';
import { runBundle } from './child.ts';
import { describeCounts, summarizeRequests } from './requests.ts';
import { difference, type ServerConditions, snapshot, startWorld } from './world.ts';

export interface StopJobFigures {
  variant: string;
  tag: string;
  repositories: number;
  /** available environments other than the one being stopped */
  otherEnvironments: number;
  /** successful deployments of the project */
  deployments: number;
  exitCode: number;
  requests: number;
  byKind: string;
  /**
   * What reading each other environment's last deployment one by one would send: the repository
   * list, the environment pages, one request per environment, the DELETE (undefined: guard off)
   */
  perEnvironmentRequests: number | undefined;
  wallSeconds: number;
  peakRssBytes: number | undefined;
  /** exit 0, the tag gone from the root repository, nothing else touched */
  outcomeCorrect: boolean;
  /** whether the run could reach the registry's own API */
  registry: boolean;
  /** requests to GitLab itself (the rest went to the registry) */
  gitlabRequests: number;
}

interface Variant {
  name: string;
  /** seeds the project's environments; returns the number of available ones besides the own */
  environments: (
    state: SandboxState,
    project: Parameters<SandboxState['addEnvironment']>[0],
    branch: string,
  ) => number;
  flags: string[];
}

const DAY = 86_400_000;
const sha = (n: number) => n.toString(16).padStart(8, '0').repeat(5);

/** The environment being stopped: its stop job is running, so it is stopping. */
function ownEnvironment(
  state: SandboxState,
  project: Parameters<SandboxState['addEnvironment']>[0],
  branch: string,
) {
  const own = state.addEnvironment(project, `review/${branch}`, { state: 'stopping' });
  state.addDeployment(own, { ref: branch, sha: sha(1), finishedAt: new Date(Date.now() - DAY) });
}

/** production and staging deployed `history` times each, and `reviews` review apps deployed `each` times. */
function team(history: number, reviews: number, each: number): Variant['environments'] {
  return (state, project, branch) => {
    ownEnvironment(state, project, branch);
    let n = 100;
    const production = state.addEnvironment(project, 'production', { tier: 'production' });
    const staging = state.addEnvironment(project, 'staging', { tier: 'staging' });
    // production and staging were last deployed long ago: older than every review deployment
    for (let i = 0; i < history; i++) {
      const finishedAt = new Date(Date.now() - (400 - i) * DAY);
      state.addDeployment(production, { ref: 'main', sha: sha(n++), finishedAt });
      state.addDeployment(staging, { ref: 'main', sha: sha(n++), finishedAt });
    }
    for (let r = 0; r < reviews; r++) {
      const review = state.addEnvironment(project, `review/topic-${r}`);
      for (let i = 0; i < each; i++) {
        const finishedAt = new Date(Date.now() - (200 - r * 0.5 - i * 0.01) * DAY);
        state.addDeployment(review, { ref: `topic/${r}`, sha: sha(n++), finishedAt });
      }
    }
    return 2 + reviews;
  };
}

const VARIANTS: Variant[] = [
  {
    name: 'guard off (--allow-deleting-deployed-images)',
    environments: () => 0,
    flags: ['--allow-deleting-deployed-images'],
  },
  {
    name: 'no other environment',
    environments: (state, project, branch) => {
      ownEnvironment(state, project, branch);
      return 0;
    },
    flags: [],
  },
  { name: 'production, staging, 20 review apps (80 deployments)', environments: team(10, 20, 3), flags: [] },
  {
    name: 'production, staging, 300 review apps (2,000 deployments)',
    environments: team(100, 300, 6),
    flags: [],
  },
];

export async function runStopJobCase(conditions: ServerConditions): Promise<StopJobFigures[]> {
  const figures: StopJobFigures[] = [];
  for (const variant of VARIANTS) figures.push(await runVariant(variant, conditions));
  return figures;
}

/** The stop job through the registry's own API, with the guard off: what the registry path costs. */
export function runRegistryStopJobCase(conditions: ServerConditions): Promise<StopJobFigures> {
  return runVariant(VARIANTS[0] as Variant, conditions, true);
}

async function runVariant(
  variant: Variant,
  conditions: ServerConditions,
  registry = false,
): Promise<StopJobFigures> {
  const bench = await startWorld(
    { tags: 400, repositories: 10, days: 56, seed: 42 },
    conditions,
    undefined,
    registry ? { registryListener: true } : {},
  );
  try {
    const { sandbox, project, world } = bench;
    const root = world.repositories.find((repository) => repository.name === '')!;
    const tag = sandbox.state.tags(root).find((candidate) => /^(feature|fix)-/.test(candidate.name))!.name;
    const others = variant.environments(sandbox.state, project, tag);
    const deployments = sandbox.state.deployments.deploymentsOf(project).length;
    const before = snapshot(sandbox);
    const run = await runBundle(
      ['delete-tag', ...variant.flags],
      {
        CI: 'true',
        CI_SERVER_URL: sandbox.url,
        CI_API_V4_URL: sandbox.apiUrl,
        CI_PROJECT_ID: String(project.id),
        CI_PROJECT_PATH: project.fullPath,
        CI_COMMIT_REF_NAME: tag.replace('-', '/'),
        CI_COMMIT_REF_SLUG: tag,
        CI_ENVIRONMENT_NAME: `review/${tag}`,
        CI_JOB_TOKEN: world.jobTokens.get(project.id)!,
        NO_COLOR: '1',
        ...(registry ? { REGISTRY_CLEANER_REGISTRY_URL: sandbox.registryUrl! } : {}),
      },
      { measureRss: true, timeoutMs: 120_000 },
    );
    const gone = difference(before, snapshot(sandbox));
    const requests = summarizeRequests(sandbox.requests);
    const guarded = !variant.flags.includes('--allow-deleting-deployed-images');
    const environmentPages = Math.max(1, Math.ceil((others + 1) / 100));
    return {
      variant: variant.name,
      tag,
      repositories: world.repositories.length,
      otherEnvironments: others,
      deployments,
      exitCode: run.code,
      requests: requests.total,
      byKind: describeCounts(requests.byKind),
      perEnvironmentRequests: guarded ? 1 + environmentPages + others + 1 : undefined,
      wallSeconds: run.wallMs / 1000,
      peakRssBytes: run.peakRssBytes,
      outcomeCorrect: run.code === 0 && gone.size === 1 && gone.has(`${root.id}:${tag}`),
      registry,
      gitlabRequests: sandbox.requests.filter((request) => request.listener !== 'registry').length,
    };
  } finally {
    await bench.sandbox.close();
  }
}
