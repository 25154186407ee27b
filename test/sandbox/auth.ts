import type { IncomingHttpHeaders } from 'node:http';
import type { Project, TokenScope, User } from './model.ts';
import { ApiError, unauthorized } from './responses.ts';
import type { SandboxState } from './state.ts';
import type { AuthHeader, AuthKind } from './types.ts';

export interface PresentedToken {
  value: string;
  via: AuthHeader;
}

/** The credentials a request carries, found where Gitlab::Auth::AuthFinders looks for them. */
export interface Credentials {
  /** `private_token` param, `PRIVATE-TOKEN` header, or `Authorization: Bearer`. */
  accessToken?: PresentedToken;
  /** `job_token` param or `JOB-TOKEN` header. */
  jobToken?: PresentedToken;
}

/** Who a request acts as, after its route's rules were applied. */
export interface Authentication {
  kind: AuthKind;
  via?: AuthHeader;
  user?: User;
  scopes?: readonly TokenScope[];
  /** Set when a CI job token authenticated the request: the job's project. */
  jobProject?: Project;
}

export function readCredentials(headers: IncomingHttpHeaders, params: Record<string, string>): Credentials {
  const credentials: Credentials = {};
  const privateHeader = headerValue(headers['private-token']);
  const bearer = /^Bearer\s+(.+)$/i.exec(headerValue(headers.authorization) ?? '')?.[1]?.trim();
  if (params.private_token) credentials.accessToken = { value: params.private_token, via: 'query' };
  else if (privateHeader) credentials.accessToken = { value: privateHeader, via: 'PRIVATE-TOKEN' };
  else if (bearer) credentials.accessToken = { value: bearer, via: 'Authorization' };
  const jobHeader = headerValue(headers['job-token']);
  if (params.job_token) credentials.jobToken = { value: params.job_token, via: 'query' };
  else if (jobHeader) credentials.jobToken = { value: jobHeader, via: 'JOB-TOKEN' };
  return credentials;
}

/** The user a request would be throttled as (Rack::Attack runs before routing). */
export function throttledUser(state: SandboxState, credentials: Credentials): User | undefined {
  if (credentials.accessToken) {
    const token = state.findPersonalToken(credentials.accessToken.value);
    return token && !token.expired && !token.revoked ? token.user : undefined;
  }
  if (credentials.jobToken) return state.findJobToken(credentials.jobToken.value)?.user;
  return undefined;
}

/**
 * REST authentication (lib/api/api_guard.rb). An access token wins over a job token; a job token is
 * only looked at on routes declaring `job_token_allowed` — elsewhere it is ignored and the request
 * is anonymous (Gitlab::Auth::AuthFinders#find_user_from_job_token returns early).
 */
export function authenticateRest(
  state: SandboxState,
  credentials: Credentials,
  method: string,
  jobTokenAllowed: boolean,
): { auth: Authentication; failure?: ApiError } {
  const { accessToken, jobToken } = credentials;
  if (accessToken) {
    const token = state.findPersonalToken(accessToken.value);
    const rejected: Authentication = { kind: 'invalid', via: accessToken.via };
    if (!token) return { auth: rejected, failure: unauthorized() };
    // AccessTokenValidationService checks expiry, then revocation, then scopes.
    if (token.expired) return { auth: rejected, failure: tokenError(EXPIRED) };
    if (token.revoked) return { auth: rejected, failure: tokenError(REVOKED) };
    const readOnly = method === 'GET' || method === 'HEAD';
    // lib/api/api.rb: `allow_access_with_scope :api` and `:read_api, if: request.get? || request.head?`.
    const granted = token.scopes.includes('api') || (readOnly && token.scopes.includes('read_api'));
    if (!granted) return { auth: rejected, failure: insufficientScope(readOnly ? 'api read_api' : 'api') };
    return { auth: { kind: 'pat', via: accessToken.via, user: token.user, scopes: token.scopes } };
  }
  if (jobToken && jobTokenAllowed) {
    const token = state.findJobToken(jobToken.value);
    if (!token) return { auth: { kind: 'invalid', via: jobToken.via }, failure: unauthorized() };
    return { auth: { kind: 'job', via: jobToken.via, user: token.user, jobProject: token.project } };
  }
  return { auth: { kind: 'none', ...(jobToken ? { via: jobToken.via } : {}) } };
}

/**
 * GraphQL authentication (GraphqlController#authenticate_graphql): personal access tokens with
 * `api` or `read_api` only. Any other token that is present — unknown, expired, revoked, lacking
 * scope, or a CI job token — makes the request fail with 401 "Invalid token".
 */
export function authenticateGraphql(
  state: SandboxState,
  credentials: Credentials,
): { auth: Authentication; invalid: boolean } {
  const { accessToken, jobToken } = credentials;
  if (accessToken) {
    const token = state.findPersonalToken(accessToken.value);
    const usable =
      token &&
      !token.expired &&
      !token.revoked &&
      (token.scopes.includes('api') || token.scopes.includes('read_api'));
    if (token && usable) {
      return {
        auth: { kind: 'pat', via: accessToken.via, user: token.user, scopes: token.scopes },
        invalid: false,
      };
    }
    return { auth: { kind: 'invalid', via: accessToken.via }, invalid: true };
  }
  if (jobToken) return { auth: { kind: 'invalid', via: jobToken.via }, invalid: true };
  return { auth: { kind: 'none' }, invalid: false };
}

const EXPIRED = 'Token is expired. You can either do re-authorization or token refresh.';
const REVOKED = 'Token was revoked. You have to re-authorize from the user.';

function tokenError(description: string): ApiError {
  return new ApiError(401, { error: 'invalid_token', error_description: description });
}

function insufficientScope(scope: string): ApiError {
  return new ApiError(403, {
    error: 'insufficient_scope',
    error_description: 'The request requires higher privileges than provided by the access token.',
    scope,
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const single = Array.isArray(value) ? value[0] : value;
  return single?.trim() || undefined;
}
