// registry-cleaner prune: for every policy, read the repositories in scope; then, repository by
// repository, read its tags, plan, delete exactly the planned tags (unless --dry-run) and report.

import { mapConcurrent } from '../concurrency.ts';
import { AuthError, ExitCode, GitLabUnavailableError, RegistryCleanerError } from '../errors.ts';
import { deletePlannedTags } from '../execute/prune-deletes.ts';
import { type GitLabApi, openGitLabApi } from '../gitlab/api.ts';
import { listProjectRepositories } from '../gitlab/repositories.ts';
import { getProject, listGroupRepositories, listLiveBranches } from '../gitlab/scope.ts';
import { readTags } from '../gitlab/tag-listing.ts';
import type { Io } from '../io.ts';
import type { Repository, TagResult } from '../model.ts';
import type { Policy } from '../options/policy.ts';
import type { PruneOptions } from '../options/prune.ts';
import { type BranchContext, keptByName, needsPushTimes, planRepository } from '../plan/retention.ts';
import { projectPathOf, selectRepositories } from '../plan/scope.ts';
import { refSlug } from '../plan/slug.ts';
import { Console } from '../report/console.ts';
import { REPORT_VERSION, requestCounts } from '../report/delete-tag.ts';
import { fileSink, JsonDocument, type Sink } from '../report/json-stream.ts';
import { Progress } from '../report/progress.ts';
import {
  addTotals,
  emptyTotals,
  failedRepositoryEntry,
  type PruneTotals,
  type RepositoryEntry,
  repositoryEntry,
} from '../report/prune.ts';
import { PruneArtifacts } from '../report/prune-artifacts.ts';
import { PruneTextReport } from '../report/prune-text.ts';
import { VERSION } from '../version.ts';

/** Repositories read and planned at once: bounds memory to a few repositories' plans. */
const REPOSITORIES_AT_ONCE = 4;

