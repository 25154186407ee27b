// One registry-cleaner prune case: a fresh sandbox with the scenario, the oracle computed from its
// state, one run of the real bundle (personal access token over GraphQL, or CI job token over
// REST; with `registry`, both reach the container registry's own API), then its figures.

import { oracleDoomed, type RetentionRule, ruleFlags } from '../../test/scenarios/oracle.ts';
import { runBundle } from './child.ts';
import { type CliReport, failedBy429, parseReport } from './cli-report.ts';
import { type SweepFigures, sweepFigures } from './figures.ts';
import {
  type BenchWorld,
  type ServerConditions,
  scenarioFacts,
  snapshot,
  startWorld,
  type WorldShape,
} from './world.ts';

export type TokenKind = 'pat' | 'job';

export interface PruneFigures extends SweepFigures {
  token: TokenKind;
  /** whether the run reached the container registry's own API */
  registry: boolean;
  /** the CLI's own request statistics (retries, 429s it saw) */
  cliRequests: CliReport['requests'];
  /** job token only: the REST details requests */
  details?: DetailsFigures;
}

export interface DetailsFigures {
  requests: number;
  /** tags that need a push time: all but those the name rules settle (`latest`) */
  eligibleTags: number;
  maxPerTag: number;
  /** details requests answered 429 (and so asked again) */
  throttled: number;
  /** distinct tags the name rules already keep that were nevertheless asked for */
  forNameSettledTags: number;
}

export async function runPruneCase(
  name: string,
  token: TokenKind,
  shape: WorldShape,
  rule: RetentionRule,
  conditions: ServerConditions,
  registry = false,
): Promise<PruneFigures> {
  const bench = await startWorld(shape, conditions, undefined, registry ? { registryListener: true } : {});
  try {
    const now = Date.now();
    const scenario = scenarioFacts(bench.sandbox, rule.olderThanDays, now);
    const time = token === 'pat' || registry ? 'publishedAt' : 'createdAt';
    const expected = oracleDoomed(bench.sandbox.state, rule, now, time);
    const before = snapshot(bench.sandbox);
    const scope = token === 'pat' ? ['--project', bench.project.fullPath] : [];
    // REST's created_at is the first push, which this scenario never repeats: accepted, so that the
    // REST path runs (and can be set beside the registry's).
    const ages = token === 'job' && !registry ? ['--accept-ages', 'first-push'] : [];
    const run = await runBundle(
      ['prune', ...scope, ...ruleFlags(rule), ...ages, '--output', 'json'],
      { ...envFor(bench, token), ...(registry ? registryEnv(bench) : {}) },
      {
        measureRss: true,
        timeoutMs: 3 * 3_600_000,
      },
    );
    const report = parseReport(run.stdout);
    const stoppedBy429 = report?.error && /\b429\b/.test(report.error) ? 1 : 0;
    return {
      ...sweepFigures({
        name,
        bench,
        scenario,
        expected,
        before,
        run,
        failed429: failedBy429(report) + stoppedBy429,
      }),
      token,
      registry,
      cliRequests: report?.requests,
      ...(token === 'job' && !registry ? { details: detailsFigures(bench, scenario.tags) } : {}),
    };
  } finally {
    await bench.sandbox.close();
  }
}

function envFor(bench: BenchWorld, token: TokenKind): Record<string, string> {
  const { sandbox, project, world } = bench;
  if (token === 'pat') {
    return {
      REGISTRY_CLEANER_GITLAB_URL: sandbox.url,
      REGISTRY_CLEANER_TOKEN: world.personalToken,
      NO_COLOR: '1',
    };
  }
  // A scheduled pipeline of the project itself: GitLab's predefined variables and its job token.
  return {
    CI: 'true',
    CI_SERVER_URL: sandbox.url,
    CI_API_V4_URL: sandbox.apiUrl,
    CI_PROJECT_ID: String(project.id),
    CI_PROJECT_PATH: project.fullPath,
    CI_JOB_TOKEN: world.jobTokens.get(project.id)!,
    NO_COLOR: '1',
  };
}

/** The registry's URL as a CI job outside the sandbox would have it (CI_REGISTRY is HTTPS only). */
function registryEnv(bench: BenchWorld): Record<string, string> {
  return { REGISTRY_CLEANER_REGISTRY_URL: bench.sandbox.registryUrl as string };
}

function detailsFigures(bench: BenchWorld, tags: number): DetailsFigures {
  const perTag = new Map<string, number>();
  let throttled = 0;
  for (const request of bench.sandbox.requests) {
    if (request.operation !== 'tagDetails') continue;
    perTag.set(request.path, (perTag.get(request.path) ?? 0) + 1);
    if (request.status === 429) throttled++;
  }
  let requests = 0;
  let maxPerTag = 0;
  for (const count of perTag.values()) {
    requests += count;
    maxPerTag = Math.max(maxPerTag, count);
  }
  return {
    requests,
    // every repository has exactly one `latest`
    eligibleTags: tags - bench.world.repositories.length,
    maxPerTag,
    throttled,
    forNameSettledTags: [...perTag.keys()].filter((path) => path.endsWith('/tags/latest')).length,
  };
}
