// Builders for the gitlab/ layer under nock: a client with a fake clock that records its sleeps.

import nock from 'nock';
import { afterEach, beforeEach } from 'vitest';
import { GitLabApi } from '../../src/gitlab/api.ts';
import { HttpClient, type HttpOptions } from '../../src/gitlab/http.ts';
import type { Timing } from '../../src/gitlab/pacing.ts';
import type { Credential, Repository } from '../../src/model.ts';

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
