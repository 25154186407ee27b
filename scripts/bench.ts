// npm run bench: measures the real bundle, as a child process, against the sandbox GitLab over
// loopback sockets. Figures are printed (stdout) and written to bench-results.json; progress goes
// to stderr. Nothing here asserts: the targets are printed as met / not met.
//
//   npm run bench -- [--quick | --full] [--cases pat-10k,naive-10k] [--latency 20] [--no-rate-limit]
//
// Peak RSS is the child's own high-water mark (VmHWM; not getrusage, which includes the bench's
// RSS at spawn), written at exit by scripts/bench/rss-probe.mjs, which the child preloads.

import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { relative } from 'node:path';
import { type BenchOptions, describeConditions, parseBenchOptions, USAGE } from './bench/bench-options.ts';
import * as tables from './bench/bench-tables.ts';
import { RULE, runCase, SCENARIO } from './bench/cases.ts';
import { IMAGE_NODE_OPTIONS, pinBundle } from './bench/child.ts';
import type { NaiveFigures } from './bench/naive-case.ts';
import type { PruneFigures } from './bench/prune-case.ts';
import { type BenchFigures, checkTargets } from './bench/targets.ts';

let options: BenchOptions;
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const out = (text = '') => process.stdout.write(`${text}\n`);
const progress = (text: string) => process.stderr.write(`bench: ${text}\n`);
const conditions = describeConditions(options.conditions);
const commandLine = [
  process.execPath,
  ...process.execArgv,
  relative(process.cwd(), process.argv[1]!),
  ...process.argv.slice(2),
];
const machine = {
  node: process.version,
  cpus: availableParallelism(),
  cpuModel: cpus()[0]?.model ?? 'unknown',
  loadAverage: loadavg().map((load) => Number(load.toFixed(2))),
  date: new Date().toISOString(),
};
const bundle = pinBundle();

out(`$ ${commandLine.join(' ')}`);
out(
  `Node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel}), load average ${machine.loadAverage.join(' ')}, ${machine.date}`,
);
out(
  `Bundle: dist/registry-cleaner.mjs, ${bundle.bytes} bytes, sha256 ${bundle.sha256.slice(0, 16)}… (a pinned copy runs)` +
    `, with the image's NODE_OPTIONS=${IMAGE_NODE_OPTIONS || '(none)'}`,
);
out(`Sandbox: 127.0.0.1, ${conditions}.`);
out(
  `Scenario: 1 project, ${SCENARIO.repositories} repositories, ages over ${SCENARIO.days} days, seed ${SCENARIO.seed}; ` +
    `fresh sandbox per case. Rule: --older-than ${RULE.olderThanDays}d --keep-latest ${RULE.keepLatest}.`,
);
out(`Cases: ${options.cases.join(', ')}`);

const figures: BenchFigures = { prune: {}, naive: {}, faultCost: {} };
const started = performance.now();
for (const name of options.cases) {
  const caseStarted = performance.now();
  progress(`${name} …`);
  await runCase(name, options.conditions, figures);
  progress(`${name} done in ${((performance.now() - caseStarted) / 1000).toFixed(1)} s`);
}

const section = (title: string, table: string) => out(`\n## ${title}\n${table}`);
if (figures.stopJob)
  section('Stop job (delete-tag, CI_* variables and the job token)', tables.stopJobTable(figures.stopJob));
if (figures.stopJobRegistry)
  section(
    "Stop job through the container registry's own API",
    tables.stopJobTable([figures.stopJobRegistry]),
  );
if (figures.bundle)
  section('Bundle and cold start (node <bundle> --version / --help)', tables.bundleTable(figures.bundle));
if (figures.regex)
  section(
    `User regexes (re2js, in this process): ${figures.regex.names.toLocaleString('en-US')} tag names, ${figures.regex.adversarialNames.toLocaleString('en-US')} adversarial`,
    tables.regexTable(figures.regex),
  );
if (figures.profiles)
  section(
    'GitLab profiles (personal token, 1,000 tags each; times not accepted by default are accepted in a second run)',
    tables.profilesTable(figures.profiles),
  );
const prune = Object.values(figures.prune);
const naive = Object.values(figures.naive);
const sweeps = [...prune, ...naive];
if (sweeps.length > 0) {
  section(
    'Scenarios (oracle: publishedAt for the PAT, createdAt for the job token and the baseline)',
    tables.scenarioTable(sweeps),
  );
  section('Sweeps (registry-cleaner prune, and the naive baseline)', tables.resultsTable(sweeps));
  section('Requests by kind (as the sandbox recorded them)', tables.requestKindsTable(sweeps));
  for (const sweep of sweeps) if (sweep.stderrTail) out(`${sweep.name} stderr: ${sweep.stderrTail}`);
}
const costs = Object.values(figures.faultCost);
if (costs.length > 0)
  section('What faults cost (the same sweep, fault-free and with faults)', tables.faultCostTable(costs));
const pairs: [NaiveFigures, PruneFigures][] = [];
for (const baseline of naive) {
  const rc = prune.find((p) => p.token === 'pat' && p.scenario.tags === baseline.scenario.tags);
  if (rc) pairs.push([baseline, rc]);
}
if (pairs.length > 0) section('Naive baseline vs registry-cleaner (PAT)', tables.comparisonTable(pairs));
const paths = tables.readPathRows(prune);
if (paths) section("The same sweep by read path: REST, GraphQL, the registry's own API", paths);
const targets = checkTargets(figures, conditions);
section('Targets', tables.targetsTable(targets));

const totalSeconds = (performance.now() - started) / 1000;
out(`\nTotal ${totalSeconds.toFixed(0)} s.`);
const resultsFile = new URL('../bench-results.json', import.meta.url);
const results = {
  commandLine,
  machine,
  loadAverageAtEnd: loadavg(),
  bundle,
  conditions: options.conditions,
  rule: RULE,
  figures,
  targets,
  totalSeconds,
};
writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
progress(`wrote ${relative(process.cwd(), resultsFile.pathname)}`);
