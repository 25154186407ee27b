// The environment stop job: `registry-cleaner delete-tag` with nothing but GitLab's predefined
// CI_* variables and the job token, on a project with 10 repositories whose root repository holds
// the branch's tag. Target: 2 requests (list the repositories, delete the tag); through the
// registry, 3 (list the repositories, a registry token, the registry's DELETE), 2 of them to GitLab.

import { runBundle } from './child.ts';
import { describeCounts, summarizeRequests } from './requests.ts';
import { difference, type ServerConditions, snapshot, startWorld } from './world.ts';

export interface StopJobFigures {
  tag: string;
  repositories: number;
  exitCode: number;
  requests: number;
  byKind: string;
  wallSeconds: number;
  peakRssBytes: number | undefined;
  /** exit 0, the tag gone from the root repository, nothing else touched */
  outcomeCorrect: boolean;
  /** whether the run could reach the registry's own API */
  registry: boolean;
  /** requests to GitLab itself (the rest went to the registry) */
  gitlabRequests: number;
}

export async function runStopJobCase(
  conditions: ServerConditions,
  registry = false,
): Promise<StopJobFigures> {
  const bench = await startWorld(
    { tags: 400, repositories: 10, days: 56, seed: 42 },
    conditions,
    undefined,
    registry,
  );
  try {
    const { sandbox, project, world } = bench;
    const root = world.repositories.find((repository) => repository.name === '')!;
    const tag = sandbox.state.tags(root).find((candidate) => /^(feature|fix)-/.test(candidate.name))!.name;
    const before = snapshot(sandbox);
    const run = await runBundle(
      ['delete-tag'],
      {
        CI: 'true',
        CI_SERVER_URL: sandbox.url,
        CI_API_V4_URL: sandbox.apiUrl,
        CI_PROJECT_ID: String(project.id),
        CI_PROJECT_PATH: project.fullPath,
        CI_COMMIT_REF_NAME: tag.replace('-', '/'),
        CI_COMMIT_REF_SLUG: tag,
        CI_JOB_TOKEN: world.jobTokens.get(project.id)!,
        NO_COLOR: '1',
        ...(registry ? { REGISTRY_CLEANER_REGISTRY_URL: sandbox.registryUrl! } : {}),
      },
      { measureRss: true, timeoutMs: 120_000 },
    );
    const gone = difference(before, snapshot(sandbox));
    const requests = summarizeRequests(sandbox.requests);
    return {
      tag,
      repositories: world.repositories.length,
      exitCode: run.code,
      requests: requests.total,
      byKind: describeCounts(requests.byKind),
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
