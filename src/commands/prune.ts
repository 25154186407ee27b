// registry-cleaner prune: for every policy, read the repositories in scope; then, repository by
// repository: read what the rules need, plan, execute the plan (unless --dry-run), report.

import { mapConcurrent } from '../concurrency.ts';
import { ExitCode, endsRun, exitCodeFor, RegistryCleanerError } from '../errors.ts';
import { executeRepositoryPlan } from '../execute/prune-deletes.ts';
import { explain } from '../explain.ts';
import { type GitLabApi, openGitLabApi } from '../gitlab/api.ts';
import { InventoryReader } from '../gitlab/inventory.ts';
import { ProjectFactsReader } from '../gitlab/project-facts.ts';
import { listProjectRepositories } from '../gitlab/repositories.ts';
import { listGroupRepositories } from '../gitlab/scope.ts';
import type { Io } from '../io.ts';
import type { GitLabCleanupPolicy, Repository } from '../model.ts';
import type { Policy } from '../options/policy.ts';
import type { PruneOptions } from '../options/prune.ts';
import { branchContext } from '../plan/branches.ts';
import { rulesFromCleanupPolicy } from '../plan/cleanup-policy.ts';
import { deployedTags } from '../plan/deployed.ts';
import { readStrategy } from '../plan/read-strategy.ts';
import { planRepository } from '../plan/retention.ts';
import { factsNeeded, type ProjectFacts, type RetentionRules } from '../plan/rules.ts';
import { selectRepositories } from '../plan/scope.ts';
import { requestCounts } from '../report/common.ts';
import { Console } from '../report/console.ts';
import { IN_A_SWEEP, isProblem } from '../report/outcomes.ts';
import { Progress } from '../report/progress.ts';
import { PruneArtifacts } from '../report/prune-artifacts.ts';
import {
  addTotals,
  emptyTotals,
  failedRepositoryEntry,
  type RepositoryEntry,
  type RulesSource,
  repositoryEntry,
  skippedRepositoryEntry,
} from '../report/prune-entry.ts';
import { openPruneJson } from '../report/prune-json.ts';
import { PruneTextReport } from '../report/prune-text.ts';

/** Repositories read and planned at once: bounds memory to a few repositories' plans. */
const REPOSITORIES_AT_ONCE = 4;

/**
 * Through the registry's own API a repository is read in a few pages of 1,000, so more of them are
 * in memory at once; a job token's deletes, one request per tag, fill the registry's request slots
 * from a single repository, so one at a time keeps it as busy.
 */
function repositoriesAtOnce(api: GitLabApi): number {
  if (!api.registry) return REPOSITORIES_AT_ONCE;
  return api.registry.deletes ? 1 : 2;
}

/** What sweeping a repository of one policy needs. */
interface Sweep {
  api: GitLabApi;
  options: PruneOptions;
  policy: Policy;
  now: Date;
  progress: Progress;
  facts: ProjectFactsReader;
  reader: InventoryReader;
  /** set by the first error that ends the run: later repositories are not read */
  stoppedBy?: Error;
}

