// A 403 for a tag GitLab lists: the role, or GitLab's own lookup (the first 100 names containing
// the tag). Told apart, and with a token GraphQL accepts, deleted by exact name.

import nock from 'nock';
import { describe, expect, test } from 'vitest';
import { executeDeletes } from '../../src/execute/delete-tags.ts';
import { JOB, makeApi, ORIGIN, repository, useNock } from './support.ts';

useNock();

const TAGS = '/gitlab/api/v4/projects/42/registry/repositories/11/tags';
const GRAPHQL = '/gitlab/api/graphql';
/** 120 `<sha>-main` tags sort before `main`: GitLab's lookup of `main` never reaches it. */
const SHA_TAGS = Array.from({ length: 120 }, (_, i) => ({ name: `${i.toString(16).padStart(8, '0')}-main` }));
const target = { repository: repository(), tag: 'main' };

function refusedButListed(listing: { name: string }[]) {
  return nock(ORIGIN)
    .delete(`${TAGS}/main`)
    .reply(403, { message: '403 Forbidden' })
    .get(TAGS)
    .query((q) => q.pagination === 'keyset' && q.per_page === '20')
    .reply(200, [{ name: 'main' }])
    .get(TAGS)
    .query({ pagination: 'keyset', per_page: '1000' })
    .reply(200, listing);
}

describe('a 403 for a listed tag', () => {
  test('job token, hidden by the lookup: failed (exit 1) with the real cause, not "needs Developer"', async () => {
    refusedButListed([...SHA_TAGS, { name: 'main' }]);
    const { api } = makeApi({ credential: JOB });
    const { results, stoppedBy } = await executeDeletes(api, [target], 1);
    expect(stoppedBy).toBeUndefined();
    expect(results[0]).toMatchObject({ outcome: 'failed', status: 403 });
    expect(results[0]?.reason).toMatch(
      /first 100 names containing it, and 120 names containing "main" sort before it/,
    );
    expect(results[0]?.reason).not.toMatch(/Developer/);
  });

  test('job token, not explained by the lookup: the role (forbidden)', async () => {
    refusedButListed([...SHA_TAGS.slice(0, 99), { name: 'main' }]);
    const { api } = makeApi({ credential: JOB });
    const { results } = await executeDeletes(api, [target], 1);
    expect(results[0]).toMatchObject({ outcome: 'forbidden' });
    expect(results[0]?.reason).toMatch(/Developer role/);
  });

  test('personal token: deleted through GraphQL, which deletes by exact name', async () => {
    nock(ORIGIN)
      .delete(`${TAGS}/main`)
      .reply(403, { message: '403 Forbidden' })
      .get(TAGS)
      .query(true)
      .reply(200, [{ name: 'main' }])
      .post(
        GRAPHQL,
        (body: { variables?: Record<string, unknown> }) =>
          JSON.stringify(body.variables?.tags0) === '["main"]',
      )
      .reply(200, { data: { d0: { deletedTagNames: ['main'], errors: [] } } });
    const { api } = makeApi();
    const { results } = await executeDeletes(api, [target], 1);
    expect(results[0]).toMatchObject({ outcome: 'deleted' });
  });

  test('personal token whose role GraphQL refuses too: forbidden, and the run goes on', async () => {
    nock(ORIGIN)
      .delete(`${TAGS}/main`)
      .reply(403, { message: '403 Forbidden' })
      .get(TAGS)
      .query(true)
      .reply(200, [{ name: 'main' }])
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
    const { api } = makeApi();
    const { results, stoppedBy } = await executeDeletes(api, [target], 1);
    expect(stoppedBy).toBeUndefined();
    expect(results[0]).toMatchObject({ outcome: 'forbidden' });
  });
});
