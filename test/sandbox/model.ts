// The entities the sandbox stores. Plain objects with ids, shaped after GitLab's records
// (app/models/container_repository.rb, project.rb, user.rb and their neighbours).

export type Role = 'guest' | 'reporter' | 'developer' | 'maintainer' | 'owner';
export type ProtectionLevel = 'maintainer' | 'owner' | 'admin';
export type TokenScope = 'api' | 'read_api' | 'read_registry' | 'write_registry';
export type RepositoryStatus = null | 'delete_scheduled' | 'delete_ongoing' | 'delete_failed';
export type Visibility = 'private' | 'public';
export type MergeRequestState = 'opened' | 'merged' | 'closed';

export interface User {
  id: number;
  username: string;
  admin: boolean;
}

export interface Group {
  id: number;
  fullPath: string;
  path: string;
  name: string;
  parent: Group | undefined;
  createdAt: Date;
}

export interface Project {
  id: number;
  fullPath: string;
  path: string;
  name: string;
  namespace: Group;
  defaultBranch: string;
  visibility: Visibility;
  createdAt: Date;
}

export interface Repository {
  id: number;
  project: Project;
  /** '' for the project's root image. */
  name: string;
  /** `<project full path>/<name>` lower-cased, like ContainerRepository#path. */
  path: string;
  createdAt: Date;
  status: RepositoryStatus;
  /** Latest tag push (GraphQL lastPublishedAt); deletions do not move it. */
  lastPublishedAt: Date | null;
}

export interface Tag {
  name: string;
  /** Manifest digest, `sha256:<64 hex>`. */
  digest: string;
  /** Config blob digest; null for image indexes (they have no config). */
  configDigest: string | null;
  mediaType: string;
  sizeBytes: number;
  /** First push of this name (API registry `created_at`). */
  createdAt: Date;
  /** Last re-push to another manifest; null until the tag moved once. */
  updatedAt: Date | null;
  /** Last push: `updatedAt ?? createdAt`. */
  publishedAt: Date;
  /** Image build time from the config blob (legacy registry `created_at`); null if unknown. */
  configCreatedAt: Date | null;
}

export interface ProtectionRule {
  pattern: string;
  minimumAccessLevelForDelete: ProtectionLevel;
  minimumAccessLevelForPush: ProtectionLevel;
}

export interface PersonalToken {
  value: string;
  user: User;
  scopes: TokenScope[];
  expired: boolean;
  revoked: boolean;
}

export interface JobToken {
  value: string;
  user: User;
  project: Project;
}

export interface Branch {
  name: string;
  createdAt: Date;
}

export interface MergeRequest {
  id: number;
  iid: number;
  project: Project;
  sourceBranch: string;
  targetBranch: string;
  state: MergeRequestState;
  createdAt: Date;
}

export const ROLE_LEVELS: Record<Role, number> = {
  guest: 10,
  reporter: 20,
  developer: 30,
  maintainer: 40,
  owner: 50,
};

/** Instance admins rank above every project role when protection rules are compared. */
export const ADMIN_LEVEL = 60;

export const PROTECTION_LEVELS: Record<ProtectionLevel, number> = {
  maintainer: ROLE_LEVELS.maintainer,
  owner: ROLE_LEVELS.owner,
  admin: ADMIN_LEVEL,
};

const INDEX_MEDIA_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

/** OCI image indexes and Docker manifest lists have no config blob and no layers of their own. */
export function isImageIndex(mediaType: string): boolean {
  return INDEX_MEDIA_TYPES.has(mediaType);
}

/** `location` of a repository: registry host[:port] + path (ContainerRepository#location). */
export function repositoryLocation(registryHost: string, repository: Repository): string {
  return `${registryHost}/${repository.path}`;
}

/** Is `candidate` the group itself or one of its subgroups? */
export function groupContains(group: Group, candidate: Group): boolean {
  for (let current: Group | undefined = candidate; current; current = current.parent) {
    if (current === group) return true;
  }
  return false;
}
