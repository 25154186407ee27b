import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTeam, FIXED_NOW, pushMany } from './fixtures.ts';
import { startSandbox } from './server.ts';
import type { Sandbox, SandboxOptions } from './types.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}) {
  const team = buildTeam();
  const job = team.state.addJobToken(team.users.developer, team.project);
  sandbox = await startSandbox({ state: team.state, registryListener: true, ...options });
  const registry = sandbox.registryUrl as string;
  const path = team.repository.path;
  const basic = (login: string, password: string) => ({
    Authorization: `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`,
  });
  const token = async (headers: Record<string, string>, ...scopes: string[]) => {
    const query = [
      'service=container_registry',
      ...scopes.map((scope) => `scope=${encodeURIComponent(scope)}`),
    ];
    const response = await fetch(`${sandbox?.url}/jwt/auth?${query.join('&')}`, { headers });
    return { status: response.status, body: (await response.json()) as { token: string; errors?: unknown } };
  };
  const bearer = (value: string) => ({ headers: { Authorization: `Bearer ${value}` } });
  return { team, sandbox, registry, path, job, basic, token, bearer };
}

describe('/jwt/auth', () => {
  it('grants a job token pull and delete on its own project only; other actions are left out', async () => {
    const { team, registry, path, job, basic, token, bearer } = await start();
    pushMany(team.state, team.repository, 3);
    const other = team.state.addRepository(team.otherProject);
    const granted = await token(
      basic('gitlab-ci-token', job),
      `repository:${path}:pull,delete`,
      `repository:${other.path}:pull`,
    );
    expect(granted.status).toBe(200);
    expect(Object.keys(granted.body)).toEqual(['token']);
    const list = await fetch(
      `${registry}/gitlab/v1/repositories/${path}/tags/list/`,
      bearer(granted.body.token),
    );
    expect(list.status).toBe(200);
    const refused = await fetch(
      `${registry}/gitlab/v1/repositories/${other.path}/tags/list/`,
      bearer(granted.body.token),
    );
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe(
      `Bearer realm="https://gitlab.example.com/jwt/auth",service="container_registry",scope="repository:${other.path}:pull",error="insufficient_scope"`,
    );
    expect(await refused.json()).toEqual({
      errors: [
        {
          code: 'UNAUTHORIZED',
          message: 'authentication required',
          detail: [{ Type: 'repository', Class: '', Name: other.path, Action: 'pull' }],
        },
      ],
    });
  });

  it('gives delete to a personal token only from Maintainer (admin_container_image)', async () => {
    const { team, registry, path, basic, token, bearer } = await start();
    team.state.pushTag(team.repository, 'v1');
    const developer = await token(
      basic('developer', team.tokens.developer),
      `repository:${path}:pull,delete`,
    );
    const denied = await fetch(`${registry}/v2/${path}/manifests/v1`, {
      method: 'DELETE',
      ...bearer(developer.body.token),
    });
    expect(denied.status).toBe(401);
    const maintainer = await token(basic('anything', team.tokens.maintainer), `repository:${path}:delete`);
    const deleted = await fetch(`${registry}/v2/${path}/manifests/v1`, {
      method: 'DELETE',
      ...bearer(maintainer.body.token),
    });
    expect(deleted.status).toBe(202);
    expect(team.state.findTag(team.repository, 'v1')).toBeUndefined();
  });

  it('refuses bad credentials with 401 and an unknown service with 404', async () => {
    const { sandbox, basic, token } = await start();
    const bad = await token(basic('gitlab-ci-token', 'nope'), 'repository:acme/web-app:pull');
    expect(bad.status).toBe(401);
    expect(bad.body.errors).toEqual([expect.objectContaining({ code: 'UNAUTHORIZED' })]);
    expect((await fetch(`${sandbox.url}/jwt/auth?service=other`)).status).toBe(404);
  });

  it('tokens expire (on the state clock): 401 invalid_token, fetch a new one', async () => {
    const { team, registry, path, job, basic, token, bearer } = await start({ registryTokenTtlSeconds: 60 });
    const granted = await token(basic('gitlab-ci-token', job), `repository:${path}:pull`);
    team.state.clock = () => new Date(FIXED_NOW.getTime() + 61_000);
    const expired = await fetch(
      `${registry}/gitlab/v1/repositories/${path}/tags/list/`,
      bearer(granted.body.token),
    );
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const fresh = await token(basic('gitlab-ci-token', job), `repository:${path}:pull`);
    expect(
      (await fetch(`${registry}/gitlab/v1/repositories/${path}/tags/list/`, bearer(fresh.body.token))).status,
    ).toBe(200);
  });
});

