// delete-tag's report: the JSON document (stable, versioned, documented in docs/reports.md) and the
// text people read in a job log.

import type { ExitCode } from '../errors.ts';
import { explain } from '../explain.ts';
import type { Io } from '../io.ts';
import type {
  DeleteTagPlan,
  Execution,
  KeptTarget,
  Outcome,
  Repository,
  RequestStatistics,
  TagResult,
} from '../model.ts';
import { ALREADY_GONE, refKey } from '../model.ts';
import type { DeleteTagOptions } from '../options/delete-tag.ts';
import type { OutputOptions } from '../options/output.ts';
import { projectPathOf } from '../plan/scope.ts';
import { VERSION } from '../version.ts';
import { REPORT_VERSION, type RequestCounts, requestCounts } from './common.ts';
import type { Colors, Console } from './console.ts';
import { writeDeleteTagArtifacts } from './delete-tag-artifacts.ts';
import { count } from './format.ts';
import { writeWholeFile } from './json-stream.ts';
import {
  AS_ASKED,
  countOutcomes,
  isProblem,
  OUTCOME_STYLE,
  type OutcomeCounts,
  paintOutcome,
} from './outcomes.ts';

export type Totals = OutcomeCounts;

export interface DeleteTagReport {
  version: typeof REPORT_VERSION;
  tool: string;
  toolVersion: string;
  command: 'delete-tag';
  dryRun: boolean;
  gitlabUrl: string;
  project: string | number;
  tags: string[];
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  totals: Totals;
  results: ResultEntry[];
  /** tags asked for that another available environment runs: not deleted */
  kept: KeptEntry[];
  /** repository globs that matched nothing */
  unmatchedRepositories: string[];
  requests: RequestCounts;
  warnings: string[];
  /** the error that stopped the run, if one did */
  error?: string;
}

export interface ResultEntry {
  repository: string;
  repositoryId: number;
  tag: string;
  /** registry reference, e.g. registry.example.com/acme/web-app:feature-x */
  location: string;
  outcome: Outcome;
  reason?: string;
  httpStatus?: number;
}

export interface KeptEntry {
  repository: string;
  repositoryId: number;
  tag: string;
  location: string;
  /** the environment that runs it */
  environment: string;
  /** "deployed to production (ref main, sha 1a2b3c4d)" */
  because: string;
}

/** What a run knows at its end; `plan` is undefined when the repositories could not be read. */
export interface DeleteTagRun {
  options: DeleteTagOptions;
  startedAt: Date;
  finishedAt: Date;
  exitCode: ExitCode;
  plan: DeleteTagPlan | undefined;
  results: readonly TagResult[];
  statistics: RequestStatistics;
  error: Error | undefined;
}

export function deleteTagReport(run: DeleteTagRun): DeleteTagReport {
  const { options } = run;
  return {
    version: REPORT_VERSION,
    tool: 'registry-cleaner',
    toolVersion: VERSION,
    command: 'delete-tag',
    dryRun: options.dryRun,
    gitlabUrl: options.connection.restUrl,
    project: refKey(options.project),
    tags: options.tags,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    exitCode: run.exitCode,
    totals: countOutcomes(run.results),
    results: run.results.map(toResultEntry),
    kept: (run.plan?.kept ?? []).map(toKeptEntry),
    unmatchedRepositories: run.plan?.unmatchedGlobs ?? [],
    requests: requestCounts(run.statistics),
    warnings: options.warnings,
    ...(run.error ? { error: explain(run.error) } : {}),
  };
}

/**
 * A result per target: what the execution did, or in a dry run what the plan says (planned, or
 * already gone), in the order of the repositories and the tags asked for.
 */
export function resultsOf(plan: DeleteTagPlan | undefined, execution: Execution | undefined): TagResult[] {
  if (execution) return execution.results;
  if (!plan) return [];
  const results: TagResult[] = [
    ...plan.targets.map((target) => ({ ...target, outcome: 'planned' as const })),
    ...plan.absent.map((target) => ({ ...target, outcome: 'absent' as const })),
  ];
  const repositoryOrder = new Map(plan.repositories.map((repository, i) => [repository.id, i]));
  const tagOrder = new Map(plan.tags.map((tag, i) => [tag, i]));
  return results.sort(
    (a, b) =>
      (repositoryOrder.get(a.repository.id) ?? 0) - (repositoryOrder.get(b.repository.id) ?? 0) ||
      (tagOrder.get(a.tag) ?? 0) - (tagOrder.get(b.tag) ?? 0),
  );
}

/**
 * The report wherever it was asked for: the report file, GitLab's artifacts, and stdout (JSON, or
 * text when the repositories were read; otherwise the error is the news, and main.ts prints it).
 */
