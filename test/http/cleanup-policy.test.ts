// Reading a project's cleanup policy (GET /projects/:id, container_expiration_policy) under nock.

import nock from 'nock';
import { describe, expect, test } from 'vitest';
import { AuthError, GitLabResponseError } from '../../src/errors.ts';
import { explain } from '../../src/explain.ts';
import { readCleanupPolicy } from '../../src/gitlab/cleanup-policy.ts';
import { ProjectFactsReader } from '../../src/gitlab/project-facts.ts';
import { makeApi, ORIGIN, PAT, useNock } from './support.ts';

useNock();

const PERMISSIONS = { project_access: { access_level: 30, notification_level: 3 }, group_access: null };

/** Entities::ProjectWithAccess, as a signed-in user sees it (a few fields). */
function project(extra: Record<string, unknown>) {
  return {
    id: 42,
    path_with_namespace: 'acme/web-app',
    default_branch: 'main',
    permissions: PERMISSIONS,
    ...extra,
  };
}

const POLICY = {
  cadence: '7d',
  enabled: true,
  keep_n: 5,
  older_than: '14d',
  name_regex: '.*',
  name_regex_keep: 'v\\d+',
  next_run_at: '2026-11-30T12:00:00.000Z',
};

function answer(status: number, body: unknown) {
  return nock(ORIGIN, { reqheaders: { 'private-token': PAT.value } })
    .get('/gitlab/api/v4/projects/42')
    .reply(status, body as nock.Body);
}

describe('readCleanupPolicy', () => {
  test("the policy's values, under our names", async () => {
    const scope = answer(200, project({ container_expiration_policy: POLICY }));
    const { api } = makeApi();
    expect(await readCleanupPolicy(api, 42)).toEqual({
      enabled: true,
      keepN: 5,
      olderThan: '14d',
      nameRegex: '.*',
      nameRegexKeep: 'v\\d+',
      cadence: '7d',
      nextRunAt: '2026-11-30T12:00:00.000Z',
    });
    expect(scope.isDone()).toBe(true);
  });

  test('nulls stay null (keep_n, older_than, name_regex_keep unset); no field at all is no policy', async () => {
    const unset = { ...POLICY, keep_n: null, older_than: null, name_regex_keep: null, next_run_at: null };
    const scope = answer(200, project({ container_expiration_policy: unset }));
    const { api } = makeApi();
    expect(await readCleanupPolicy(api, 42)).toMatchObject({
      keepN: null,
      olderThan: null,
      nameRegexKeep: null,
    });
    expect(scope.isDone()).toBe(true);

    const none = answer(200, project({}));
    expect(await readCleanupPolicy(api, 42)).toBeUndefined();
    expect(none.isDone()).toBe(true);
  });

  test("an anonymous view (no permissions: the token was ignored) cannot tell 'no policy': exit 3", async () => {
    const scope = answer(200, { id: 42, path_with_namespace: 'acme/web-app', visibility: 'public' });
    const { api } = makeApi();
    const error = await readCleanupPolicy(api, 42).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect(explain(error)).toMatch(
      /^cannot read the cleanup policy of project 42: GitLab answered as to an anonymous user, without its cleanup policy/,
    );
    expect(scope.isDone()).toBe(true);
  });

  test('a value of the wrong type is a response error, never a guess', async () => {
    const scope = answer(200, project({ container_expiration_policy: { ...POLICY, keep_n: '5' } }));
    const { api } = makeApi();
    const error = await readCleanupPolicy(api, 42).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitLabResponseError);
    expect(explain(error)).toMatch(
      /^cannot read the cleanup policy of project 42: GitLab answered with container_expiration_policy.keep_n "5"/,
    );
    expect(scope.isDone()).toBe(true);
  });

  test('404 (a private project the token cannot see) is an authorization error', async () => {
    const scope = answer(404, { message: '404 Project Not Found' });
    const { api } = makeApi();
    await expect(readCleanupPolicy(api, 42)).rejects.toBeInstanceOf(AuthError);
    expect(scope.isDone()).toBe(true);
  });
});

describe('ProjectFactsReader.cleanupPolicy', () => {
  test('reads each project once, however many of its repositories ask at once', async () => {
    const scope = answer(200, project({ container_expiration_policy: POLICY }));
    const { api } = makeApi();
    const facts = new ProjectFactsReader(api);
    const [a, b] = await Promise.all([facts.cleanupPolicy(42), facts.cleanupPolicy(42)]);
    expect(a).toBe(b);
    expect(a?.keepN).toBe(5);
    expect(scope.isDone()).toBe(true);
  });
});
