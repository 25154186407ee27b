import { canOnProject, canReadGroup, projectPermissions } from '../access.ts';
import { type Group, groupContains } from '../model.ts';
import { type ApiResponse, jsonResponse, notFound } from '../responses.ts';
import { grapeParams, linkFor, type RestRequest } from './context.ts';
import { groupEntity, projectDetailsEntity, projectEntity } from './entities.ts';
import { paginateOffset } from './pagination.ts';
import { ParamCheck, paginationParams } from './params.ts';

/** `find_group!`: numeric id or full path; invisible and unknown groups are both 404. */
export function findGroupOrFail(request: RestRequest): Group {
  const id = request.route.id ?? '';
  const group = /^\d+$/.test(id) ? request.state.findGroupById(Number(id)) : request.state.findGroup(id);
  if (!group || !canReadGroup(request.state, request.auth.user, group)) throw notFound('Group');
  return group;
}

/** GET /groups/:id */
export function getGroup(request: RestRequest): ApiResponse {
  return jsonResponse(200, groupEntity(request.config, findGroupOrFail(request)));
}

/** GET /groups/:id/projects — newest first (default order_by created_at, sort desc). */
export function listGroupProjects(request: RestRequest): ApiResponse {
  const group = findGroupOrFail(request);
  const check = new ParamCheck(request.params);
  const { page, perPage } = paginationParams(check);
  const includeSubgroups = check.boolean('include_subgroups', false);
  check.done();
  const projects = request.state
    .projects()
    .filter((project) =>
      includeSubgroups ? groupContains(group, project.namespace) : project.namespace === group,
    )
    .filter((project) => canOnProject(request.state, request.auth.user, 'read_project', project))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id);
  const linkParams = { ...grapeParams(request), include_subgroups: String(includeSubgroups) };
  const pageOf = paginateOffset(projects, { page, perPage, linkParams, link: linkFor(request) }, 'relation');
  return jsonResponse(
    200,
    pageOf.items.map((project) => {
      const { user } = request.auth;
      // present_projects: ProjectWithAccess when signed in, BasicProjectDetails otherwise
      if (!user) return projectDetailsEntity(request.config, project);
      const permissions = projectPermissions(request.state, user, project);
      return projectEntity(request.config, project, permissions, request.state.cleanupPolicies.get(project));
    }),
    pageOf.headers,
  );
}
