// What the project's environments run, read from GitLab under nock: the environment lists, the
// shared page of newest deployments, the per-environment reads it leaves, and the failures.

import nock from 'nock';
import { describe, expect, test } from 'vitest';
import { AuthError, GitLabResponseError, GitLabUnavailableError } from '../../src/errors.ts';
import { explain } from '../../src/explain.ts';
import { readEnvironmentDeployments } from '../../src/gitlab/environments.ts';
import { JOB, makeApi, networkError, ORIGIN, PAT, useNock } from './support.ts';

useNock();

const BASE = '/gitlab/api/v4/projects/42';
const PAT_HEADER = { reqheaders: { 'private-token': PAT.value } };
const NEWEST = {
  status: 'success',
  order_by: 'finished_at',
  sort: 'desc',
  finished_after: '1970-01-01T00:00:00Z',
};
const SHA = (c: string) => c.repeat(40);

const environment = (id: number, name: string, state = 'available') => ({ id, name, slug: name, state });
let deploymentId = 0;
const deployment = (environmentName: string, ref: string, sha: string, tag: boolean | null) => ({
  id: ++deploymentId,
  iid: deploymentId,
  ref,
  sha,
  environment: { id: 9, name: environmentName },
  deployable: tag === null ? null : { id: 5, ref, tag },
  status: 'success',
});

/** GET …/environments?states=<state> answering these environments on one page. */
function environments(scope: nock.Scope, state: string, listed: unknown[]): nock.Scope {
  return scope
    .get(`${BASE}/environments`)
    .query({ states: state, per_page: '100' })
    .reply(200, listed, { 'x-next-page': '' });
}

