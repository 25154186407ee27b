// The data that flows through a run: what was read (Inventory), what was decided (RepositoryPlan,
// DeleteTagPlan) and what happened (TagResult). Plain data: every layer may import it.

/** OCI tag names, as GitLab's registry validates them. */
export const TAG_NAME = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/** A project or group as the user named it: a numeric id or a full path (any case). */
export type ProjectRef = { id: number } | { path: string };
export type GroupRef = { id: number } | { path: string };

/** The id or the path a reference holds: what GitLab's URLs take, and what reports show. */
export function refKey(ref: ProjectRef | GroupRef): number | string {
  return 'id' in ref ? ref.id : ref.path;
}

export interface Repository {
  id: number;
  projectId: number;
  /** '' for the project's root repository ($CI_REGISTRY_IMAGE) */
  name: string;
  /** '<project path>/<name>', lower-cased, as GitLab reports it */
  path: string;
  location: string;
  /** null, or 'delete_scheduled' | 'delete_ongoing' | 'delete_failed' */
  status: string | null;
  /** when GitLab created it, just before its first push: no tag of it was pushed earlier */
  createdAt?: Date;
}

// ── Inventory: what was read ────────────────────────────────────────────────────────────────────

/**
 * What a tag's reported time means. GitLab's registry with its metadata database reports the last
 * time a tag moved to new content (publishedAt) and the first push of the name (createdAt); legacy
 * registries report the image's build time under createdAt.
 */
export type AgeSource = 'last-push' | 'first-push' | 'build-time';

/** Where one repository's tag times came from: the field GitLab sent, and what it means. */
export interface TimeSource {
  /** published_at (GraphQL publishedAt, the registry's API) or created_at (GraphQL createdAt, REST) */
  field: 'published_at' | 'created_at';
  meaning: AgeSource;
}

export interface Tag {
  name: string;
  digest?: string;
  /** the time GitLab reports for the tag; what it means is the inventory's TimeSource */
  pushedAt?: Date;
  /** deduplicated image size in bytes, when GitLab reports it */
  sizeBytes?: number;
}

/**
 * Which API read a repository's tags: the registry's own (`/gitlab/v1/`, through a registry token),
 * GitLab's GraphQL API, or GitLab's REST API.
 */
export type ReadPath = 'registry' | 'graphql' | 'rest';

/** What was read about one repository. */
export interface Inventory {
  repository: Repository;
  /** the API that read it */
  via?: ReadPath;
  /** every tag read */
  tags: Tag[];
  /** undefined when no tag's time was read (no age rule needed one, or none was reported) */
  times?: TimeSource;
  /** false when the read strategy stopped early: the tags not read cannot be deleted by the rules */
  complete: boolean;
}

/** Orders a repository's tags can be read in. */
export type TagOrder = 'name' | 'newest-first' | 'oldest-first';

/**
 * What to read of a repository, decided by plan/ from the rules and carried out by gitlab/, which
 * knows no rule: read in the orders of `passes`, one after the other, showing each tag to the
 * session until it says the pass (or the read) is over. A reader that cannot sort by time reads
 * every tag by name instead, and the plan is the same.
 */
export interface ReadStrategy {
  /** the passes, in order; empty when one pass by name (all tags) is what the rules need */
  passes: readonly TagOrder[];
  /** whether the rules need this tag's time (readers that fetch times per tag ask) */
  needsTime(name: string): boolean;
  /** whether the rules may act on times of this kind (readers skip fetching times they may not) */
  acceptsAges(meaning: AgeSource): boolean;
  /** a fresh reading session; its state lives as long as one read of one repository */
  start(): ReadSession;
}

/**
 * 'more': the tag is taken, reading goes on; 'next-pass': the tag is taken and this pass is over;
 * 'complete': the read is over and every tag has been taken (this one was already); 'enough': the
 * read is over, and this tag and those after it are not taken (the rules keep them unread).
 * A pass that runs out of tags has read them all: the read is complete.
 */
export type ReadVerdict = 'more' | 'next-pass' | 'complete' | 'enough';

export interface ReadSession {
  /** a tag read in pass `pass` (index into passes), in that pass's order */
  see(tag: Tag, pass: number): ReadVerdict;
}

/**
 * A project's container registry cleanup policy as GitLab's project API shows it
 * (`container_expiration_policy`, lib/api/entities/container_expiration_policy.rb), in its own
 * values: null where GitLab has none.
 */
export interface GitLabCleanupPolicy {
  enabled: boolean;
  /** how many of the most recently pushed tags to keep per repository */
  keepN: number | null;
  /** a duration such as '30d': only older tags are deleted */
  olderThan: string | null;
  /** the tags to delete (GitLab anchors it at both ends) */
  nameRegex: string | null;
  /** the tags never to delete */
  nameRegexKeep: string | null;
  /** how often GitLab runs it ('1d', '7d', '14d', '1month', '3month') */
  cadence: string | null;
  /** ISO 8601, when GitLab runs it next; null while disabled */
  nextRunAt: string | null;
}

