// registry-cleaner delete-tag: read the project's repositories, plan the targets, delete them
// (a dry run reads which are already gone instead, and stops after the report), report.

import { type ExitCode, exitCodeFor, RegistryCleanerError } from '../errors.ts';
import { executeDeletes } from '../execute/delete-tags.ts';
import { deletesThroughRegistry, executeRegistryDeletes } from '../execute/registry-deletes.ts';
import { openGitLabApi } from '../gitlab/api.ts';
import { listProjectRepositories } from '../gitlab/repositories.ts';
import { unlistedTargets } from '../gitlab/tags.ts';
import type { Io } from '../io.ts';
import type { DeleteTagPlan, Execution } from '../model.ts';
import type { DeleteTagOptions } from '../options/delete-tag.ts';
import { planDeleteTag } from '../plan/targets.ts';
import { Console } from '../report/console.ts';
import { deleteTagReport, resultsOf, writeDeleteTagReport } from '../report/delete-tag.ts';
import { countOutcomes } from '../report/outcomes.ts';

export async function runDeleteTag(options: DeleteTagOptions, io: Io): Promise<ExitCode> {
  const console = new Console(io, options.output.color);
  for (const warning of options.warnings) console.warn(warning);
  const startedAt = io.now();
  const api = openGitLabApi(
    options.connection,
    options.output.verbose ? (line) => console.trace(line) : undefined,
    io.addSecret,
  );
  const { concurrency } = options.connection;

  let plan: DeleteTagPlan | undefined;
  let execution: Execution | undefined;
  let error: Error | undefined;
  try {
    const repositories = await listProjectRepositories(api, options.project);
    plan = planDeleteTag(repositories, options.repositories, options.tags);
    if (options.dryRun) {
      const absent = await unlistedTargets(api, plan.targets, concurrency);
      plan = planDeleteTag(repositories, options.repositories, options.tags, absent);
    } else {
      // Through the registry when it is known (a job token): its 404 says "already gone" outright.
      const execute = deletesThroughRegistry(api) ? executeRegistryDeletes : executeDeletes;
      execution = await execute(api, plan.targets, concurrency);
      error = execution.stoppedBy;
    }
  } catch (caught) {
    if (!(caught instanceof RegistryCleanerError)) throw caught;
    error = caught;
  } finally {
    await api.http.close();
  }

  const results = resultsOf(plan, execution);
  const exitCode =
    error instanceof RegistryCleanerError
      ? error.exitCode
      : exitCodeFor(countOutcomes(results), { protectedFails: true });
  const report = deleteTagReport({
    options,
    startedAt,
    finishedAt: io.now(),
    exitCode,
    plan,
    results,
    statistics: api.statistics(),
    error,
  });
  writeDeleteTagReport(report, options.output, plan, console, io);
  if (error) throw error;
  return exitCode;
}
