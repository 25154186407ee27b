// The wording of failures lives in src/explain.ts; gitlab/ only says what happened.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  AuthError,
  errorFromFailure,
  GitLabResponseError,
  GitLabUnavailableError,
  UsageError,
  WrongEndpointError,
} from '../../src/errors.ts';
import { explain, explainFailure } from '../../src/explain.ts';
import type { Failure } from '../../src/failure.ts';

const PROXY = { origin: 'http://proxy.test:3128', variable: 'HTTPS_PROXY' };
const JOB = { kind: 'job' as const, source: 'CI_JOB_TOKEN' };
const FLAG = { kind: 'private' as const, source: '--token' };
const action = 'list the tags of acme/web-app';

/** One of every kind, with the class it must be raised as and words its line must carry. */
const CASES: [Failure, abstract new (...args: never[]) => Error, RegExp][] = [
  [
    {
      kind: 'unreachable',
      service: 'gitlab',
      origin: 'https://gitlab.test',
      cause: { code: 'ECONNRESET' },
      attempts: 3,
    },
    GitLabUnavailableError,
    /^cannot reach GitLab at https:\/\/gitlab\.test: ECONNRESET \(3 attempts\); check --gitlab-url, the network and HTTPS_PROXY\/NO_PROXY, or raise --timeout\/--retries$/,
  ],
  [
    {
      kind: 'unreachable',
      service: 'registry',
      origin: 'https://registry.test',
      cause: { timeoutMs: 1000 },
      attempts: 1,
    },
    GitLabUnavailableError,
    /^cannot reach the container registry at https:\/\/registry\.test: no answer within 1\.0 s \(1 attempt\); check the network/,
  ],
  [
    {
      kind: 'proxy-unreachable',
      service: 'gitlab',
      origin: 'https://gitlab.test',
      proxy: PROXY,
      cause: { code: 'UND_ERR_SOCKET' },
      attempts: 2,
    },
    GitLabUnavailableError,
    /^cannot reach the proxy http:\/\/proxy\.test:3128 \(HTTPS_PROXY\) for https:\/\/gitlab\.test: connection closed by the server \(2 attempts\); check HTTPS_PROXY, or add the GitLab host to NO_PROXY/,
  ],
  [
    { kind: 'proxy-auth', proxy: PROXY },
    GitLabUnavailableError,
    /^the proxy http:\/\/proxy\.test:3128 \(HTTPS_PROXY\) answered 407 .*check the user and password in HTTPS_PROXY/,
  ],
  [{ kind: 'proxy-auth' }, GitLabUnavailableError, /^the proxy answered 407 .*HTTPS_PROXY\/HTTP_PROXY/],
  [
    { kind: 'proxy-refused', proxy: PROXY, host: 'gitlab.test', status: 403 },
    GitLabUnavailableError,
    /refused to connect to gitlab\.test \(HTTP 403\): check the proxy's rules, or add the host to NO_PROXY/,
  ],
  [
    { kind: 'tls-untrusted', service: 'gitlab', host: 'gitlab.test', code: 'SELF_SIGNED_CERT_IN_CHAIN' },
    GitLabUnavailableError,
    /does not trust \(SELF_SIGNED_CERT_IN_CHAIN\); pass --ca-file .* NODE_EXTRA_CA_CERTS \(verification is never turned off\)/,
  ],
  [
    { kind: 'tls-wrong-name', service: 'gitlab', host: 'gitlab.test' },
    GitLabUnavailableError,
    /in --gitlab-url$/,
  ],
  [
    { kind: 'tls-wrong-name', service: 'registry', host: 'registry.test' },
    GitLabUnavailableError,
    /ask the GitLab administrators/,
  ],
  [{ kind: 'tls-expired', service: 'gitlab', host: 'gitlab.test' }, GitLabUnavailableError, /has expired/],
  [
    { kind: 'unknown-host', service: 'gitlab', hostname: 'gitlab.test' },
    GitLabUnavailableError,
    /check --gitlab-url \(or CI_API_V4_URL \/ CI_SERVER_URL\)/,
  ],
  [{ kind: 'unknown-host', service: 'registry', hostname: 'registry.test' }, GitLabUnavailableError, /DNS/],
  [
    { kind: 'network', service: 'gitlab', action, code: 'EX', detail: 'boom' },
    GitLabUnavailableError,
    /^cannot list the tags of acme\/web-app: EX: boom; check --gitlab-url/,
  ],
  [
    { kind: 'wait-too-long', service: 'gitlab', action, waitMs: 3_600_000, maxWaitMs: 300_000, status: 429 },
    GitLabUnavailableError,
    /^GitLab asked to wait 3600 s before trying again to list the tags of acme\/web-app \(HTTP 429\); run again later, or let it wait longer with --max-wait \(now 5m\)$/,
  ],
  [
    { kind: 'wait-too-long', service: 'gitlab', action, waitMs: 1_500_000, maxWaitMs: 90_000 },
    GitLabUnavailableError,
    /rate limit allows the next request to list the tags of acme\/web-app in 1500 s, more than --max-wait 90s/,
  ],
  [
    { kind: 'kept-failing', service: 'gitlab', action, status: 503, attempts: 5 },
    GitLabUnavailableError,
    /\(HTTP 503 after 5 attempts\): try again later$/,
  ],
  [
    {
      kind: 'redirect',
      service: 'gitlab',
      action,
      url: 'https://gitlab.test/x',
      location: 'https://gitlab.test/users/sign_in',
      status: 302,
    },
    WrongEndpointError,
    /redirect to https:\/\/gitlab\.test\/users\/sign_in \(HTTP 302\) .*set --gitlab-url to the GitLab root URL/,
  ],
  [
    { kind: 'project-moved', to: 'acme/new', status: 301 },
    WrongEndpointError,
    /moved to acme\/new .*--project$/,
  ],
  [
    { kind: 'web-page', service: 'gitlab', url: 'https://gitlab.test/x' },
    WrongEndpointError,
    /answered with a web page/,
  ],
  [
    { kind: 'oversized', service: 'gitlab', url: 'https://gitlab.test/x', limitBytes: 16 * 1024 * 1024 },
    GitLabResponseError,
    /more than 16 MB/,
  ],
  [{ kind: 'not-a-list', action }, GitLabResponseError, /something other than a list; check --gitlab-url/],
  [
    { kind: 'not-graphql', action, url: 'https://gitlab.test/api/graphql', status: 200 },
    GitLabResponseError,
    /CI_API_GRAPHQL_URL/,
  ],
  [{ kind: 'page-loop', action }, GitLabResponseError, /one already read/],
  [
    { kind: 'unfollowable-link', link: 'https://elsewhere/x' },
    GitLabResponseError,
    /cannot be followed: https:\/\/elsewhere\/x$/,
  ],
  [
    { kind: 'token-rejected', action, token: JOB, message: '401 Unauthorized' },
    AuthError,
    /^GitLab rejected CI_JOB_TOKEN trying to list the tags of acme\/web-app \(401 Unauthorized\): a job token is valid only while its job runs/,
  ],
  [
    { kind: 'token-rejected', action, token: FLAG, message: '401 Unauthorized' },
    AuthError,
    /rejected the --token token .* expired or revoked/,
  ],
  [{ kind: 'insufficient-scope', action, token: FLAG }, AuthError, /lacks the scope .* api scope$/],
  [
    { kind: 'job-token-other-project', action, token: JOB },
    AuthError,
    /works only on the registry of its job's own project/,
  ],
  [{ kind: 'forbidden', action, message: '403 Forbidden' }, AuthError, /\(403 Forbidden\): .*Reporter role/],
  [{ kind: 'not-found', action, message: '404 Group Not Found' }, AuthError, /check --group and/],
  [{ kind: 'not-found', action, message: '404 Project Not Found' }, AuthError, /check --project and/],
  [{ kind: 'gone', action }, GitLabResponseError, /no longer has it \(404 Not found\)$/],
  [
    { kind: 'graphql-not-allowed', action, message: 'nope' },
    AuthError,
    /api scope and at least the Developer role$/,
  ],
  [
    { kind: 'graphql-error', action, message: 'registry unreachable' },
    GitLabResponseError,
    /could not list .*: registry unreachable; run again later/,
  ],
  [
    { kind: 'refused', action, status: 409, message: '409 Conflict' },
    GitLabResponseError,
    /\(HTTP 409: Conflict\)$/,
  ],
  [
    { kind: 'malformed', action, what: 'a repository without id, path or project_id' },
    GitLabResponseError,
    /answered with a repository without id, path or project_id; check --gitlab-url/,
  ],
  [{ kind: 'list-cut-short', action, page: 3 }, GitLabResponseError, /at page 3 .*; run again$/],
  [
    { kind: 'listed-empty', repository: 'acme/web-app', count: 4 },
    GitLabResponseError,
    /^GitLab listed no tags in acme\/web-app but counts 4: its registry did not answer/,
  ],
  [
    { kind: 'absence-unconfirmed', repository: 'acme/web-app', tag: 'main', count: 4 },
    GitLabResponseError,
    /^cannot tell whether main is still in acme\/web-app: GitLab lists no tags there but counts 4/,
  ],
  [
    {
      kind: 'deployments-refused',
      project: '42',
      action: 'list its environments',
      status: 403,
      message: '403 Forbidden',
    },
    GitLabResponseError,
    /^cannot tell which tags the environments of project 42 run, so nothing there was deleted: GitLab refused to list its environments \(403 Forbidden\).*--allow-deleting-deployed-images$/,
  ],
  [
    { kind: 'deployments-malformed', project: '42', action: 'list its environments' },
    GitLabResponseError,
    /project 42 run, so nothing there was deleted: GitLab's answer when asked to list its environments is not what GitLab sends/,
  ],
  [
    { kind: 'environments-changing', project: '42', state: 'available' },
    GitLabResponseError,
    /its available environments kept changing while they were read; run again$/,
  ],
  [
    { kind: 'anonymous-view', action, missing: 'its cleanup policy' },
    AuthError,
    /answered as to an anonymous user, without its cleanup policy .* REGISTRY_CLEANER_TOKEN$/,
  ],
  [
    {
      kind: 'registry-answer',
      action,
      status: 400,
      code: 'INVALID_QUERY_PARAMETER_VALUE',
      message: 'invalid query parameter value',
    },
    GitLabResponseError,
    /^the container registry could not list the tags of acme\/web-app \(HTTP 400 INVALID_QUERY_PARAMETER_VALUE: invalid query parameter value\); .*REGISTRY_CLEANER_REGISTRY_URL=none/,
  ],
  [
    { kind: 'registry-token-rejected', action },
    AuthError,
    /^the container registry rejected the token GitLab had just issued to list the tags of acme\/web-app \(401 invalid_token\)/,
  ],
  [
    {
      kind: 'tls-untrusted',
      service: 'registry',
      host: 'registry.test',
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    },
    GitLabUnavailableError,
    /--ca-file .*; or, to leave the container registry's API aside, set REGISTRY_CLEANER_REGISTRY_URL=none$/,
  ],
];

