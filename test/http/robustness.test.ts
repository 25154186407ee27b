// Error paths found in review: each must end in a truthful outcome, never a quiet success.

import nock from 'nock';
import { describe, expect, test } from 'vitest';
import { mapConcurrent } from '../../src/concurrency.ts';
import { GitLabResponseError } from '../../src/errors.ts';
import { executeDeletes } from '../../src/execute/delete-tags.ts';
import { executeRepositoryPlan } from '../../src/execute/prune-deletes.ts';
import { explain } from '../../src/explain.ts';
import { readAllTagsGraphql, readTagsByTime } from '../../src/gitlab/graphql-tags.ts';
import { RegistryFeatures } from '../../src/gitlab/registry-features.ts';
import { listProjectRepositories } from '../../src/gitlab/repositories.ts';
import { isTagListed } from '../../src/gitlab/tags.ts';
import { byAge, makeApi, nockSchema, ORIGIN, planDeleting, repository, useNock } from './support.ts';

useNock();

const TAGS = '/gitlab/api/v4/projects/42/registry/repositories/11/tags';
const GRAPHQL = '/gitlab/api/graphql';

describe('mapConcurrent', () => {
  test('after a failure no further item starts, and the calls under way finish first', async () => {
    const started: number[] = [];
    let finished = 0;
    const run = mapConcurrent([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await new Promise((resolve) => setTimeout(resolve, item === 0 ? 1 : 20));
      if (item === 0) throw new Error('boom');
      finished++;
      return item;
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([0, 1]);
    expect(finished).toBe(1);
  });
});

describe('deletes', () => {
  test('once the role is refused, the other tags are not tried (and not sent)', async () => {
    nock(ORIGIN)
      .delete(`${TAGS}/a`)
      .reply(403, { message: '403 Forbidden' })
      .get(TAGS)
      .query(true)
      .reply(200, [{ name: 'a' }])
      // a listed tag refused over REST is tried by exact name over GraphQL, which refuses the role too
      .post(GRAPHQL)
      .reply(200, {
        data: null,
        errors: [
          {
            message:
              "The resource that you are attempting to access does not exist or you don't have permission to perform this action",
          },
        ],
      });
    const { api, http } = makeApi();
    const targets = ['a', 'b', 'c'].map((tag) => ({ repository: repository(), tag }));
    const { results } = await executeDeletes(api, targets, 1);
    expect(results.map((r) => r.outcome)).toEqual(['forbidden', 'forbidden', 'forbidden']);
    expect(results[1]?.reason).toMatch(/^not tried: /);
    expect(http.statistics.total).toBe(3);
  });

  test('names an earlier GraphQL batch left unconfirmed get an outcome when a later request is refused', async () => {
    const names = Array.from({ length: 120 }, (_, i) => `t${String(i).padStart(3, '0')}`);
    const payload = (batch: string[], confirm: boolean) => ({
      deletedTagNames: confirm ? batch : batch.slice(1),
      errors: [],
    });
    // The first request carries GitLab's UI size, 20 names; it leaves t000 unconfirmed.
    nock(ORIGIN)
      .post(GRAPHQL)
      .reply(200, { data: { d0: payload(names.slice(0, 20), false) } })
      .post(GRAPHQL)
      .reply(401, { message: '401 Unauthorized' });
    const { api } = makeApi();
    const { results, stoppedBy } = await executeRepositoryPlan(api, planDeleting(names), 4);
    expect(stoppedBy).toBeDefined();
    expect(results).toHaveLength(120);
    expect(results.filter((r) => r.outcome === 'deleted')).toHaveLength(19);
    expect(results.find((r) => r.tag === 't000')?.outcome).toBe('forbidden');
  });
});

describe('reads that must not pass for a short list', () => {
  test('a GraphQL tags page with errors fails the read', async () => {
    nockSchema();
    nock(ORIGIN)
      .post(GRAPHQL)
      .reply(200, {
        data: { containerRepository: { tags: null } },
        errors: [{ message: 'registry unreachable' }],
      });
    const { api } = makeApi();
    await expect(readAllTagsGraphql(api, repository(), new RegistryFeatures(api))).rejects.toThrow(
      /registry unreachable/,
    );
  });

  test('a keyset probe failing with anything but 405 is an error, not a full scan', async () => {
    nock(ORIGIN).get(TAGS).query(true).reply(400, { message: '400 Bad request' });
    const { api, http } = makeApi();
    await expect(isTagListed(api, repository(), 'x')).rejects.toBeInstanceOf(GitLabResponseError);
    expect(http.statistics.total).toBe(1);
  });

  test('a next-page link that cannot be followed is an error, not the last page', async () => {
    nock(ORIGIN)
      .get('/gitlab/api/v4/projects/42/registry/repositories')
      .query(true)
      .reply(200, [{ id: 1, name: '', path: 'acme/web-app', project_id: 42 }], {
        link: '<https://gitlab.example.com/elsewhere?page=2>; rel="next"',
      });
    const { api } = makeApi();
    const error = await listProjectRepositories(api, { id: 42 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitLabResponseError);
    expect(explain(error)).toMatch(/next page cannot be followed/);
  });

  test('tags pushed at the same instant as the newest-first pass stopped are all read', async () => {
    const node = (name: string, at: string) => ({
      name,
      digest: `sha256:${name}`,
      createdAt: at,
      publishedAt: at,
      totalSize: '1',
    });
    const page = (nodes: unknown[], cursor: string | null) => ({
      data: {
        containerRepository: {
          tags: { pageInfo: { hasNextPage: cursor !== null, endCursor: cursor }, nodes },
        },
      },
    });
    const sortIs = (sort: string) => (body: { variables?: { sort?: string } }) =>
      body.variables?.sort === sort;
    const same = '2026-01-01T00:00:00Z';
    nockSchema();
    nock(ORIGIN)
      .post(GRAPHQL, sortIs('PUBLISHED_AT_DESC'))
      .reply(200, page([node('newest', '2026-03-01T00:00:00Z'), node('tie-b', same)], 'c'))
      .post(GRAPHQL, sortIs('PUBLISHED_AT_ASC'))
      .reply(
        200,
        page(
          [
            node('old', '2025-06-01T00:00:00Z'),
            node('tie-a', same),
            node('tie-b', same),
            node('newest', '2026-03-01T00:00:00Z'),
          ],
          null,
        ),
      );
    const { api } = makeApi();
    const read = await readTagsByTime(
      api,
      repository(),
      byAge('2026-06-01T00:00:00Z', 2),
      new RegistryFeatures(api),
    );
    expect(read?.tags.map((t) => t.name).sort()).toEqual(['newest', 'old', 'tie-a', 'tie-b']);
    expect(read?.complete).toBe(true);
  });
});

describe('deletions GitLab cuts short at its request timeout', () => {
  test('names of a timed-out mutation are read: the gone ones are deleted, the rest sent again', async () => {
    const names = ['a', 'b', 'c', 'd'];
    const timeout = {
      message: 'Timeout on DestroyContainerRepositoryTagsPayload.deletedTagNames',
      path: ['d0', 'deletedTagNames'],
    };
    nock(ORIGIN)
      .post(GRAPHQL, (body: { variables?: { tags0?: string[] } }) => body.variables?.tags0?.length === 4)
      .reply(200, { data: { d0: null }, errors: [timeout] })
      // a and b were deleted before the cut: the probe pages start just before each name
      .get(TAGS)
      .query((q) => q.pagination === 'keyset' && q.per_page === '20')
      .times(4)
      .reply((uri: string) => {
        const last = new URL(uri, ORIGIN).searchParams.get('last') ?? '';
        return [200, ['c', 'd'].filter((name) => name > last).map((name) => ({ name }))];
      })
      .post(
        GRAPHQL,
        (body: { variables?: { tags0?: string[] } }) => JSON.stringify(body.variables?.tags0) === '["c","d"]',
      )
      .reply(200, { data: { d0: { deletedTagNames: ['c', 'd'], errors: [] } } });
    const { api } = makeApi();
    const { results } = await executeRepositoryPlan(api, planDeleting(names), 2);
    expect(results.map((r) => [r.tag, r.outcome]).sort()).toEqual([
      ['a', 'deleted'],
      ['b', 'deleted'],
      ['c', 'deleted'],
      ['d', 'deleted'],
    ]);
  });
});
