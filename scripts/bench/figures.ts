// The figures of one sweep (registry-cleaner or the naive baseline) over a fresh sandbox: what it
// deleted compared with the oracle, the requests the sandbox recorded, time and peak RSS.

import type { ChildRun } from './child.ts';
import { type RequestSummary, summarizeRequests } from './requests.ts';
import { type BenchWorld, difference, type ScenarioFacts, sameSet, snapshot } from './world.ts';

export interface SweepFigures {
  name: string;
  scenario: ScenarioFacts;
  expectedDeletions: number;
  deleted: number;
  /** deleted although the oracle keeps them */
  deletedOutsideOracle: number;
  /** the oracle deletes them, yet they are still there */
  leftOver: number;
  matchesOracle: boolean;
  exitCode: number;
  requests: RequestSummary;
  requestsPerTag: number;
  wallSeconds: number;
  peakRssBytes: number | undefined;
  received429: number;
  /** operations that failed with a 429 (nothing retried them) */
  failed429: number;
  stderrTail?: string;
}

export interface SweepInputs {
  name: string;
  bench: BenchWorld;
  scenario: ScenarioFacts;
  expected: ReadonlySet<string>;
  before: ReadonlySet<string>;
  run: ChildRun;
  failed429: number;
}

export function sweepFigures(inputs: SweepInputs): SweepFigures {
  const { bench, scenario, expected, before, run } = inputs;
  const deleted = difference(before, snapshot(bench.sandbox));
  const requests = summarizeRequests(bench.sandbox.requests);
  return {
    name: inputs.name,
    scenario,
    expectedDeletions: expected.size,
    deleted: deleted.size,
    deletedOutsideOracle: difference(deleted, expected).size,
    leftOver: difference(expected, deleted).size,
    matchesOracle: sameSet(deleted, expected),
    exitCode: run.signal ? -1 : run.code,
    requests,
    requestsPerTag: requests.total / scenario.tags,
    wallSeconds: run.wallMs / 1000,
    peakRssBytes: run.peakRssBytes,
    received429: requests.status429,
    failed429: inputs.failed429,
    ...(run.code === 0 && !run.signal ? {} : { stderrTail: tail(run) }),
  };
}

function tail(run: ChildRun): string {
  const lines = run.stderr.trim().split('\n').slice(-3);
  return [...(run.signal ? [`killed by ${run.signal}`] : []), ...lines].join('\n');
}
