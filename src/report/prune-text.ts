// prune's text for job logs: one collapsible section per project, printed when its last
// repository is done, then a compact table and one summary line.

import type { Repository } from '../model.ts';
import type { PruneOptions } from '../options/prune.ts';
import { projectPathOf } from '../plan/scope.ts';
import type { Console } from './console.ts';
import { count, formatBytes } from './format.ts';
import { addTotals, emptyTotals, type PruneTotals, type RepositoryEntry } from './prune-entry.ts';
import { renderRepository, renderSummaryTable, SUMMARY_ROWS } from './prune-render.ts';
import { sectionEnd, sectionStart } from './sections.ts';

export class PruneTextReport {
  private readonly console: Console;
  private readonly options: PruneOptions;
  private readonly startedAt: Date;
  private readonly pending = new Map<
    number,
    { path: string; remaining: number; lines: string[]; totals: PruneTotals }
  >();
  private readonly done: { name: string; totals: PruneTotals }[] = [];
  private reclaimableIsUpperBound = false;
  private readonly repositoryRows: { name: string; totals: PruneTotals }[] = [];

  constructor(console: Console, options: PruneOptions, startedAt: Date) {
    this.console = console;
    this.options = options;
    this.startedAt = startedAt;
    const mode = options.dryRun ? console.colors.cyan('dry run: nothing is deleted') : 'deleting';
    const shard = options.shard ? ` · shard ${options.shard.index}/${options.shard.total}` : '';
    console.out(`registry-cleaner prune · ${mode}${shard}`);
  }

  expect(repositories: readonly Repository[]): void {
    for (const repository of repositories) {
      const project = this.pending.get(repository.projectId) ?? {
        path: projectPathOf(repository),
        remaining: 0,
        lines: [],
        totals: emptyTotals(),
      };
      project.remaining++;
      this.pending.set(repository.projectId, project);
    }
  }

  repository(entry: RepositoryEntry): void {
    if (entry.reclaimableIsUpperBound) this.reclaimableIsUpperBound = true;
    const { verbose, quiet } = this.options.output;
    const project = this.pending.get(entry.project.id);
    if (!project) return;
    project.lines.push(...renderRepository(entry, this.console.colors, this.options.dryRun, verbose, quiet));
    addTotals(project.totals, entry.totals);
    this.repositoryRows.push({ name: entry.repository.path, totals: entry.totals });
    if (--project.remaining > 0) return;
    this.pending.delete(entry.project.id);
    this.done.push({ name: project.path, totals: project.totals });
    const t = project.totals;
    const title = `${this.console.colors.bold(project.path)}: ${count(t.repositories, 'repository')}, ${count(t.tags, 'tag')}, ${this.options.dryRun ? `${t.planned} to delete` : `${t.deleted} deleted`}`;
    if (this.options.output.gitlabCi) {
      // Stamped with the run's start (the clock is not read here): GitLab shows only a section's
      // duration, and a project's section is written at once.
      const seconds = Math.floor(this.startedAt.getTime() / 1000);
      this.console.out(sectionStart(`prune_${entry.project.id}`, title, seconds, project.lines.length > 20));
      for (const line of project.lines) this.console.out(line);
      this.console.out(sectionEnd(`prune_${entry.project.id}`, seconds));
    } else {
      if (!this.options.output.quiet) this.console.out(title);
      for (const line of project.lines) this.console.out(line);
    }
  }

  /**
   * The summary table and line. A run that stopped before any repository was read prints none:
   * the error that stopped it is the news.
   * @param requests requests sent during the run, for the summary line
   */
  finish(total: PruneTotals, run: { requests: number; finishedAt: Date; exitCode: number }): void {
    const { colors } = this.console;
    if (run.exitCode !== 0 && total.repositories === 0) return;
    // One row per repository when there are few, else per project (folded beyond SUMMARY_ROWS).
    const rows = this.repositoryRows.length <= SUMMARY_ROWS ? this.repositoryRows : this.done;
    if (!this.options.output.quiet && total.repositories > 0) {
      this.console.out('');
      for (const line of renderSummaryTable(rows, total, this.options.dryRun)) this.console.out(line);
    }
    const seconds = ((run.finishedAt.getTime() - this.startedAt.getTime()) / 1000).toFixed(1);
    const cost = colors.dim(`(${count(run.requests, 'request')}, ${seconds} s)`);
    const reclaim =
      total.reclaimableBytes > 0
        ? `, ${this.reclaimableIsUpperBound ? 'up to ' : ''}${formatBytes(total.reclaimableBytes)} reclaimable by garbage collection`
        : '';
    const failedTags = total.failed + total.forbidden;
    const mark = run.exitCode === 0 ? colors.green('✔') : colors.red('✖');
    const what = this.options.dryRun
      ? `Dry run: ${total.planned} of ${count(total.tags, 'tag')} would be deleted`
      : `${total.deleted + total.absent} of ${count(total.tags, 'tag')} deleted`;
    const extra = [
      total.protected ? `${total.protected} protected` : '',
      failedTags ? colors.red(`${failedTags} failed`) : '',
      total.repositoryErrors ? colors.red(`${count(total.repositoryErrors, 'repository')} not read`) : '',
      total.refusedRepositories
        ? colors.red(`${count(total.refusedRepositories, 'repository')} refused`)
        : '',
      total.skippedRepositories
        ? colors.yellow(
            `${count(total.skippedRepositories, 'repository')} left alone: no cleanup policy to run`,
          )
        : '',
    ].filter(Boolean);
    this.console.out(
      `${mark} ${what} in ${count(total.repositories, 'repository')}${extra.length ? ` (${extra.join(', ')})` : ''}${reclaim} ${cost}`,
    );
  }
}
