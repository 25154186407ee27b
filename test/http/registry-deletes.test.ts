// Deleting through the container registry: one DELETE per tag, by name, with the registry's own
// answers; what it will not take goes through GitLab's REST API as before.

import nock from 'nock';
import { describe, expect, test } from 'vitest';
import { executeRepositoryPlan } from '../../src/execute/prune-deletes.ts';
import { executeRegistryDeletes } from '../../src/execute/registry-deletes.ts';
import { basic, nockToken, REGISTRY, RENEWED, registryApi, TOKEN } from './registry-support.ts';
import { JOB, networkError, ORIGIN, planDeleting, repository, useNock } from './support.ts';

useNock();

const MANIFESTS = '/v2/acme/web-app/manifests';
const REST_TAGS = '/gitlab/api/v4/projects/42/registry/repositories/11/tags';
const JOB_BASIC = basic('gitlab-ci-token', JOB.value);
const viaRegistry = (names: string[]) => ({ ...planDeleting(names), via: 'registry' as const });
const registryError = (code: string, message = code.toLowerCase()) => ({ errors: [{ code, message }] });

describe('a plan read through the registry, with a job token', () => {
  test('202 deleted, 404 MANIFEST_UNKNOWN already gone, 401 PROTECTED_TAG / IMMUTABLE_TAG protected; one token', async () => {
    nockToken(JOB_BASIC);
    const registry = nock(REGISTRY)
      .delete(`${MANIFESTS}/old`)
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .reply(202, '')
      .delete(`${MANIFESTS}/gone`)
      .reply(404, registryError('MANIFEST_UNKNOWN', 'manifest unknown'))
      .delete(`${MANIFESTS}/v1.0.0`)
      .reply(401, registryError('PROTECTED_TAG', 'insufficient permissions to push or delete protected tag'))
      .delete(`${MANIFESTS}/v2.0.0`)
      .reply(401, registryError('IMMUTABLE_TAG'));
    const { api } = registryApi();
    const execution = await executeRepositoryPlan(api, viaRegistry(['old', 'gone', 'v1.0.0', 'v2.0.0']), 2);
    expect(execution.stoppedBy).toBeUndefined();
    expect(execution.results.map((r) => [r.tag, r.outcome, r.reason])).toEqual([
      ['old', 'deleted', undefined],
      ['gone', 'absent', 'already gone'],
      [
        'v1.0.0',
        'protected',
        "protected by a tag protection rule above this token's role (registry: PROTECTED_TAG)",
      ],
      ['v2.0.0', 'protected', 'immutable: a tag immutability rule keeps it (registry: IMMUTABLE_TAG)'],
    ]);
    expect(registry.isDone()).toBe(true);
  });

  test('deletes turned off (405 UNSUPPORTED): that tag and every later one through REST', async () => {
    nockToken(JOB_BASIC);
    nock(REGISTRY)
      .delete(`${MANIFESTS}/a`)
      .reply(405, registryError('UNSUPPORTED', 'The operation is unsupported.'));
    const rest = nock(ORIGIN)
      .delete(`${REST_TAGS}/a`)
      .matchHeader('job-token', JOB.value)
      .reply(200, '')
      .delete(`${REST_TAGS}/b`)
      .reply(200, '');
    // One at a time: `b` is sent after the registry refused `a`.
    const { api, registry } = registryApi(JOB, 1);
    const execution = await executeRepositoryPlan(api, viaRegistry(['a', 'b']), 1);
    expect(execution.results.map((r) => [r.tag, r.outcome])).toEqual([
      ['a', 'deleted'],
      ['b', 'deleted'],
    ]);
    expect(registry.deletesRefused).toBe(true);
    expect(rest.isDone()).toBe(true);
  });

  test('an expired token mid-run: one new token, the DELETE again', async () => {
    nockToken(JOB_BASIC);
    nockToken(JOB_BASIC, 'pull,delete', RENEWED);
    nock(REGISTRY)
      .delete(`${MANIFESTS}/a`)
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .reply(401, registryError('UNAUTHORIZED', 'authentication required'), {
        'www-authenticate': 'Bearer realm="x",service="container_registry",error="invalid_token"',
      })
      .delete(`${MANIFESTS}/a`)
      .matchHeader('authorization', `Bearer ${RENEWED}`)
      .reply(202, '');
    const { api } = registryApi();
    const execution = await executeRepositoryPlan(api, viaRegistry(['a']), 1);
    expect(execution.results.map((r) => r.outcome)).toEqual(['deleted']);
  });

  test('the registry failing still after the retries stops the run; nothing is called deleted', async () => {
    nockToken(JOB_BASIC);
    // The first answer (a 503, retried once) shows the registry is there: then the run's retries.
    nock(REGISTRY).delete(`${MANIFESTS}/a`).times(6).reply(503, registryError('UNAVAILABLE'));
    const { api } = registryApi(JOB, 1);
    const execution = await executeRepositoryPlan(api, viaRegistry(['a', 'b']), 1);
    expect(execution.stoppedBy?.message).toMatch(/^kept-failing: delete tag a of acme\/web-app \(HTTP 503/);
    expect(execution.results.map((r) => r.outcome)).toEqual(['failed', 'failed']);
  });

  test('a plan read through REST is deleted through REST, registry or not', async () => {
    const rest = nock(ORIGIN).delete(`${REST_TAGS}/a`).reply(200, '');
    const { api } = registryApi();
    const execution = await executeRepositoryPlan(api, { ...planDeleting(['a']), via: 'rest' }, 1);
    expect(execution.results.map((r) => r.outcome)).toEqual(['deleted']);
    expect(rest.isDone()).toBe(true);
  });
});

describe("the stop job's targets", () => {
  test('one token for every repository of the targets, then a DELETE each; never by digest', async () => {
    const other = repository({ id: 12, name: 'api', path: 'acme/web-app/api' });
    nockToken(JOB_BASIC, 'pull,delete', TOKEN, ['repository:acme/web-app', 'repository:acme/web-app/api']);
    nock(REGISTRY)
      .delete(`${MANIFESTS}/review-x`)
      .reply(202, '')
      .delete('/v2/acme/web-app/api/manifests/review-x')
      .reply(404, registryError('NAME_UNKNOWN'));
    const { api } = registryApi();
    const execution = await executeRegistryDeletes(
      api,
      [
        { repository: repository(), tag: 'review-x' },
        { repository: other, tag: 'review-x' },
      ],
      2,
    );
    expect(execution.results.map((r) => [r.repository.path, r.outcome])).toEqual([
      ['acme/web-app', 'deleted'],
      ['acme/web-app/api', 'absent'],
    ]);
  });

  test('a registry that never answers (the first DELETE, retried once): the targets go through REST', async () => {
    nockToken(JOB_BASIC);
    nock(REGISTRY).delete(`${MANIFESTS}/review-x`).times(2).replyWithError(networkError('ECONNREFUSED'));
    nock(ORIGIN).delete(`${REST_TAGS}/review-x`).reply(200, '');
    const { api, registry, traces } = registryApi();
    const execution = await executeRegistryDeletes(api, [{ repository: repository(), tag: 'review-x' }], 1);
    expect(execution.results.map((r) => r.outcome)).toEqual(['deleted']);
    expect(registry.fallbackReason).toMatch(/^no answer from it/);
    expect(traces.join('\n')).toMatch(/not using the container registry's API/);
  });

  test('no token: every target through REST', async () => {
    nock(ORIGIN)
      .get('/gitlab/jwt/auth')
      .query(true)
      .reply(403, { errors: [{ code: 'DENIED' }] });
    nock(ORIGIN).delete(`${REST_TAGS}/review-x`).reply(200, '');
    const { api } = registryApi();
    const execution = await executeRegistryDeletes(api, [{ repository: repository(), tag: 'review-x' }], 1);
    expect(execution.results.map((r) => r.outcome)).toEqual(['deleted']);
  });
});
