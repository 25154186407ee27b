// JSON of lib/api/entities/{environment_basic,environment,deployment}.rb and the job entity
// (Entities::Ci::Job) behind a deployment, fields in GitLab's order.
import type { SandboxConfig } from '../config.ts';
import type { DeployJob, Deployment, Environment } from '../deployments.ts';
import type { Project, User } from '../model.ts';
import { railsTime } from '../timestamps.ts';
import { projectDetailsEntity } from './entities.ts';

export function environmentBasicEntity(environment: Environment) {
  return {
    id: environment.id,
    name: environment.name,
    slug: environment.slug,
    external_url: environment.externalUrl,
    created_at: railsTime(environment.createdAt),
    updated_at: railsTime(environment.updatedAt),
  };
}

/** Entities::Environment; `last_deployment` only when presented with `last_deployment: true`. */
export function environmentEntity(
  config: SandboxConfig,
  environment: Environment,
  lastDeployment?: Deployment | null,
) {
  return {
    ...environmentBasicEntity(environment),
    tier: environment.tier,
    project: basicProjectEntity(config, environment.project),
    ...(lastDeployment === undefined
      ? {}
      : { last_deployment: lastDeployment ? deploymentEntity(config, lastDeployment) : null }),
    state: environment.state,
    auto_stop_at: null,
    description: null,
    auto_stop_setting: 'always',
  };
}

/** Entities::Deployment: no `finished_at` and no `tag` of its own; the job carries `tag`. */
export function deploymentEntity(config: SandboxConfig, deployment: Deployment) {
  return {
    id: deployment.id,
    iid: deployment.iid,
    ref: deployment.ref,
    sha: deployment.sha,
    created_at: railsTime(deployment.createdAt),
    updated_at: railsTime(deployment.updatedAt),
    user: deployment.user ? userBasicEntity(config, deployment.user) : null,
    environment: environmentBasicEntity(deployment.environment),
    deployable: deployment.deployable ? jobEntity(config, deployment, deployment.deployable) : null,
    status: deployment.status,
  };
}

function jobEntity(config: SandboxConfig, deployment: Deployment, job: DeployJob) {
  const { project } = deployment.environment;
  const webUrl = `${config.externalUrl}${config.prefix}/${project.fullPath}`;
  const duration =
    job.finishedAt === null ? null : (job.finishedAt.getTime() - job.createdAt.getTime()) / 1000;
  return {
    id: job.id,
    status: job.status,
    stage: job.stage,
    name: job.name,
    ref: job.ref,
    tag: job.tag,
    coverage: null,
    allow_failure: false,
    created_at: railsTime(job.createdAt),
    started_at: railsTime(job.createdAt),
    finished_at: job.finishedAt ? railsTime(job.finishedAt) : null,
    erased_at: null,
    duration,
    queued_duration: 0,
    user: deployment.user ? userBasicEntity(config, deployment.user) : null,
    commit: { id: deployment.sha, short_id: deployment.sha.slice(0, 8) },
    pipeline: {
      id: job.pipelineId,
      project_id: project.id,
      sha: deployment.sha,
      ref: job.ref,
      status: job.status,
      web_url: `${webUrl}/-/pipelines/${job.pipelineId}`,
    },
    web_url: `${webUrl}/-/jobs/${job.id}`,
    artifacts: [],
    runner: null,
    artifacts_expire_at: null,
    tag_list: [],
  };
}

function userBasicEntity(config: SandboxConfig, user: User) {
  return {
    id: user.id,
    username: user.username,
    name: user.username,
    state: 'active',
    web_url: `${config.externalUrl}${config.prefix}/${user.username}`,
  };
}

/** Entities::BasicProjectDetails: the project entity without the registry fields. */
function basicProjectEntity(config: SandboxConfig, project: Project) {
  return projectDetailsEntity(config, project);
}