// ── Environments: what runs where ───────────────────────────────────────────────────────────────

/** A successful deployment as GitLab records it: a ref and a commit, never an image tag. */
export interface DeploymentRecord {
  ref: string;
  sha: string;
  /** whether `ref` is a git tag; undefined when GitLab does not say (a deployment made through the API has no job) */
  refIsTag?: boolean;
}

/** An environment that may be running an image, with its latest successful deployments. */
export interface EnvironmentDeployments {
  name: string;
  slug: string;
  state: string;
  /** newest first (by the time they finished), at most as many as were asked for */
  deployments: DeploymentRecord[];
}

// ── Plans: what was decided ─────────────────────────────────────────────────────────────────────

/** The rules that keep a tag by its name alone, in the order they apply. */
export type NameRule = 'latest' | 'deployed' | 'keep' | 'not-matched' | 'default-branch' | 'live-branch';
export type KeepRule = NameRule | 'unknown-age' | 'untrusted-age' | 'keep-latest' | 'younger';
export type DeleteRule = 'older-than' | 'beyond-keep-latest' | 'stale-branch';

export interface Decision {
  tag: Tag;
  action: 'keep' | 'delete';
  /** for a keep, the step that kept it; for a delete, the last rule that let it go */
  rule: KeepRule | DeleteRule;
  /** for people: "pushed 21d ago, older than 14d; not among the 5 latest" */
  because: string;
}

/** prune's plan for one repository: every tag read, its decision and the rule, and what goes. */
export interface RepositoryPlan {
  /** the policy it was made under ('command line', or its name in the config file) */
  policy: string;
  repository: Repository;
  /** the API that read the tags (the inventory's) */
  via?: ReadPath;
  times?: TimeSource;
  /** false when tags the rules keep anyway were left unread */
  complete: boolean;
  /** one per tag read, by name */
  decisions: Decision[];
  /** the names to delete, by name: exactly the decisions whose action is 'delete' */
  deletions: string[];
  /** what people should know about this plan (tags whose times are not push times, …) */
  notes: string[];
  /**
   * Set when the plan refuses to apply the age rules here (the times are not of a kind the policy
   * accepts): nothing is deleted, and the run fails so that nobody mistakes it for a clean sweep.
   */
  refusal?: string;
  /** set when the rules came from the project's GitLab cleanup policy (--cleanup-policy): its values */
  cleanupPolicy?: GitLabCleanupPolicy;
}

/** delete-tag's plan: the (repository, tag) pairs to delete, and what was looked for in vain. */
export interface DeleteTarget {
  repository: Repository;
  tag: string;
}

/** A pair asked for but kept: another available environment runs it. */
export interface KeptTarget extends DeleteTarget {
  /** the environment named in the reason */
  environment: string;
  /** for people: "deployed to production (ref main, sha 1a2b3c4d)" */
  because: string;
}

export interface DeleteTagPlan {
  /** the tags asked for, in the order asked */
  tags: readonly string[];
  /** repositories the selection matched, in GitLab's order */
  repositories: Repository[];
  /** to delete */
  targets: DeleteTarget[];
  /** read before planning (dry run): targets not listed in their repository, so already gone */
  absent: DeleteTarget[];
  /** not deleted because another available environment's last deployment uses the tag */
  kept: KeptTarget[];
  /** repository globs that matched no repository (a typo, or an image never pushed) */
  unmatchedGlobs: string[];
}

// ── Outcomes: what happened ─────────────────────────────────────────────────────────────────────

/** What happened to one tag we set out to delete. */
export type Outcome =
  /** dry run: it exists and would be deleted */
  | 'planned'
  /** GitLab deleted it */
  | 'deleted'
  /** it was already gone: success */
  | 'absent'
  /** a protection rule keeps it from this token's role */
  | 'protected'
  /** the token's role may not delete it */
  | 'forbidden'
  /** anything else; the reason says what */
  | 'failed';

/** The words for 'absent' wherever people read it: reasons, labels, summaries. */
export const ALREADY_GONE = 'already gone';

export const OUTCOMES: readonly Outcome[] = [
  'planned',
  'deleted',
  'absent',
  'protected',
  'forbidden',
  'failed',
];

export interface TagResult {
  repository: Repository;
  tag: string;
  outcome: Outcome;
  /** one line for people: why it failed or what GitLab said */
  reason?: string;
  /** the HTTP status that decided, when there was one */
  status?: number;
}

/** Requests a run sent, for reports: GitLab's cost of the run. */
export interface RequestStatistics {
  /** requests sent (attempts), by label */
  byLabel: Record<string, number>;
  total: number;
  retries: number;
  rateLimited: number;
  waitedForRateLimitMs: number;
}

/** What executing a plan did: a result per tag tried, and the error that stopped it, if one did. */
export interface Execution {
  results: TagResult[];
  /** set when the run had to stop (credentials refused, GitLab unreachable); later targets were not tried */
  stoppedBy?: Error;
}
