// The naive baseline case: the same fresh scenario, oracle and server conditions as the personal
// access token case, swept by naive-baseline.ts (a child process, like the CLI) instead.

import { fileURLToPath } from 'node:url';
import { oracleDoomed, type RetentionRule } from '../../test/scenarios/oracle.ts';
import { runNode } from './child.ts';
import { type SweepFigures, sweepFigures } from './figures.ts';
import { type ServerConditions, scenarioFacts, snapshot, startWorld, type WorldShape } from './world.ts';

const BASELINE = fileURLToPath(new URL('./naive-baseline.ts', import.meta.url));

export interface NaiveFigures extends SweepFigures {
  /** the baseline's own account: planned, deleted, failures by request kind and status */
  summary: Record<string, unknown> | undefined;
}

export async function runNaiveCase(
  name: string,
  shape: WorldShape,
  rule: RetentionRule,
  conditions: ServerConditions,
): Promise<NaiveFigures> {
  const bench = await startWorld(shape, conditions);
  try {
    const now = Date.now();
    const scenario = scenarioFacts(bench.sandbox, rule.olderThanDays, now);
    const expected = oracleDoomed(bench.sandbox.state, rule, now, 'createdAt');
    const before = snapshot(bench.sandbox);
    const args = [
      bench.sandbox.apiUrl,
      String(bench.project.id),
      String(rule.olderThanDays),
      String(rule.keepLatest),
    ];
    const run = await runNode(
      BASELINE,
      args,
      { GITLAB_TOKEN: bench.world.personalToken },
      {
        measureRss: true,
        timeoutMs: 3_600_000,
      },
    );
    // No retries: every 429 it received is an operation that failed.
    const failed429 = bench.sandbox.requests.filter((request) => request.status === 429).length;
    let summary: Record<string, unknown> | undefined;
    try {
      summary = JSON.parse(run.stdout) as Record<string, unknown>;
    } catch {
      summary = undefined;
    }
    return { ...sweepFigures({ name, bench, scenario, expected, before, run, failed429 }), summary };
  } finally {
    await bench.sandbox.close();
  }
}
