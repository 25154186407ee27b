// GET <gitlab>/jwt/auth?service=container_registry&scope=repository:<path>:<actions> — the token
// endpoint (app/controllers/jwt_controller.rb, app/services/auth/
// container_registry_authentication_service.rb, lib/gitlab/auth.rb).
import type { IncomingHttpHeaders } from 'node:http';
import { canOnProject, projectAccessLevel } from '../access.ts';
import type { Authentication } from '../auth.ts';
import type { SandboxConfig } from '../config.ts';
import { PROTECTION_LEVELS, type Project, type TokenScope, type User } from '../model.ts';
import { type ApiResponse, jsonResponse } from '../responses.ts';
import type { SandboxState } from '../state.ts';
import type { RegistryAccess } from './tokens.ts';

const SERVICE = 'container_registry';
const CI_JOB_USER = 'gitlab-ci-token';

/** Gitlab::Auth: abilities per kind of credential. */
const BUILD_ABILITIES = [
  'read_project',
  'build_download_code',
  'build_push_code',
  'build_read_container_image',
  'build_create_container_image',
  'build_destroy_container_image',
];
const READ_ONLY_ABILITIES = ['read_project', 'download_code', 'read_container_image'];
const FULL_ABILITIES = [
  ...READ_ONLY_ABILITIES,
  'push_code',
  'create_container_image',
  'admin_container_image',
];
const ABILITIES_BY_SCOPE: Record<TokenScope, string[]> = {
  api: FULL_ABILITIES,
  read_api: READ_ONLY_ABILITIES,
  read_registry: ['read_container_image'],
  write_registry: ['create_container_image'],
};
/** ContainerRegistryAuthenticationService::REGISTRY_LOGIN_ABILITIES */
const REGISTRY_LOGIN_ABILITIES = new Set([
  'read_container_image',
  'create_container_image',
  'destroy_container_image',
  'update_container_image',
  'admin_container_image',
  'build_read_container_image',
  'build_create_container_image',
  'build_destroy_container_image',
]);
/** Gitlab::Regex.container_repository_name_regex */
const REPOSITORY_PATH = /^[a-z0-9]+(?:(?:[._/]|__|-*)[a-z0-9]+)*$/;

const ACCESS_DENIED =
  "HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you're required to use a token instead of a password. If a token was provided, it was either incorrect, expired, or improperly scoped. See";

interface Actor {
  user: User | undefined;
  /** The job's project, for a CI job token. */
  jobProject: Project | undefined;
  abilities: Set<string>;
}

export interface JwtRequest {
  headers: IncomingHttpHeaders;
  params: Record<string, string>;
  /** The raw query string: `scope` may repeat (JwtController#scopes_param). */
  rawQuery: string;
  state: SandboxState;
  config: SandboxConfig;
}

