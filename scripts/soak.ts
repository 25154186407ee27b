// npm run soak: a 100,000-tag prune (personal access token) under 5 % seeded faults must finish and
// delete nothing outside its plan; re-run without faults, it must converge on the oracle's state.
// Exits 1 when an invariant breaks, so CI can run it.
//
//   npm run soak -- [--tags 100000] [--repositories 16] [--seed 1] [--fault-rate 0.05] [--latency 10]
//
// The plan is the dry run of the same command on an identical, fault-free sandbox (same seed); it
// must equal the oracle. Peak RSS: the child's own high-water mark (scripts/bench/rss-probe.mjs).

import { parseArgs } from 'node:util';
import { oracleDoomed, type RetentionRule, ruleFlags } from '../test/scenarios/oracle.ts';
import { type ChildRun, pinBundle, runBundle } from './bench/child.ts';
import { parseReport, reportTags } from './bench/cli-report.ts';
import { SeededFaults } from './bench/faults.ts';
import { faultsTable, requestLines, runsTable, type SoakRun, stderrLines } from './bench/soak-report.ts';
import { formatTable, thousands, yesNo } from './bench/table.ts';
import {
  type BenchWorld,
  difference,
  type ServerConditions,
  sameSet,
  snapshot,
  startWorld,
  type WorldShape,
} from './bench/world.ts';

const RULE: RetentionRule = { olderThanDays: 14, keepLatest: 10 };
const CLI_TIMEOUT = '2s';
/** Slow answers outlast the CLI's --timeout, and still run their handler (late). */
const SLOW_ANSWER_MS = 5_000;
/** A run that takes longer has hung. */
const RUN_LIMIT_MS = 20 * 60_000;

const { values: flags } = parseArgs({
  options: {
    tags: { type: 'string', default: '100000' },
    repositories: { type: 'string', default: '16' },
    seed: { type: 'string', default: '1' },
    'fault-rate': { type: 'string', default: '0.05' },
    latency: { type: 'string', default: '10' },
  },
});
const shape: WorldShape = {
  tags: Number(flags.tags),
  repositories: Number(flags.repositories),
  days: 56,
  seed: Number(flags.seed),
};
const conditions: ServerConditions = {
  latencyMs: Number(flags.latency),
  maxConcurrency: 16,
  rateLimit: undefined,
};
const faultRate = Number(flags['fault-rate']);
const out = (text = '') => process.stdout.write(`${text}\n`);
const progress = (text: string) => process.stderr.write(`soak: ${text}\n`);

function prune(bench: BenchWorld, extra: string[]): Promise<ChildRun> {
  const args = ['prune', '--project', bench.project.fullPath, ...ruleFlags(RULE), '--timeout', CLI_TIMEOUT];
  return runBundle(
    [...args, '--output', 'json', ...extra],
    {
      REGISTRY_CLEANER_GITLAB_URL: bench.sandbox.url,
      REGISTRY_CLEANER_TOKEN: bench.world.personalToken,
      NO_COLOR: '1',
    },
    { measureRss: true, timeoutMs: RUN_LIMIT_MS },
  );
}

const bundle = pinBundle();
out(`$ ${[process.execPath, ...process.argv.slice(1)].join(' ')}`);
out(`Node ${process.version}, ${new Date().toISOString()}, bundle sha256 ${bundle.sha256.slice(0, 16)}…`);
out(
  `${thousands(shape.tags)} tags in ${shape.repositories} repositories (seed ${shape.seed}); ` +
    `prune ${ruleFlags(RULE).join(' ')} --timeout ${CLI_TIMEOUT}; sandbox: ${conditions.latencyMs} ms latency, ` +
    `${conditions.maxConcurrency} requests at once, ${faultRate * 100} % faults in run 1`,
);
const started = performance.now();

// 1. The plan: the dry run on an identical sandbox without faults.
progress('dry run on a fault-free twin …');
const twin = await startWorld(shape, conditions);
let plan: Set<string>;
let planIsOracle: boolean;
try {
  const now = Date.now();
  const dry = await prune(twin, ['--dry-run']);
  if (dry.code !== 0) progress(`the dry run exited ${dry.code}: ${dry.stderr.trim()}`);
  plan = reportTags(parseReport(dry.stdout), (tag) => tag.action === 'delete');
  planIsOracle = sameSet(plan, oracleDoomed(twin.sandbox.state, RULE, now, 'publishedAt'));
} finally {
  await twin.sandbox.close();
}

// 2. The real run under faults; 3. the re-run once they clear.
const faults = new SeededFaults({ seed: shape.seed, rate: faultRate, slowMs: SLOW_ANSWER_MS });
const bench = await startWorld(shape, conditions, faults.interceptor);
let firstFinished: boolean;
let outsidePlan: Set<string>;
let converged: boolean;
try {
  const expected = oracleDoomed(bench.sandbox.state, RULE, Date.now(), 'publishedAt');
  const before = snapshot(bench.sandbox);

  progress('run 1, with faults …');
  const first = await prune(bench, []);
  await faults.settled();
  firstFinished = !first.signal && !/unexpected error/.test(first.stderr);
  const afterFirst = snapshot(bench.sandbox);
  const firstRequests = bench.sandbox.requests.length;

  progress('run 2, faults cleared …');
  faults.enabled = false;
  const second = await prune(bench, []);
  const after = snapshot(bench.sandbox);
  const deleted = difference(before, after);
  outsidePlan = difference(deleted, plan);
  converged = sameSet(deleted, expected);

  const runs: SoakRun[] = [
    {
      name: 'run 1 (faults)',
      run: first,
      requests: bench.sandbox.requests.slice(0, firstRequests),
      removedFromRegistry: before.size - afterFirst.size,
    },
    {
      name: 'run 2 (no faults)',
      run: second,
      requests: bench.sandbox.requests.slice(firstRequests),
      removedFromRegistry: afterFirst.size - after.size,
    },
  ];
  out('\n## Runs ("report": the CLI\'s JSON report; "registry": the sandbox\'s state)');
  out(runsTable(runs));
  out('\n## Requests by kind');
  out(requestLines(runs));
  out('\n## Faults injected in run 1');
  out(faultsTable(faults.injected, firstRequests));
  for (const line of stderrLines(runs)) out(line);
} finally {
  await bench.sandbox.close();
}

const invariants: [string, boolean][] = [
  ['the dry-run plan equals the oracle', planIsOracle],
  ['run 1 finished (no hang, no crash)', firstFinished],
  ['no tag outside the plan was deleted', outsidePlan.size === 0],
  ['after the re-run, the registry equals the oracle', converged],
];
out('\n## Invariants');
out(
  formatTable(
    ['invariant', 'holds'],
    invariants.map(([name, holds]) => [name, yesNo(holds)]),
  ),
);
if (outsidePlan.size > 0) out(`deleted outside the plan: ${[...outsidePlan].slice(0, 10).join(', ')} …`);
out(`\nTotal ${((performance.now() - started) / 1000).toFixed(0)} s.`);
process.exitCode = invariants.every(([, holds]) => holds) ? 0 : 1;
