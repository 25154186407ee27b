// registry-cleaner delete-tag: read the project's repositories, choose the targets, delete them
// (or, in a dry run, check which exist), report. Nothing else.

import { mapConcurrent } from '../concurrency.ts';
import { ExitCode, RegistryCleanerError } from '../errors.ts';
import { executeDeletes } from '../execute/delete-tags.ts';
import { openGitLabApi } from '../gitlab/api.ts';
import { listProjectRepositories } from '../gitlab/repositories.ts';
import { isTagListed } from '../gitlab/tags.ts';
import type { Io } from '../io.ts';
import type { TagResult } from '../model.ts';
import type { DeleteTagOptions } from '../options/delete-tag.ts';
import { projectPathOf } from '../plan/scope.ts';
import { selectDeleteTargets, type TargetSelection } from '../plan/targets.ts';
import { Console } from '../report/console.ts';
import {
  countOutcomes,
  type DeleteTagReport,
  projectLabel,
  REPORT_VERSION,
  renderDeleteTagText,
  requestCounts,
  toResultEntry,
  writeDeleteTagArtifacts,
} from '../report/delete-tag.ts';
import { writeWholeFile } from '../report/json-stream.ts';
import { VERSION } from '../version.ts';

export async function runDeleteTag(options: DeleteTagOptions, io: Io): Promise<ExitCode> {
  const console = new Console(io, options.output.color);
  for (const warning of options.warnings) console.warn(warning);
  const startedAt = io.now();
  const api = openGitLabApi(
    options.connection,
    options.output.verbose ? (line) => console.trace(line) : undefined,
  );

  let selection: TargetSelection | undefined;
  let results: TagResult[] = [];
  let error: Error | undefined;
  try {
    const repositories = await listProjectRepositories(api, options.project);
    selection = selectDeleteTargets(repositories, options.repositories, options.tags);
    if (options.dryRun) {
      results = await mapConcurrent(selection.targets, options.connection.concurrency, async (target) => ({
        ...target,
        outcome: (await isTagListed(api, target.repository, target.tag))
          ? ('planned' as const)
          : ('absent' as const),
      }));
    } else {
      const execution = await executeDeletes(api, selection.targets, options.connection.concurrency);
      results = execution.results;
      error = execution.stoppedBy;
    }
  } catch (caught) {
    if (!(caught instanceof RegistryCleanerError)) throw caught;
    error = caught;
  } finally {
    await api.http.close();
  }

  const exitCode = error instanceof RegistryCleanerError ? error.exitCode : exitCodeFor(results);
  const report: DeleteTagReport = {
    version: REPORT_VERSION,
    tool: 'registry-cleaner',
    toolVersion: VERSION,
    command: 'delete-tag',
    dryRun: options.dryRun,
    gitlabUrl: options.connection.restUrl,
    project: projectLabel(options.project),
    tags: options.tags,
    startedAt: startedAt.toISOString(),
    finishedAt: io.now().toISOString(),
    exitCode,
    totals: countOutcomes(results),
    results: results.map(toResultEntry),
    unmatchedRepositories: selection?.unmatchedGlobs ?? [],
    requests: requestCounts(api.http.statistics),
    warnings: options.warnings,
    ...(error ? { error: error.message } : {}),
  };

  const redact = io.redact ?? ((text: string) => text);
  if (options.output.reportFile)
    writeWholeFile(options.output.reportFile, `${JSON.stringify(report, null, 2)}\n`, redact);
  const projectPath = selection?.repositories[0] ? projectPathOf(selection.repositories[0]) : undefined;
  writeDeleteTagArtifacts(options.output, report, projectPath, redact);
  if (options.output.format === 'json') io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (selection)
    for (const line of renderDeleteTagText(report, console.colors, options.output.quiet)) console.out(line);
  if (error) throw error;
  return exitCode;
}

/**
 * A refused role outranks a failure (the fix is the token, not a re-run); a protected tag was asked
 * for by name, so not deleting it is a failure here (prune treats it differently).
 */
export function exitCodeFor(results: readonly Pick<TagResult, 'outcome'>[]): ExitCode {
  const totals = countOutcomes(results);
  if (totals.forbidden > 0) return ExitCode.auth;
  if (totals.failed > 0 || totals.protected > 0) return ExitCode.failed;
  return ExitCode.ok;
}