export async function runPrune(options: PruneOptions, io: Io): Promise<ExitCode> {
  const console = new Console(io, options.output.color);
  for (const warning of options.warnings) console.warn(warning);
  const now = io.now();
  const api = openGitLabApi(
    options.connection,
    options.output.verbose ? (line) => console.trace(line) : undefined,
    io.addSecret,
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
  const facts = new ProjectFactsReader(api);
  const reader = new InventoryReader(api, options.connection.concurrency);
  let stoppedBy: Error | undefined;

  progress.start();
  try {
    for (const policy of options.policies) {
      const inScope = await repositoriesInScope(api, policy, options);
      progress.update({ repositoriesTotal: inScope.length });
      text?.expect(inScope);
      const sweep: Sweep = { api, options, policy, now, progress, facts, reader };
      await mapConcurrent(inScope, repositoriesAtOnce(api), async (repository) =>
        reportRepository(await sweepRepository(sweep, repository)),
      );
      stoppedBy = sweep.stoppedBy;
      if (stoppedBy) break;
    }
  } catch (error) {
    // A bug still closes the JSON report (with the error) before it surfaces.
    stoppedBy = error instanceof Error ? error : new Error(String(error));
  } finally {
    progress.stop();
    await api.http.close();
  }

  // A repository that could not be read fails the run as a failed deletion does.
  const exitCode = stoppedBy
    ? stoppedBy instanceof RegistryCleanerError
      ? stoppedBy.exitCode
      : ExitCode.failed
    : exitCodeFor(
        { ...total, failed: total.failed + total.repositoryErrors + total.refusedRepositories },
        { protectedFails: false },
      );
  json?.finish({
    totals: total,
    reclaimableIsUpperBound,
    requests: requestCounts(api.statistics()),
    warnings: options.warnings,
    finishedAt: io.now().toISOString(),
    exitCode,
    ...(stoppedBy ? { error: explain(stoppedBy) } : {}),
  });
  artifacts.finish(total, exitCode, options.dryRun, stoppedBy && explain(stoppedBy));
  text?.finish(total, { requests: api.statistics().total, finishedAt: io.now(), exitCode });
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
 * One repository's entry in the report: swept, or failed with the reason. An error about this
 * repository fails it alone; one that every later request would meet too stops the sweep.
 */
async function sweepRepository(sweep: Sweep, repository: Repository): Promise<RepositoryEntry> {
  const { policy } = sweep;
  if (sweep.stoppedBy) {
    return failedRepositoryEntry(
      policy.name,
      repository,
      `not read: ${explain(sweep.stoppedBy)}`,
      'not-read',
      rulesSource(policy),
    );
  }
  try {
    return await readPlanExecute(sweep, repository);
  } catch (error) {
    if (!(error instanceof RegistryCleanerError)) throw error;
    if (endsRun(error)) sweep.stoppedBy ??= error;
    return failedRepositoryEntry(policy.name, repository, explain(error), 'unreadable', rulesSource(policy));
  }
}

function rulesSource(policy: Policy): RulesSource {
  return policy.cleanupPolicy ? 'cleanup-policy' : 'policy';
}

/** Read → plan → execute (unless --dry-run), for one repository. */
async function readPlanExecute(sweep: Sweep, repository: Repository): Promise<RepositoryEntry> {
  const { api, options, policy, now, progress } = sweep;
  const { concurrency } = options.connection;
  const chosen = await repositoryRules(sweep, repository.projectId);
  if ('skipped' in chosen) {
    return skippedRepositoryEntry(policy.name, repository, chosen.skipped, chosen.cleanupPolicy);
  }
  const { rules } = chosen;
  const facts = await projectFacts(sweep, rules, repository.projectId);
  const inventory = await sweep.reader.read(repository, readStrategy(rules, facts, now, repository));
  const plan = planRepository({ policy: policy.name, inventory, rules, facts, now, ...chosen.origin });
  progress.update({ tagsRead: inventory.tags.length, planned: plan.deletions.length });
  if (options.dryRun) return repositoryEntry(plan, undefined, now);

  const execution = await executeRepositoryPlan(api, plan, concurrency);
  if (execution.stoppedBy) sweep.stoppedBy ??= execution.stoppedBy;
  progress.update({
    deleted: execution.results.filter((r) => r.outcome === 'deleted').length,
    failed: execution.results.filter((r) => isProblem(r.outcome, IN_A_SWEEP)).length,
  });
  return repositoryEntry(plan, execution, now);
}

/**
 * The rules for the project's repositories: the policy's own, or (--cleanup-policy) those of the
 * project's GitLab cleanup policy; a project whose policy GitLab would not run is skipped.
 */
async function repositoryRules(
  sweep: Sweep,
  projectId: number,
): Promise<
  | { rules: RetentionRules; origin?: { cleanupPolicy: GitLabCleanupPolicy; ruleNotes: string[] } }
  | { skipped: string; cleanupPolicy?: GitLabCleanupPolicy }
> {
  const { policy } = sweep;
  if (!policy.cleanupPolicy) return { rules: policy.rules };
  const cleanupPolicy = await sweep.facts.cleanupPolicy(projectId);
  const converted = rulesFromCleanupPolicy(cleanupPolicy, policy.rules);
  if (!converted.active) return { skipped: converted.why, ...(cleanupPolicy ? { cleanupPolicy } : {}) };
  return {
    rules: converted.rules,
    origin: { cleanupPolicy: cleanupPolicy as GitLabCleanupPolicy, ruleNotes: converted.notes },
  };
}

/** What the rules need to know about the project besides its tags, read once per project. */
async function projectFacts(sweep: Sweep, rules: RetentionRules, projectId: number): Promise<ProjectFacts> {
  const needed = factsNeeded(rules);
  const facts: ProjectFacts = {};
  if (needed.branches) {
    const live = await sweep.facts.liveBranches(projectId);
    facts.branches = branchContext(live.names, live.defaultBranch);
  }
  if (needed.deployments && rules.deployments) {
    const { templates, keepDeployments } = rules.deployments;
    const environments = await sweep.facts.environmentDeployments(projectId, keepDeployments);
    facts.deployed = deployedTags(environments, templates, { keepDeployments });
  }
  return facts;
}
