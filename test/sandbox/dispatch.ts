import type { IncomingHttpHeaders } from 'node:http';
import {
  type Authentication,
  authenticateGraphql,
  authenticateRest,
  type Credentials,
  readCredentials,
} from './auth.ts';
import type { SandboxConfig } from './config.ts';
import { executeGraphql, type GraphqlPayload } from './graphql/handler.ts';
import { parseParams } from './query-string.ts';
import { RailsRegistry } from './rails-registry.ts';
import { jwtAuth, jwtAuthentication } from './registry/jwt-auth.ts';
import { ApiError, jsonResponse, routeNotFound } from './responses.ts';
import { matchRoute } from './router.ts';
import type { HandledCall } from './runtime.ts';
import type { SandboxState } from './state.ts';
import type { Operation } from './types.ts';

export interface IncomingCall {
  method: string;
  /** Below the prefix, still URL-encoded, without the query string. */
  rawPath: string;
  query: Record<string, string>;
  rawQuery: string;
  body: string;
  headers: IncomingHttpHeaders;
}

/** A routed, authenticated request, ready to run. */
export interface Dispatch {
  operation: Operation;
  auth: Authentication;
  credentials: Credentials;
  run(): Promise<HandledCall>;
}

/** Routes the call and resolves its authentication; running it produces GitLab's answer. */
export function dispatch(
  call: IncomingCall,
  state: SandboxState,
  config: SandboxConfig,
  signal: AbortSignal,
): Dispatch {
  const match = matchRoute(call.method, call.rawPath, call.query);
  const registry = new RailsRegistry(state, config, signal);

  if (match.kind === 'jwt') {
    const request = { headers: call.headers, params: call.query, rawQuery: call.rawQuery, state, config };
    return {
      operation: match.operation,
      auth: jwtAuthentication(request).auth,
      credentials: {},
      run: async () => ({ response: jwtAuth(request) }),
    };
  }

  if (match.kind === 'graphql') {
    const params = { ...call.query, ...(call.method === 'POST' ? formParams(call) : {}) };
    const credentials = readCredentials(call.headers, params);
    const { auth, invalid } = authenticateGraphql(state, credentials);
    return {
      operation: match.operation,
      auth,
      credentials,
      run: async () => {
        if (invalid) return { response: jsonResponse(401, { errors: [{ message: 'Invalid token' }] }) };
        const payload = graphqlPayload(call);
        if (!payload)
          return { response: jsonResponse(400, { errors: [{ message: 'Invalid JSON in request body' }] }) };
        const context = { state, config, user: auth.user, scopes: auth.scopes ?? [], registry };
        const outcome = await executeGraphql(context, payload, call.method);
        return { response: outcome.response, graphqlFields: outcome.fields };
      },
    };
  }

  if (match.kind === 'unknown') {
    const credentials = readCredentials(call.headers, call.query);
    return {
      operation: match.operation,
      auth: { kind: 'none' },
      credentials,
      run: async () => ({ response: routeNotFound().response }),
    };
  }

  // Grape merges query and body params; route params are kept apart (they win in `params`).
  const params = { ...call.query, ...bodyParams(call) };
  const credentials = readCredentials(call.headers, params);
  const { auth, failure } = authenticateRest(state, credentials, call.method, match.route.jobTokenAllowed);
  return {
    operation: match.operation,
    auth,
    credentials,
    run: async () => {
      if (failure) return { response: failure.response };
      const request = {
        method: call.method,
        rawPath: call.rawPath,
        params,
        route: match.params,
        auth,
        state,
        config,
        registry,
      };
      try {
        return { response: await match.route.handler(request) };
      } catch (error) {
        if (error instanceof ApiError) return { response: error.response };
        console.error('sandbox: handler failed', error);
        return { response: jsonResponse(500, { message: '500 Internal Server Error' }) };
      }
    },
  };
}

function contentType(call: IncomingCall): string {
  return (call.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function formParams(call: IncomingCall): Record<string, string> {
  return contentType(call) === 'application/x-www-form-urlencoded' ? parseParams(call.body) : {};
}

/** Form or JSON bodies (DELETE included: the docs' bulk-delete examples send `--data`). */
function bodyParams(call: IncomingCall): Record<string, string> {
  if (call.body === '') return {};
  if (contentType(call) === 'application/json') {
    try {
      const parsed = JSON.parse(call.body) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
      const params: Record<string, string> = {};
      for (const [key, value] of Object.entries(parsed)) {
        if (value !== null && value !== undefined) params[key] = String(value);
      }
      return params;
    } catch {
      return {};
    }
  }
  return parseParams(call.body);
}

function graphqlPayload(call: IncomingCall): GraphqlPayload | GraphqlPayload[] | undefined {
  if (call.method !== 'POST') return call.query;
  if (contentType(call) === 'application/x-www-form-urlencoded') return parseParams(call.body);
  try {
    const parsed = JSON.parse(call.body === '' ? '{}' : call.body) as unknown;
    if (Array.isArray(parsed)) return parsed as GraphqlPayload[];
    return parsed && typeof parsed === 'object' ? (parsed as GraphqlPayload) : undefined;
  } catch {
    return undefined;
  }
}