describe('readEnvironmentDeployments', () => {
  test('lists both states, then one page of newest deployments settles every environment', async () => {
    const scope = nock(ORIGIN, PAT_HEADER);
    environments(scope, 'available', [environment(1, 'production'), environment(2, 'review/a')]);
    environments(scope, 'stopping', [environment(3, 'review/b', 'stopping')]);
    scope
      .get(`${BASE}/deployments`)
      .query({ ...NEWEST, per_page: '100' })
      .reply(
        200,
        [
          deployment('review/a', 'a', SHA('a'), false),
          deployment('review/old', 'old', SHA('0'), false),
          deployment('production', 'v1.2.0', SHA('c'), true),
          deployment('production', 'v1.1.0', SHA('b'), true),
        ],
        { 'x-next-page': '' },
      );
    const { api } = makeApi();
    const read = await readEnvironmentDeployments(api, 42, {
      states: ['available', 'stopping'],
      perEnvironment: 1,
    });
    expect(read).toEqual([
      {
        name: 'production',
        slug: 'production',
        state: 'available',
        deployments: [{ ref: 'v1.2.0', sha: SHA('c'), refIsTag: true }],
      },
      {
        name: 'review/a',
        slug: 'review/a',
        state: 'available',
        deployments: [{ ref: 'a', sha: SHA('a'), refIsTag: false }],
      },
      // the last page of every successful deployment: none for review/b, without asking it
      { name: 'review/b', slug: 'review/b', state: 'stopping', deployments: [] },
    ]);
    expect(scope.isDone()).toBe(true);
  });

  test('environments the page does not settle are read one by one: last_deployment, or a page of n', async () => {
    const scope = nock(ORIGIN, PAT_HEADER);
    environments(scope, 'available', [environment(1, 'production'), environment(2, 'review/a')]);
    scope
      .get(`${BASE}/deployments`)
      .query({ ...NEWEST, per_page: '100' })
      .reply(200, [deployment('review/a', 'a', SHA('a'), false)], { 'x-next-page': '2' })
      .get(`${BASE}/environments/1`)
      .reply(200, {
        id: 1,
        name: 'production',
        last_deployment: deployment('production', 'main', SHA('d'), null),
      });
    const { api } = makeApi();
    const read = await readEnvironmentDeployments(api, 42, { states: ['available'], perEnvironment: 1 });
    // created through the API: no job, so GitLab does not say whether main is a git tag
    expect(read[0]?.deployments).toEqual([{ ref: 'main', sha: SHA('d') }]);
    expect(read[1]?.deployments).toEqual([{ ref: 'a', sha: SHA('a'), refIsTag: false }]);
    expect(scope.isDone()).toBe(true);

    const rollbacks = nock(ORIGIN, PAT_HEADER);
    environments(rollbacks, 'available', [environment(1, 'production'), environment(2, 'review/a')]);
    rollbacks
      .get(`${BASE}/deployments`)
      .query({ ...NEWEST, per_page: '100' })
      .reply(200, [deployment('production', 'v2', SHA('2'), true)], { 'x-next-page': '2' })
      .get(`${BASE}/deployments`)
      .query({ environment: 'production', ...NEWEST, per_page: '2' })
      .reply(200, [
        deployment('production', 'v2', SHA('2'), true),
        deployment('production', 'v1', SHA('1'), true),
      ])
      .get(`${BASE}/deployments`)
      .query({ environment: 'review/a', ...NEWEST, per_page: '2' })
      .reply(200, []);
    const two = await readEnvironmentDeployments(makeApi().api, 42, {
      states: ['available'],
      perEnvironment: 2,
    });
    expect(two.map((e) => e.deployments.map((d) => d.ref))).toEqual([['v2', 'v1'], []]);
    expect(rollbacks.isDone()).toBe(true);
  });

  test('fewer pages left than environments unsettled: the remaining pages are read instead, with no per-environment read', async () => {
    const scope = nock(ORIGIN, PAT_HEADER);
    environments(scope, 'available', [
      environment(1, 'a'),
      environment(2, 'b'),
      environment(3, 'c'),
      environment(4, 'd'),
    ]);
    const totals = (page: number) => ({
      'x-total': '3',
      'x-total-pages': '3',
      'x-page': String(page),
      'x-next-page': page < 3 ? String(page + 1) : '',
    });
    scope
      .get(`${BASE}/deployments`)
      .query({ ...NEWEST, per_page: '100' })
      .reply(200, [deployment('a', 'a', SHA('a'), false)], totals(1))
      .get(`${BASE}/deployments`)
      .query({ ...NEWEST, per_page: '100', page: '2' })
      .reply(200, [deployment('b', 'b', SHA('b'), false)], totals(2))
      .get(`${BASE}/deployments`)
      .query({ ...NEWEST, per_page: '100', page: '3' })
      .reply(200, [deployment('a', 'old', SHA('0'), false)], totals(3));
    const read = await readEnvironmentDeployments(makeApi().api, 42, {
      states: ['available'],
      perEnvironment: 1,
    });
    // after page 1, three environments are open and two pages remain: every deployment is read,
    // c and d have none, and a's older one is not taken
    expect(read.map((e) => [e.name, e.deployments.map((d) => d.ref)])).toEqual([
      ['a', ['a']],
      ['b', ['b']],
      ['c', []],
      ['d', []],
    ]);
    expect(scope.isDone()).toBe(true);
  });

  test('a deployment list that changed between its pages is trusted for its first page only', async () => {
    const scope = nock(ORIGIN, PAT_HEADER);
    environments(scope, 'available', [environment(1, 'a'), environment(2, 'b'), environment(3, 'c')]);
    const headers = (page: number, total: string) => ({
      'x-total': total,
      'x-total-pages': '2',
      'x-next-page': page < 2 ? '2' : '',
    });
    scope
      .get(`${BASE}/deployments`)
      .query({ ...NEWEST, per_page: '100' })
      .reply(200, [deployment('a', 'a', SHA('a'), false)], headers(1, '2'))
      .get(`${BASE}/deployments`)
      .query({ ...NEWEST, per_page: '100', page: '2' })
      .reply(200, [deployment('b', 'shifted', SHA('f'), false)], headers(2, '3'))
      .get(`${BASE}/environments/2`)
      .reply(200, { id: 2, last_deployment: deployment('b', 'b', SHA('b'), false) })
      .get(`${BASE}/environments/3`)
      .reply(200, { id: 3, last_deployment: null });
    const read = await readEnvironmentDeployments(makeApi().api, 42, {
      states: ['available'],
      perEnvironment: 1,
    });
    expect(read.map((e) => [e.name, e.deployments.map((d) => d.ref)])).toEqual([
      ['a', ['a']],
      ['b', ['b']],
      ['c', []],
    ]);
    expect(scope.isDone()).toBe(true);
  });

  test('an environment list whose total changed between pages is read again; one that keeps changing fails closed', async () => {
    const page = (n: number, total: string, listed: unknown[]) =>
      [listed, { 'x-total': total, 'x-next-page': n === 1 ? '2' : '' }] as const;
    const scope = nock(ORIGIN);
    scope
      .get(`${BASE}/environments`)
      .query({ states: 'available', per_page: '100' })
      .reply(200, ...page(1, '101', [environment(1, 'a')]))
      .get(`${BASE}/environments`)
      .query({ states: 'available', per_page: '100', page: '2' })
      .reply(200, ...page(2, '100', [environment(3, 'c')]))
      .get(`${BASE}/environments`)
      .query({ states: 'available', per_page: '100' })
      .reply(200, ...page(1, '100', [environment(1, 'a')]))
      .get(`${BASE}/environments`)
      .query({ states: 'available', per_page: '100', page: '2' })
      .reply(200, ...page(2, '100', [environment(2, 'b')]))
      .get(`${BASE}/deployments`)
      .query(true)
      .reply(200, [], { 'x-next-page': '' });
    const read = await readEnvironmentDeployments(makeApi().api, 42, {
      states: ['available'],
      perEnvironment: 1,
    });
    expect(read.map((e) => e.name)).toEqual(['a', 'b']);
    expect(scope.isDone()).toBe(true);

    const changing = nock(ORIGIN);
    for (let attempt = 0; attempt < 3; attempt++) {
      changing
        .get(`${BASE}/environments`)
        .query({ states: 'available', per_page: '100' })
        .reply(200, ...page(1, '101', [environment(1, 'a')]))
        .get(`${BASE}/environments`)
        .query({ states: 'available', per_page: '100', page: '2' })
        .reply(200, ...page(2, '100', [environment(2, 'b')]));
    }
    const error = await readEnvironmentDeployments(makeApi().api, 42, {
      states: ['available'],
      perEnvironment: 1,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitLabResponseError);
    expect(explain(error)).toMatch(
      /its available environments kept changing while they were read; run again$/,
    );
  });

  test('one environment wanted (a stop job’s own left out): no shared page, its last deployment at once', async () => {
    const scope = nock(ORIGIN, { reqheaders: { 'job-token': JOB.value } });
    environments(scope, 'available', [environment(1, 'production'), environment(2, 'review/feature-x')]);
    scope.get(`${BASE}/environments/1`).reply(200, {
      id: 1,
      name: 'production',
      last_deployment: deployment('production', 'main', SHA('e'), false),
    });
    const { api } = makeApi({ credential: JOB });
    const read = await readEnvironmentDeployments(api, 42, {
      states: ['available'],
      perEnvironment: 1,
      except: 'review/feature-x',
    });
    expect(read.map((e) => [e.name, e.deployments[0]?.ref])).toEqual([['production', 'main']]);
    expect(scope.isDone()).toBe(true);
  });

  test('environment lists are followed page by page; a project path is one encoded segment', async () => {
    nock(ORIGIN)
      .get('/gitlab/api/v4/projects/Acme%2FWeb-App/environments')
      .query({ states: 'available', per_page: '100' })
      .reply(200, [environment(1, 'a')], { 'x-next-page': '2' })
      .get('/gitlab/api/v4/projects/Acme%2FWeb-App/environments')
      .query({ states: 'available', per_page: '100', page: '2' })
      .reply(200, [environment(2, 'b')], { 'x-next-page': '' })
      .get('/gitlab/api/v4/projects/Acme%2FWeb-App/deployments')
      .query({ ...NEWEST, per_page: '100' })
      .reply(200, [], { 'x-next-page': '' });
    const read = await readEnvironmentDeployments(makeApi().api, 'Acme/Web-App', {
      states: ['available'],
      perEnvironment: 1,
    });
    expect(read.map((e) => e.name)).toEqual(['a', 'b']);
  });

  test('403 and 404 fail this project alone, saying what was not known and how to proceed', async () => {
    for (const [status, body] of [
      [403, { message: '403 Forbidden' }],
      [404, { message: '404 Project Not Found' }],
    ] as const) {
      nock(ORIGIN).get(`${BASE}/environments`).query(true).reply(status, body);
      const error = await readEnvironmentDeployments(makeApi().api, 42, {
        states: ['available'],
        perEnvironment: 1,
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GitLabResponseError);
      expect(error).not.toBeInstanceOf(AuthError);
      expect(explain(error)).toBe(
        `cannot tell which tags the environments of project 42 run, so nothing there was deleted: GitLab refused to list its available environments (${status} ${status === 403 ? 'Forbidden' : 'Project Not Found'}); the token's user needs the Reporter role there (and the project its Environments feature), or turn this protection off with --allow-deleting-deployed-images`,
      );
    }
  });

  test('a refused single environment fails the same way; a rejected token ends the run', async () => {
    const scope = nock(ORIGIN);
    environments(scope, 'available', [environment(1, 'production')]);
    scope.get(`${BASE}/environments/1`).reply(404, { message: '404 Not found' });
    const error = await readEnvironmentDeployments(makeApi().api, 42, {
      states: ['available'],
      perEnvironment: 1,
    }).catch((caught: unknown) => caught);
    expect(explain(error)).toMatch(/GitLab refused to read its environment production \(404 Not found\)/);

    nock(ORIGIN).get(`${BASE}/environments`).query(true).reply(401, { message: '401 Unauthorized' });
    const rejected = await readEnvironmentDeployments(makeApi().api, 42, {
      states: ['available'],
      perEnvironment: 1,
    }).catch((caught: unknown) => caught);
    expect(rejected).toBeInstanceOf(AuthError);
  });

  test('a GitLab that keeps failing, or cannot be reached, ends the run after the retries', async () => {
    nock(ORIGIN).get(`${BASE}/environments`).query(true).times(4).reply(503, 'unavailable');
    const failing = await readEnvironmentDeployments(makeApi().api, 42, {
      states: ['available'],
      perEnvironment: 1,
    }).catch((caught: unknown) => caught);
    expect(failing).toBeInstanceOf(GitLabUnavailableError);

    nock(ORIGIN).get(`${BASE}/environments`).query(true).times(4).replyWithError(networkError('ECONNRESET'));
    const unreachable = await readEnvironmentDeployments(makeApi().api, 42, {
      states: ['available'],
      perEnvironment: 1,
    }).catch((caught: unknown) => caught);
    expect(unreachable).toBeInstanceOf(GitLabUnavailableError);
  });

  test('an answer that is not GitLab’s (a deployment without a sha) is refused, not guessed', async () => {
    const scope = nock(ORIGIN);
    environments(scope, 'available', [environment(1, 'production')]);
    scope.get(`${BASE}/environments/1`).reply(200, { id: 1, last_deployment: { ref: 'main' } });
    const error = await readEnvironmentDeployments(makeApi().api, 42, {
      states: ['available'],
      perEnvironment: 1,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitLabResponseError);
    expect(explain(error)).toMatch(/not what GitLab sends/);
  });
});
