import { bulkDeleteTags } from './rest/bulk-delete.ts';
import type { RestHandler } from './rest/context.ts';
import { getEnvironment, listDeployments, listEnvironments } from './rest/environments.ts';
import { getGroup, listGroupProjects } from './rest/groups.ts';
import { getProject, listBranches, listMergeRequests } from './rest/projects.ts';
import {
  deleteRepository,
  getRepository,
  listGroupRepositories,
  listRepositories,
} from './rest/repositories.ts';
import { deleteTag, listTags, tagDetails } from './rest/tags.ts';
import type { Operation } from './types.ts';

interface RestRoute {
  method: 'GET' | 'DELETE';
  /** Path below `/api/v4`, `:name` segments capture one segment (`[^/]+`). */
  pattern: string;
  operation: Operation;
  /** `route_setting :authentication, job_token_allowed: true`. */
  jobTokenAllowed: boolean;
  handler: RestHandler;
}

const REGISTRY = '/projects/:id/registry/repositories';

const REST_ROUTES: RestRoute[] = [
  {
    method: 'GET',
    pattern: '/projects/:id',
    operation: 'getProject',
    jobTokenAllowed: false,
    handler: getProject,
  },
  {
    method: 'GET',
    pattern: REGISTRY,
    operation: 'listRepositories',
    jobTokenAllowed: true,
    handler: listRepositories,
  },
  {
    method: 'DELETE',
    pattern: `${REGISTRY}/:repository_id`,
    operation: 'deleteRepository',
    jobTokenAllowed: true,
    handler: deleteRepository,
  },
  {
    method: 'GET',
    pattern: `${REGISTRY}/:repository_id/tags`,
    operation: 'listTags',
    jobTokenAllowed: true,
    handler: listTags,
  },
  {
    method: 'DELETE',
    pattern: `${REGISTRY}/:repository_id/tags`,
    operation: 'bulkDeleteTags',
    jobTokenAllowed: true,
    handler: bulkDeleteTags,
  },
  {
    method: 'GET',
    pattern: `${REGISTRY}/:repository_id/tags/:tag_name`,
    operation: 'tagDetails',
    jobTokenAllowed: true,
    handler: tagDetails,
  },
  {
    method: 'DELETE',
    pattern: `${REGISTRY}/:repository_id/tags/:tag_name`,
    operation: 'deleteTag',
    jobTokenAllowed: true,
    handler: deleteTag,
  },
  {
    method: 'GET',
    pattern: '/groups/:id/registry/repositories',
    operation: 'listGroupRepositories',
    jobTokenAllowed: false,
    handler: listGroupRepositories,
  },
  {
    method: 'GET',
    pattern: '/registry/repositories/:id',
    operation: 'getRepository',
    jobTokenAllowed: false,
    handler: getRepository,
  },
  {
    method: 'GET',
    pattern: '/projects/:id/repository/branches',
    operation: 'listBranches',
    jobTokenAllowed: false,
    handler: listBranches,
  },
  {
    method: 'GET',
    pattern: '/projects/:id/merge_requests',
    operation: 'listMergeRequests',
    jobTokenAllowed: false,
    handler: listMergeRequests,
  },
  { method: 'GET', pattern: '/groups/:id', operation: 'getGroup', jobTokenAllowed: false, handler: getGroup },
  {
    method: 'GET',
    pattern: '/projects/:id/environments',
    operation: 'listEnvironments',
    jobTokenAllowed: true,
    handler: listEnvironments,
  },
  {
    method: 'GET',
    pattern: '/projects/:id/environments/:environment_id',
    operation: 'getEnvironment',
    jobTokenAllowed: true,
    handler: getEnvironment,
  },
  {
    method: 'GET',
    pattern: '/projects/:id/deployments',
    operation: 'listDeployments',
    jobTokenAllowed: true,
    handler: listDeployments,
  },
  {
    method: 'GET',
    pattern: '/groups/:id/projects',
    operation: 'listGroupProjects',
    jobTokenAllowed: false,
    handler: listGroupProjects,
  },
];

/** Route requirement `id: /[0-9]*\/` of GET /registry/repositories/:id. */
const NUMERIC_ID_ROUTES = new Set<Operation>(['getRepository']);

export type RouteMatch =
  | { kind: 'rest'; route: RestRoute; params: Record<string, string>; operation: Operation }
  | { kind: 'graphql'; operation: 'graphql' }
  | { kind: 'jwt'; operation: 'jwtAuth' }
  | { kind: 'unknown'; operation: 'unknown' };

/** Maps a request (path below the prefix, still encoded) to its route, like GitLab's Grape routes. */
export function matchRoute(method: string, rawPath: string, query: Record<string, string>): RouteMatch {
  if (rawPath === '/api/graphql' && (method === 'POST' || method === 'GET')) {
    return { kind: 'graphql', operation: 'graphql' };
  }
  // JwtController#auth: GET only (a POST is a 404).
  if (rawPath === '/jwt/auth' && (method === 'GET' || method === 'HEAD'))
    return { kind: 'jwt', operation: 'jwtAuth' };
  if (!rawPath.startsWith('/api/v4/')) return { kind: 'unknown', operation: 'unknown' };
  const segments = rawPath.slice('/api/v4'.length).split('/').slice(1);
  const effectiveMethod = method === 'HEAD' ? 'GET' : method;
  for (const route of REST_ROUTES) {
    if (route.method !== effectiveMethod) continue;
    const params = matchSegments(route.pattern.split('/').slice(1), segments);
    if (!params) continue;
    if (NUMERIC_ID_ROUTES.has(route.operation) && !/^\d+$/.test(params.id ?? '')) continue;
    const keyset = route.operation === 'listTags' && query.pagination === 'keyset';
    return { kind: 'rest', route, params, operation: keyset ? 'listTagsKeyset' : route.operation };
  }
  return { kind: 'unknown', operation: 'unknown' };
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < pattern.length; index++) {
    const expected = pattern[index] as string;
    const actual = segments[index] as string;
    if (expected.startsWith(':')) {
      if (actual === '') return undefined;
      try {
        params[expected.slice(1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}
