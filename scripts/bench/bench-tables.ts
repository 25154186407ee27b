// The bench's figures as aligned tables, one function per table.

import type { BundleFigures, StartTimes } from './bundle-case.ts';
import type { FaultCostFigures } from './fault-cost-case.ts';
import type { SweepFigures } from './figures.ts';
import type { NaiveFigures } from './naive-case.ts';
import type { ProfileFigures } from './profile-case.ts';
import type { PruneFigures } from './prune-case.ts';
import type { RegexFigures } from './regex-case.ts';
import type { StopJobFigures } from './stop-job-case.ts';
import { type Cell, fixed, formatTable, megabytes, thousands, yesNo } from './table.ts';
import type { TargetVerdict } from './targets.ts';

export function stopJobTable(stops: readonly StopJobFigures[]): string {
  return formatTable(
    [
      'environments',
      'other available',
      'deployments',
      'exit',
      'requests',
      'one read per environment',
      'by kind',
      'wall s',
      'peak RSS MB',
      'outcome correct',
    ],
    stops.map((stop) => [
      stop.variant,
      stop.otherEnvironments,
      stop.deployments,
      stop.exitCode,
      stop.requests,
      stop.perEnvironmentRequests ?? '',
      stop.byKind,
      fixed(stop.wallSeconds, 2),
      megabytes(stop.peakRssBytes),
      yesNo(stop.outcomeCorrect),
    ]),
  );
}

export function bundleTable(bundle: BundleFigures): string {
  const row = (command: string, times: StartTimes): Cell[] => [
    command,
    fixed(times.medianMs, 1),
    command === "node -e ''" ? '' : `+${fixed(times.medianMs - bundle.bareNode.medianMs, 1)}`,
    fixed(times.p90Ms, 1),
    fixed(times.minMs, 1),
    fixed(times.maxMs, 1),
  ];
  const size = `dist/registry-cleaner.mjs: ${thousands(bundle.bytes)} bytes (${fixed(bundle.bytes / 1024, 0)} KiB), node ${bundle.nodeVersion}, ${bundle.runs} runs each, interleaved`;
  return `${size}\n${formatTable(
    ['command', 'median ms', 'over bare node', 'p90 ms', 'min ms', 'max ms'],
    [
      row('registry-cleaner --version', bundle.version),
      row('registry-cleaner --help', bundle.help),
      row("node -e ''", bundle.bareNode),
    ],
  )}`;
}

export function regexTable(regex: RegexFigures): string {
  return formatTable(
    [
      'pattern',
      'as',
      'compile µs',
      'names',
      'matched',
      'total ms',
      'ns/name',
      "ns/char 'a…a!' ×32",
      "ns/char 'a…a!' ×128",
    ],
    regex.patterns.map((p) => [
      p.source,
      `--${p.role}`,
      fixed(p.compileMicros, 0),
      thousands(p.names),
      thousands(p.matched),
      fixed(p.totalMs, 1),
      fixed(p.nanosPerName, 0),
      fixed(p.nanosPerChar32, 1),
      fixed(p.nanosPerChar128, 1),
    ]),
  );
}

export function scenarioTable(cases: readonly SweepFigures[]): string {
  return formatTable(
    ['case', 'tags', 'older than 14d', 're-pushed', 'oracle deletes'],
    cases.map((c) => [
      c.name,
      thousands(c.scenario.tags),
      `${fixed(c.scenario.olderFraction * 100, 1)} %`,
      c.scenario.rePushed,
      thousands(c.expectedDeletions),
    ]),
  );
}

export function resultsTable(cases: readonly (PruneFigures | NaiveFigures)[]): string {
  return formatTable(
    [
      'case',
      'requests',
      'req/tag',
      'wall s',
      'peak RSS MB',
      '429 recv',
      '429 fail',
      'retries',
      'exit',
      'deleted',
      'outside oracle',
      'left over',
      '= oracle',
    ],
    cases.map((c): Cell[] => [
      c.name,
      thousands(c.requests.total),
      fixed(c.requestsPerTag, 4),
      fixed(c.wallSeconds, 1),
      megabytes(c.peakRssBytes),
      c.received429,
      c.failed429,
      'cliRequests' in c ? String(c.cliRequests?.retries ?? '?') : '-',
      c.exitCode,
      thousands(c.deleted),
      c.deletedOutsideOracle,
      thousands(c.leftOver),
      yesNo(c.matchesOracle),
    ]),
  );
}