export function writeDeleteTagReport(
  report: DeleteTagReport,
  output: OutputOptions,
  plan: DeleteTagPlan | undefined,
  console: Console,
  io: Pick<Io, 'stdout' | 'redact'>,
): void {
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (output.reportFile) writeWholeFile(output.reportFile, json, io.redact);
  const firstRepository = plan?.repositories[0];
  const projectPath = firstRepository ? projectPathOf(firstRepository) : undefined;
  writeDeleteTagArtifacts(output, report, projectPath, io.redact);
  if (output.format === 'json') io.stdout.write(json);
  else if (plan)
    for (const line of renderDeleteTagText(report, console.colors, output.quiet)) console.out(line);
}

/** Where a target is, as both kinds of entry name it. */
function targetFields(target: { repository: Repository; tag: string }) {
  return {
    repository: target.repository.path,
    repositoryId: target.repository.id,
    tag: target.tag,
    location: `${target.repository.location}:${target.tag}`,
  };
}

function toResultEntry(result: TagResult): ResultEntry {
  return {
    ...targetFields(result),
    outcome: result.outcome,
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.status ? { httpStatus: result.status } : {}),
  };
}

function toKeptEntry(kept: KeptTarget): KeptEntry {
  return {
    ...targetFields(kept),
    environment: kept.environment,
    because: kept.because,
  };
}

const KEPT_LABEL = 'kept';

function renderDeleteTagText(report: DeleteTagReport, colors: Colors, quiet: boolean): string[] {
  const lines: string[] = [];
  const width = Math.max(
    ...[...report.results, ...report.kept].map((r) => `${r.repository}:${r.tag}`.length),
    0,
  );
  for (const entry of report.results) {
    if (quiet && !isProblem(entry.outcome, AS_ASKED)) continue;
    const style = OUTCOME_STYLE[entry.outcome];
    const name = `${entry.repository}:${entry.tag}`;
    // A reason that only repeats the label ('already gone') is left out.
    const reason =
      entry.reason && entry.outcome !== 'deleted' && entry.reason !== style.label
        ? `${' '.repeat(width - name.length)}  ${colors.dim(entry.reason)}`
        : '';
    lines.push(`  ${paintOutcome(entry.outcome, colors, style.label.padEnd(12))} ${name}${reason}`);
  }
  if (!quiet) {
    for (const entry of report.kept) {
      const name = `${entry.repository}:${entry.tag}`;
      const reason = `${' '.repeat(width - name.length)}  ${colors.dim(entry.because)}`;
      lines.push(`  ${colors.cyan(KEPT_LABEL.padEnd(12))} ${name}${reason}`);
    }
  }
  for (const glob of report.unmatchedRepositories) {
    if (!quiet) lines.push(`  ${colors.dim(`no repository matches '${glob}'`)}`);
  }
  lines.push(summaryLine(report, colors));
  return lines;
}

function summaryLine(report: DeleteTagReport, colors: Colors): string {
  const t = report.totals;
  const seconds = ((Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000).toFixed(1);
  const cost = colors.dim(`(${count(report.requests.total, 'request')}, ${seconds} s)`);
  const parts: string[] = [];
  if (t.planned) parts.push(`${t.planned} would be deleted`);
  if (t.deleted) parts.push(colors.green(`${t.deleted} deleted`));
  if (t.absent) parts.push(`${t.absent} ${ALREADY_GONE}`);
  if (t.protected) parts.push(colors.yellow(`${t.protected} protected`));
  if (t.forbidden) parts.push(colors.red(`${t.forbidden} forbidden`));
  if (t.failed) parts.push(colors.red(`${t.failed} failed`));
  if (report.kept.length > 0) parts.push(keptSummary(report.kept));
  const prefix = report.dryRun ? 'Dry run: ' : '';
  if (t.planned + t.deleted + t.protected + t.forbidden + t.failed === 0) {
    const tags = report.tags.join(', ');
    const gone =
      report.results.length > 0
        ? `${tags} ${report.tags.length === 1 ? 'is' : 'are'} ${ALREADY_GONE} from ${count(new Set(report.results.map((r) => r.repositoryId)).size, 'repository')}`
        : '';
    const why =
      [gone, report.kept.length > 0 ? keptSummary(report.kept) : ''].filter(Boolean).join('; ') ||
      'no repository selected';
    return `${colors.green('✔')} ${prefix}nothing to delete: ${why} ${cost}`;
  }
  const mark = t.failed + t.forbidden + t.protected > 0 ? colors.red('✖') : colors.green('✔');
  return `${mark} ${prefix}${parts.join(', ')} ${cost}`;
}

/** "2 kept (deployed to production)" */
function keptSummary(kept: readonly KeptEntry[]): string {
  const environments = [...new Set(kept.map((entry) => entry.environment))];
  const named =
    environments.length <= 2
      ? environments.join(', ')
      : `${environments[0]} and ${environments.length - 1} more`;
  return `${kept.length} kept (deployed to ${named})`;
}
