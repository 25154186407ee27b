// The container registry's own API under nock: tokens from GitLab's /jwt/auth, discovery once per
// run, tag pages of 1,000 with their last push, and the fallbacks to GitLab's APIs.

import nock from 'nock';
import { describe, expect, test } from 'vitest';
import { AuthError, GitLabResponseError, GitLabUnavailableError } from '../../src/errors.ts';
import { explain } from '../../src/explain.ts';
import { InventoryReader } from '../../src/gitlab/inventory.ts';
import { readStrategy } from '../../src/plan/read-strategy.ts';
import {
  basic,
  LIST,
  nockToken,
  REGISTRY,
  RENEWED,
  registryApi,
  TOKEN,
  registryTag as tag,
} from './registry-support.ts';
import { byAge, JOB, networkError, nockSchema, ORIGIN, PAT, repository, useNock } from './support.ts';

useNock();

const REST_TAGS = '/gitlab/api/v4/projects/42/registry/repositories/11/tags';
const everything = readStrategy(
  { keep: [], staleBranches: false, acceptAges: [], keepLatest: 1 },
  {},
  new Date('2026-06-15T00:00:00Z'),
  repository(),
);

describe('reading through the registry', () => {
  test('a job token: one token (gitlab-ci-token), discovery, Link pages relative to the registry; last pushes', async () => {
    const token = nockToken(basic('gitlab-ci-token', JOB.value));
    const registry = nock(REGISTRY)
      .get('/gitlab/v1/')
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .reply(200, '')
      .get(LIST)
      .query({ n: '1000' })
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .reply(200, [tag('a', '2026-05-01T00:00:00Z')], {
        link: `<${LIST}?last=a&n=1000>; rel="next"`,
      })
      .get(LIST)
      .query({ last: 'a', n: '1000' })
      .reply(200, [
        tag('b', '2026-04-01T00:00:00Z', {
          created_at: '2026-01-01T00:00:00Z',
          updated_at: '2026-04-01T00:00:00Z',
        }),
      ]);
    const { api, secrets } = registryApi();
    const read = await new InventoryReader(api, 2).read(repository(), everything);
    expect(read.via).toBe('registry');
    expect(read.times).toEqual({ field: 'published_at', meaning: 'last-push' });
    expect(read.tags.map((t) => [t.name, t.pushedAt?.toISOString(), t.sizeBytes])).toEqual([
      ['a', '2026-05-01T00:00:00.000Z', 1000],
      ['b', '2026-04-01T00:00:00.000Z', 1000],
    ]);
    expect(secrets).toContain(TOKEN);
    expect(token.isDone() && registry.isDone()).toBe(true);
  });

  test("the strategy's passes are the registry's sorts, and reading stops where the rules do", async () => {
    nockToken(basic('gitlab-ci-token', JOB.value));
    nock(REGISTRY)
      .get('/gitlab/v1/')
      .reply(200, '')
      .get(LIST)
      .query({ n: '1000', sort: 'published_at' })
      .reply(200, [tag('old', '2026-04-01T00:00:00Z'), tag('young', '2026-06-10T00:00:00Z')], {
        link: `<${LIST}?last=eW91bmc&n=1000&sort=published_at>; rel="next"`,
      });
    const { api } = registryApi();
    const read = await new InventoryReader(api, 2).read(repository(), byAge('2026-06-01T00:00:00Z'));
    expect(read.via).toBe('registry');
    expect(read.complete).toBe(false);
    expect(read.tags.map((t) => t.name)).toEqual(['old']);
  });

  test('a registry too old to sort by publish time (400): every tag by name', async () => {
    nockToken(basic('gitlab-ci-token', JOB.value));
    nock(REGISTRY)
      .get('/gitlab/v1/')
      .reply(200, '')
      .get(LIST)
      .query({ n: '1000', sort: 'published_at' })
      .reply(400, {
        errors: [{ code: 'INVALID_QUERY_PARAMETER_VALUE', message: 'invalid query parameter value' }],
      })
      .get(LIST)
      .query({ n: '1000' })
      .reply(200, [tag('old', '2026-04-01T00:00:00Z')]);
    const { api } = registryApi();
    const read = await new InventoryReader(api, 2).read(repository(), byAge('2026-06-01T00:00:00Z'));
    expect(read.complete).toBe(true);
    expect(read.tags.map((t) => t.name)).toEqual(['old']);
  });

  test("the registry's empty list is its answer: no recount through GitLab", async () => {
    nockToken(basic('gitlab-ci-token', JOB.value));
    nock(REGISTRY).get('/gitlab/v1/').reply(200, '').get(LIST).query(true).reply(200, []);
    const { api } = registryApi();
    const read = await new InventoryReader(api, 2).read(repository(), everything);
    expect(read).toMatchObject({ tags: [], complete: true, via: 'registry' });
  });

  test('a repository the registry has never seen (404 NAME_UNKNOWN) holds no tags', async () => {
    nockToken(basic('gitlab-ci-token', JOB.value));
    nock(REGISTRY)
      .get('/gitlab/v1/')
      .reply(200, '')
      .get(LIST)
      .query(true)
      .reply(404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] });
    const { api } = registryApi();
    expect((await new InventoryReader(api, 2).read(repository(), everything)).tags).toEqual([]);
  });

  test('a personal token: any login, pull only (GraphQL deletes); the registry lists', async () => {
    nockToken(basic('registry-cleaner', PAT.value), 'pull');
    nock(REGISTRY)
      .get('/gitlab/v1/')
      .reply(200, '')
      .get(LIST)
      .query(true)
      .reply(200, [tag('a', '2026-05-01T00:00:00Z')]);
    const { api, registry } = registryApi(PAT);
    const read = await new InventoryReader(api, 2).read(repository(), everything);
    expect(read.via).toBe('registry');
    expect(registry.deletes).toBe(false);
  });

  test('a next page on another host is not followed, and not taken for the last page', async () => {
    nockToken(basic('gitlab-ci-token', JOB.value));
    nock(REGISTRY)
      .get('/gitlab/v1/')
      .reply(200, '')
      .get(LIST)
      .query(true)
      .reply(200, [tag('a', '2026-05-01T00:00:00Z')], {
        link: '<https://elsewhere.test/gitlab/v1/repositories/acme/web-app/tags/list/?last=a>; rel="next"',
      });
    const { api } = registryApi();
    const error = await new InventoryReader(api, 2).read(repository(), everything).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitLabResponseError);
    expect(explain(error)).toMatch(/a next page on another host \(https:\/\/elsewhere\.test/);
  });
});

