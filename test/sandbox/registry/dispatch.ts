// The registry listener's routes and its token authentication (registry/auth/token/
// accesscontroller.go): a Bearer token from GitLab's /jwt/auth, checked per route's access.
import type { IncomingHttpHeaders } from 'node:http';
import type { Authentication } from '../auth.ts';
import type { SandboxConfig } from '../config.ts';
import type { ApiResponse } from '../responses.ts';
import type { SandboxState } from '../state.ts';
import type { Operation } from '../types.ts';
import { emptyResponse, REGISTRY_HEADERS, registryError, routeNotFoundResponse } from './errors.ts';
import { deleteManifest } from './manifests.ts';
import { listRegistryTags } from './tags-list.ts';
import { accessFor, grants, type RegistryToken } from './tokens.ts';

export interface RegistryCall {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  state: SandboxState;
  config: SandboxConfig;
  signal: AbortSignal;
}

export interface RegistryDispatch {
  operation: Operation;
  auth: Authentication;
  run(): Promise<ApiResponse>;
}

type RegistryRoute =
  | { operation: 'registryV2Base' }
  | { operation: 'registryBase' }
  | { operation: 'registryTagsList'; path: string; slash: boolean }
  | { operation: 'registryDeleteManifest'; path: string; reference: string }
  | { operation: 'unknown' };

export function matchRegistryRoute(method: string, rawPath: string): RegistryRoute {
  const read = method === 'GET' || method === 'HEAD';
  if (read && rawPath === '/v2/') return { operation: 'registryV2Base' };
  if (read && rawPath === '/gitlab/v1/') return { operation: 'registryBase' };
  const tags = /^\/gitlab\/v1\/repositories\/(.+)\/tags\/list(\/?)$/.exec(rawPath);
  if (read && tags)
    return { operation: 'registryTagsList', path: decode(tags[1] as string), slash: tags[2] === '/' };
  const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(rawPath);
  if (method === 'DELETE' && manifest) {
    return {
      operation: 'registryDeleteManifest',
      path: decode(manifest[1] as string),
      reference: decode(manifest[2] as string),
    };
  }
  return { operation: 'unknown' };
}

export function dispatchRegistry(call: RegistryCall): RegistryDispatch {
  const route = matchRegistryRoute(call.method, call.rawPath);
  const presented = /^Bearer\s+(\S+)$/i.exec(String(call.headers.authorization ?? ''))?.[1];
  const checked = presented
    ? call.state.registryTokens.check(presented, call.state.clock().getTime())
    : undefined;
  const token = checked?.kind === 'valid' ? checked.token : undefined;
  const auth: Authentication = !presented
    ? { kind: 'none' }
    : token
      ? { kind: 'registry', via: 'Authorization' }
      : { kind: 'invalid', via: 'Authorization' };
  return { operation: route.operation, auth, run: async () => answer(call, route, presented, token) };
}

async function answer(
  call: RegistryCall,
  route: RegistryRoute,
  presented: string | undefined,
  token: RegistryToken | undefined,
): Promise<ApiResponse> {
  const { state, config } = call;
  if (route.operation === 'unknown') return routeNotFoundResponse();
  // Without the metadata database the `/gitlab/v1/` routes do not exist.
  const gitlabApi = route.operation === 'registryBase' || route.operation === 'registryTagsList';
  if (gitlabApi && config.registry === 'legacy') return emptyResponse(404);
  if (route.operation === 'registryTagsList' && !route.slash) {
    // The strict-slash policy of the GitLab API: 301 to the path with the slash.
    const query = call.rawQuery === '' ? '' : `?${call.rawQuery}`;
    return emptyResponse(301, { Location: `${call.rawPath}/${query}` });
  }

  const needed =
    route.operation === 'registryTagsList'
      ? 'pull'
      : route.operation === 'registryDeleteManifest'
        ? 'delete'
        : undefined;
  const path = 'path' in route ? route.path : undefined;
  const denial = challenge(config, presented, token, path, needed);
  if (denial) return denial;

  const repository = path === undefined ? undefined : state.findRepositoryByPath(path);
  const outage = repository ? state.registryOutages.scopeFor(repository) : undefined;
  if (route.operation === 'registryBase') {
    return state.registryOutages.complianceCheckFails ? registryError('UNKNOWN') : emptyResponse(200);
  }
  if (route.operation === 'registryV2Base')
    return { status: 200, headers: { ...REGISTRY_HEADERS, 'Content-Type': 'application/json' }, body: '{}' };
  if (route.operation === 'registryTagsList') {
    if (outage) return registryError('UNKNOWN');
    return listRegistryTags(state, repository, route.path, call.rawPath, new URLSearchParams(call.rawQuery));
  }
  if (outage === 'all') return registryError('UNKNOWN');
  return deleteManifest(
    state,
    config,
    repository,
    route.reference,
    token && accessFor(token, route.path),
    call.signal,
  );
}

/**
 * 401 with `WWW-Authenticate: Bearer realm=…,service=…[,scope=…][,error=…]` unless the token
 * grants what the route needs: no token → no error; unknown or expired → invalid_token; a token
 * without the action → insufficient_scope.
 */
function challenge(
  config: SandboxConfig,
  presented: string | undefined,
  token: RegistryToken | undefined,
  path: string | undefined,
  action: 'pull' | 'delete' | undefined,
): ApiResponse | undefined {
  if (token && (!path || !action || grants(token, path, action))) return undefined;
  const realm = `${config.externalUrl}${config.prefix}/jwt/auth`;
  let header = `Bearer realm="${realm}",service="container_registry"`;
  if (path && action) header += `,scope="repository:${path}:${action}"`;
  if (presented && !token) header += ',error="invalid_token"';
  else if (token) header += ',error="insufficient_scope"';
  const detail = path && action ? [{ Type: 'repository', Class: '', Name: path, Action: action }] : undefined;
  return registryError('UNAUTHORIZED', detail, { 'WWW-Authenticate': header });
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
