// Environments, deployments and the CI jobs behind them, shaped after app/models/environment.rb,
// app/models/deployment.rb and Ci::Build as the REST entities expose them.
import { createHash } from 'node:crypto';
import type { Project, User } from './model.ts';

export type EnvironmentState = 'available' | 'stopping' | 'stopped';
export type EnvironmentTier = 'production' | 'staging' | 'testing' | 'development' | 'other';
export type DeploymentStatus =
  | 'created'
  | 'running'
  | 'success'
  | 'failed'
  | 'canceled'
  | 'skipped'
  | 'blocked';

export interface Environment {
  id: number;
  project: Project;
  /** May contain a folder: `review/feature-x`. */
  name: string;
  slug: string;
  state: EnvironmentState;
  tier: EnvironmentTier;
  externalUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The CI job that ran a deployment (Entities::Ci::Job, the fields a cleaner may read). */
export interface DeployJob {
  id: number;
  name: string;
  stage: string;
  status: DeploymentStatus;
  ref: string;
  /** Whether `ref` is a git tag. */
  tag: boolean;
  createdAt: Date;
  finishedAt: Date | null;
  pipelineId: number;
}

export interface Deployment {
  id: number;
  /** Per project, like Deployment#iid. */
  iid: number;
  environment: Environment;
  status: DeploymentStatus;
  ref: string;
  sha: string;
  tag: boolean;
  user: User | undefined;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  /** Null for deployments created through POST /projects/:id/deployments. */
  deployable: DeployJob | null;
}

export interface AddDeploymentOptions {
  ref: string;
  sha: string;
  tag?: boolean;
  status?: DeploymentStatus;
  user?: User;
  /** Default: the state's clock. */
  createdAt?: Date;
  /** Default: createdAt for finished statuses (success, failed, canceled), else null. */
  finishedAt?: Date | null;
  /** True for a deployment created through the API: no job (`deployable: null`). */
  viaApi?: boolean;
  jobName?: string;
}

const FINISHED: ReadonlySet<DeploymentStatus> = new Set(['success', 'failed', 'canceled']);

/** Environments and deployments of every project; ids are global, iids per project. */
export class DeploymentStore {
  private readonly clock: () => Date;
  private readonly environmentsByProject = new Map<number, Environment[]>();
  private readonly deploymentsByProject = new Map<number, Deployment[]>();
  private nextEnvironmentId = 1;
  private nextDeploymentId = 1;
  private nextJobId = 1000;

  constructor(clock: () => Date) {
    this.clock = clock;
  }

  addEnvironment(
    project: Project,
    name: string,
    opts: { state?: EnvironmentState; tier?: EnvironmentTier; externalUrl?: string | null } = {},
  ): Environment {
    const list = this.environmentsByProject.get(project.id) ?? [];
    if (list.some((environment) => environment.name === name)) {
      throw new Error(`environment ${name} exists in ${project.fullPath}`);
    }
    const now = this.clock();
    const environment: Environment = {
      id: this.nextEnvironmentId++,
      project,
      name,
      slug: environmentSlug(name),
      state: opts.state ?? 'available',
      // GitLab guesses the tier from the name (Environment#guess_tier); the sandbox does not.
      tier: opts.tier ?? 'other',
      externalUrl: opts.externalUrl ?? null,
      createdAt: now,
      updatedAt: now,
    };
    list.push(environment);
    this.environmentsByProject.set(project.id, list);
    return environment;
  }

  addDeployment(environment: Environment, opts: AddDeploymentOptions): Deployment {
    const list = this.deploymentsByProject.get(environment.project.id) ?? [];
    const status = opts.status ?? 'success';
    const createdAt = opts.createdAt ?? this.clock();
    const finishedAt =
      opts.finishedAt === undefined ? (FINISHED.has(status) ? createdAt : null) : opts.finishedAt;
    const tag = opts.tag ?? false;
    const deployment: Deployment = {
      id: this.nextDeploymentId++,
      iid: list.length + 1,
      environment,
      status,
      ref: opts.ref,
      sha: opts.sha,
      tag,
      user: opts.user,
      createdAt,
      updatedAt: finishedAt ?? createdAt,
      finishedAt,
      deployable: opts.viaApi
        ? null
        : {
            id: this.nextJobId++,
            name: opts.jobName ?? 'deploy',
            stage: 'deploy',
            status,
            ref: opts.ref,
            tag,
            createdAt,
            finishedAt,
            pipelineId: this.nextJobId,
          },
    };
    list.push(deployment);
    this.deploymentsByProject.set(environment.project.id, list);
    environment.updatedAt = deployment.updatedAt;
    return deployment;
  }

  /** DELETE /projects/:id/environments/:id: the environment and its deployments go. */
  removeEnvironment(environment: Environment): void {
    const { id } = environment.project;
    const environments = this.environmentsByProject.get(id) ?? [];
    this.environmentsByProject.set(
      id,
      environments.filter((candidate) => candidate !== environment),
    );
    const deployments = this.deploymentsByProject.get(id) ?? [];
    this.deploymentsByProject.set(
      id,
      deployments.filter((deployment) => deployment.environment !== environment),
    );
  }

  /** Ordered by id, as the paginator orders relations. */
  environmentsOf(project: Project): Environment[] {
    return [...(this.environmentsByProject.get(project.id) ?? [])];
  }

  deploymentsOf(project: Project): Deployment[] {
    return [...(this.deploymentsByProject.get(project.id) ?? [])];
  }

  /**
   * Environment#last_deployment: `has_one :last_deployment, -> { success.ordered }` — the
   * successful deployment that finished last.
   */
  lastDeployment(environment: Environment): Deployment | undefined {
    let last: Deployment | undefined;
    for (const deployment of this.deploymentsOf(environment.project)) {
      if (deployment.environment !== environment || deployment.status !== 'success') continue;
      const finished = deployment.finishedAt?.getTime() ?? 0;
      const lastFinished = last?.finishedAt?.getTime() ?? 0;
      if (!last || finished > lastFinished || (finished === lastFinished && deployment.id > last.id)) {
        last = deployment;
      }
    }
    return last;
  }
}

/**
 * lib/gitlab/slug/environment.rb: lower-case, non-[a-z0-9] → '-', 'env-' prefix unless it starts
 * with a letter, squeeze dashes; if longer than 24 or different from the name, keep 17 characters,
 * a dash and the last 6 base-36 digits of SHA-256(name); otherwise drop a trailing dash.
 */
export function environmentSlug(name: string): string {
  let slug = name.toLowerCase().replace(/[^a-z0-9]/g, '-');
  if (!/^[a-z]/.test(slug)) slug = `env-${slug}`;
  slug = slug.replace(/-+/g, '-');
  if (slug.length > 24 || slug !== name) {
    slug = slug.slice(0, 17);
    if (!slug.endsWith('-')) slug += '-';
    const digest = BigInt(`0x${createHash('sha256').update(name).digest('hex')}`);
    return slug + digest.toString(36).slice(-6);
  }
  return slug.replace(/-$/, '');
}
