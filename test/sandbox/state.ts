import { type CleanupPolicy, CleanupPolicyStore } from './cleanup-policy.ts';
import {
  type AddDeploymentOptions,
  type Deployment,
  DeploymentStore,
  type Environment,
  type EnvironmentState,
  type EnvironmentTier,
} from './deployments.ts';
import { configDigestOf, defaultSize, fakeSha256 } from './digests.ts';
import { GitlabEntities } from './gitlab-entities.ts';
import {
  isImageIndex,
  type Project,
  type ProtectionLevel,
  type ProtectionRule,
  type Repository,
  type RepositoryStatus,
  type Tag,
} from './model.ts';
import { RegistryTokenStore } from './registry/tokens.ts';
import { type OutageScope, RegistryOutages } from './registry-outages.ts';
import { TagStore } from './tag-store.ts';

/** GitLab allows five tag protection rules per project (MAX_TAG_RULES_PER_PROJECT). */
const MAX_PROTECTION_RULES = 5;
const DEFAULT_MEDIA_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';

export interface PushTagOptions {
  digest?: string;
  mediaType?: string;
  sizeBytes?: number;
  at?: Date;
  configCreatedAt?: Date | null;
}

/**
 * The sandbox's in-memory GitLab: the GitLab entities (gitlab-entities.ts), container
 * repositories and their tags, protection rules, environments, cleanup policies, the registry's
 * tokens and outages. Tests build it with these methods; the server reads and mutates it.
 */
export class SandboxState extends GitlabEntities {
  private readonly repositoriesById = new Map<number, Repository>();
  private readonly repositoriesByProject = new Map<number, Repository[]>();
  private readonly tagStores = new Map<number, TagStore>();
  private readonly rePushCounts = new Map<string, number>();
  private readonly protectionRules = new Map<number, ProtectionRule[]>();
  /** Bulk-delete leases (`container_repository:cleanup_tags:<id>`): repository id → expiry. */
  readonly cleanupLeases = new Map<number, Date>();
  /** Environments, deployments and their jobs. */
  readonly deployments = new DeploymentStore(() => this.clock());
  private readonly projectsWithoutEnvironments = new Set<number>();
  /** Container registry cleanup policies (`container_expiration_policy`). */
  readonly cleanupPolicies = new CleanupPolicyStore(() => this.clock());
  /** Registry answers that fail (see registry-outages.ts). */
  readonly registryOutages = new RegistryOutages();
  /** Tokens /jwt/auth issued for the registry. */
  readonly registryTokens = new RegistryTokenStore();

  private nextRepositoryId = 1;

  addRepository(
    project: Project,
    name = '',
    opts: { id?: number; status?: RepositoryStatus } = {},
  ): Repository {
    const id = opts.id ?? this.nextRepositoryId;
    if (this.repositoriesById.has(id)) throw new Error(`repository id ${id} is taken`);
    const siblings = this.repositoriesByProject.get(project.id) ?? [];
    if (siblings.some((repository) => repository.name === name)) {
      throw new Error(`repository "${name}" exists in ${project.fullPath}`);
    }
    this.nextRepositoryId = Math.max(this.nextRepositoryId, id + 1);
    const repository: Repository = {
      id,
      project,
      name,
      path: [project.fullPath, name]
        .filter((part) => part !== '')
        .join('/')
        .toLowerCase(),
      createdAt: this.clock(),
      status: opts.status ?? null,
      lastPublishedAt: null,
    };
    this.repositoriesById.set(id, repository);
    siblings.push(repository);
    // Ids usually grow; only an explicit smaller id needs a re-sort.
    if (siblings.length > 1 && (siblings[siblings.length - 2] as Repository).id > id) {
      siblings.sort((a, b) => a.id - b.id);
    }
    this.repositoriesByProject.set(project.id, siblings);
    this.tagStores.set(id, new TagStore());
    return repository;
  }

  findRepository(id: number): Repository | undefined {
    return this.repositoriesById.get(id);
  }

  /** By registry path (`group/project/name`, lower-case), as the registry knows repositories. */
  findRepositoryByPath(path: string): Repository | undefined {
    for (const repository of this.repositoriesById.values()) if (repository.path === path) return repository;
    return undefined;
  }

  /** Repositories ordered by id, of one project or of all. */
  repositories(project?: Project): Repository[] {
    if (project) return [...(this.repositoriesByProject.get(project.id) ?? [])];
    return Array.from(this.repositoriesById.values()).sort((a, b) => a.id - b.id);
  }

  /** Forget a repository entirely (what GitLab's background deletion does eventually). */
  removeRepository(repository: Repository): void {
    this.repositoriesById.delete(repository.id);
    this.tagStores.delete(repository.id);
    const siblings = this.repositoriesByProject.get(repository.project.id) ?? [];
    this.repositoriesByProject.set(
      repository.project.id,
      siblings.filter((other) => other.id !== repository.id),
    );
  }

