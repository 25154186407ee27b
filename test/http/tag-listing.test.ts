import nock from 'nock';
import { describe, expect, test } from 'vitest';
import { readTagsByTime } from '../../src/gitlab/graphql-tags.ts';
import { RegistryFeatures } from '../../src/gitlab/registry-features.ts';
import { byAge, makeApi, nockSchema, ORIGIN, repository, useNock } from './support.ts';

useNock();

const node = (name: string, publishedAt: string | null) => ({
  name,
  digest: `sha256:${name}`,
  createdAt: '2026-01-01T00:00:00Z',
  publishedAt,
  totalSize: '100',
});
const page = (nodes: unknown[], endCursor: string | null = null) => ({
  data: {
    containerRepository: { tags: { pageInfo: { hasNextPage: endCursor !== null, endCursor }, nodes } },
  },
});
const sortIs = (sort: string) => (body: { variables?: { sort?: string } }) => body.variables?.sort === sort;
const CUTOFF = '2026-06-01T00:00:00Z';

describe('readTagsByTime', () => {
  test('reads newest first until keep-latest is covered, then oldest first up to the cut-off', async () => {
    nockSchema();
    nock(ORIGIN)
      .post('/gitlab/api/graphql', sortIs('PUBLISHED_AT_DESC'))
      .reply(200, page([node('new', '2026-06-10T00:00:00Z')], 'c1'))
      .post('/gitlab/api/graphql', sortIs('PUBLISHED_AT_ASC'))
      .reply(200, page([node('a', '2026-01-01T00:00:00Z'), node('b', '2026-02-01T00:00:00Z')], 'c2'))
      .post('/gitlab/api/graphql', sortIs('PUBLISHED_AT_ASC'))
      .reply(200, page([node('c', '2026-05-01T00:00:00Z'), node('young', '2026-06-05T00:00:00Z')], 'c3'));
    const { api } = makeApi();
    const read = await readTagsByTime(api, repository(), byAge(CUTOFF, 1), new RegistryFeatures(api));
    expect(read?.tags.map((t) => t.name)).toEqual(['new', 'a', 'b', 'c']);
    expect(read?.complete).toBe(false);
  });

  test('pages not in push-time order are never trusted: undefined, so the caller reads everything', async () => {
    nockSchema();
    nock(ORIGIN)
      .post('/gitlab/api/graphql', sortIs('PUBLISHED_AT_DESC'))
      .reply(200, page([node('x', '2026-01-01T00:00:00Z'), node('y', '2026-09-01T00:00:00Z')]));
    const { api } = makeApi();
    expect(
      await readTagsByTime(api, repository(), byAge(CUTOFF, 2), new RegistryFeatures(api)),
    ).toBeUndefined();
  });

  test('a registry without publishedAt (legacy) is not sorted by push time: undefined', async () => {
    nockSchema();
    nock(ORIGIN)
      .post('/gitlab/api/graphql', sortIs('PUBLISHED_AT_ASC'))
      .reply(200, page([node('x', null)]));
    const { api } = makeApi();
    expect(await readTagsByTime(api, repository(), byAge(CUTOFF), new RegistryFeatures(api))).toBeUndefined();
  });
});
