import { protectedTagMatcher } from './access.ts';
import { parseDuration } from './duration.ts';
import type { Project, Repository, Tag, User } from './model.ts';
import type { RegistryKind } from './profile.ts';
import { mulberry32 } from './random.ts';
import { allTagNames } from './registry-pages.ts';
import type { SandboxState } from './state.ts';
import type { TagStore } from './tag-store.ts';
import { compileUntrustedRegexp, type UntrustedRegexp } from './untrusted-regexp.ts';

/** The worker params of REST bulk delete (declared params minus repository_id). */
export interface CleanupParams {
  nameRegexDelete?: string | undefined;
  nameRegex?: string | undefined;
  nameRegexKeep?: string | undefined;
  keepN?: number | undefined;
  olderThan?: string | undefined;
}

/** Gitlab::CleanupTagsService reads the API registry in pages of this size, applying keep_n per page. */
const API_PAGE_SIZE = 1000;
/** container_registry_cleanup_tags_service_max_list_size default (third-party cleanup). */
const LEGACY_MAX_LIST_SIZE = 200;

/**
 * What CleanupContainerRepositoryWorker does for REST bulk delete (app/workers/cleanup_container_repository_worker.rb): never
 * `latest`; names matching "\A#{delete regex}\z" and not "\A#{keep regex}\z"; keep the `keep_n` most
 * recently pushed; delete only those older than `older_than`; protected tags survive (API registry).
 * Returns the names deleted.
 */
export function runCleanup(
  state: SandboxState,
  kind: RegistryKind,
  user: User | undefined,
  repository: Repository,
  params: CleanupParams,
): string[] {
  const deleteRegex = compileUntrustedRegexp(params.nameRegexDelete ?? params.nameRegex ?? '', true);
  const keepRegex = compileUntrustedRegexp(params.nameRegexKeep ?? '', true);
  if (!deleteRegex || !keepRegex) return [];
  const olderThanSeconds = params.olderThan === undefined ? undefined : parseDuration(params.olderThan);
  if (params.olderThan !== undefined && olderThanSeconds === undefined) return [];
  const now = state.clock();
  const selection: Selection = { deleteRegex, keepRegex, keepN: params.keepN, olderThanSeconds, now };
  const store = state.tagStore(repository);

  if (kind === 'legacy') {
    const names = allTagNames(store, 'legacy');
    let tags = filterByName(toTags(store, names), selection);
    // third_party/cleanup_tags_service.rb#truncate: a random sample keeps the work bounded.
    const truncatedSize = LEGACY_MAX_LIST_SIZE + (params.keepN ?? 0);
    if (tags.length > truncatedSize) tags = sample(tags, truncatedSize, mulberry32(repository.id));
    const doomed = filterByAge(tags, selection, (tag) => tag.configCreatedAt);
    for (const tag of doomed) state.deleteTag(repository, tag.name);
    return doomed.map((tag) => tag.name);
  }

  const isProtected = protectedTagMatcher(state, user, repository.project);
  const names = [...store.names()];
  const deleted: string[] = [];
  for (let offset = 0; offset < names.length; offset += API_PAGE_SIZE) {
    const page = toTags(store, names.slice(offset, offset + API_PAGE_SIZE));
    const doomed = filterByAge(
      filterByName(page, selection),
      selection,
      (tag) => tag.updatedAt ?? tag.createdAt,
    );
    for (const tag of doomed) {
      if (isProtected(tag.name)) continue;
      state.deleteTag(repository, tag.name);
      deleted.push(tag.name);
    }
  }
  return deleted;
}

/**
 * One scheduled run of the project's cleanup policy, as ContainerExpirationPolicyWorker starts it:
 * ContainerExpirationPolicies::CleanupService hands the policy's params (name_regex,
 * name_regex_keep, keep_n, older_than) to the same cleanup as bulk delete, for each repository of
 * the project. Only enabled policies run; an invalid one (an enabled policy needs a name_regex,
 * app/models/container_expiration_policy.rb) is disabled instead. No user: every tag protection
 * rule protects. Returns the names deleted, as '<repository path>:<tag>'.
 */
export function runCleanupPolicy(state: SandboxState, kind: RegistryKind, project: Project): string[] {
  const policy = state.cleanupPolicies.get(project);
  if (!policy?.enabled) return [];
  if (!policy.nameRegex?.trim()) {
    state.setCleanupPolicy(project, { enabled: false });
    return [];
  }
  const params: CleanupParams = {
    nameRegex: policy.nameRegex,
    nameRegexKeep: policy.nameRegexKeep ?? undefined,
    keepN: policy.keepN ?? undefined,
    olderThan: policy.olderThan ?? undefined,
  };
  return state
    .repositories(project)
    .flatMap((repository) =>
      runCleanup(state, kind, undefined, repository, params).map((tag) => `${repository.path}:${tag}`),
    );
}

interface Selection {
  deleteRegex: UntrustedRegexp;
  keepRegex: UntrustedRegexp;
  keepN: number | undefined;
  olderThanSeconds: number | undefined;
  now: Date;
}

function filterByName(tags: Tag[], selection: Selection): Tag[] {
  return tags.filter(
    (tag) =>
      tag.name !== 'latest' && selection.deleteRegex.test(tag.name) && !selection.keepRegex.test(tag.name),
  );
}

/** keep_n (newest first, unknown dates count as now), then older_than (unknown dates are kept). */
function filterByAge(tags: Tag[], selection: Selection, pushedAt: (tag: Tag) => Date | null): Tag[] {
  let candidates = tags;
  if (selection.keepN !== undefined) {
    const nowMs = selection.now.getTime();
    const time = (tag: Tag) => pushedAt(tag)?.getTime() ?? nowMs;
    candidates = [...tags].sort((a, b) => time(b) - time(a)).slice(Math.max(selection.keepN, 0));
  }
  if (selection.olderThanSeconds !== undefined) {
    const cutoff = selection.now.getTime() - selection.olderThanSeconds * 1000;
    candidates = candidates.filter((tag) => {
      const time = pushedAt(tag);
      return time !== null && time.getTime() < cutoff;
    });
  }
  return candidates;
}

function toTags(store: TagStore, names: readonly string[]): Tag[] {
  const tags: Tag[] = [];
  for (const name of names) {
    const tag = store.get(name);
    if (tag) tags.push(tag);
  }
  return tags;
}

function sample<T>(items: T[], size: number, random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy.slice(0, size);
}
