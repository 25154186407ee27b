// The headers that say who we are, per request: GitLab's token (sent one way to REST, another to
// GraphQL), or a Bearer token of another origin's (the container registry's).

import type { Credential } from '../model.ts';

/** Which of GitLab's APIs a request is for: they take the same token in different headers. */
export type GitLabApiKind = 'rest' | 'graphql';

export type Authorize = (req: { api?: GitLabApiKind }) => Record<string, string>;

/**
 * GitLab's credentials: GraphQL accepts only OAuth, personal, project and group tokens, as Bearer;
 * REST takes PRIVATE-TOKEN, or JOB-TOKEN for a CI job token. Callers never send a job token to GraphQL.
 */
export function gitlabAuthorization(credential: Credential): Authorize {
  return (req): Record<string, string> => {
    if (req.api === 'graphql') return { authorization: `Bearer ${credential.value}` };
    return credential.kind === 'job'
      ? { 'job-token': credential.value }
      : { 'private-token': credential.value };
  };
}

/** `Authorization: Bearer <token>`, the token read at each attempt (so a renewed one is used). */
export function bearerAuthorization(token: () => string): Authorize {
  return () => ({ authorization: `Bearer ${token()}` });
}
