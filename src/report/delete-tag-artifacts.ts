// delete-tag's GitLab artifacts: dotenv counts, links to the registry pages, and a JUnit test case
// per tag (failed when its deletion was a problem), so failures reach the pipeline's test tab.

import type { OutputOptions } from '../options/output.ts';
import type { DeleteTagReport } from './delete-tag.ts';
import {
  JunitWriter,
  type Link,
  registryPageUrl,
  writeAnnotations,
  writeDotenv,
} from './gitlab-artifacts.ts';
import type { Redact } from './json-stream.ts';
import { AS_ASKED, isProblem } from './outcomes.ts';

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
      { ...report.totals, kept: report.kept.length, exitCode: report.exitCode, dryRun: report.dryRun },
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
      const problem = isProblem(entry.outcome, AS_ASKED)
        ? `${entry.outcome}: ${entry.reason ?? ''}`
        : undefined;
      junit.add({ suite: entry.repository, name: entry.tag, ...(problem ? { failure: problem } : {}) });
    }
    for (const entry of report.kept)
      junit.add({ suite: entry.repository, name: `${entry.tag} (kept: ${entry.because})` });
    if (report.error) junit.add({ suite: 'registry-cleaner', name: 'run', failure: report.error });
    junit.finish();
  }
}