export async function runPrune(options: PruneOptions, io: Io): Promise<ExitCode> {
  const console = new Console(io, options.output.color);
  for (const warning of options.warnings) console.warn(warning);
  const now = io.now();
  const api = openGitLabApi(
    options.connection,
    options.output.verbose ? (line) => console.trace(line) : undefined,
  );
  const progress = new Progress(io, !options.output.quiet);
  const json = openJson(options, io, now);
  const text = options.output.format === 'text' ? new PruneTextReport(console, options, now) : undefined;
  const artifacts = new PruneArtifacts(
    options.output,
    options.connection.restUrl,
    options.dryRun,
    io.redact ?? ((text) => text),
  );
  const total = emptyTotals();
  let stoppedBy: Error | undefined;
  let reclaimableIsUpperBound = false;

  progress.start();
  try {
    for (const policy of options.policies) {
      const inScope = await repositoriesInScope(api, policy, options);
      progress.update({ repositoriesTotal: inScope.length });
      text?.expect(inScope);
      const branchContexts = new Map<number, Promise<BranchContext>>();
      await mapConcurrent(inScope, REPOSITORIES_AT_ONCE, async (repository) => {
        const projectPath = projectPathOf(repository);
        let entry: RepositoryEntry;
        if (stoppedBy) {
          entry = failedRepositoryEntry(
            policy.name,
            repository,
            projectPath,
            `not read: ${stoppedBy.message}`,
          );
        } else {
          try {
            const pruned = await pruneRepository(
              api,
              policy,
              repository,
              projectPath,
              options,
              now,
              branchContexts,
              progress,
            );
            entry = pruned.entry;
            stoppedBy ??= pruned.stoppedBy;
          } catch (error) {
            if (!(error instanceof RegistryCleanerError)) throw error;
            if (error instanceof AuthError || error instanceof GitLabUnavailableError) stoppedBy ??= error;
            entry = failedRepositoryEntry(policy.name, repository, projectPath, error.message);
          }
        }
        addTotals(total, entry.totals);
        if (entry.reclaimableIsUpperBound) reclaimableIsUpperBound = true;
        progress.update({ repositoriesDone: 1 });
        json?.item(entry);
        artifacts.repository(entry);
        progress.clear();
        text?.repository(entry);
      });
      if (stoppedBy) break;
    }
  } catch (error) {
    // A bug still closes the JSON report (with the error) before it surfaces.
    stoppedBy = error instanceof Error ? error : new Error(String(error));
  } finally {
    progress.stop();
    await api.http.close();
  }

  const exitCode = stoppedBy
    ? stoppedBy instanceof RegistryCleanerError
      ? stoppedBy.exitCode
      : ExitCode.failed
    : exitCodeFor(total);
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
  text?.finish(total, api, io.now());
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

async function pruneRepository(
  api: GitLabApi,
  policy: Policy,
  repository: Repository,
  projectPath: string,
  options: PruneOptions,
  now: Date,
  branchContexts: Map<number, Promise<BranchContext>>,
  progress: Progress,
): Promise<{ entry: RepositoryEntry; stoppedBy?: Error }> {
  const { rules } = policy;
  let branches: BranchContext | undefined;
  if (rules.staleBranches) {
    let context = branchContexts.get(repository.projectId);
    if (!context) {
      context = readBranchContext(api, repository.projectId);
      branchContexts.set(repository.projectId, context);
    }
    branches = await context;
  }
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
  const entry = repositoryEntry(policy.name, repository, projectPath, decisions, results, now, read.allRead);
  return stoppedBy ? { entry, stoppedBy } : { entry };
}

async function readBranchContext(api: GitLabApi, projectId: number): Promise<BranchContext> {
  const [project, live] = await Promise.all([
    getProject(api, { id: projectId }),
    listLiveBranches(api, projectId),
  ]);
  const liveSlugs = new Map<string, string>();
  for (const branch of [...live.branches, ...live.openMergeRequestSources]) {
    const slug = refSlug(branch);
    if (!liveSlugs.has(slug)) liveSlugs.set(slug, branch);
  }
  return {
    liveSlugs,
    ...(project.defaultBranch ? { defaultBranchSlug: refSlug(project.defaultBranch) } : {}),
  };
}

/** A role refused outranks a failure; protected tags are expected in a sweep and fail nothing. */
function exitCodeFor(total: PruneTotals): ExitCode {
  if (total.forbidden > 0) return ExitCode.auth;
  if (total.failed > 0 || total.repositoryErrors > 0) return ExitCode.failed;
  return ExitCode.ok;
}

function openJson(options: PruneOptions, io: Io, now: Date): JsonDocument | undefined {
  const sinks: Sink[] = [];
  if (options.output.reportFile)
    sinks.push(fileSink(options.output.reportFile, io.redact ?? ((text) => text)));
  if (options.output.format === 'json')
    sinks.push({ write: (text) => io.stdout.write(text), close: () => {} });
  if (sinks.length === 0) return undefined;
  return new JsonDocument(
    sinks,
    {
      version: REPORT_VERSION,
      tool: 'registry-cleaner',
      toolVersion: VERSION,
      command: 'prune',
      dryRun: options.dryRun,
      gitlabUrl: options.connection.restUrl,
      now: now.toISOString(),
      ...(options.shard ? { shard: `${options.shard.index}/${options.shard.total}` } : {}),
      policies: options.policies.map(describePolicy),
    },
    'repositories',
  );
}

function describePolicy(policy: Policy) {
  const { rules } = policy;
  return {
    name: policy.name,
    projects: policy.projects.map((p) => ('id' in p ? p.id : p.path)),
    groups: policy.groups.map((g) => ('id' in g ? g.id : g.path)),
    repositories: policy.repositories?.map((glob) => glob.pattern) ?? 'all',
    rules: {
      ...(rules.match ? { match: rules.match.source } : {}),
      keep: rules.keep.map((pattern) => pattern.source),
      ...(rules.keepLatest === undefined ? {} : { keepLatest: rules.keepLatest }),
      ...(rules.olderThanMs === undefined ? {} : { olderThanSeconds: rules.olderThanMs / 1000 }),
      staleBranches: rules.staleBranches,
    },
  };
}