describe('every failure has its error class and its line', () => {
  test.each(CASES.map(([failure, errorClass, line]) => [failure.kind, failure, errorClass, line] as const))(
    '%s',
    (_, failure, errorClass, line) => {
      const error = errorFromFailure(failure);
      expect(error).toBeInstanceOf(errorClass);
      expect(error.failure).toBe(failure);
      expect(explain(error)).toMatch(line);
      expect(explain(error)).not.toMatch(/undefined|\[object/);
    },
  );

  test('every kind is covered above', () => {
    const covered = new Set(CASES.map(([failure]) => failure.kind));
    // one per member of the Failure union, in src/failure.ts
    const declared = [
      ...readFileSync(new URL('../../src/failure.ts', import.meta.url), 'utf8').matchAll(
        /kind: '([a-z-]+)'/g,
      ),
    ].map((match) => match[1]);
    expect([...covered].sort()).toEqual([...new Set(declared)].sort());
  });

  test('the registry is never sent to --gitlab-url', () => {
    for (const [failure] of CASES) {
      if ('service' in failure && failure.service === 'registry')
        expect(explainFailure(failure)).not.toMatch(/--gitlab-url/);
    }
  });

  test('errors worded where they are raised, and bugs, keep their message', () => {
    expect(explain(new UsageError('--older-than soon is not a duration'))).toBe(
      '--older-than soon is not a duration',
    );
    expect(explain(new Error('bug'))).toBe('bug');
    expect(explain('text')).toBe('text');
  });

  test('the technical message of a failure keeps the status, for traces and reports not yet worded', () => {
    const error = errorFromFailure({
      kind: 'kept-failing',
      service: 'gitlab',
      action,
      status: 500,
      attempts: 5,
    });
    expect(error.message).toBe('kept-failing: list the tags of acme/web-app (HTTP 500, 5 attempts)');
    expect((error as GitLabUnavailableError).exitCode).toBe(1);
    expect((errorFromFailure({ kind: 'gone', action }) as GitLabResponseError).status).toBe(404);
  });
});

describe('gitlab/ knows no flag', () => {
  test('no text in src/gitlab names a CLI flag or a REGISTRY_CLEANER_* variable', () => {
    const directory = new URL('../../src/gitlab/', import.meta.url);
    const offenders: string[] = [];
    for (const name of readdirSync(directory)) {
      const text = readFileSync(new URL(name, directory), 'utf8');
      for (const [index, line] of text.split('\n').entries()) {
        if (/(['"`].*--[a-z][a-z-]+|REGISTRY_CLEANER_)/.test(line))
          offenders.push(`${name}:${index + 1}: ${line.trim()}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
