// prune's report entry for one repository: its plan, the outcomes, totals and reclaimable bytes,
// as the JSON report holds it and the text report renders it. Fields are documented in docs/reports.md.

import type {
  AgeSource,
  Execution,
  GitLabCleanupPolicy,
  Outcome,
  ReadPath,
  Repository,
  RepositoryPlan,
  TimeSource,
} from '../model.ts';
import { reclaimableBytes, sharedWithKept } from '../plan/reclaim.ts';
import { projectPathOf } from '../plan/scope.ts';

/** The API field the ages came from; 'none' when no time was read. */
export type PushedAtSource = TimeSource['field'] | 'none';

export interface PruneTotals {
  repositories: number;
  tags: number;
  kept: number;
  /** planned for deletion */
  planned: number;
  deleted: number;
  absent: number;
  protected: number;
  forbidden: number;
  failed: number;
  /** kept because no push time could be read */
  unknownAge: number;
  reclaimableBytes: number;
  /** images whose size GitLab did not report (not counted in reclaimableBytes) */
  unknownSizeImages: number;
  /** repositories that could not be read (their tags were left alone) */
  repositoryErrors: number;
  /** repositories whose age rules were refused: their times are of a kind the policy does not accept */
  refusedRepositories: number;
  /** left alone by --cleanup-policy: their project's policy is disabled, absent, or one GitLab would not run */
  skippedRepositories: number;
}

/**
 * swept: read and planned (and executed, unless a dry run); refused: read, but the age rules were
 * not applied (nothing deleted); skipped: not read, no rules to apply (--cleanup-policy: the
 * project's policy is disabled or absent); unreadable: the read failed; not-read: the run stopped
 * before it.
 */
export type RepositoryStatus = 'swept' | 'refused' | 'skipped' | 'unreadable' | 'not-read';

/** Where a repository's rules came from: the policy run (flags or file), or the project's GitLab cleanup policy. */
export type RulesSource = 'policy' | 'cleanup-policy';

export interface TagEntry {
  name: string;
  digest?: string;
  pushedAt?: string;
  pushedAtSource?: TimeSource['field'];
  ageDays?: number;
  action: 'keep' | 'delete';
  rule: string;
  because: string;
  /** after execution; absent in a dry run */
  outcome?: Outcome;
  reason?: string;
  /** kept tags on the same image: deleting this one frees nothing */
  sharesImageWith?: string[];
}

export interface RepositoryEntry {
  policy: string;
  project: { id: number; path: string };
  repository: { id: number; path: string; location: string };
  status: RepositoryStatus;
  rulesSource: RulesSource;
  /** the project's GitLab cleanup policy as read (--cleanup-policy), when it has one */
  cleanupPolicy?: GitLabCleanupPolicy;
  /** why the repository was left alone (status 'skipped') */
  skipped?: string;
  /** which push time the ages come from (see README: published_at = last push; created_at = first push or build time) */
  pushedAtSource: PushedAtSource;
  /** the API that read the tags: the registry's own, GitLab's GraphQL or REST API (absent when not read) */
  via?: ReadPath;
  /** what that time means: last-push, first-push, build-time; 'none' when no time was read */
  ageSource: AgeSource | 'none';
  /** what people should know about the plan: times that cannot be push times, … */
  notes: string[];
  /** why the age rules were not applied here (status 'refused') */
  refusal?: string;
  totals: PruneTotals;
  tags: TagEntry[];
  /** false when tags younger than the --older-than cut-off were not read: all of them are kept */
  allTagsRead: boolean;
  /**
   * reclaimableBytes may be too high: a kept tag without a digest (a job token reads none for
   * tags the name rules keep) or unread young tags may still use an image counted as freed
   */
  reclaimableIsUpperBound: boolean;
  /** set when the repository could not be read; its tags were left alone */
  error?: string;
}

export function emptyTotals(): PruneTotals {
  return {
    repositories: 0,
    tags: 0,
    kept: 0,
    planned: 0,
    deleted: 0,
    absent: 0,
    protected: 0,
    forbidden: 0,
    failed: 0,
    unknownAge: 0,
    reclaimableBytes: 0,
    unknownSizeImages: 0,
    repositoryErrors: 0,
    refusedRepositories: 0,
    skippedRepositories: 0,
  };
}

export function addTotals(into: PruneTotals, more: PruneTotals): void {
  for (const key of Object.keys(into) as (keyof PruneTotals)[]) into[key] += more[key];
}

