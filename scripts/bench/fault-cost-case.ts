// What faults cost: the same personal-token sweep (same seed, same world) run twice on fresh
// sandboxes, once fault-free and once with seeded faults on a share of the requests (the soak's
// kinds: 5xx, 429 with and without Retry-After, resets before and after GitLab acted, truncated
// and invalid JSON, answers slower than --timeout). Both runs use the soak's --timeout, so a slow
// answer costs the same in both. The faulty run must delete nothing the oracle keeps.

import { oracleDoomed, type RetentionRule, ruleFlags } from '../../test/scenarios/oracle.ts';
import { type ChildRun, runBundle } from './child.ts';
import { parseReport } from './cli-report.ts';
import { SeededFaults } from './faults.ts';
import {
  type BenchWorld,
  difference,
  type ServerConditions,
  sameSet,
  snapshot,
  startWorld,
  type WorldShape,
} from './world.ts';

/** The soak's: short enough that an answer slower than it costs seconds, not half a minute. */
const CLI_TIMEOUT = '2s';
const SLOW_ANSWER_MS = 5_000;

export interface FaultRunFigures {
  wallSeconds: number;
  exitCode: number;
  /** requests the sandbox answered (faults included) */
  requests: number;
  retries: number | undefined;
  rateLimited: number | undefined;
  /** the run deleted exactly what the oracle deletes */
  matchesOracle: boolean;
  /** deleted although the oracle keeps them: must be 0 */
  deletedOutsideOracle: number;
}

export interface FaultCostFigures {
  name: string;
  tags: number;
  faultRate: number;
  timeout: string;
  clean: FaultRunFigures;
  faulty: FaultRunFigures;
  /** faults injected, by kind */
  injected: Record<string, number>;
  /** faulty wall time over fault-free wall time */
  ratio: number;
}

export async function runFaultCostCase(
  name: string,
  shape: WorldShape,
  rule: RetentionRule,
  conditions: ServerConditions,
  faultRate: number,
): Promise<FaultCostFigures> {
  const clean = await sweep(shape, rule, conditions);
  const faults = new SeededFaults({ seed: shape.seed, rate: faultRate, slowMs: SLOW_ANSWER_MS });
  const faulty = await sweep(shape, rule, conditions, faults);
  return {
    name,
    tags: shape.tags,
    faultRate,
    timeout: CLI_TIMEOUT,
    clean,
    faulty,
    injected: faults.injected,
    ratio: faulty.wallSeconds / clean.wallSeconds,
  };
}

async function sweep(
  shape: WorldShape,
  rule: RetentionRule,
  conditions: ServerConditions,
  faults?: SeededFaults,
): Promise<FaultRunFigures> {
  const bench = await startWorld(shape, conditions, faults?.interceptor);
  try {
    const expected = oracleDoomed(bench.sandbox.state, rule, Date.now(), 'publishedAt');
    const before = snapshot(bench.sandbox);
    const run = await prune(bench, rule);
    await faults?.settled();
    const deleted = difference(before, snapshot(bench.sandbox));
    const report = parseReport(run.stdout);
    return {
      wallSeconds: run.wallMs / 1000,
      exitCode: run.signal ? -1 : run.code,
      requests: bench.sandbox.requests.length,
      retries: report?.requests?.retries,
      rateLimited: report?.requests?.rateLimited,
      matchesOracle: sameSet(deleted, expected),
      deletedOutsideOracle: difference(deleted, expected).size,
    };
  } finally {
    await bench.sandbox.close();
  }
}

function prune(bench: BenchWorld, rule: RetentionRule): Promise<ChildRun> {
  return runBundle(
    [
      'prune',
      '--project',
      bench.project.fullPath,
      ...ruleFlags(rule),
      '--timeout',
      CLI_TIMEOUT,
      '--output',
      'json',
    ],
    {
      REGISTRY_CLEANER_GITLAB_URL: bench.sandbox.url,
      REGISTRY_CLEANER_TOKEN: bench.world.personalToken,
      NO_COLOR: '1',
    },
    { timeoutMs: 20 * 60_000 },
  );
}
