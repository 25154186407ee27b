import { type Group, PROTECTION_LEVELS, type Project, ROLE_LEVELS, type User } from './model.ts';
import type { SandboxState } from './state.ts';
import { compileUntrustedRegexp } from './untrusted-regexp.ts';

/** The GitLab policy abilities the sandbox's endpoints check. */
export type ProjectAbility =
  | 'read_project'
  | 'read_container_image'
  | 'create_container_image'
  | 'destroy_container_image'
  | 'admin_container_image'
  | 'read_code'
  | 'read_merge_request'
  | 'read_environment'
  | 'read_deployment';

/** Minimum role per ability on a private project (app/policies/project_policy.rb). */
const PRIVATE_PROJECT_LEVELS: Record<ProjectAbility, number> = {
  read_project: ROLE_LEVELS.guest,
  read_container_image: ROLE_LEVELS.reporter,
  create_container_image: ROLE_LEVELS.developer,
  read_code: ROLE_LEVELS.reporter,
  read_merge_request: ROLE_LEVELS.reporter,
  // ProjectPolicy enables read_environment and read_deployment with reporter access.
  read_environment: ROLE_LEVELS.reporter,
  read_deployment: ROLE_LEVELS.reporter,
  destroy_container_image: ROLE_LEVELS.developer,
  admin_container_image: ROLE_LEVELS.maintainer,
};

const PUBLIC_READS = new Set<ProjectAbility>([
  'read_project',
  'read_container_image',
  'read_code',
  'read_merge_request',
]);

/** Highest role of `user` on `project`: direct membership or inherited from any ancestor group. */
export function projectAccessLevel(state: SandboxState, user: User | undefined, project: Project): number {
  if (!user) return 0;
  let level = roleLevel(state.memberRole(project, user));
  for (let group: Group | undefined = project.namespace; group; group = group.parent) {
    level = Math.max(level, roleLevel(state.memberRole(group, user)));
  }
  return level;
}

/**
 * `permissions` of Entities::ProjectWithAccess: the level of the user's direct membership of the
 * project (project_access) and the highest of the project's groups (group_access), if any.
 */
export function projectPermissions(
  state: SandboxState,
  user: User,
  project: Project,
): { projectAccessLevel?: number; groupAccessLevel?: number } {
  const direct = state.memberRole(project, user);
  let groupLevel: number | undefined;
  for (let group: Group | undefined = project.namespace; group; group = group.parent) {
    const role = state.memberRole(group, user);
    if (role) groupLevel = Math.max(groupLevel ?? 0, ROLE_LEVELS[role]);
  }
  return {
    ...(direct ? { projectAccessLevel: ROLE_LEVELS[direct] } : {}),
    ...(groupLevel === undefined ? {} : { groupAccessLevel: groupLevel }),
  };
}

export function groupAccessLevel(state: SandboxState, user: User | undefined, group: Group): number {
  if (!user) return 0;
  let level = 0;
  for (let current: Group | undefined = group; current; current = current.parent) {
    level = Math.max(level, roleLevel(state.memberRole(current, user)));
  }
  return level;
}

export function canOnProject(
  state: SandboxState,
  user: User | undefined,
  ability: ProjectAbility,
  project: Project,
): boolean {
  if (
    (ability === 'read_environment' || ability === 'read_deployment') &&
    state.environmentsDisabled(project)
  )
    return false;
  if (user?.admin) return true;
  if (project.visibility === 'public' && PUBLIC_READS.has(ability)) return true;
  return projectAccessLevel(state, user, project) >= PRIVATE_PROJECT_LEVELS[ability];
}

/** read_group: members of the group or an ancestor, and members of anything inside it. */
export function canReadGroup(state: SandboxState, user: User | undefined, group: Group): boolean {
  if (!user) return false;
  if (user.admin || groupAccessLevel(state, user, group) > 0) return true;
  const inside = (candidate: Group | undefined): boolean => {
    for (let current = candidate; current; current = current.parent) if (current === group) return true;
    return false;
  };
  return (
    state.groups().some((other) => inside(other) && state.memberRole(other, user) !== undefined) ||
    state
      .projects()
      .some((project) => inside(project.namespace) && state.memberRole(project, user) !== undefined)
  );
}

export function canReadGroupContainerImages(
  state: SandboxState,
  user: User | undefined,
  group: Group,
): boolean {
  return user?.admin === true || groupAccessLevel(state, user, group) >= ROLE_LEVELS.reporter;
}

/**
 * Tag protection as Projects::ContainerRepository::Gitlab::DeleteTagsService#filter_out_protected!
 * applies it: rules whose delete level is above the user's project level protect every tag their
 * pattern matches (unanchored); instance admins bypass them.
 */
export function protectedTagMatcher(
  state: SandboxState,
  user: User | undefined,
  project: Project,
): (tagName: string) => boolean {
  if (user?.admin) return () => false;
  const level = projectAccessLevel(state, user, project);
  const patterns = state
    .protectionRulesOf(project)
    .filter((rule) => PROTECTION_LEVELS[rule.minimumAccessLevelForDelete] > level)
    .map((rule) => compileUntrustedRegexp(rule.pattern))
    .filter((pattern) => pattern !== undefined);
  if (patterns.length === 0) return () => false;
  return (tagName) => patterns.some((pattern) => pattern.test(tagName));
}

function roleLevel(role: keyof typeof ROLE_LEVELS | undefined): number {
  return role ? ROLE_LEVELS[role] : 0;
}