export function repositoryEntry(
  plan: RepositoryPlan,
  execution: Execution | undefined,
  now: Date,
): RepositoryEntry {
  const { decisions, repository, times } = plan;
  const outcomes = new Map(execution?.results.map((result) => [result.tag, result]));
  const shared = sharedWithKept(decisions);
  const totals = emptyTotals();
  totals.repositories = 1;
  if (plan.refusal) totals.refusedRepositories = 1;
  const tags = decisions.map((decision): TagEntry => {
    const { tag } = decision;
    totals.tags++;
    if (decision.action === 'keep') totals.kept++;
    else totals.planned++;
    if (decision.rule === 'unknown-age' || decision.rule === 'untrusted-age') totals.unknownAge++;
    const result = outcomes.get(tag.name);
    if (result && result.outcome !== 'planned') totals[result.outcome]++;
    return {
      name: tag.name,
      ...(tag.digest ? { digest: tag.digest } : {}),
      ...(tag.pushedAt
        ? {
            pushedAt: tag.pushedAt.toISOString(),
            pushedAtSource: times?.field ?? 'created_at',
            ageDays: Math.floor(((now.getTime() - tag.pushedAt.getTime()) / 86_400_000) * 10) / 10,
          }
        : {}),
      action: decision.action,
      rule: decision.rule,
      because: decision.because,
      ...(result ? { outcome: result.outcome } : {}),
      ...(result?.reason ? { reason: result.reason } : {}),
      ...(shared.has(tag.name) ? { sharesImageWith: shared.get(tag.name) } : {}),
    };
  });
  // Dry run: what the plan would free; real run: what the outcomes freed.
  const goneNames = new Set(
    execution
      ? execution.results.filter((r) => r.outcome === 'deleted' || r.outcome === 'absent').map((r) => r.tag)
      : plan.deletions,
  );
  const reclaim = reclaimableBytes(
    decisions.map((d) => d.tag),
    (name) => goneNames.has(name),
  );
  totals.reclaimableBytes = reclaim.bytes;
  totals.unknownSizeImages = reclaim.unknownSize;
  const reclaimableIsUpperBound =
    !plan.complete || decisions.some((d) => d.action === 'keep' && !d.tag.digest);
  return {
    policy: plan.policy,
    ...where(repository),
    status: plan.refusal ? 'refused' : 'swept',
    rulesSource: plan.cleanupPolicy ? 'cleanup-policy' : 'policy',
    ...(plan.cleanupPolicy ? { cleanupPolicy: plan.cleanupPolicy } : {}),
    pushedAtSource: times?.field ?? 'none',
    ...(plan.via ? { via: plan.via } : {}),
    ageSource: times?.meaning ?? 'none',
    notes: plan.notes,
    ...(plan.refusal ? { refusal: plan.refusal } : {}),
    totals,
    allTagsRead: plan.complete,
    reclaimableIsUpperBound,
    tags,
  };
}

export function failedRepositoryEntry(
  policy: string,
  repository: Repository,
  error: string,
  status: 'unreadable' | 'not-read',
  rulesSource: RulesSource = 'policy',
): RepositoryEntry {
  return {
    policy,
    ...where(repository),
    status,
    rulesSource,
    pushedAtSource: 'none',
    ageSource: 'none',
    notes: [],
    totals: { ...emptyTotals(), repositories: 1, repositoryErrors: 1 },
    allTagsRead: false,
    reclaimableIsUpperBound: false,
    tags: [],
    error,
  };
}

/** A repository left alone, nothing read: its project's cleanup policy gives no rules to apply. */
export function skippedRepositoryEntry(
  policy: string,
  repository: Repository,
  why: string,
  cleanupPolicy?: GitLabCleanupPolicy,
): RepositoryEntry {
  return {
    policy,
    ...where(repository),
    status: 'skipped',
    rulesSource: 'cleanup-policy',
    ...(cleanupPolicy ? { cleanupPolicy } : {}),
    skipped: why,
    pushedAtSource: 'none',
    ageSource: 'none',
    notes: [],
    totals: { ...emptyTotals(), repositories: 1, skippedRepositories: 1 },
    allTagsRead: false,
    reclaimableIsUpperBound: false,
    tags: [],
  };
}

function where(repository: Repository): Pick<RepositoryEntry, 'project' | 'repository'> {
  return {
    project: { id: repository.projectId, path: projectPathOf(repository) },
    repository: { id: repository.id, path: repository.path, location: repository.location },
  };
}
