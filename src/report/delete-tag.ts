// delete-tag's report: the JSON document (stable, versioned, documented in the README) and the
// text people read in a job log.

import type { RequestStatistics } from '../gitlab/http.ts';
import type { Outcome, ProjectRef, TagResult } from '../model.ts';
import { OUTCOMES } from '../model.ts';
import type { OutputOptions } from '../options/output.ts';
import type { Colors } from './console.ts';
import {
  JunitWriter,
  type Link,
  registryPageUrl,
  writeAnnotations,
  writeDotenv,
} from './gitlab-artifacts.ts';
import type { Redact } from './json-stream.ts';

export const REPORT_VERSION = 1;

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
  requests: { total: number; retries: number; rateLimited: number; byKind: Record<string, number> };
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

/** The request statistics both reports carry. */
export function requestCounts(statistics: RequestStatistics): DeleteTagReport['requests'] {
  return {
    total: statistics.total,
    retries: statistics.retries,
    rateLimited: statistics.rateLimited,
    byKind: statistics.byLabel,
  };
}

export function countOutcomes(results: readonly Pick<TagResult, 'outcome'>[]): Totals {
  const totals = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Totals;
  for (const result of results) totals[result.outcome]++;
  return totals;
}

export function toResultEntry(result: TagResult): ResultEntry {
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

export function projectLabel(project: ProjectRef): string | number {
  return 'id' in project ? project.id : project.path;
}

const OUTCOME_STYLE: Record<Outcome, { label: string; color: keyof Colors }> = {
  planned: { label: 'would delete', color: 'cyan' },
  deleted: { label: 'deleted', color: 'green' },
  absent: { label: 'absent', color: 'dim' },
  protected: { label: 'protected', color: 'yellow' },
  forbidden: { label: 'forbidden', color: 'red' },
  failed: { label: 'failed', color: 'red' },
};

const PROBLEMS: ReadonlySet<Outcome> = new Set(['protected', 'forbidden', 'failed']);

export function renderDeleteTagText(report: DeleteTagReport, colors: Colors, quiet: boolean): string[] {
  const lines: string[] = [];
  const width = Math.max(...report.results.map((r) => `${r.repository}:${r.tag}`.length), 0);
  for (const entry of report.results) {
    if (quiet && !PROBLEMS.has(entry.outcome)) continue;
    const style = OUTCOME_STYLE[entry.outcome];
    const paint = colors[style.color] as (text: string) => string;
    const name = `${entry.repository}:${entry.tag}`;
    const reason =
      entry.reason && entry.outcome !== 'deleted'
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
  if (t.absent) parts.push(`${t.absent} already absent`);
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
export function writeDeleteTagArtifacts(
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
