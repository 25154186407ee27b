// GraphQL source objects: plain values plus methods, which graphql-js's default field resolver
// calls with the field's arguments. Authorization follows GitLab's types: an object the user may
// not read resolves to null (no error), lists drop unreadable items.
import { canOnProject, canReadGroup, canReadGroupContainerImages } from '../access.ts';
import {
  type Group,
  groupContains,
  PROTECTION_LEVELS,
  type Project,
  type ProtectionLevel,
  type Repository,
  repositoryLocation,
  type Tag,
} from '../model.ts';
import { compareStrings } from '../tag-store.ts';
import { graphqlDateTime, graphqlRecordTime } from '../timestamps.ts';
import { compileUntrustedRegexp } from '../untrusted-regexp.ts';
import { type ConnectionArgs, DEFAULT_MAX_PAGE_SIZE, recordConnection } from './connection.ts';
import type { GraphqlContext } from './context.ts';
import { globalId } from './ids.ts';
import { apiTagsConnection, legacyTagsConnection, type TagsArgs } from './tags-connection.ts';

export function repositoryObject(context: GraphqlContext, repository: Repository): Record<string, unknown> {
  const { state, config, user, registry } = context;
  return {
    id: globalId('ContainerRepository', repository.id),
    name: repository.name,
    path: repository.path,
    location: repositoryLocation(config.registryHost, repository),
    createdAt: graphqlRecordTime(repository.createdAt),
    updatedAt: graphqlRecordTime(repository.createdAt),
    status: repository.status?.toUpperCase() ?? null,
    // ContainerRepository#tags_count: the `/v2/` tag list, which Rails reads even on a metadata registry.
    tagsCount: () => registry.tagsCount(repository),
    expirationPolicyStartedAt: null,
    lastCleanupDeletedTagsCount: null,
    migrationState: '',
    protectionRuleExists: false,
    project: () => projectObject(context, repository.project),
    userPermissions: () => ({
      destroyContainerRepository: canOnProject(state, user, 'destroy_container_image', repository.project),
    }),
    size: () =>
      registry.detailsAvailable(repository) ? state.tagStore(repository).deduplicatedSize() : null,
    lastPublishedAt: () =>
      registry.detailsAvailable(repository) && repository.lastPublishedAt
        ? graphqlDateTime(repository.lastPublishedAt)
        : null,
    tags: (args: TagsArgs) => {
      const wrap = (tag: Tag) => tagObject(context, repository, tag);
      return registry.kind === 'metadata'
        ? apiTagsConnection(context, repository, args, wrap)
        : legacyTagsConnection(context, repository, args, wrap);
    },
  };
}

/** ContainerRepositoryTag; fields per registry mode as in ContainerRepository#transform_tags_page. */
export function tagObject(
  context: GraphqlContext,
  repository: Repository,
  tag: Tag,
): Record<string, unknown> {
  const { state, config, user } = context;
  const location = `${repositoryLocation(config.registryHost, repository)}:${tag.name}`;
  const hex = tag.configDigest?.split(':')[1] ?? null;
  const common = {
    name: tag.name,
    path: `${repository.path}:${tag.name}`,
    location,
    digest: tag.digest,
    referrers: [],
    protection: () => protectionOf(context, repository.project, tag.name),
    userPermissions: () => ({
      destroyContainerRepositoryTag: canOnProject(state, user, 'destroy_container_image', repository.project),
    }),
  };
  if (context.registry.kind === 'metadata') {
    return {
      ...common,
      revision: hex ?? '',
      shortRevision: (hex ?? '').slice(0, 9),
      totalSize: String(tag.sizeBytes),
      createdAt: graphqlDateTime(tag.createdAt),
      publishedAt: graphqlDateTime(tag.publishedAt),
      mediaType: tag.mediaType,
    };
  }
  return {
    ...common,
    revision: hex,
    shortRevision: hex === null ? null : hex.slice(0, 9),
    totalSize: tag.configDigest ? String(tag.sizeBytes) : null,
    createdAt: tag.configCreatedAt ? graphqlDateTime(tag.configCreatedAt) : null,
    publishedAt: null,
    mediaType: null,
  };
}

