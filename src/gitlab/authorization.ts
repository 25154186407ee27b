// The headers that say who we are, per request: GitLab's token (sent one way to REST, another to
// GraphQL), or a Bearer token of another origin's (the container registry's).

import type { Credential } from '../connection.ts';

/**
 * Which of GitLab's APIs a request is for: they take the same token in different headers.
 * 'registry-token' is GitLab's token endpoint for its container registry (/jwt/auth).
 */
export type GitLabApiKind = 'rest' | 'graphql' | 'registry-token';

/**
 * The login /jwt/auth takes with a job token (lib/gitlab/auth.rb build_access_token_check); a
 * personal, project or group token is accepted under any login (personal_access_token_check).
 */
const JOB_TOKEN_LOGIN = 'gitlab-ci-token';
const ACCESS_TOKEN_LOGIN = 'registry-cleaner';

export type Authorize = (req: { api?: GitLabApiKind }) => Record<string, string>;

/**
 * GitLab's credentials: GraphQL accepts only OAuth, personal, project and group tokens, as Bearer;
 * REST takes PRIVATE-TOKEN, or JOB-TOKEN for a CI job token; /jwt/auth takes HTTP basic auth.
 * Callers never send a job token to GraphQL.
 */
export function gitlabAuthorization(credential: Credential): Authorize {
  return (req): Record<string, string> => {
    if (req.api === 'graphql') return { authorization: `Bearer ${credential.value}` };
    if (req.api === 'registry-token') {
      const login = credential.kind === 'job' ? JOB_TOKEN_LOGIN : ACCESS_TOKEN_LOGIN;
      return { authorization: `Basic ${Buffer.from(`${login}:${credential.value}`).toString('base64')}` };
    }
    return credential.kind === 'job'
      ? { 'job-token': credential.value }
      : { 'private-token': credential.value };
  };
}

/** `Authorization: Bearer <token>`, the token read at each attempt (so a renewed one is used). */
export function bearerAuthorization(token: () => string): Authorize {
  return () => ({ authorization: `Bearer ${token()}` });
}
