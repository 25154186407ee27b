// Builders for the gitlab/ layer under nock: a client with a fake clock that records its sleeps.

import nock from 'nock';
import { afterEach, beforeEach } from 'vitest';
import type { Credential } from '../../src/connection.ts';
import { GitLabApi } from '../../src/gitlab/api.ts';
import { HttpClient, type HttpOptions } from '../../src/gitlab/http.ts';
import type { Timing } from '../../src/gitlab/pacing.ts';
import type { ReadStrategy, Repository, RepositoryPlan } from '../../src/model.ts';
import { readStrategy } from '../../src/plan/read-strategy.ts';

export const ORIGIN = 'https://gitlab.test';
export const API = `${ORIGIN}/gitlab/api/v4`;
export const PAT: Credential = {
  kind: 'private',
  value: 'glpat-SECRET-0123456789abcdef',
  source: 'GITLAB_TOKEN',
};
export const JOB: Credential = {
  kind: 'job',
  value: 'glcbt-64_SECRET-job-0123456789',
  source: 'CI_JOB_TOKEN',
};

export interface FakeTiming extends Timing {
  sleeps: number[];
}

export function fakeTiming(start = 1_700_000_000_000): FakeTiming {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    random: () => 0.5,
  };
}

export function makeApi(overrides: Partial<HttpOptions> = {}): {
  api: GitLabApi;
  http: HttpClient;
  timing: FakeTiming;
  traces: string[];
} {
  const timing = fakeTiming();
  const traces: string[] = [];
  const http = new HttpClient({
    credential: PAT,
    timeoutMs: 2000,
    retries: 3,
    concurrency: 4,
    userAgent: 'registry-cleaner/test',
    timing,
    trace: (line) => traces.push(line),
    ...overrides,
  });
  const credential = overrides.credential ?? PAT;
  return { api: new GitLabApi(http, API, `${ORIGIN}/gitlab/api/graphql`, credential), http, timing, traces };
}

export function repository(overrides: Partial<Repository> = {}): Repository {
  return {
    id: 11,
    projectId: 42,
    name: '',
    path: 'acme/web-app',
    location: 'registry.test/acme/web-app',
    status: null,
    ...overrides,
  };
}

/**
 * GitLab's answer to the schema introspection readers send once per run: a GitLab of `version`
 * (publishedAt from 16.8, PUBLISHED_AT sorts from 17.0).
 */
export function nockSchema(version: '16.5' | '16.9' | '17.3' = '17.3'): nock.Scope {
  const fields = ['name', 'digest', 'createdAt', 'totalSize', ...(version === '16.5' ? [] : ['publishedAt'])];
  const sorts = [
    'NAME_ASC',
    'NAME_DESC',
    ...(version === '17.3' ? ['PUBLISHED_AT_ASC', 'PUBLISHED_AT_DESC'] : []),
  ];
  return nock(ORIGIN)
    .post('/gitlab/api/graphql', (body: { query?: string }) => body.query?.includes('__type') === true)
    .reply(200, {
      data: {
        tag: { fields: fields.map((name) => ({ name })) },
        sort: { enumValues: sorts.map((name) => ({ name })) },
      },
    });
}

/** A plan of this repository that deletes exactly `names`. */
export function planDeleting(names: readonly string[], of: Repository = repository()): RepositoryPlan {
  return { policy: 'test', repository: of, complete: true, decisions: [], deletions: [...names], notes: [] };
}

/**
 * The read strategy of --older-than (cut-off at `cutoff`) with --keep-latest `keepLatest`, every
 * name eligible: what prune asks the reader for.
 */
export function byAge(cutoff: string, keepLatest?: number): ReadStrategy {
  const olderThanMs = 14 * 86_400_000;
  const now = new Date(Date.parse(cutoff) + olderThanMs);
  return readStrategy(
    {
      keep: [],
      staleBranches: false,
      acceptAges: [],
      olderThanMs,
      ...(keepLatest === undefined ? {} : { keepLatest }),
    },
    {},
    now,
    repository(),
  );
}

/** Real network off, no leftovers between tests, and every declared interceptor must be used. */
export function useNock(): void {
  beforeEach(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    if (pending.length > 0) throw new Error(`unused nock interceptors: ${pending.join(', ')}`);
  });
}

/** nock hangs on a plain object passed to replyWithError; a real Error with a code fails at once. */
export function networkError(code: string): Error {
  return Object.assign(new Error(`simulated ${code}`), { code });
}