export function projectObject(context: GraphqlContext, project: Project): Record<string, unknown> {
  const { state, user } = context;
  return {
    id: globalId('Project', project.id),
    fullPath: project.fullPath,
    name: project.name,
    path: project.path,
    containerRepositories: (args: RepositoryListArgs) => {
      const readable = canOnProject(state, user, 'read_container_image', project);
      return repositoryConnection(context, readable ? state.repositories(project) : [], args);
    },
    containerRepositoriesCount: () => state.repositories(project).length,
  };
}

export function groupObject(context: GraphqlContext, group: Group): Record<string, unknown> {
  const { state, user } = context;
  const repositories = () =>
    canReadGroupContainerImages(state, user, group)
      ? state.repositories().filter((repository) => groupContains(group, repository.project.namespace))
      : [];
  return {
    id: globalId('Group', group.id),
    fullPath: group.fullPath,
    name: group.name,
    path: group.path,
    containerRepositories: (args: RepositoryListArgs) => repositoryConnection(context, repositories(), args),
    containerRepositoriesCount: () => repositories().length,
    projects: (args: ConnectionArgs & { includeSubgroups?: boolean; search?: string | null }) => {
      const projects = state
        .projects()
        .filter((project) =>
          args.includeSubgroups ? groupContains(group, project.namespace) : project.namespace === group,
        )
        .filter(
          (project) => !args.search || project.fullPath.toLowerCase().includes(args.search.toLowerCase()),
        )
        .filter((project) => canOnProject(state, user, 'read_project', project))
        .sort((a, b) => a.id - b.id);
      return recordConnection(
        projects,
        (project) => project.id,
        args,
        DEFAULT_MAX_PAGE_SIZE,
        (project) => projectObject(context, project),
      );
    },
  };
}

export function visibleGroup(context: GraphqlContext, fullPath: string): Record<string, unknown> | null {
  const group = context.state.findGroup(fullPath);
  return group && canReadGroup(context.state, context.user, group) ? groupObject(context, group) : null;
}

export function visibleProject(context: GraphqlContext, fullPath: string): Record<string, unknown> | null {
  const project = context.state.findProject(fullPath);
  return project && canOnProject(context.state, context.user, 'read_project', project)
    ? projectObject(context, project)
    : null;
}

interface RepositoryListArgs extends ConnectionArgs {
  name?: string | null;
  sort?: 'CREATED_ASC' | 'CREATED_DESC' | 'UPDATED_ASC' | 'UPDATED_DESC' | 'NAME_ASC' | 'NAME_DESC' | null;
}

/** ContainerRepositoriesFinder: `name` is a case-insensitive "contains"; default sort created_desc. */
function repositoryConnection(context: GraphqlContext, repositories: Repository[], args: RepositoryListArgs) {
  const sort = args.sort ?? 'CREATED_DESC';
  const filtered = repositories.filter(
    (repository) => !args.name || repository.name.toLowerCase().includes(args.name.toLowerCase()),
  );
  const byCreated = (a: Repository, b: Repository) =>
    a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id;
  const byName = (a: Repository, b: Repository) => compareStrings(a.name, b.name) || a.id - b.id;
  const ascending = sort.startsWith('NAME') ? byName : byCreated;
  const sorted = [...filtered].sort(sort.endsWith('_DESC') ? (a, b) => ascending(b, a) : ascending);
  return recordConnection(
    sorted,
    (repository) => repository.id,
    args,
    DEFAULT_MAX_PAGE_SIZE,
    (repository) => repositoryObject(context, repository),
  );
}

/**
 * ContainerRepositoryTagType#protection: the highest levels over all matching rules; with no
 * matching rule an object whose levels are null.
 */
function protectionOf(context: GraphqlContext, project: Project, tagName: string) {
  let remove: ProtectionLevel | null = null;
  let push: ProtectionLevel | null = null;
  for (const rule of context.state.protectionRulesOf(project)) {
    if (!compileUntrustedRegexp(rule.pattern)?.test(tagName)) continue;
    if (!remove || PROTECTION_LEVELS[rule.minimumAccessLevelForDelete] > PROTECTION_LEVELS[remove]) {
      remove = rule.minimumAccessLevelForDelete;
    }
    if (!push || PROTECTION_LEVELS[rule.minimumAccessLevelForPush] > PROTECTION_LEVELS[push]) {
      push = rule.minimumAccessLevelForPush;
    }
  }
  return {
    minimumAccessLevelForDelete: remove?.toUpperCase() ?? null,
    minimumAccessLevelForPush: push?.toUpperCase() ?? null,
  };
}