describe('the registry listener', () => {
  it('answers /gitlab/v1/ on a metadata registry and 404 with no body on a legacy one', async () => {
    const metadata = await start();
    const granted = await metadata.token(metadata.basic('gitlab-ci-token', metadata.job));
    expect((await fetch(`${metadata.registry}/gitlab/v1/`)).status).toBe(401);
    expect((await fetch(`${metadata.registry}/gitlab/v1/`, metadata.bearer(granted.body.token))).status).toBe(
      200,
    );
    await metadata.sandbox.close();
    const legacy = await start({ registry: 'legacy' });
    const answer = await fetch(`${legacy.registry}/gitlab/v1/`);
    expect(answer.status).toBe(404);
    expect(await answer.text()).toBe('');
  });

  it('pages tags with relative Link headers, sorts, filters, and validates like the registry', async () => {
    const { team, registry, path, job, basic, token, bearer } = await start();
    pushMany(team.state, team.repository, 5);
    team.state.pushTag(team.repository, 'tag-1', { at: new Date(FIXED_NOW.getTime() + 1000) });
    const auth = bearer((await token(basic('gitlab-ci-token', job), `repository:${path}:pull`)).body.token);
    const base = `${registry}/gitlab/v1/repositories/${path}/tags/list/`;

    const first = await fetch(`${base}?n=2`, auth);
    expect(((await first.json()) as { name: string }[]).map((tag) => tag.name)).toEqual(['tag-0', 'tag-1']);
    expect(first.headers.get('link')).toBe(
      `</gitlab/v1/repositories/${path}/tags/list/?last=tag-1&n=2>; rel="next"`,
    );
    const last = await fetch(`${base}?n=2&last=tag-3`, auth);
    expect(((await last.json()) as { name: string }[]).map((tag) => tag.name)).toEqual(['tag-4']);
    expect(last.headers.get('link')).toBe(
      `</gitlab/v1/repositories/${path}/tags/list/?before=tag-4&n=2>; rel="previous"`,
    );

    const newest = (await (await fetch(`${base}?sort=-published_at&n=1`, auth)).json()) as Record<
      string,
      unknown
    >[];
    expect(newest).toEqual([
      expect.objectContaining({
        name: 'tag-1',
        updated_at: expect.any(String),
        published_at: expect.any(String),
      }),
    ]);
    expect(Object.keys(newest[0] ?? {})).toEqual([
      'name',
      'digest',
      'config_digest',
      'media_type',
      'size_bytes',
      'created_at',
      'updated_at',
      'published_at',
    ]);
    const exact = await fetch(`${base}?name_exact=tag-2`, auth);
    expect(((await exact.json()) as { name: string }[]).map((tag) => tag.name)).toEqual(['tag-2']);
    expect(exact.headers.has('link')).toBe(false);

    const tooMany = await fetch(`${base}?n=1001`, auth);
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toEqual({
      errors: [
        {
          code: 'INVALID_QUERY_PARAMETER_VALUE',
          message: 'invalid query parameter value',
          detail: "the 'n' query parameter value must be between 1 and 1000",
        },
      ],
    });
    const noSlash = await fetch(`${registry}/gitlab/v1/repositories/${path}/tags/list?n=2`, {
      ...auth,
      redirect: 'manual',
    });
    expect(noSlash.status).toBe(301);
    expect(noSlash.headers.get('location')).toBe(`/gitlab/v1/repositories/${path}/tags/list/?n=2`);
  });

  it('refuses protected tags, refuses digest deletes under deny patterns, and honours disabled deletes', async () => {
    const { team, registry, path, job, basic, token, bearer } = await start();
    team.state.pushTag(team.repository, 'v1.0.0');
    team.state.addProtectionRule(team.project, {
      pattern: '^v\\d',
      minimumAccessLevelForDelete: 'maintainer',
    });
    const auth = bearer((await token(basic('gitlab-ci-token', job), `repository:${path}:delete`)).body.token);
    const protectedTag = await fetch(`${registry}/v2/${path}/manifests/v1.0.0`, {
      method: 'DELETE',
      ...auth,
    });
    expect(protectedTag.status).toBe(401);
    expect(await protectedTag.json()).toEqual({
      errors: [
        {
          code: 'PROTECTED_TAG',
          message: 'insufficient permissions to push or delete protected tag',
          detail: 'tag "v1.0.0" is protected',
        },
      ],
    });
    const digest = team.state.findTag(team.repository, 'v1.0.0')?.digest;
    const byDigest = await fetch(`${registry}/v2/${path}/manifests/${digest}`, { method: 'DELETE', ...auth });
    expect(((await byDigest.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe(
      'PROTECTED_MANIFEST',
    );
    const unknown = await fetch(`${registry}/v2/${path}/manifests/nothing`, { method: 'DELETE', ...auth });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe(
      'MANIFEST_UNKNOWN',
    );
    expect(team.state.findTag(team.repository, 'v1.0.0')).toBeDefined();
  });

  it('deletes every tag on a manifest when asked by digest (no protection rules)', async () => {
    const { team, registry, path, job, basic, token, bearer } = await start();
    const latest = team.state.pushTag(team.repository, 'latest');
    team.state.pushTag(team.repository, 'stable', { digest: latest.digest });
    team.state.pushTag(team.repository, 'other');
    const auth = bearer((await token(basic('gitlab-ci-token', job), `repository:${path}:delete`)).body.token);
    const response = await fetch(`${registry}/v2/${path}/manifests/${latest.digest}`, {
      method: 'DELETE',
      ...auth,
    });
    expect(response.status).toBe(202);
    expect(team.state.tags(team.repository).map((tag) => tag.name)).toEqual(['other']);
  });

  it('answers 405 UNSUPPORTED when deletes are disabled', async () => {
    const { team, registry, path, job, basic, token, bearer } = await start({
      registryDeletesEnabled: false,
    });
    team.state.pushTag(team.repository, 'x');
    const auth = bearer((await token(basic('gitlab-ci-token', job), `repository:${path}:delete`)).body.token);
    const response = await fetch(`${registry}/v2/${path}/manifests/x`, { method: 'DELETE', ...auth });
    expect(response.status).toBe(405);
    expect(((await response.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('UNSUPPORTED');
  });

  it('records registry requests with GitLab’s, and locations use the registry host', async () => {
    const { team, sandbox, registry, path, job, basic, token, bearer } = await start();
    const auth = bearer((await token(basic('gitlab-ci-token', job), `repository:${path}:pull`)).body.token);
    await fetch(`${registry}/gitlab/v1/repositories/${path}/tags/list/`, auth);
    await fetch(`${registry}/gitlab/v1/repositories/${path}/tags/list/`);
    expect(
      sandbox.requests.map((request) => [
        request.listener ?? 'gitlab',
        request.operation,
        request.auth,
        request.status,
      ]),
    ).toEqual([
      ['gitlab', 'jwtAuth', 'job', 200],
      ['registry', 'registryTagsList', 'registry', 200],
      ['registry', 'registryTagsList', 'none', 401],
    ]);
    expect(sandbox.registryHost).toBe(new URL(registry).host);
    const repositories = await fetch(`${sandbox.apiUrl}/projects/${team.project.id}/registry/repositories`, {
      headers: { 'JOB-TOKEN': job },
    });
    expect(((await repositories.json()) as { location: string }[])[0]?.location).toBe(
      `${sandbox.registryHost}/${path}`,
    );
  });

  it('lets interceptors fault registry requests too', async () => {
    const { sandbox, registry, path, job, basic, token, bearer } = await start();
    sandbox.intercept((request) =>
      request.listener === 'registry' ? { kind: 'status', status: 503 } : undefined,
    );
    const auth = bearer((await token(basic('gitlab-ci-token', job), `repository:${path}:pull`)).body.token);
    expect((await fetch(`${registry}/gitlab/v1/repositories/${path}/tags/list/`, auth)).status).toBe(503);
  });

  it('serves HTTPS with the same tls option shape as GitLab', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'sandbox-registry-tls-'));
    try {
      const key = join(directory, 'key.pem');
      const cert = join(directory, 'cert.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          key,
        ].concat([
          '-out',
          cert,
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ]),
        { stdio: 'ignore' },
      );
      const certificate = readFileSync(cert);
      const { registry } = await start({
        registryListener: { tls: { key: readFileSync(key), cert: certificate } },
      });
      expect(registry).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const status = await new Promise<number>((resolve, reject) => {
        const request = httpsRequest(`${registry}/v2/`, { ca: certificate }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject);
        request.end();
      });
      expect(status).toBe(401);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
