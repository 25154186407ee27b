// Reading a repository on every supported GitLab: the schema decides the query, the registry
// decides what a time means, and an empty list is counted again before anyone believes it.

import nock from 'nock';
import { describe, expect, test } from 'vitest';
import { explain } from '../../src/explain.ts';
import { InventoryReader } from '../../src/gitlab/inventory.ts';
import { readStrategy } from '../../src/plan/read-strategy.ts';
import { JOB, makeApi, nockSchema, ORIGIN, repository, useNock } from './support.ts';

useNock();

const GRAPHQL = '/gitlab/api/graphql';
const TAGS = '/gitlab/api/v4/projects/42/registry/repositories/11/tags';
const NOW = new Date('2026-06-15T00:00:00Z');
const everything = readStrategy(
  { keep: [], staleBranches: false, acceptAges: [], keepLatest: 1 },
  {},
  NOW,
  repository(),
);
const tagsPage = (nodes: unknown[]) => ({
  data: { containerRepository: { tags: { pageInfo: { hasNextPage: false, endCursor: null }, nodes } } },
});
const isTagsQuery = (body: { query?: string }) => body.query?.includes('tags(first') === true;

describe('GraphQL reads by GitLab version', () => {
  test('16.5: the query does not ask for publishedAt; createdAt is a first push where keyset works', async () => {
    nockSchema('16.5');
    nock(ORIGIN)
      .post(GRAPHQL, (body: { query?: string }) => isTagsQuery(body) && !body.query?.includes('publishedAt'))
      .reply(200, tagsPage([{ name: 'a', digest: null, createdAt: '2026-05-01T00:00:00Z', totalSize: null }]))
      .get(TAGS)
      .query({ pagination: 'keyset', per_page: 1 })
      .reply(200, [{ name: 'a' }], { link: '' });
    const { api } = makeApi();
    const read = await new InventoryReader(api, 2).read(repository(), everything);
    expect(read.times).toEqual({ field: 'created_at', meaning: 'first-push' });
    expect(read.tags[0]?.pushedAt).toEqual(new Date('2026-05-01T00:00:00Z'));
  });

  test('16.5 on a legacy registry (keyset refused): createdAt is the build time', async () => {
    nockSchema('16.5');
    nock(ORIGIN)
      .post(GRAPHQL, isTagsQuery)
      .reply(200, tagsPage([{ name: 'a', digest: null, createdAt: '1970-01-01T00:00:00Z', totalSize: null }]))
      .get(TAGS)
      .query(true)
      .reply(405, { message: '405 Method Not Allowed' });
    const { api } = makeApi();
    const read = await new InventoryReader(api, 2).read(repository(), everything);
    expect(read.times).toEqual({ field: 'created_at', meaning: 'build-time' });
  });

  test('16.9 (publishedAt, but no sort by it): no time-ordered pass is tried; last pushes read by name', async () => {
    nockSchema('16.9');
    nock(ORIGIN)
      .post(GRAPHQL, (body: { variables?: { sort?: string } }) => body.variables?.sort === 'NAME_ASC')
      .reply(
        200,
        tagsPage([
          { name: 'a', digest: null, createdAt: null, publishedAt: '2026-05-01T00:00:00Z', totalSize: null },
        ]),
      );
    const { api, http } = makeApi();
    const byAge = readStrategy(
      { keep: [], staleBranches: false, acceptAges: [], olderThanMs: 86_400_000 },
      {},
      NOW,
      repository(),
    );
    const read = await new InventoryReader(api, 2).read(repository(), byAge);
    expect(read.times).toEqual({ field: 'published_at', meaning: 'last-push' });
    expect(http.statistics.total).toBe(2);
  });

  test('a legacy registry on a newer GitLab reports no publishedAt: createdAt is the build time, no probe', async () => {
    nockSchema('17.3');
    nock(ORIGIN)
      .post(GRAPHQL, isTagsQuery)
      .reply(
        200,
        tagsPage([
          { name: 'a', digest: null, createdAt: '2020-01-01T00:00:00Z', publishedAt: null, totalSize: null },
        ]),
      );
    const { api, http } = makeApi();
    const read = await new InventoryReader(api, 2).read(repository(), everything);
    expect(read.times).toEqual({ field: 'created_at', meaning: 'build-time' });
    expect(http.statistics.total).toBe(2);
  });
});

describe('an empty list is counted again', () => {
  test('GraphQL: no tags listed but tagsCount 3 → the repository is unreadable, not empty', async () => {
    nockSchema();
    nock(ORIGIN)
      .post(GRAPHQL, isTagsQuery)
      .reply(200, tagsPage([]))
      .post(GRAPHQL, (body: { query?: string }) => body.query?.includes('tagsCount') === true)
      .reply(200, { data: { containerRepository: { tagsCount: 3 } } });
    const { api } = makeApi();
    const error = await new InventoryReader(api, 2)
      .read(repository(), everything)
      .catch((caught: unknown) => caught);
    expect(explain(error)).toMatch(/listed no tags in acme\/web-app but counts 3/);
  });

  test('GraphQL: no tags listed and none counted → empty', async () => {
    nockSchema();
    nock(ORIGIN)
      .post(GRAPHQL, isTagsQuery)
      .reply(200, tagsPage([]))
      .post(GRAPHQL, (body: { query?: string }) => body.query?.includes('tagsCount') === true)
      .reply(200, { data: { containerRepository: { tagsCount: 0 } } });
    const { api } = makeApi();
    expect((await new InventoryReader(api, 2).read(repository(), everything)).tags).toEqual([]);
  });

  test('REST with a job token: `200 []` but tags_count 2 in the project list → unreadable', async () => {
    nock(ORIGIN)
      .get(TAGS)
      .query(true)
      .reply(200, [], { link: '' })
      .get('/gitlab/api/v4/projects/42/registry/repositories')
      .query({ tags_count: 'true', per_page: 100 })
      .reply(200, [{ id: 11, name: '', path: 'acme/web-app', project_id: 42, tags_count: 2 }]);
    const { api } = makeApi({ credential: JOB });
    const error = await new InventoryReader(api, 2)
      .read(repository(), everything)
      .catch((caught: unknown) => caught);
    expect(explain(error)).toMatch(/counts 2/);
  });
});
