// Builders for the container registry's API under nock: a run that reaches the registry, GitLab's
// /jwt/auth answering with a token, and tags as the registry lists them.

import nock from 'nock';
import { ContainerRegistry } from '../../src/gitlab/registry-client.ts';
import { JOB, makeApi, ORIGIN } from './support.ts';

export const REGISTRY = 'https://registry.test';
export const TOKEN = 'rgt-registry-token-0123456789abcdef';
export const RENEWED = 'rgt-renewed-token-0123456789abcdef';
export const LIST = '/gitlab/v1/repositories/acme/web-app/tags/list/';
export const basic = (login: string, password: string) =>
  `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;

/** A GitLab API whose run reaches the registry, with the secrets it registered. */
export function registryApi(credential = JOB, concurrency = 4) {
  const secrets: string[] = [];
  const made = makeApi({ credential, addSecret: (secret) => secrets.push(secret) });
  made.api.registry = new ContainerRegistry(made.api, {
    origin: REGISTRY,
    concurrency,
    timeoutMs: 2000,
    trace: (line) => made.traces.push(line),
  });
  return { ...made, secrets, registry: made.api.registry };
}

/** GitLab's /jwt/auth for the repository acme/web-app, with the given credentials. */
export function nockToken(
  authorization: string,
  actions = 'pull,delete',
  token = TOKEN,
  scopes = ['repository:acme/web-app'],
): nock.Scope {
  return nock(ORIGIN)
    .get('/gitlab/jwt/auth')
    .query((query) => {
      const asked = ([] as string[]).concat(query.scope ?? []);
      return (
        query.service === 'container_registry' &&
        asked.length === scopes.length &&
        scopes.every((scope) => asked.includes(`${scope}:${actions}`))
      );
    })
    .matchHeader('authorization', authorization)
    .matchHeader('job-token', (value) => value == null)
    .matchHeader('private-token', (value) => value == null)
    .reply(200, { token });
}

/** A tag as the registry's list shows it. */
export const registryTag = (name: string, published: string, extra: Record<string, unknown> = {}) => ({
  name,
  digest: `sha256:${name.padEnd(64, '0')}`,
  media_type: 'application/vnd.oci.image.manifest.v1+json',
  size_bytes: 1000,
  created_at: published,
  published_at: published,
  ...extra,
});
