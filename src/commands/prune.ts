// registry-cleaner prune: for every policy, read the repositories in scope; then, repository by
// repository, read its tags, plan, delete exactly the planned tags (unless --dry-run) and report.

import { mapConcurrent } from '../concurrency.ts';
import { AuthError, ExitCode, exitCodeFor, GitLabUnavailableError, RegistryCleanerError } from '../errors.ts';
import { deletePlannedTags } from '../execute/prune-deletes.ts';
import { type GitLabApi, openGitLabApi } from '../gitlab/api.ts';
import { listProjectRepositories } from '../gitlab/repositories.ts';
import { getProject, listGroupRepositories, listLiveBranches } from '../gitlab/scope.ts';
import { readTags } from '../gitlab/tag-listing.ts';
import type { Io } from '../io.ts';
import type { Repository, TagResult } from '../model.ts';
import type { Policy } from '../options/policy.ts';
import type { PruneOptions } from '../options/prune.ts';
import { branchContext } from '../plan/branches.ts';
import { type BranchContext, keptByName, needsPushTimes, planRepository } from '../plan/retention.ts';
import { projectPathOf, selectRepositories } from '../plan/scope.ts';
import { requestCounts } from '../report/common.ts';
import { Console } from '../report/console.ts';
import { Progress } from '../report/progress.ts';
import {
  addTotals,
  emptyTotals,
  failedRepositoryEntry,
  type RepositoryEntry,
  repositoryEntry,
} from '../report/prune.ts';
import { PruneArtifacts } from '../report/prune-artifacts.ts';
import { openPruneJson } from '../report/prune-json.ts';
import { PruneTextReport } from '../report/prune-text.ts';

/** Repositories read and planned at once: bounds memory to a few repositories' plans. */
const REPOSITORIES_AT_ONCE = 4;

/** What pruning a repository of one policy needs. */
interface PolicyRun {
  api: GitLabApi;
  options: PruneOptions;
  policy: Policy;
  now: Date;
  progress: Progress;
  /** a project's branches, read once for all its repositories */
  branchesOf(projectId: number): Promise<BranchContext>;
}

/** The error that ends the sweep (credentials refused, GitLab gone): later repositories are not read. */
interface Stop {
  error?: Error;
}

export async function runPrune(options: PruneOptions, io: Io): Promise<ExitCode> {
  const console = new Console(io, options.output.color);
  for (const warning of options.warnings) console.warn(warning);
  const now = io.now();
  const api = openGitLabApi(
    options.connection,
    options.output.verbose ? (line) => console.trace(line) : undefined,
  );
  const progress = new Progress(io, !options.output.quiet);
  const json = openPruneJson(options, io, now);
  const text = options.output.format === 'text' ? new PruneTextReport(console, options, now) : undefined;
  const artifacts = new PruneArtifacts(options.output, options.connection.restUrl, options.dryRun, io.redact);
  const total = emptyTotals();
  let reclaimableIsUpperBound = false;
  const reportRepository = (entry: RepositoryEntry) => {
    addTotals(total, entry.totals);
    if (entry.reclaimableIsUpperBound) reclaimableIsUpperBound = true;
    progress.update({ repositoriesDone: 1 });
    json?.item(entry);
    artifacts.repository(entry);
    progress.clear();
    text?.repository(entry);
  };
  const stop: Stop = {};

  progress.start();
  try {
    for (const policy of options.policies) {
      const inScope = await repositoriesInScope(api, policy, options);
      progress.update({ repositoriesTotal: inScope.length });
      text?.expect(inScope);
      const run: PolicyRun = { api, options, policy, now, progress, branchesOf: branchReader(api) };
      await mapConcurrent(inScope, REPOSITORIES_AT_ONCE, async (repository) =>
        reportRepository(await sweepRepository(run, repository, stop)),
      );
      if (stop.error) break;
    }
  } catch (error) {
    // A bug still closes the JSON report (with the error) before it surfaces.
    stop.error = error instanceof Error ? error : new Error(String(error));
  } finally {
    progress.stop();
    await api.http.close();
  }

  const stoppedBy = stop.error;
  // A repository that could not be read fails the run as a failed deletion does.
  const exitCode = stoppedBy
    ? stoppedBy instanceof RegistryCleanerError
      ? stoppedBy.exitCode
      : ExitCode.failed
    : exitCodeFor({ ...total, failed: total.failed + total.repositoryErrors }, { protectedFails: false });
  json?.finish({
    totals: total,
    reclaimableIsUpperBound,
    requests: requestCounts(api.http.statistics),
    warnings: options.warnings,
    finishedAt: io.now().toISOString(),
    exitCode,
    ...(stoppedBy ? { error: stoppedBy.message } : {}),
  });
  artifacts.finish(total, exitCode, options.dryRun, stoppedBy?.message);
  text?.finish(total, api.http.statistics.total, io.now());
  if (stoppedBy) throw stoppedBy;
  return exitCode;
}

