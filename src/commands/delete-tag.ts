// registry-cleaner delete-tag: read the project's repositories, choose the targets, delete them
// (or, in a dry run, check which exist), report. Nothing else.

import { type ExitCode, exitCodeFor, RegistryCleanerError } from '../errors.ts';
import { checkTargets, type Execution, executeDeletes } from '../execute/delete-tags.ts';
import { openGitLabApi } from '../gitlab/api.ts';
import { listProjectRepositories } from '../gitlab/repositories.ts';
import type { Io } from '../io.ts';
import type { TagResult } from '../model.ts';
import type { DeleteTagOptions } from '../options/delete-tag.ts';
import { selectDeleteTargets, type TargetSelection } from '../plan/targets.ts';
import { Console } from '../report/console.ts';
import { countOutcomes, deleteTagReport, writeDeleteTagReport } from '../report/delete-tag.ts';

export async function runDeleteTag(options: DeleteTagOptions, io: Io): Promise<ExitCode> {
  const console = new Console(io, options.output.color);
  for (const warning of options.warnings) console.warn(warning);
  const startedAt = io.now();
  const api = openGitLabApi(
    options.connection,
    options.output.verbose ? (line) => console.trace(line) : undefined,
  );
  const { concurrency } = options.connection;

  let selection: TargetSelection | undefined;
  let results: TagResult[] = [];
  let error: Error | undefined;
  try {
    const repositories = await listProjectRepositories(api, options.project);
    selection = selectDeleteTargets(repositories, options.repositories, options.tags);
    const execution: Execution = options.dryRun
      ? { results: await checkTargets(api, selection.targets, concurrency) }
      : await executeDeletes(api, selection.targets, concurrency);
    results = execution.results;
    error = execution.stoppedBy;
  } catch (caught) {
    if (!(caught instanceof RegistryCleanerError)) throw caught;
    error = caught;
  } finally {
    await api.http.close();
  }

  const exitCode =
    error instanceof RegistryCleanerError
      ? error.exitCode
      : exitCodeFor(countOutcomes(results), { protectedFails: true });
  const report = deleteTagReport({
    options,
    startedAt,
    finishedAt: io.now(),
    exitCode,
    selection,
    results,
    statistics: api.http.statistics,
    error,
  });
  writeDeleteTagReport(report, options.output, selection, console, io);
  if (error) throw error;
  return exitCode;
}