  pushTag(repository: Repository, name: string, opts: PushTagOptions = {}): Tag {
    const store = this.tagStore(repository);
    const at = opts.at ?? this.clock();
    const existing = store.get(name);
    const digest = opts.digest ?? this.defaultDigest(repository, name, existing !== undefined);
    const mediaType = opts.mediaType ?? existing?.mediaType ?? DEFAULT_MEDIA_TYPE;
    const tag: Tag = {
      name,
      digest,
      configDigest: isImageIndex(mediaType) ? null : configDigestOf(digest),
      mediaType,
      sizeBytes: opts.sizeBytes ?? defaultSize(digest),
      // A re-push moves the tag to another manifest: created_at stays, updated_at moves.
      createdAt: existing?.createdAt ?? at,
      updatedAt: existing ? at : null,
      publishedAt: at,
      configCreatedAt: opts.configCreatedAt === undefined ? at : opts.configCreatedAt,
    };
    store.set(tag);
    if (!repository.lastPublishedAt || repository.lastPublishedAt < at) repository.lastPublishedAt = at;
    // GitLab creates a repository's record when its first push is authorised
    // (ContainerRepository.find_or_create_from_path, called by the registry's token service): no tag
    // predates it. A world seeded with older pushes moves the creation back to the first of them.
    if (at < repository.createdAt) repository.createdAt = at;
    return tag;
  }

  deleteTag(repository: Repository, name: string): boolean {
    return this.tagStore(repository).delete(name);
  }

  findTag(repository: Repository, name: string): Tag | undefined {
    return this.tagStore(repository).get(name);
  }

  /** Tags sorted by name. */
  tags(repository: Repository): Tag[] {
    const store = this.tagStore(repository);
    return store.names().map((name) => store.get(name) as Tag);
  }

  tagStore(repository: Repository): TagStore {
    const store = this.tagStores.get(repository.id);
    if (!store) throw new Error(`repository ${repository.id} is not in this state`);
    return store;
  }

  addProtectionRule(
    project: Project,
    rule: {
      pattern: string;
      minimumAccessLevelForDelete: ProtectionLevel;
      minimumAccessLevelForPush?: ProtectionLevel;
    },
  ): void {
    const rules = this.protectionRules.get(project.id) ?? [];
    if (rules.length >= MAX_PROTECTION_RULES) {
      throw new Error(`GitLab allows at most ${MAX_PROTECTION_RULES} tag protection rules per project`);
    }
    rules.push({
      pattern: rule.pattern,
      minimumAccessLevelForDelete: rule.minimumAccessLevelForDelete,
      minimumAccessLevelForPush: rule.minimumAccessLevelForPush ?? rule.minimumAccessLevelForDelete,
    });
    this.protectionRules.set(project.id, rules);
  }

  protectionRulesOf(project: Project): readonly ProtectionRule[] {
    return this.protectionRules.get(project.id) ?? [];
  }

  addEnvironment(
    project: Project,
    name: string,
    opts: { state?: EnvironmentState; tier?: EnvironmentTier; externalUrl?: string | null } = {},
  ): Environment {
    return this.deployments.addEnvironment(project, name, opts);
  }

  addDeployment(environment: Environment, opts: AddDeploymentOptions): Deployment {
    return this.deployments.addDeployment(environment, opts);
  }

  /**
   * Turns the project's Environments feature off (environments_access_level disabled):
   * ProjectPolicy's `environments_disabled` rule then prevents read_environment and
   * read_deployment for everyone, admins included.
   */
  disableEnvironments(project: Project): void {
    this.projectsWithoutEnvironments.add(project.id);
  }

  environmentsDisabled(project: Project): boolean {
    return this.projectsWithoutEnvironments.has(project.id);
  }

  /** Creates or changes the project's cleanup policy; `null` removes it (no policy row). */
  setCleanupPolicy(
    project: Project,
    policy: Partial<Omit<CleanupPolicy, 'nextRunAt'>> | null,
  ): CleanupPolicy | undefined {
    if (policy === null) {
      this.cleanupPolicies.remove(project);
      return undefined;
    }
    return this.cleanupPolicies.set(project, policy);
  }

  /** Makes the registry fail for one repository or all; returns the function that repairs it. */
  breakRegistry(target: Repository | 'all', scope: OutageScope = 'gitlab-api'): () => void {
    return this.registryOutages.break(target, scope);
  }

  private defaultDigest(repository: Repository, name: string, rePush: boolean): string {
    const key = `${repository.path}:${name}`;
    if (!rePush) return fakeSha256(key);
    const count = (this.rePushCounts.get(key) ?? 0) + 1;
    this.rePushCounts.set(key, count);
    return fakeSha256(`${key}:${count}`);
  }
}
