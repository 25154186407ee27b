// What callers hand the HTTP client, and what they get back.

import type { GitLabApiKind } from './authorization.ts';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: URL;
  /** what this request is ('listRepositories', 'deleteTag', …): traces and request statistics */
  label: string;
  /** what it does, in words, for failures: 'list the tags of acme/web-app' */
  action?: string;
  /** which of GitLab's APIs: decides how GitLab's credentials are sent (default 'rest') */
  api?: GitLabApiKind;
  /** JSON request body */
  body?: unknown;
  /** a 2xx answer whose body is not JSON is a transient fault (a truncated page) and is retried */
  expectJson?: boolean;
  /** extra headers for this request; they win over the client's (an Authorization of its own, say) */
  headers?: Record<string, string>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  text: string;
  /** parsed body when it was JSON, else undefined */
  json: unknown;
  attempts: number;
}

/** A client's counts, which reports render: defined with the data that flows. */
export type { RequestStatistics } from '../model.ts';
