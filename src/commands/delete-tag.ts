// registry-cleaner delete-tag: read the project's repositories and what its other available
// environments run, plan the targets, delete them (a dry run reads which are already gone instead,
// and stops after the report), report.

import { type ExitCode, exitCodeFor, RegistryCleanerError } from '../errors.ts';
import { executeDeletes } from '../execute/delete-tags.ts';
import { deletesThroughRegistry, executeRegistryDeletes } from '../execute/registry-deletes.ts';
import { type GitLabApi, openGitLabApi } from '../gitlab/api.ts';
import { readEnvironmentDeployments } from '../gitlab/environments.ts';
import { listProjectRepositories } from '../gitlab/repositories.ts';
import { unlistedTargets } from '../gitlab/tags.ts';
import type { Io } from '../io.ts';
import { type DeleteTagPlan, type Execution, refKey } from '../model.ts';
import type { DeleteTagOptions } from '../options/delete-tag.ts';
import { type DeployedTags, deployedTags } from '../plan/deployed.ts';
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
    // Only a stop job with something to delete asks what the other environments run.
    const deployed = plan.targets.length > 0 ? await deployedElsewhere(api, options) : new Map();
    plan = planDeleteTag(repositories, options.repositories, options.tags, [], deployed);
    if (options.dryRun) {
      const absent = await unlistedTargets(api, plan.targets, concurrency);
      plan = planDeleteTag(repositories, options.repositories, options.tags, absent, deployed);
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

/**
 * The tags the last deployments of the project's other available environments give: a stop job
 * must not take away the image production runs because a review app of the same branch stops.
 * Its own environment is being stopped, so its deployment keeps nothing.
 */
async function deployedElsewhere(api: GitLabApi, options: DeleteTagOptions): Promise<DeployedTags> {
  const guard = options.deployedGuard;
  if (!guard) return new Map();
  const environments = await readEnvironmentDeployments(api, refKey(options.project), {
    states: ['available'],
    perEnvironment: 1,
    ...(guard.ownEnvironment ? { except: guard.ownEnvironment } : {}),
  });
  return deployedTags(environments, guard.templates);
}
