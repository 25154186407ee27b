// One sweep per GitLab profile the sandbox models (version × registry kind), personal token: what
// its times are, whether the sweep refused them, and, accepted where it refused, what the run cost
// and whether it ended as the oracle says.

import type { GitlabVersion, RegistryKind } from '../../test/sandbox/index.ts';
import { oracleDoomed, type RetentionRule, ruleFlags } from '../../test/scenarios/oracle.ts';
import { runBundle } from './child.ts';
import {
  difference,
  type ServerConditions,
  sameSet,
  snapshot,
  startWorld,
  type WorldShape,
} from './world.ts';

export interface ProfileFigures {
  profile: string;
  /** what the sweep's times were: last-push, first-push, build-time */
  ageSource: string;
  /** exit code without --accept-ages (1: refused) */
  firstExit: number;
  /** the run that deleted: the first, or the one with --accept-ages */
  exitCode: number;
  requests: number;
  wallSeconds: number;
  matchesOracle: boolean;
}

export const PROFILES: { gitlab: GitlabVersion; registry: RegistryKind }[] = (
  ['16.5', '17.3', '18.6'] as const
).flatMap((gitlab) => (['metadata', 'legacy'] as const).map((registry) => ({ gitlab, registry })));

export async function runProfileCases(
  shape: WorldShape,
  rule: RetentionRule,
  conditions: ServerConditions,
): Promise<ProfileFigures[]> {
  const figures: ProfileFigures[] = [];
  for (const profile of PROFILES) {
    const bench = await startWorld(shape, conditions, undefined, profile);
    try {
      const now = Date.now();
      const expected = oracleDoomed(bench.sandbox.state, rule, now);
      const before = snapshot(bench.sandbox);
      const env = {
        REGISTRY_CLEANER_GITLAB_URL: bench.sandbox.url,
        REGISTRY_CLEANER_TOKEN: bench.world.personalToken,
        NO_COLOR: '1',
      };
      const args = ['prune', '--project', bench.project.fullPath, ...ruleFlags(rule), '--output', 'json'];
      const first = await runBundle(args, env);
      const ageSource = String(JSON.parse(first.stdout).repositories?.[0]?.ageSource ?? 'none');
      let run = first;
      if (first.code !== 0) {
        bench.sandbox.resetRequests();
        run = await runBundle([...args, '--accept-ages', ageSource], env);
      }
      const deleted = difference(before, snapshot(bench.sandbox));
      figures.push({
        profile: `GitLab ${profile.gitlab}, ${profile.registry}`,
        ageSource,
        firstExit: first.code,
        exitCode: run.code,
        requests: bench.sandbox.requests.length,
        wallSeconds: run.wallMs / 1000,
        matchesOracle: sameSet(deleted, expected),
      });
    } finally {
      await bench.sandbox.close();
    }
  }
  return figures;
}
