// The bench's cases by name, and what runs each one. Every case starts its own sandbox.

import type { RetentionRule } from '../../test/scenarios/oracle.ts';
import { runBundleCase } from './bundle-case.ts';
import { runFaultCostCase } from './fault-cost-case.ts';
import { runNaiveCase } from './naive-case.ts';
import { runProfileCases } from './profile-case.ts';
import { runPruneCase, type TokenKind } from './prune-case.ts';
import { runRegexCase } from './regex-case.ts';
import { runRegistryStopJobCase, runStopJobCase } from './stop-job-case.ts';
import type { BenchFigures } from './targets.ts';
import type { ServerConditions, WorldShape } from './world.ts';

export const RULE: RetentionRule = { olderThanDays: 14, keepLatest: 10 };
/** One project with 10 repositories; ages spread over 56 days: about 75 % are older than 14 days. */
export const SCENARIO = { repositories: 10, days: 56, seed: 42 };
const COLD_START_RUNS = 30;

const PRUNE_CASES: Record<string, { token: TokenKind; tags: number; registry?: boolean }> = {
  'pat-1k': { token: 'pat', tags: 1_000 },
  'pat-10k': { token: 'pat', tags: 10_000 },
  'pat-100k': { token: 'pat', tags: 100_000 },
  'job-1k': { token: 'job', tags: 1_000 },
  'job-10k': { token: 'job', tags: 10_000 },
  // one details GET per tag and one DELETE per doomed tag: over an hour at 2,000 requests/minute
  'job-100k': { token: 'job', tags: 100_000 },
  // the registry's own API: 1,000 tags a page with the last push, one DELETE per tag to the registry
  'registry-job-1k': { token: 'job', tags: 1_000, registry: true },
  'registry-job-10k': { token: 'job', tags: 10_000, registry: true },
  'registry-job-100k': { token: 'job', tags: 100_000, registry: true },
  // listing through the registry, deleting through GraphQL
  'registry-pat-10k': { token: 'pat', tags: 10_000, registry: true },
  'registry-pat-100k': { token: 'pat', tags: 100_000, registry: true },
};
const NAIVE_CASES: Record<string, number> = { 'naive-1k': 1_000, 'naive-10k': 10_000 };
/** the personal-token sweep, fault-free and with this share of requests faulted (issue 12: ≤ 2×) */
const FAULT_COST_CASES: Record<string, { tags: number; faultRate: number }> = {
  'faults-10k': { tags: 10_000, faultRate: 0.05 },
};

export const ALL_CASES = [
  'stop-job',
  'stop-job-registry',
  'bundle',
  'regex',
  'profiles',
  ...Object.keys(PRUNE_CASES),
  ...Object.keys(NAIVE_CASES),
  ...Object.keys(FAULT_COST_CASES),
];
export const QUICK_CASES = [
  'stop-job',
  'stop-job-registry',
  'bundle',
  'regex',
  'profiles',
  'pat-1k',
  'pat-10k',
  'job-1k',
  'registry-job-1k',
  'registry-job-10k',
  'naive-1k',
];
export const DEFAULT_CASES = ALL_CASES.filter((name) => name !== 'job-100k');

/** Runs one case and files its figures under its name. */
export async function runCase(
  name: string,
  conditions: ServerConditions,
  figures: BenchFigures,
): Promise<void> {
  const shape = (tags: number): WorldShape => ({ tags, ...SCENARIO });
  const prune = PRUNE_CASES[name];
  const naive = NAIVE_CASES[name];
  const faultCost = FAULT_COST_CASES[name];
  if (name === 'stop-job') figures.stopJob = await runStopJobCase(conditions);
  else if (name === 'stop-job-registry') figures.stopJobRegistry = await runRegistryStopJobCase(conditions);
  else if (name === 'bundle') figures.bundle = await runBundleCase(COLD_START_RUNS);
  else if (name === 'regex') figures.regex = runRegexCase();
  else if (name === 'profiles') figures.profiles = await runProfileCases(shape(1_000), RULE, conditions);
  else if (prune)
    figures.prune[name] = await runPruneCase(
      name,
      prune.token,
      shape(prune.tags),
      RULE,
      conditions,
      prune.registry,
    );
  else if (naive) figures.naive[name] = await runNaiveCase(name, shape(naive), RULE, conditions);
  else if (faultCost)
    figures.faultCost[name] = await runFaultCostCase(
      name,
      shape(faultCost.tags),
      RULE,
      conditions,
      faultCost.faultRate,
    );
  else throw new Error(`unknown case ${name}`);
}
