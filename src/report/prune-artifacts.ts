// prune's GitLab artifacts: dotenv counts, one registry link per project, and one JUnit test case
// per repository (failed when any of its deletions failed), so a sweep's failures reach the
// pipeline's test tab without listing every deleted tag.

import type { OutputOptions } from '../options/output.ts';
import {
  JunitWriter,
  type Link,
  registryPageUrl,
  writeAnnotations,
  writeDotenv,
} from './gitlab-artifacts.ts';
import type { Redact } from './json-stream.ts';
import { IN_A_SWEEP, isProblem } from './outcomes.ts';
import type { PruneTotals, RepositoryEntry } from './prune-entry.ts';

export class PruneArtifacts {
  private readonly output: OutputOptions;
  private readonly restUrl: string;
  private readonly junit: JunitWriter | undefined;
  private readonly projects = new Map<string, Link>();
  private readonly redact: Redact;

  constructor(output: OutputOptions, restUrl: string, dryRun: boolean, redact: Redact) {
    this.output = output;
    this.restUrl = restUrl;
    this.redact = redact;
    this.junit = output.junitFile
      ? new JunitWriter(output.junitFile, `registry-cleaner prune${dryRun ? ' (dry run)' : ''}`, redact)
      : undefined;
  }

  repository(entry: RepositoryEntry): void {
    const path = entry.project.path;
    if (!this.projects.has(path))
      this.projects.set(path, {
        label: `${path}: container registry`,
        url: registryPageUrl(this.restUrl, path),
      });
    if (!this.junit) return;
    const failed = entry.tags.filter((tag) => tag.outcome && isProblem(tag.outcome, IN_A_SWEEP));
    const failure =
      entry.error ??
      (failed.length > 0
        ? failed.map((tag) => `${tag.name}: ${tag.outcome}: ${tag.reason ?? ''}`).join('\n')
        : undefined);
    this.junit.add({
      suite: entry.project.path,
      name: entry.repository.path,
      ...(failure ? { failure } : {}),
    });
  }

  finish(total: PruneTotals, exitCode: number, dryRun: boolean, error: string | undefined): void {
    if (this.junit) {
      if (error) this.junit.add({ suite: 'registry-cleaner', name: 'run', failure: error });
      this.junit.finish();
    }
    if (this.output.dotenvFile)
      writeDotenv(this.output.dotenvFile, { ...total, exitCode, dryRun }, this.redact);
    if (this.output.annotationsFile) {
      // Repositories finish in any order; the links should not.
      const links = [...this.projects.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, link]) => link);
      writeAnnotations(this.output.annotationsFile, links, this.redact);
    }
  }
}
