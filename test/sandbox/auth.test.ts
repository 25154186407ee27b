import { afterEach, describe, expect, it } from 'vitest';
import { buildTeam, graphql, withToken } from './fixtures.ts';
import { startSandbox } from './server.ts';
import type { Sandbox } from './types.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const JOB_TOKEN_MESSAGE =
  "403 Forbidden - This project's CI/CD job token cannot be used to authenticate with the container registry of a different project.";

async function setUp() {
  const team = buildTeam();
  team.state.pushTag(team.repository, 'v1');
  sandbox = await startSandbox({ state: team.state });
  const repositories = `${sandbox.apiUrl}/projects/${team.project.id}/registry/repositories`;
  return { team, sandbox, repositories };
}

describe('REST credentials (lib/api/api_guard.rb)', () => {
  it('accepts a PAT in PRIVATE-TOKEN, Authorization: Bearer and ?private_token, and records how', async () => {
    const { team, sandbox, repositories } = await setUp();
    const token = team.tokens.reporter;
    expect((await fetch(repositories, withToken(token))).status).toBe(200);
    expect((await fetch(repositories, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${repositories}?private_token=${token}`)).status).toBe(200);
    expect(sandbox.requests.map((request) => [request.auth, request.authHeader, request.user])).toEqual([
      ['pat', 'PRIVATE-TOKEN', 'reporter'],
      ['pat', 'Authorization', 'reporter'],
      ['pat', 'query', 'reporter'],
    ]);
  });

  it('answers unknown, expired and revoked tokens with their exact 401 bodies', async () => {
    const { team, repositories } = await setUp();
    const expired = team.state.addPersonalToken(team.users.reporter, { expired: true });
    const revoked = team.state.addPersonalToken(team.users.reporter, { revoked: true });

    const unknown = await fetch(repositories, withToken('glpat-nope'));
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual({ message: '401 Unauthorized' });

    const expiredResponse = await fetch(repositories, withToken(expired));
    expect(expiredResponse.status).toBe(401);
    expect(await expiredResponse.json()).toEqual({
      error: 'invalid_token',
      error_description: 'Token is expired. You can either do re-authorization or token refresh.',
    });

    const revokedResponse = await fetch(repositories, withToken(revoked));
    expect(await revokedResponse.json()).toEqual({
      error: 'invalid_token',
      error_description: 'Token was revoked. You have to re-authorize from the user.',
    });
  });

  it('lets read_api read but not delete, and refuses registry-only scopes', async () => {
    const { team, repositories } = await setUp();
    const readApi = team.state.addPersonalToken(team.users.maintainer, { scopes: ['read_api'] });
    const registryOnly = team.state.addPersonalToken(team.users.maintainer, {
      scopes: ['read_registry', 'write_registry'],
    });
    expect((await fetch(repositories, withToken(readApi))).status).toBe(200);

    const deletion = await fetch(`${repositories}/${team.repository.id}/tags/v1`, {
      method: 'DELETE',
      ...withToken(readApi),
    });
    expect(deletion.status).toBe(403);
    expect(await deletion.json()).toMatchObject({ error: 'insufficient_scope', scope: 'api' });
    expect(team.state.findTag(team.repository, 'v1')).toBeDefined();

    const registry = await fetch(repositories, withToken(registryOnly));
    expect(registry.status).toBe(403);
    expect(await registry.json()).toMatchObject({ error: 'insufficient_scope' });
  });

  it('hides a private project from anonymous and non-members (404) and refuses guests (403)', async () => {
    const { team, repositories } = await setUp();
    const anonymous = await fetch(repositories);
    expect(anonymous.status).toBe(404);
    expect(await anonymous.json()).toEqual({ message: '404 Project Not Found' });
    expect((await fetch(repositories, withToken(team.tokens.outsider))).status).toBe(404);
    const guest = await fetch(repositories, withToken(team.tokens.guest));
    expect(guest.status).toBe(403);
    expect(await guest.json()).toEqual({ message: '403 Forbidden' });
  });

  it('lets anyone read the registry of a public project, but not delete from it', async () => {
    const team = buildTeam();
    const open = team.state.addProject('acme/open', { visibility: 'public' });
    const repository = team.state.addRepository(open);
    team.state.pushTag(repository, 'v1');
    sandbox = await startSandbox({ state: team.state });
    const tags = `${sandbox.apiUrl}/projects/acme%2Fopen/registry/repositories/${repository.id}/tags`;
    expect(await (await fetch(tags)).json()).toEqual([
      { name: 'v1', path: 'acme/open:v1', location: 'registry.example.com/acme/open:v1' },
    ]);
    expect((await fetch(`${tags}/v1`, { method: 'DELETE', ...withToken(team.tokens.outsider) })).status).toBe(
      403,
    );
  });

  it('resolves projects by id or case-insensitive full path; a bare name is not an id', async () => {
    const { team, sandbox } = await setUp();
    const get = (id: string) => fetch(`${sandbox.apiUrl}/projects/${id}`, withToken(team.tokens.reporter));
    expect(((await (await get('acme%2Fweb-app')).json()) as { id: number }).id).toBe(team.project.id);
    expect((await get(String(team.project.id))).status).toBe(200);
    expect((await get('Web-App')).status).toBe(404);
  });
});

describe('CI job tokens (lib/api/helpers.rb find_project!)', () => {
  it('work on the own project with the triggering user’s role', async () => {
    const { team, repositories } = await setUp();
    const job = team.state.addJobToken(team.users.developer, team.project);
    const list = await fetch(repositories, { headers: { 'JOB-TOKEN': job } });
    expect(list.status).toBe(200);
    const single = await fetch(`${repositories}/${team.repository.id}/tags/v1?job_token=${job}`, {
      method: 'DELETE',
    });
    expect(single.status).toBe(200);
    // Bulk delete needs Maintainer; the developer's job token gets 403.
    const bulk = await fetch(`${repositories}/${team.repository.id}/tags?name_regex_delete=.*`, {
      method: 'DELETE',
      headers: { 'JOB-TOKEN': job },
    });
    expect(bulk.status).toBe(403);
  });

  it('get the long 403 on another project, even one that does not exist', async () => {
    const { team, sandbox } = await setUp();
    const job = team.state.addJobToken(team.users.outsider, team.otherProject);
    for (const id of [String(team.project.id), '9999']) {
      const response = await fetch(`${sandbox.apiUrl}/projects/${id}/registry/repositories`, {
        headers: { 'JOB-TOKEN': job },
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: JOB_TOKEN_MESSAGE });
    }
  });

  it('are ignored where a route does not allow them: anonymous there', async () => {
    const { team, sandbox } = await setUp();
    const job = team.state.addJobToken(team.users.developer, team.project);
    const headers = { 'JOB-TOKEN': job };
    const project = await fetch(`${sandbox.apiUrl}/projects/${team.project.id}`, { headers });
    expect(project.status).toBe(404);
    expect(await project.json()).toEqual({ message: '404 Project Not Found' });
    const branches = await fetch(`${sandbox.apiUrl}/projects/${team.project.id}/repository/branches`, {
      headers,
    });
    expect(branches.status).toBe(404);
    const repository = await fetch(`${sandbox.apiUrl}/registry/repositories/${team.repository.id}`, {
      headers,
    });
    expect(repository.status).toBe(401);
    expect(await repository.json()).toEqual({ message: '401 Unauthorized' });
    const group = await fetch(`${sandbox.apiUrl}/groups/Acme/registry/repositories`, { headers });
    expect(group.status).toBe(404);
    expect(await group.json()).toEqual({ message: '404 Group Not Found' });
    expect(sandbox.requests.map((request) => [request.auth, request.authHeader])).toEqual(
      Array(4).fill(['none', 'JOB-TOKEN']),
    );
  });

  it('are refused by GraphQL with 401 Invalid token', async () => {
    const { team, sandbox } = await setUp();
    const job = team.state.addJobToken(team.users.developer, team.project);
    const response = await fetch(sandbox.graphqlUrl, {
      method: 'POST',
      headers: { 'JOB-TOKEN': job, 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: '{ currentUser { username } }' }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ errors: [{ message: 'Invalid token' }] });
    expect(sandbox.requests[0]).toMatchObject({ auth: 'invalid', authHeader: 'JOB-TOKEN', status: 401 });
  });
});

describe('GraphQL credentials (GraphqlController)', () => {
  it('is anonymous without a token and 401 with a bad or registry-only one', async () => {
    const { team, sandbox } = await setUp();
    const anonymous = await graphql(sandbox.graphqlUrl, undefined, '{ currentUser { username } }');
    expect(anonymous).toEqual({ status: 200, body: { data: { currentUser: null } } });
    const registryOnly = team.state.addPersonalToken(team.users.developer, { scopes: ['read_registry'] });
    for (const token of ['glpat-unknown', registryOnly]) {
      const response = await graphql(sandbox.graphqlUrl, token, '{ currentUser { username } }');
      expect(response).toEqual({ status: 401, body: { errors: [{ message: 'Invalid token' }] } });
    }
    const me = await graphql(sandbox.graphqlUrl, team.tokens.developer, '{ currentUser { username } }');
    expect(me.body.data).toEqual({ currentUser: { username: 'developer' } });
  });
});