describe('an expired token', () => {
  test('401 invalid_token: one new token, the request again', async () => {
    nockToken(basic('gitlab-ci-token', JOB.value));
    nockToken(basic('gitlab-ci-token', JOB.value), 'pull,delete', RENEWED);
    nock(REGISTRY)
      .get('/gitlab/v1/')
      .reply(200, '')
      .get(LIST)
      .query(true)
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .reply(
        401,
        { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
        {
          'www-authenticate':
            'Bearer realm="https://gitlab.test/gitlab/jwt/auth",service="container_registry",error="invalid_token"',
        },
      )
      .get(LIST)
      .query(true)
      .matchHeader('authorization', `Bearer ${RENEWED}`)
      .reply(200, [tag('a', '2026-05-01T00:00:00Z')]);
    const { api, secrets, traces } = registryApi();
    const read = await new InventoryReader(api, 2).read(repository(), everything);
    expect(read.tags).toHaveLength(1);
    expect(secrets).toEqual(expect.arrayContaining([TOKEN, RENEWED]));
    expect(traces.join('\n')).toMatch(/registry token for acme\/web-app no longer valid/);
  });

  test('a token fetched for the request and refused too: the run stops (auth), it does not loop', async () => {
    nockToken(basic('gitlab-ci-token', JOB.value));
    nockToken(basic('gitlab-ci-token', JOB.value), 'pull,delete', RENEWED);
    nockToken(basic('gitlab-ci-token', JOB.value), 'pull,delete', 'rgt-third-token-0123456789abcdef');
    const invalid = {
      'www-authenticate': 'Bearer realm="x",service="container_registry",error="invalid_token"',
    };
    nock(REGISTRY)
      .get('/gitlab/v1/')
      .reply(200, '')
      .get(LIST)
      .query(true)
      .times(3)
      .reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, invalid);
    const { api } = registryApi();
    const error = await new InventoryReader(api, 2).read(repository(), everything).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(explain(error)).toMatch(/^the container registry rejected the token GitLab had just issued/);
  });

  test('requests that met the same expiry share one renewal', async () => {
    nockToken(basic('gitlab-ci-token', JOB.value));
    nockToken(basic('gitlab-ci-token', JOB.value), 'pull,delete', RENEWED);
    const invalid = {
      'www-authenticate': 'Bearer realm="x",service="container_registry",error="invalid_token"',
    };
    nock(REGISTRY)
      .get('/gitlab/v1/a')
      .times(2)
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, invalid)
      .get('/gitlab/v1/a')
      .times(2)
      .matchHeader('authorization', `Bearer ${RENEWED}`)
      .reply(200, {});
    const { registry } = registryApi();
    const send = () =>
      registry.send('acme/web-app', {
        method: 'GET',
        url: new URL(`${REGISTRY}/gitlab/v1/a`),
        label: 'probe',
      });
    const answers = await Promise.all([send(), send()]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
  });
});