/** Who the request authenticates as (recorded like GitLab's other requests). */
export function jwtAuthentication(request: JwtRequest): { auth: Authentication; actor?: Actor } {
  const basic = /^Basic\s+(.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
  if (!basic)
    return {
      auth: { kind: 'none' },
      actor: { user: undefined, jobProject: undefined, abilities: new Set(READ_ONLY_ABILITIES) },
    };
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const login = colon === -1 ? decoded : decoded.slice(0, colon);
  const password = colon === -1 ? '' : decoded.slice(colon + 1);
  const { state } = request;
  if (login === CI_JOB_USER) {
    const job = state.findJobToken(password);
    if (job) {
      return {
        auth: { kind: 'job', via: 'Authorization', user: job.user, jobProject: job.project },
        actor: { user: job.user, jobProject: job.project, abilities: new Set(BUILD_ABILITIES) },
      };
    }
  }
  // A personal access token works with any login (personal_access_token_check ignores it).
  const token = state.findPersonalToken(password);
  if (token && !token.expired && !token.revoked) {
    const abilities = new Set(token.scopes.flatMap((scope) => ABILITIES_BY_SCOPE[scope] ?? []));
    return {
      auth: { kind: 'pat', via: 'Authorization', user: token.user, scopes: token.scopes },
      actor: { user: token.user, jobProject: undefined, abilities },
    };
  }
  return { auth: { kind: 'invalid', via: 'Authorization' } };
}

export function jwtAuth(request: JwtRequest): ApiResponse {
  const { actor } = jwtAuthentication(request);
  if (!actor) {
    const helpUrl = `${request.config.externalUrl}${request.config.prefix}/help/user/profile/account/two_factor_authentication_troubleshooting.md#error-http-basic-access-denied-if-a-password-was-provided-for-git-authentication-`;
    return jsonResponse(401, { errors: [{ code: 'UNAUTHORIZED', message: `${ACCESS_DENIED} ${helpUrl}` }] });
  }
  if (request.params.service !== SERVICE) return { status: 404, headers: {}, body: '' };
  if (![...actor.abilities].some((ability) => REGISTRY_LOGIN_ABILITIES.has(ability))) return denied();
  const access = requestedScopes(request.rawQuery)
    .map((scope) => grantScope(request.state, actor, scope))
    .filter((granted) => granted !== undefined);
  if (access.length === 0 && !actor.user && !actor.jobProject) return denied();
  const expiresAt = request.state.clock().getTime() + request.config.registryTokenTtlSeconds * 1000;
  const token = request.state.registryTokens.issue(access, expiresAt, actor.user?.username);
  return jsonResponse(200, { token: token.value });
}

function denied(): ApiResponse {
  return jsonResponse(403, { errors: [{ code: 'DENIED', message: 'access forbidden' }] });
}

/** Every `scope` parameter, each split on whitespace. */
function requestedScopes(rawQuery: string): string[] {
  return new URLSearchParams(rawQuery).getAll('scope').flatMap((scope) => scope.split(/\s+/).filter(Boolean));
}

/** process_repository_access: the actions this actor may have on the path; others left out. */
function grantScope(state: SandboxState, actor: Actor, scope: string): RegistryAccess | undefined {
  const [type, path, actionList] = splitScope(scope);
  if (type !== 'repository' || !REPOSITORY_PATH.test(path)) return undefined;
  const project = repositoryProject(state, path);
  if (!project) return undefined;
  const actions = actionList.split(',').filter((action) => canAccess(state, actor, project, action));
  if (actions.length === 0) return undefined;
  const denyPatterns = tagDenyPatterns(state, actor.user, project, actions);
  return { type: 'repository', name: path, actions, ...(denyPatterns ? { denyPatterns } : {}) };
}

/** `scope.split(':', 3)`: the actions are everything after the second colon. */
function splitScope(scope: string): [string, string, string] {
  const first = scope.indexOf(':');
  const second = first === -1 ? -1 : scope.indexOf(':', first + 1);
  if (second === -1) return ['', '', ''];
  return [scope.slice(0, first), scope.slice(first + 1, second), scope.slice(second + 1)];
}

/** ContainerRegistry::Path#repository_project: the project whose path the repository path starts with. */
function repositoryProject(state: SandboxState, path: string): Project | undefined {
  let best: Project | undefined;
  for (const project of state.projects()) {
    const projectPath = project.fullPath.toLowerCase();
    if (path !== projectPath && !path.startsWith(`${projectPath}/`)) continue;
    if (!best || projectPath.length > best.fullPath.length) best = project;
  }
  return best;
}

/** ContainerRegistryAuthenticationService#can_access? */
function canAccess(state: SandboxState, actor: Actor, project: Project, action: string): boolean {
  const has = (ability: string) => actor.abilities.has(ability);
  const ownProject = actor.jobProject === project;
  const userCan = (ability: 'read_container_image' | 'create_container_image' | 'admin_container_image') =>
    canOnProject(state, actor.user, ability, project);
  switch (action) {
    case 'pull':
      // A job may pull from its own project, and wherever its user may read images.
      return (
        (has('build_read_container_image') && (ownProject || userCan('read_container_image'))) ||
        (has('read_container_image') && userCan('read_container_image'))
      );
    case 'push':
      return (
        (has('build_create_container_image') && ownProject) ||
        (has('create_container_image') && userCan('create_container_image'))
      );
    case 'delete':
      // A job deletes in its own project; anyone else needs admin_container_image (Maintainer).
      return (
        (has('build_destroy_container_image') && ownProject) ||
        (has('admin_container_image') && userCan('admin_container_image'))
      );
    case '*':
      return has('admin_container_image') && userCan('admin_container_image');
    default:
      return false;
  }
}

/**
 * tag_deny_access_patterns: for a project with tag protection rules, the patterns of every rule
 * the user's role may not push/delete under, per granted action (pull is not restricted). Admins
 * get empty lists.
 */
function tagDenyPatterns(
  state: SandboxState,
  user: User | undefined,
  project: Project,
  actions: string[],
): RegistryAccess['denyPatterns'] {
  const rules = state.protectionRulesOf(project);
  if (!user || rules.length === 0) return undefined;
  const checked = actions.includes('*')
    ? ['push', 'delete']
    : [...new Set(actions)].filter((a) => a !== 'pull');
  const patterns: { push?: string[]; delete?: string[] } = {};
  for (const action of checked) if (action === 'push' || action === 'delete') patterns[action] = [];
  if (user.admin) return patterns;
  const level = projectAccessLevel(state, user, project);
  for (const rule of rules) {
    if (patterns.push && PROTECTION_LEVELS[rule.minimumAccessLevelForPush] > level)
      patterns.push.push(rule.pattern);
    if (patterns.delete && PROTECTION_LEVELS[rule.minimumAccessLevelForDelete] > level) {
      patterns.delete.push(rule.pattern);
    }
  }
  return patterns;
}
