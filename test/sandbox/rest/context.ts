import { canOnProject, type ProjectAbility } from '../access.ts';
import type { Authentication } from '../auth.ts';
import type { SandboxConfig } from '../config.ts';
import type { Project, Repository } from '../model.ts';
import type { RailsRegistry } from '../rails-registry.ts';
import { type ApiResponse, forbidden, notFound, recordNotFound } from '../responses.ts';
import type { SandboxState } from '../state.ts';
import { type LinkBuilder, linkBuilder } from './pagination.ts';
import type { ParamCheck } from './params.ts';

/** What every REST handler receives. */
export interface RestRequest {
  method: string;
  /** Below the prefix, still URL-encoded. */
  rawPath: string;
  /** Query string and form/JSON body merged, like Grape's params. */
  params: Record<string, string>;
  /** Route segments (`id`, `repository_id`, `tag_name`), decoded once. */
  route: Record<string, string>;
  auth: Authentication;
  state: SandboxState;
  config: SandboxConfig;
  /** The registry as Rails calls it for this request. */
  registry: RailsRegistry;
}

export type RestHandler = (request: RestRequest) => ApiResponse | Promise<ApiResponse>;

const JOB_TOKEN_OTHER_PROJECT =
  "This project's CI/CD job token cannot be used to authenticate with the container registry of a different project.";

/**
 * `find_project!` (lib/api/helpers.rb, newest). On routes with `job_token_scope: :project` (the
 * project registry routes) the job-token scope check comes first, so even an unknown project
 * answers 403 to a job token. Elsewhere a job token reaches only its own project (the sandbox has
 * no allowlist): another project is refused by `handle_job_token_failure!` — 403 "Authentication
 * by CI/CD job token not allowed…" from 17.4, 404 before. Then existence, then visibility (404).
 * Ids are numeric or a full path containing "/", looked up case-insensitively.
 */
export function findProjectOrFail(
  request: RestRequest,
  jobTokenScope: 'project' | 'allowlist' = 'project',
): Project {
  const id = request.route.id ?? '';
  const project = /^-?\d+$/.test(id)
    ? request.state.findProjectById(Number(id))
    : id.includes('/')
      ? request.state.findProject(id)
      : undefined;
  const { auth } = request;
  if (auth.kind === 'job' && jobTokenScope === 'project' && auth.jobProject !== project) {
    throw forbidden(JOB_TOKEN_OTHER_PROJECT);
  }
  if (!project) throw notFound('Project');
  const otherProjectJob = auth.kind === 'job' && auth.jobProject !== project;
  if (otherProjectJob || !canOnProject(request.state, auth.user, 'read_project', project)) {
    if (auth.kind === 'job' && auth.jobProject && request.config.profile.jobTokenForbiddenMessage) {
      throw forbidden(
        `Authentication by CI/CD job token not allowed from ${auth.jobProject.path} to ${project.path}.`,
      );
    }
    throw notFound('Project');
  }
  return project;
}

export function authorizeProject(request: RestRequest, project: Project, ability: ProjectAbility): void {
  if (!canOnProject(request.state, request.auth.user, ability, project)) throw forbidden();
}

/** `user_project.container_repositories.find(params[:repository_id])`: scoped to the project. */
export function findProjectRepository(
  request: RestRequest,
  project: Project,
  repositoryId: number,
): Repository {
  const repository = request.state.findRepository(repositoryId);
  if (!repository || repository.project !== project) throw recordNotFound();
  return repository;
}

/** `requires :repository_id, type: Integer`. */
export function repositoryIdParam(request: RestRequest, check: ParamCheck): number {
  const raw = request.route.repository_id ?? '';
  if (!/^[+-]?\d+$/.test(raw)) {
    check.fail('repository_id is invalid');
    return Number.NaN;
  }
  return Number.parseInt(raw, 10);
}

export function linkFor(request: RestRequest): LinkBuilder {
  return linkBuilder(request.config.externalUrl, request.config.prefix, request.rawPath);
}

/** Grape's `params`: request params plus route params (route params win). */
export function grapeParams(
  request: RestRequest,
  defaults: Record<string, string> = {},
): Record<string, string> {
  return { ...defaults, ...request.params, ...request.route };
}
