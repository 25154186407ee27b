// delete-tag's report: the JSON document (stable, versioned, documented in the README) and the
// text people read in a job log.

import type { ExitCode } from '../errors.ts';
import type { RequestStatistics } from '../gitlab/http.ts';
import type { Io } from '../io.ts';
import type { Outcome, ProjectRef, TagResult } from '../model.ts';
import { ALREADY_GONE, OUTCOMES } from '../model.ts';
import type { DeleteTagOptions } from '../options/delete-tag.ts';
import type { OutputOptions } from '../options/output.ts';
import { projectPathOf } from '../plan/scope.ts';
import type { TargetSelection } from '../plan/targets.ts';
import { VERSION } from '../version.ts';
import { REPORT_VERSION, type RequestCounts, requestCounts } from './common.ts';
import type { Colors, Console } from './console.ts';
import {
  JunitWriter,
  type Link,
  registryPageUrl,
  writeAnnotations,
  writeDotenv,
} from './gitlab-artifacts.ts';
import { type Redact, writeWholeFile } from './json-stream.ts';

export type Totals = Record<Outcome, number>;

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

/** What a run knows at its end; `selection` is undefined when the repositories could not be read. */
export interface DeleteTagRun {
  options: DeleteTagOptions;
  startedAt: Date;
  finishedAt: Date;
  exitCode: ExitCode;
  selection: TargetSelection | undefined;
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
    project: projectLabel(options.project),
    tags: options.tags,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    exitCode: run.exitCode,
    totals: countOutcomes(run.results),
    results: run.results.map(toResultEntry),
    unmatchedRepositories: run.selection?.unmatchedGlobs ?? [],
    requests: requestCounts(run.statistics),
    warnings: options.warnings,
    ...(run.error ? { error: run.error.message } : {}),
  };
}

/**
 * The report wherever it was asked for: the report file, GitLab's artifacts, and stdout (JSON, or
 * text when the repositories were read; otherwise the error is the news, and main.ts prints it).
 */
export function writeDeleteTagReport(
  report: DeleteTagReport,
  output: OutputOptions,
  selection: TargetSelection | undefined,
  console: Console,
  io: Pick<Io, 'stdout' | 'redact'>,
): void {
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (output.reportFile) writeWholeFile(output.reportFile, json, io.redact);
  const firstRepository = selection?.repositories[0];
  const projectPath = firstRepository ? projectPathOf(firstRepository) : undefined;
  writeDeleteTagArtifacts(output, report, projectPath, io.redact);
  if (output.format === 'json') io.stdout.write(json);
  else if (selection)
    for (const line of renderDeleteTagText(report, console.colors, output.quiet)) console.out(line);
}

export function countOutcomes(results: readonly Pick<TagResult, 'outcome'>[]): Totals {
  const totals = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Totals;
  for (const result of results) totals[result.outcome]++;
  return totals;
}

function toResultEntry(result: TagResult): ResultEntry {
  return {
    repository: result.repository.path,
    repositoryId: result.repository.id,
    tag: result.tag,
    location: `${result.repository.location}:${result.tag}`,
    outcome: result.outcome,
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.status ? { httpStatus: result.status } : {}),
  };
}

function projectLabel(project: ProjectRef): string | number {
  return 'id' in project ? project.id : project.path;
}

const OUTCOME_STYLE: Record<Outcome, { label: string; color: keyof Colors }> = {
  planned: { label: 'would delete', color: 'cyan' },
  deleted: { label: 'deleted', color: 'green' },
  absent: { label: ALREADY_GONE, color: 'dim' },
  protected: { label: 'protected', color: 'yellow' },
  forbidden: { label: 'forbidden', color: 'red' },
  failed: { label: 'failed', color: 'red' },
};

const PROBLEMS: ReadonlySet<Outcome> = new Set(['protected', 'forbidden', 'failed']);

function renderDeleteTagText(report: DeleteTagReport, colors: Colors, quiet: boolean): string[] {
  const lines: string[] = [];
  const width = Math.max(...report.results.map((r) => `${r.repository}:${r.tag}`.length), 0);
  for (const entry of report.results) {
    if (quiet && !PROBLEMS.has(entry.outcome)) continue;
    const style = OUTCOME_STYLE[entry.outcome];
    const paint = colors[style.color] as (text: string) => string;
    const name = `${entry.repository}:${entry.tag}`;
    // A reason that only repeats the label ('already gone') is left out.
    const reason =
      entry.reason && entry.outcome !== 'deleted' && entry.reason !== style.label
        ? `${' '.repeat(width - name.length)}  ${colors.dim(entry.reason)}`
        : '';
    lines.push(`  ${paint(style.label.padEnd(12))} ${name}${reason}`);
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
  const cost = colors.dim(
    `(${report.requests.total} request${report.requests.total === 1 ? '' : 's'}, ${seconds} s)`,
  );
  const parts: string[] = [];
  if (t.planned) parts.push(`${t.planned} would be deleted`);
  if (t.deleted) parts.push(colors.green(`${t.deleted} deleted`));
  if (t.absent) parts.push(`${t.absent} ${ALREADY_GONE}`);
  if (t.protected) parts.push(colors.yellow(`${t.protected} protected`));
  if (t.forbidden) parts.push(colors.red(`${t.forbidden} forbidden`));
  if (t.failed) parts.push(colors.red(`${t.failed} failed`));
  const prefix = report.dryRun ? 'Dry run: ' : '';
  if (t.planned + t.deleted + t.protected + t.forbidden + t.failed === 0) {
    const where = report.results.length === 0 ? 'no repository selected' : parts.join(', ');
    return `${prefix}nothing to delete (${report.tags.join(', ')}: ${where}) ${cost}`;
  }
  const mark = t.failed + t.forbidden + t.protected > 0 ? colors.red('✖') : colors.green('✔');
  return `${mark} ${prefix}${parts.join(', ')} ${cost}`;
}

/** The artifacts GitLab reads (dotenv, annotations, JUnit), when asked for. */
function writeDeleteTagArtifacts(
  output: OutputOptions,
  report: DeleteTagReport,
  projectPath: string | undefined,
  redact: Redact,
): void {
  if (output.dotenvFile) {
    writeDotenv(
      output.dotenvFile,
      { ...report.totals, exitCode: report.exitCode, dryRun: report.dryRun },
      redact,
    );
  }
  if (output.annotationsFile) {
    const links: Link[] = [];
    if (output.projectUrl)
      links.push({ label: 'Container registry', url: `${output.projectUrl}/container_registry` });
    else if (projectPath)
      links.push({ label: 'Container registry', url: registryPageUrl(report.gitlabUrl, projectPath) });
    if (projectPath) {
      for (const id of new Set(report.results.map((r) => r.repositoryId))) {
        const path = report.results.find((r) => r.repositoryId === id)?.repository ?? String(id);
        links.push({ label: path, url: registryPageUrl(report.gitlabUrl, projectPath, id) });
      }
    }
    writeAnnotations(output.annotationsFile, links, redact);
  }
  if (output.junitFile) {
    const junit = new JunitWriter(
      output.junitFile,
      `registry-cleaner delete-tag${report.dryRun ? ' (dry run)' : ''}`,
      redact,
    );
    for (const entry of report.results) {
      const problem = PROBLEMS.has(entry.outcome) ? `${entry.outcome}: ${entry.reason ?? ''}` : undefined;
      junit.add({ suite: entry.repository, name: entry.tag, ...(problem ? { failure: problem } : {}) });
    }
    if (report.error) junit.add({ suite: 'registry-cleaner', name: 'run', failure: report.error });
    junit.finish();
  }
}