async function repositoriesInScope(
  api: GitLabApi,
  policy: Policy,
  options: PruneOptions,
): Promise<Repository[]> {
  const listed: Repository[] = [];
  for (const project of policy.projects) listed.push(...(await listProjectRepositories(api, project)));
  for (const group of policy.groups) listed.push(...(await listGroupRepositories(api, group)));
  return selectRepositories(listed, policy.repositories, options.shard);
}

/**
 * One repository's entry in the report: pruned, or failed with the reason. An error about this
 * repository fails it alone; one that every later request would meet too stops the sweep.
 */
async function sweepRepository(run: PolicyRun, repository: Repository, stop: Stop): Promise<RepositoryEntry> {
  const projectPath = projectPathOf(repository);
  if (stop.error) {
    return failedRepositoryEntry(run.policy.name, repository, projectPath, `not read: ${stop.error.message}`);
  }
  try {
    const pruned = await pruneRepository(run, repository);
    stop.error ??= pruned.stoppedBy;
    return pruned.entry;
  } catch (error) {
    if (!(error instanceof RegistryCleanerError)) throw error;
    if (error instanceof AuthError || error instanceof GitLabUnavailableError) stop.error ??= error;
    return failedRepositoryEntry(run.policy.name, repository, projectPath, error.message);
  }
}

/** Read → plan → delete (unless --dry-run), for one repository. */
async function pruneRepository(
  run: PolicyRun,
  repository: Repository,
): Promise<{ entry: RepositoryEntry; stoppedBy?: Error }> {
  const { api, options, policy, now, progress } = run;
  const { rules } = policy;
  const branches = rules.staleBranches ? await run.branchesOf(repository.projectId) : undefined;
  // Details (push times) only for names the name rules leave open, and only if an age rule needs them.
  const undecidedByName = (name: string) => keptByName(name, rules, branches) === undefined;
  const read = await readTags(api, repository, {
    needsDetails: (name) => needsPushTimes(rules) && undecidedByName(name),
    ...(rules.olderThanMs === undefined
      ? {}
      : {
          ageWindow: {
            cutoff: new Date(now.getTime() - rules.olderThanMs),
            ...(rules.keepLatest === undefined ? {} : { keepLatest: rules.keepLatest }),
            isEligible: undecidedByName,
          },
        }),
    concurrency: options.connection.concurrency,
  });
  const decisions = planRepository(read.tags, rules, now, branches, { allRead: read.allRead });
  const doomed = decisions
    .filter((decision) => decision.action === 'delete')
    .map((decision) => decision.tag.name);
  progress.update({ tagsRead: read.tags.length, planned: doomed.length });

  let results: TagResult[] | undefined;
  let stoppedBy: Error | undefined;
  if (!options.dryRun) {
    const execution = await deletePlannedTags(api, repository, doomed, options.connection.concurrency);
    results = execution.results;
    stoppedBy = execution.stoppedBy;
    progress.update({
      deleted: results.filter((r) => r.outcome === 'deleted').length,
      failed: results.filter((r) => r.outcome === 'failed' || r.outcome === 'forbidden').length,
    });
  }
  const projectPath = projectPathOf(repository);
  const entry = repositoryEntry(policy.name, repository, projectPath, decisions, results, now, read.allRead);
  return stoppedBy ? { entry, stoppedBy } : { entry };
}

/** Reads each project's branches once, however many of its repositories ask. */
function branchReader(api: GitLabApi): (projectId: number) => Promise<BranchContext> {
  const read = new Map<number, Promise<BranchContext>>();
  return (projectId) => {
    let context = read.get(projectId);
    if (!context) {
      context = readBranchContext(api, projectId);
      read.set(projectId, context);
    }
    return context;
  };
}

async function readBranchContext(api: GitLabApi, projectId: number): Promise<BranchContext> {
  const [project, live] = await Promise.all([
    getProject(api, { id: projectId }),
    listLiveBranches(api, projectId),
  ]);
  return branchContext([...live.branches, ...live.openMergeRequestSources], project.defaultBranch);
}
