import nock from 'nock';
import { describe, expect, test } from 'vitest';
import { AuthError, GitLabResponseError } from '../../src/errors.ts';
import { interpret } from '../../src/execute/delete-tags.ts';
import { explain } from '../../src/explain.ts';
import { listProjectRepositories } from '../../src/gitlab/repositories.ts';
import { precedingTagName } from '../../src/gitlab/tag-order.ts';
import { deleteTag, getTagDetails, isTagListed } from '../../src/gitlab/tags.ts';
import { JOB, makeApi, ORIGIN, PAT, repository, useNock } from './support.ts';

useNock();

const repo = (id: number, name: string) => ({
  id,
  name,
  path: name ? `acme/web-app/${name}` : 'acme/web-app',
  project_id: 42,
  location: `registry.test/acme/web-app${name ? `/${name}` : ''}`,
  created_at: '2019-01-10T13:38:57.391Z',
  cleanup_policy_started_at: null,
  status: null,
});

describe('listProjectRepositories', () => {
  test('follows X-Next-Page to the end with per_page=100 and an encoded project path', async () => {
    const scope = nock(ORIGIN)
      .get('/gitlab/api/v4/projects/Acme%2FWeb-App/registry/repositories')
      .query({ per_page: '100' })
      .reply(200, [repo(1, 'a')], { 'x-next-page': '2', 'x-page': '1' })
      .get('/gitlab/api/v4/projects/Acme%2FWeb-App/registry/repositories')
      .query({ per_page: '100', page: '2' })
      .reply(200, [repo(2, 'b')], { 'x-next-page': '3', 'x-page': '2' })
      .get('/gitlab/api/v4/projects/Acme%2FWeb-App/registry/repositories')
      .query({ per_page: '100', page: '3' })
      .reply(200, [repo(3, '')], { 'x-next-page': '', 'x-page': '3' });
    const { api } = makeApi();
    const repositories = await listProjectRepositories(api, { path: 'Acme/Web-App' });
    expect(repositories.map((r) => [r.id, r.name, r.path])).toEqual([
      [1, 'a', 'acme/web-app/a'],
      [2, 'b', 'acme/web-app/b'],
      [3, '', 'acme/web-app'],
    ]);
    expect(scope.isDone()).toBe(true);
  });

  test('without X-Next-Page, Link is rewritten from GitLab’s external host onto our base URL', async () => {
    nock(ORIGIN)
      .get('/gitlab/api/v4/projects/42/registry/repositories')
      .query({ per_page: '100' })
      .reply(200, [repo(1, 'a')], {
        link: '<https://gitlab.external.example/gitlab/api/v4/projects/42/registry/repositories?id=42&page=2&per_page=100>; rel="next", <https://gitlab.external.example/gitlab/api/v4/projects/42/registry/repositories?id=42&page=1&per_page=100>; rel="first"',
      })
      .get('/gitlab/api/v4/projects/42/registry/repositories')
      .query({ id: '42', page: '2', per_page: '100' })
      .reply(200, [repo(2, '')]);
    const { api } = makeApi();
    expect((await listProjectRepositories(api, { id: 42 })).map((r) => r.id)).toEqual([1, 2]);
  });

  test('with X-Total-Pages the remaining pages are requested together, and the order is kept', async () => {
    const headers = (page: number) => ({
      'x-page': String(page),
      'x-total-pages': '3',
      'x-next-page': page < 3 ? String(page + 1) : '',
    });
    nock(ORIGIN)
      .get('/gitlab/api/v4/projects/42/registry/repositories')
      .query({ per_page: '100' })
      .reply(200, [repo(1, 'a')], headers(1))
      .get('/gitlab/api/v4/projects/42/registry/repositories')
      .query({ per_page: '100', page: '3' })
      .reply(200, [repo(3, '')], headers(3))
      .get('/gitlab/api/v4/projects/42/registry/repositories')
      .query({ per_page: '100', page: '2' })
      .delay(30)
      .reply(200, [repo(2, 'b')], headers(2));
    const { api } = makeApi();
    expect((await listProjectRepositories(api, { id: 42 })).map((r) => r.id)).toEqual([1, 2, 3]);
  });

  test('a pagination loop is an error, not an endless run', async () => {
    nock(ORIGIN)
      .get('/gitlab/api/v4/projects/42/registry/repositories')
      .query(true)
      .times(2)
      .reply(200, [repo(1, '')], { 'x-next-page': '1' });
    const { api } = makeApi();
    await expect(listProjectRepositories(api, { id: 42 })).rejects.toBeInstanceOf(GitLabResponseError);
  });

  test.each([
    [401, { message: '401 Unauthorized' }, /rejected GITLAB_TOKEN .*401/],
    [403, { message: '403 Forbidden' }, /Reporter role/],
    [404, { message: '404 Project Not Found' }, /check --project/],
    [
      403,
      { error: 'insufficient_scope', error_description: 'The request requires higher privileges' },
      /api scope/,
    ],
  ])('HTTP %i on listing stops the run with exit 3', async (status, body, message) => {
    nock(ORIGIN).get('/gitlab/api/v4/projects/42/registry/repositories').query(true).reply(status, body);
    const { api } = makeApi();
    const error = await listProjectRepositories(api, { id: 42 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect(explain(error)).toMatch(message);
    expect(explain(error)).not.toContain(PAT.value);
  });

  test('a job token on another project gets the job-token explanation', async () => {
    nock(ORIGIN).get('/gitlab/api/v4/projects/7/registry/repositories').query(true).reply(403, {
      message:
        "403 Forbidden - This project's CI/CD job token cannot be used to authenticate with the container registry of a different project.",
    });
    const { api } = makeApi({ credential: JOB });
    const error = await listProjectRepositories(api, { id: 7 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect(explain(error)).toMatch(/works only on the registry of its job's own project/);
  });
});

const TAG_PATH = '/gitlab/api/v4/projects/42/registry/repositories/11/tags';

describe('deleteTag', () => {
  test.each([
    [200, 200, { kind: 'deleted' }],
    [403, { message: '403 Forbidden - cannot delete protected tag(s)' }, { kind: 'protected' }],
    [403, { message: '403 Forbidden' }, { kind: 'refused' }],
    [404, { message: '404 Tag Not Found' }, { kind: 'not-found' }],
    [404, { message: '404 Not found' }, { kind: 'repository-gone' }],
    [404, '<html>Not Found</html>', { kind: 'error', status: 404 }],
    [400, { message: '400 Bad request' }, { kind: 'error', status: 400 }],
    [500, { message: '500 Internal Server Error' }, { kind: 'error', status: 500 }],
  ])('HTTP %i → %j', async (status, body, expected) => {
    // a 500 is retried (makeApi: 3 retries), so it must persist to be the answer
    nock(ORIGIN)
      .delete(`${TAG_PATH}/feature-x`)
      .times(status === 500 ? 4 : 1)
      .reply(status, body);
    const { api } = makeApi();
    expect(await deleteTag(api, repository(), 'feature-x')).toMatchObject(expected);
  });

  test('401 and insufficient scope stop the run', async () => {
    nock(ORIGIN).delete(`${TAG_PATH}/a`).reply(401, { message: '401 Unauthorized' });
    nock(ORIGIN)
      .delete(`${TAG_PATH}/b`)
      .reply(403, { error: 'insufficient_scope', error_description: 'x', scope: 'api' });
    const { api } = makeApi();
    await expect(deleteTag(api, repository(), 'a')).rejects.toBeInstanceOf(AuthError);
    const error = await deleteTag(api, repository(), 'b').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect(explain(error)).toMatch(/api scope/);
  });
});

describe('isTagListed', () => {
  test('one keyset request starting just before the name settles it', async () => {
    const last = precedingTagName('feature-x') as string;
    nock(ORIGIN)
      .get(TAG_PATH)
      .query({ pagination: 'keyset', per_page: '20', last })
      .reply(200, [{ name: 'feature-x' }, { name: 'feature-y' }])
      .get(TAG_PATH)
      .query({ pagination: 'keyset', per_page: '20', last })
      .reply(200, [{ name: 'feature-xa' }]);
    const { api, http } = makeApi();
    expect(await isTagListed(api, repository(), 'feature-x')).toBe(true);
    expect(await isTagListed(api, repository(), 'feature-x')).toBe(false);
    expect(http.statistics.total).toBe(2);
  });

  test('legacy registries (405 to keyset) fall back to reading the offset pages', async () => {
    nock(ORIGIN)
      .get(TAG_PATH)
      .query((q) => q.pagination === 'keyset')
      .reply(405, { message: '405 Method Not Allowed' })
      .get(TAG_PATH)
      .query({ per_page: '100' })
      .reply(200, [{ name: 'a' }], { 'x-next-page': '2', 'x-page': '1' })
      .get(TAG_PATH)
      .query({ per_page: '100', page: '2' })
      .reply(200, [{ name: 'feature-x' }], { 'x-next-page': '', 'x-page': '2' });
    const { api } = makeApi();
    expect(await isTagListed(api, repository(), 'feature-x')).toBe(true);
  });

  test('a GitLab that ignores pagination=keyset (offset headers) is not trusted for absence', async () => {
    nock(ORIGIN)
      .get(TAG_PATH)
      .query((q) => q.pagination === 'keyset')
      .reply(200, [{ name: 'a' }], { 'x-page': '1', 'x-next-page': '' })
      .get(TAG_PATH)
      .query({ per_page: '100' })
      .reply(200, [{ name: 'a' }], { 'x-page': '1', 'x-next-page': '' });
    const { api } = makeApi();
    expect(await isTagListed(api, repository(), 'zz')).toBe(false);
  });

  test('a keyset page out of byte order (another collation) is not trusted for absence', async () => {
    nock(ORIGIN)
      .get(TAG_PATH)
      .query((q) => q.pagination === 'keyset')
      .reply(200, [{ name: 'b' }, { name: 'A' }])
      .get(TAG_PATH)
      .query({ pagination: 'keyset', per_page: '1000' })
      .reply(200, [{ name: 'Feature-X' }, { name: 'feature-x' }]);
    const { api } = makeApi();
    expect(await isTagListed(api, repository(), 'feature-x')).toBe(true);
  });

  test('an empty probe page is not proof of absence: the tag may have been the last name', async () => {
    nock(ORIGIN)
      .get(TAG_PATH)
      .query((q) => q.pagination === 'keyset' && q.per_page === '20')
      .reply(200, [])
      .get(TAG_PATH)
      .query({ pagination: 'keyset', per_page: '1000' })
      .reply(200, [{ name: 'a' }, { name: 'b' }]);
    const { api, http } = makeApi();
    expect(await isTagListed(api, repository(), 'zz')).toBe(false);
    expect(http.statistics.total).toBe(2);
  });

  test('a repository listed empty that GitLab still counts tags in: absence cannot be confirmed', async () => {
    nock(ORIGIN)
      .get(TAG_PATH)
      .query(true)
      .times(2)
      .reply(200, [])
      .post('/gitlab/api/graphql', (body: { query?: string }) => body.query?.includes('tagsCount') === true)
      .reply(200, { data: { containerRepository: { tagsCount: 4 } } });
    const { api } = makeApi();
    const error = await isTagListed(api, repository(), 'feature-x').catch((caught: unknown) => caught);
    expect(explain(error)).toMatch(
      /cannot tell whether feature-x is still in acme\/web-app: GitLab lists no tags there but counts 4/,
    );
  });

  test('an empty repository that GitLab counts empty: the tag is absent', async () => {
    nock(ORIGIN)
      .get(TAG_PATH)
      .query(true)
      .times(2)
      .reply(200, [])
      .post('/gitlab/api/graphql')
      .reply(200, { data: { containerRepository: { tagsCount: 0 } } });
    const { api } = makeApi();
    expect(await isTagListed(api, repository(), 'feature-x')).toBe(false);
  });
});

describe('interpret a DELETE answer', () => {
  const listed = (value: boolean) => async () => value;
  const never = async (): Promise<boolean> => {
    throw new Error('must not list');
  };

  test('200 is deleted without a listing', async () => {
    expect(await interpret({ kind: 'deleted', status: 200 }, never)).toMatchObject({ outcome: 'deleted' });
  });
  test('protected needs no listing', async () => {
    expect(await interpret({ kind: 'protected', status: 403, message: 'x' }, never)).toMatchObject({
      outcome: 'protected',
    });
  });
  test('403 for a tag not listed is absent; for a listed tag the role is missing', async () => {
    const refused = { kind: 'refused', status: 403, message: '403 Forbidden' } as const;
    expect(await interpret(refused, listed(false))).toMatchObject({ outcome: 'absent' });
    expect(await interpret(refused, listed(true))).toMatchObject({
      outcome: 'forbidden',
      reason: /Developer/,
    });
  });
  test('404 Tag Not Found for a listed (multi-arch) tag is a failure, not absent', async () => {
    const notFound = { kind: 'not-found', status: 404, message: '404 Tag Not Found' } as const;
    expect(await interpret(notFound, listed(false))).toMatchObject({ outcome: 'absent' });
    expect(await interpret(notFound, listed(true))).toMatchObject({
      outcome: 'failed',
      reason: /multi-arch/,
    });
  });
  test('404 for the repository itself: absent, no listing', async () => {
    expect(await interpret({ kind: 'repository-gone', status: 404 }, never)).toMatchObject({
      outcome: 'absent',
    });
  });
});

describe('getTagDetails', () => {
  test('parses both timestamp styles and the size; 404 is undefined', async () => {
    nock(ORIGIN)
      .get(`${TAG_PATH}/v1`)
      .reply(200, {
        name: 'v1',
        digest: 'sha256:abc',
        created_at: '2019-01-06T16:49:51.272+00:00',
        total_size: 350224384,
      })
      .get(`${TAG_PATH}/gone`)
      .reply(404, { message: '404 Tag Not Found' });
    const { api } = makeApi();
    expect(await getTagDetails(api, repository(), 'v1')).toEqual({
      name: 'v1',
      digest: 'sha256:abc',
      pushedAt: new Date('2019-01-06T16:49:51.272Z'),
      sizeBytes: 350224384,
    });
    expect(await getTagDetails(api, repository(), 'gone')).toBeUndefined();
  });
});