describe('falling back to GitLab, quietly', () => {
  const restRead = () =>
    nock(ORIGIN)
      .get(REST_TAGS)
      .query({ pagination: 'keyset', per_page: 1000 })
      .reply(200, [{ name: 'a' }], { link: '' });

  test('a legacy registry (404 on /gitlab/v1/): REST for this repository and every later one, one discovery', async () => {
    nockToken(basic('gitlab-ci-token', JOB.value));
    nock(REGISTRY).get('/gitlab/v1/').reply(404, '');
    restRead();
    restRead();
    const { api, traces } = registryApi();
    const reader = new InventoryReader(api, 2);
    expect((await reader.read(repository(), everything)).via).toBe('rest');
    expect((await reader.read(repository(), everything)).via).toBe('rest');
    expect(traces.filter((line) => /not using the container registry's API/.test(line))).toEqual([
      "not using the container registry's API (https://registry.test): a registry without the metadata database (its /gitlab/v1/ API answers 404)",
    ]);
  });

  test('no token (GitLab answers 404: its registry is off): REST, and the registry is never asked', async () => {
    nock(ORIGIN).get('/gitlab/jwt/auth').query(true).reply(404, '');
    restRead();
    const { api, registry } = registryApi();
    expect((await new InventoryReader(api, 2).read(repository(), everything)).via).toBe('rest');
    expect(registry.fallbackReason).toBe('GitLab gave no container registry token (HTTP 404)');
  });

  test('a registry that does not answer: one retry, a short wait, then REST', async () => {
    nockToken(basic('gitlab-ci-token', JOB.value));
    nock(REGISTRY).get('/gitlab/v1/').times(2).replyWithError(networkError('ECONNREFUSED'));
    restRead();
    const { api, registry } = registryApi();
    expect((await new InventoryReader(api, 2).read(repository(), everything)).via).toBe('rest');
    expect(registry.fallbackReason).toMatch(/^no answer from it \(unreachable: .*ECONNREFUSED/);
  });

  test('a certificate the run does not trust is not quiet: the run stops and says how to go on', async () => {
    nockToken(basic('gitlab-ci-token', JOB.value));
    nock(REGISTRY).get('/gitlab/v1/').replyWithError(networkError('UNABLE_TO_VERIFY_LEAF_SIGNATURE'));
    const { api } = registryApi();
    const error = await new InventoryReader(api, 2).read(repository(), everything).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitLabUnavailableError);
    expect(explain(error)).toMatch(
      /^TLS: registry\.test presented a certificate .*--ca-file .*REGISTRY_CLEANER_REGISTRY_URL=none$/,
    );
  });

  test('a token without pull on this path (401 insufficient_scope): GitLab reads it', async () => {
    nockToken(basic('registry-cleaner', PAT.value), 'pull');
    nockSchema();
    nock(REGISTRY)
      .get('/gitlab/v1/')
      .reply(200, '')
      .get(LIST)
      .query(true)
      .reply(
        401,
        { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
        {
          'www-authenticate': 'Bearer realm="x",service="container_registry",error="insufficient_scope"',
        },
      );
    nock(ORIGIN)
      .post('/gitlab/api/graphql')
      .reply(200, {
        data: {
          containerRepository: {
            tags: {
              pageInfo: { hasNextPage: false, endCursor: null },
              nodes: [
                {
                  name: 'a',
                  digest: null,
                  createdAt: null,
                  publishedAt: '2026-05-01T00:00:00Z',
                  totalSize: null,
                },
              ],
            },
          },
        },
      });
    const { api } = registryApi(PAT);
    expect((await new InventoryReader(api, 2).read(repository(), everything)).via).toBe('graphql');
  });
});
