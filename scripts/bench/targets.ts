// The targets, checked against the figures of the cases that ran. A target whose cases did
// not run is listed as "not run"; figures are printed next to every verdict.

import { type BundleFigures, COLD_START_OVER_BARE_NODE_MS } from './bundle-case.ts';
import type { FaultCostFigures } from './fault-cost-case.ts';
import type { NaiveFigures } from './naive-case.ts';
import type { ProfileFigures } from './profile-case.ts';
import type { PruneFigures } from './prune-case.ts';
import type { RegexFigures } from './regex-case.ts';
import type { StopJobFigures } from './stop-job-case.ts';

export interface BenchFigures {
  stopJob?: StopJobFigures[];
  stopJobRegistry?: StopJobFigures;
  bundle?: BundleFigures;
  regex?: RegexFigures;
  profiles?: ProfileFigures[];
  prune: Record<string, PruneFigures>;
  naive: Record<string, NaiveFigures>;
  faultCost: Record<string, FaultCostFigures>;
}

export interface TargetVerdict {
  target: string;
  figure: string;
  /** undefined: the cases it needs did not run */
  met: boolean | undefined;
}

const MB = 1e6;

export function checkTargets(figures: BenchFigures, conditions: string): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const add = (target: string, figure: string | undefined, met: boolean | undefined) =>
    verdicts.push({ target, figure: figure ?? '—', met: figure === undefined ? undefined : met });

  const stops = figures.stopJob;
  const expected = [2, 3, 4];
  const cheap = stops?.slice(0, expected.length);
  add(
    'stop job: 2 requests with the guard off, 3 with no other environment, 4 when the others’ last deployments are among the newest 100; tag deleted, nothing else',
    cheap?.map((stop) => `${stop.requests} (${stop.outcomeCorrect ? 'correct' : 'WRONG'})`).join(', '),
    cheap?.every((stop, i) => stop.requests === expected[i] && stop.outcomeCorrect),
  );
  const many = stops?.[expected.length];
  add(
    'stop job, hundreds of environments: fewer requests than one read per environment',
    many &&
      `${many.requests} vs ${many.perEnvironmentRequests}, outcome ${many.outcomeCorrect ? 'correct' : 'WRONG'}`,
    many && many.requests <= (many.perEnvironmentRequests ?? 0) && many.outcomeCorrect,
  );

  const stopRegistry = figures.stopJobRegistry;
  add(
    'stop job through the registry: 3 requests (2 to GitLab), tag deleted, nothing else',
    stopRegistry &&
      `${stopRegistry.requests} requests (${stopRegistry.gitlabRequests} to GitLab), outcome ${stopRegistry.outcomeCorrect ? 'correct' : 'WRONG'}`,
    stopRegistry &&
      stopRegistry.requests <= 3 &&
      stopRegistry.gitlabRequests <= 2 &&
      stopRegistry.outcomeCorrect,
  );

  const pat = figures.prune['pat-10k'];
  const naive = figures.naive['naive-10k'];
  add(
    'PAT 10k: ≤ 0.08 requests per tag',
    pat && `${pat.requestsPerTag.toFixed(4)} (${pat.requests.total} requests)`,
    pat && pat.requestsPerTag <= 0.08,
  );
  const ratio = pat && naive ? naive.requests.total / pat.requests.total : undefined;
  add(
    'PAT 10k: ≥ 20× fewer requests than the naive baseline',
    ratio === undefined
      ? undefined
      : `${ratio.toFixed(1)}× (${naive!.requests.total} vs ${pat!.requests.total})`,
    ratio !== undefined && ratio >= 20,
  );
  add(
    `PAT 10k: ≤ 15 s (${conditions})`,
    pat && `${pat.wallSeconds.toFixed(1)} s`,
    pat && pat.wallSeconds <= 15,
  );

  const throughRegistry = figures.prune['registry-job-10k'];
  add(
    'job token 10k through the registry: ≤ 0.8 requests per tag (GitLab and registry)',
    throughRegistry &&
      `${throughRegistry.requestsPerTag.toFixed(4)} (${throughRegistry.requests.total} requests)`,
    throughRegistry && throughRegistry.requestsPerTag <= 0.8,
  );
  add(
    'job token 10k through the registry: wall ≤ 1.5× the personal token (pat-10k)',
    throughRegistry && pat
      ? `${throughRegistry.wallSeconds.toFixed(1)} s vs ${pat.wallSeconds.toFixed(1)} s: ${(throughRegistry.wallSeconds / pat.wallSeconds).toFixed(2)}×`
      : undefined,
    throughRegistry && pat ? throughRegistry.wallSeconds <= 1.5 * pat.wallSeconds : undefined,
  );
  for (const sweep of Object.values(figures.prune).filter((f) => f.registry)) {
    add(
      `${sweep.name}: ends as the oracle says (last-push ages, no --accept-ages)`,
      `exit ${sweep.exitCode}, ${sweep.deleted} deleted, ${sweep.deletedOutsideOracle} outside, ${sweep.leftOver} left over`,
      sweep.matchesOracle && sweep.exitCode === 0,
    );
  }

  for (const job of Object.values(figures.prune).filter((f) => f.token === 'job' && !f.registry)) {
    const details = job.details!;
    add(
      `${job.name}: no details request for a tag settled by name`,
      `${details.forNameSettledTags} such tags asked for`,
      details.forNameSettledTags === 0,
    );
    add(
      `${job.name}: ≤ 1 details request per remaining tag`,
      `${details.requests} requests for ${details.eligibleTags} tags, at most ${details.maxPerTag} per tag, ${details.throttled} answered 429`,
      details.maxPerTag <= 1 && details.requests <= details.eligibleTags,
    );
    add(
      `${job.name}: zero 429 failures`,
      `${job.failed429} (${job.received429} 429s received)`,
      job.failed429 === 0,
    );
  }

  for (const big of Object.values(figures.prune).filter((f) => f.scenario.tags >= 100_000)) {
    const rss = big.peakRssBytes;
    add(
      `${big.name}: peak RSS ≤ 200 MB`,
      rss === undefined ? 'not measured' : `${(rss / MB).toFixed(1)} MB`,
      rss !== undefined && rss <= 200 * MB,
    );
  }
  if (!Object.values(figures.prune).some((f) => f.scenario.tags >= 100_000)) {
    add('100k tags: peak RSS ≤ 200 MB', undefined, undefined);
  }

  for (const cost of Object.values(figures.faultCost)) {
    add(
      `${cost.name}: with ${cost.faultRate * 100} % faults ≤ 2× the fault-free wall time`,
      `${cost.faulty.wallSeconds.toFixed(1)} s vs ${cost.clean.wallSeconds.toFixed(1)} s: ${cost.ratio.toFixed(2)}×`,
      cost.ratio <= 2,
    );
    add(
      `${cost.name}: faults delete nothing the oracle keeps`,
      `${cost.faulty.deletedOutsideOracle} outside, exit ${cost.faulty.exitCode}, matches the oracle: ${cost.faulty.matchesOracle ? 'yes' : 'no'}`,
      cost.faulty.deletedOutsideOracle === 0,
    );
  }

  const bundle = figures.bundle;
  for (const [command, times] of [
    ['--version', bundle?.version],
    ['--help', bundle?.help],
  ] as const) {
    const over = bundle && times ? times.medianMs - bundle.bareNode.medianMs : undefined;
    add(
      `cold start of ${command} ≤ bare node + ${COLD_START_OVER_BARE_NODE_MS} ms (medians)`,
      bundle &&
        times &&
        `${times.medianMs.toFixed(1)} ms, bare node ${bundle.bareNode.medianMs.toFixed(1)} ms: +${over!.toFixed(1)} ms`,
      over !== undefined && over <= COLD_START_OVER_BARE_NODE_MS,
    );
  }
  return verdicts;
}
