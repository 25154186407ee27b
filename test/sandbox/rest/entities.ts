// JSON shapes of lib/api/entities (container_registry.rb and the project/group/branch/MR entities),
// fields in GitLab's order.
import type { CleanupPolicy } from '../cleanup-policy.ts';
import type { SandboxConfig } from '../config.ts';
import {
  type Branch,
  type Group,
  type MergeRequest,
  type Project,
  type Repository,
  repositoryLocation,
  type Tag,
} from '../model.ts';
import type { RegistryKind } from '../profile.ts';
import { dateTimeJson, railsTime } from '../timestamps.ts';

export function tagEntity(config: SandboxConfig, repository: Repository, name: string) {
  return {
    name,
    path: `${repository.path}:${name}`,
    location: `${repositoryLocation(config.registryHost, repository)}:${name}`,
  };
}

export interface RepositoryEntityExtras {
  tagsCount?: number;
  tagNames?: readonly string[];
  deleteApiPath?: string;
  size?: number | null;
}

export function repositoryEntity(
  config: SandboxConfig,
  repository: Repository,
  extras: RepositoryEntityExtras = {},
) {
  return {
    id: repository.id,
    name: repository.name,
    path: repository.path,
    project_id: repository.project.id,
    location: repositoryLocation(config.registryHost, repository),
    created_at: railsTime(repository.createdAt),
    cleanup_policy_started_at: null,
    ...(extras.tagsCount === undefined ? {} : { tags_count: extras.tagsCount }),
    ...(extras.tagNames === undefined
      ? {}
      : { tags: extras.tagNames.map((name) => tagEntity(config, repository, name)) }),
    ...(extras.deleteApiPath === undefined ? {} : { delete_api_path: extras.deleteApiPath }),
    ...(extras.size === undefined ? {} : { size: extras.size }),
    status: repository.status,
  };
}

/** TagDetails: semantics differ per registry kind (app/models/container_repository.rb #transform_tags_page, lib/container_registry/tag.rb). */
export function tagDetailsEntity(
  config: SandboxConfig,
  kind: RegistryKind,
  repository: Repository,
  tag: Tag,
) {
  const revision = tag.configDigest ? (tag.configDigest.split(':')[1] ?? '') : null;
  if (kind === 'metadata') {
    // transform_tags_page: revision is config_digest's hex or "" (no config), size is size_bytes,
    // created_at is when the tag was first created in the registry.
    const apiRevision = revision ?? '';
    return {
      ...tagEntity(config, repository, tag.name),
      revision: apiRevision,
      short_revision: apiRevision.slice(0, 9),
      digest: tag.digest,
      created_at: dateTimeJson(tag.createdAt),
      total_size: tag.sizeBytes,
    };
  }
  // Legacy: the config blob gives revision and `created` (build time); layer sizes give total_size.
  return {
    ...tagEntity(config, repository, tag.name),
    revision,
    short_revision: revision === null ? null : revision.slice(0, 9),
    digest: tag.digest,
    created_at: tag.configCreatedAt ? dateTimeJson(tag.configCreatedAt) : null,
    total_size: tag.configDigest ? tag.sizeBytes : null,
  };
}

/** What `permissions` of Entities::ProjectWithAccess holds: the user's direct memberships' levels. */
export interface ProjectPermissions {
  projectAccessLevel?: number;
  groupAccessLevel?: number;
}

/**
 * Entities::ProjectWithAccess, the signed-in view: `permissions`, and `container_expiration_policy`
 * only when the project has a policy row (lib/api/entities/project.rb, project_with_access.rb).
 */
export function projectEntity(
  config: SandboxConfig,
  project: Project,
  permissions: ProjectPermissions,
  policy?: CleanupPolicy,
) {
  const access = (level: number | undefined) =>
    level === undefined ? null : { access_level: level, notification_level: 3 };
  return {
    ...projectDetailsEntity(config, project),
    container_registry_enabled: true,
    container_registry_access_level: 'enabled',
    container_registry_image_prefix: `${config.registryHost}/${project.fullPath.toLowerCase()}`,
    ...(policy ? { container_expiration_policy: cleanupPolicyEntity(policy) } : {}),
    permissions: {
      project_access: access(permissions.projectAccessLevel),
      group_access: access(permissions.groupAccessLevel),
    },
  };
}

/**
 * Entities::ProjectDetails, what GET /projects/:id shows an anonymous request (lib/api/projects.rb):
 * none of Entities::Project's own fields, so no `container_expiration_policy`, and no `permissions`.
 */
export function projectDetailsEntity(config: SandboxConfig, project: Project) {
  const webUrl = `${config.externalUrl}${config.prefix}/${project.fullPath}`;
  return {
    id: project.id,
    description: null,
    name: project.name,
    name_with_namespace: `${project.namespace.fullPath.split('/').join(' / ')} / ${project.name}`,
    path: project.path,
    path_with_namespace: project.fullPath,
    created_at: railsTime(project.createdAt),
    default_branch: project.defaultBranch,
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${new URL(config.externalUrl).hostname}:${project.fullPath}.git`,
    http_url_to_repo: `${webUrl}.git`,
    web_url: webUrl,
    visibility: project.visibility,
    namespace: {
      id: project.namespace.id,
      name: project.namespace.name,
      path: project.namespace.path,
      kind: 'group',
      full_path: project.namespace.fullPath,
      parent_id: project.namespace.parent?.id ?? null,
    },
  };
}

/** lib/api/entities/container_expiration_policy.rb */
export function cleanupPolicyEntity(policy: CleanupPolicy) {
  return {
    cadence: policy.cadence,
    enabled: policy.enabled,
    keep_n: policy.keepN,
    older_than: policy.olderThan,
    name_regex: policy.nameRegex,
    name_regex_keep: policy.nameRegexKeep,
    next_run_at: policy.nextRunAt ? railsTime(policy.nextRunAt) : null,
  };
}

export function groupEntity(config: SandboxConfig, group: Group) {
  return {
    id: group.id,
    web_url: `${config.externalUrl}${config.prefix}/groups/${group.fullPath}`,
    name: group.name,
    path: group.path,
    description: '',
    visibility: 'private',
    full_name: group.fullPath.split('/').join(' / '),
    full_path: group.fullPath,
    created_at: railsTime(group.createdAt),
    parent_id: group.parent?.id ?? null,
  };
}

export function branchEntity(config: SandboxConfig, project: Project, branch: Branch, merged: boolean) {
  return {
    name: branch.name,
    merged,
    protected: branch.name === project.defaultBranch,
    default: branch.name === project.defaultBranch,
    developers_can_push: false,
    developers_can_merge: false,
    can_push: true,
    web_url: `${config.externalUrl}${config.prefix}/${project.fullPath}/-/tree/${branch.name}`,
    commit: { created_at: railsTime(branch.createdAt) },
  };
}

export function mergeRequestEntity(config: SandboxConfig, mergeRequest: MergeRequest) {
  const { project } = mergeRequest;
  return {
    id: mergeRequest.id,
    iid: mergeRequest.iid,
    project_id: project.id,
    title: `Merge ${mergeRequest.sourceBranch}`,
    state: mergeRequest.state,
    created_at: railsTime(mergeRequest.createdAt),
    target_branch: mergeRequest.targetBranch,
    source_branch: mergeRequest.sourceBranch,
    source_project_id: project.id,
    target_project_id: project.id,
    web_url: `${config.externalUrl}${config.prefix}/${project.fullPath}/-/merge_requests/${mergeRequest.iid}`,
  };
}