export function requestKindsTable(cases: readonly SweepFigures[]): string {
  const rows: Cell[][] = [];
  for (const c of cases) {
    const kinds = Object.entries(c.requests.byKind).sort((a, b) => b[1] - a[1]);
    for (const [kind, count] of kinds) rows.push([c.name, kind, thousands(count)]);
    const statuses = Object.entries(c.requests.byStatus)
      .map(([status, count]) => `${status}×${count}`)
      .join(' ');
    rows.push([c.name, `(statuses: ${statuses})`, '']);
  }
  return formatTable(['case', 'kind', 'requests'], rows);
}

export function comparisonTable(pairs: readonly [NaiveFigures, PruneFigures][]): string {
  return formatTable(
    [
      'tags',
      'naive requests',
      'r-c requests',
      'ratio',
      'naive s',
      'r-c s',
      'naive 429 failures',
      'r-c 429 failures',
      'naive = oracle',
      'r-c = oracle',
    ],
    pairs.map(([naive, rc]) => [
      thousands(rc.scenario.tags),
      thousands(naive.requests.total),
      thousands(rc.requests.total),
      `${fixed(naive.requests.total / rc.requests.total, 1)}×`,
      fixed(naive.wallSeconds, 1),
      fixed(rc.wallSeconds, 1),
      thousands(naive.failed429),
      rc.failed429,
      yesNo(naive.matchesOracle),
      yesNo(rc.matchesOracle),
    ]),
  );
}

export function targetsTable(verdicts: readonly TargetVerdict[]): string {
  return formatTable(
    ['target', 'figure', 'met'],
    verdicts.map((v) => [v.target, v.figure, v.met === undefined ? 'not run' : v.met ? 'met' : 'NOT MET']),
  );
}

export function faultCostTable(costs: readonly FaultCostFigures[]): string {
  const rows: Cell[][] = [];
  for (const cost of costs) {
    for (const [run, figures] of [
      ['fault-free', cost.clean],
      [`${cost.faultRate * 100} % faults`, cost.faulty],
    ] as const) {
      rows.push([
        cost.name,
        run,
        fixed(figures.wallSeconds, 1),
        run === 'fault-free' ? '' : `${fixed(cost.ratio, 2)}×`,
        figures.requests,
        figures.retries ?? '?',
        figures.rateLimited ?? '?',
        figures.exitCode,
        yesNo(figures.matchesOracle),
      ]);
    }
  }
  const injected = costs.map(
    (cost) =>
      `${cost.name} (--timeout ${cost.timeout}) faults injected: ${Object.entries(cost.injected)
        .map(([kind, count]) => `${kind} ×${count}`)
        .join(', ')}`,
  );
  return `${formatTable(
    ['case', 'run', 'wall s', 'vs fault-free', 'requests', 'retries', '429s', 'exit', 'matches oracle'],
    rows,
  )}\n${injected.join('\n')}`;
}

export function profilesTable(rows: readonly ProfileFigures[]): string {
  return formatTable(
    ['profile', 'times', 'first run', 'exit', 'requests', 'wall s', 'as the oracle'],
    rows.map((row) => [
      row.profile,
      row.ageSource,
      row.firstExit === 0 ? 'swept' : `refused (exit ${row.firstExit})`,
      row.exitCode,
      row.requests,
      fixed(row.wallSeconds, 2),
      yesNo(row.matchesOracle),
    ]),
  );
}

/**
 * The sweeps of the same size side by side, by token and read path: the job token over REST and
 * through the registry, the personal token over GraphQL and through the registry.
 */
export function readPathRows(cases: readonly PruneFigures[]): string | undefined {
  const paths = cases.filter((c) => cases.some((o) => o !== c && o.scenario.tags === c.scenario.tags));
  if (!paths.some((c) => c.registry)) return undefined;
  const sorted = [...paths].sort((a, b) => a.scenario.tags - b.scenario.tags || a.name.localeCompare(b.name));
  return formatTable(
    ['tags', 'case', 'token', 'read via', 'requests', 'req/tag', 'wall s', 'peak RSS MB', '= oracle'],
    sorted.map((c) => [
      thousands(c.scenario.tags),
      c.name,
      c.token === 'pat' ? 'personal' : 'job',
      c.registry ? "registry's API" : c.token === 'pat' ? 'GraphQL' : 'REST',
      thousands(c.requests.total),
      fixed(c.requestsPerTag, 4),
      fixed(c.wallSeconds, 1),
      megabytes(c.peakRssBytes),
      yesNo(c.matchesOracle),
    ]),
  );
}
