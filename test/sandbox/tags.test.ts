import { afterEach, describe, expect, it } from 'vitest';
import { buildTeam, withToken } from './fixtures.ts';
import { startSandbox } from './server.ts';
import type { DeleteGeneration, RegistryMode, Sandbox } from './types.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const FIRST_PUSH = new Date('2024-01-01T10:00:00.123Z');
const RE_PUSH = new Date('2024-03-01T10:00:00.456Z');
const BUILT = new Date('2023-12-31T09:00:00.789Z');

async function start(options: { registryMode?: RegistryMode; deleteGeneration?: DeleteGeneration } = {}) {
  const team = buildTeam();
  team.state.pushTag(team.repository, 'moving', { at: FIRST_PUSH, configCreatedAt: BUILT });
  team.state.pushTag(team.repository, 'moving', { at: RE_PUSH, configCreatedAt: BUILT });
  team.state.pushTag(team.repository, 'multi', { mediaType: 'application/vnd.oci.image.index.v1+json' });
  sandbox = await startSandbox({ state: team.state, ...options });
  const tags = `${sandbox.apiUrl}/projects/${team.project.id}/registry/repositories/${team.repository.id}/tags`;
  return { team, sandbox, tags };
}

describe('tag details (lib/api/project_container_repositories.rb)', () => {
  it('API registry: created_at is the first push, as a DateTime; revision is the config digest', async () => {
    const { team, tags } = await start();
    const tag = team.state.findTag(team.repository, 'moving');
    const details = await (await fetch(`${tags}/moving`, withToken(team.tokens.reporter))).json();
    const revision = tag?.configDigest?.slice('sha256:'.length);
    expect(details).toEqual({
      name: 'moving',
      path: 'acme/web-app:moving',
      location: 'registry.example.com/acme/web-app:moving',
      revision,
      short_revision: revision?.slice(0, 9),
      digest: tag?.digest,
      created_at: '2024-01-01T10:00:00.123+00:00',
      total_size: tag?.sizeBytes,
    });
    const index = await (await fetch(`${tags}/multi`, withToken(team.tokens.reporter))).json();
    expect(index).toMatchObject({ revision: '', short_revision: '' });
  });

  it('legacy registry: created_at is the image build time; an index has no revision or size', async () => {
    const { team, tags } = await start({ registryMode: 'legacy' });
    const details = await (await fetch(`${tags}/moving`, withToken(team.tokens.reporter))).json();
    expect(details).toMatchObject({ created_at: '2023-12-31T09:00:00.789+00:00' });
    const index = await (await fetch(`${tags}/multi`, withToken(team.tokens.reporter))).json();
    expect(index).toMatchObject({ revision: null, short_revision: null, total_size: null });
  });

  it('answers 404 Tag Not Found for unknown tags, and for indexes with multiArchDetails404', async () => {
    const { team, tags, sandbox } = await start();
    const unknown = await fetch(`${tags}/nope`, withToken(team.tokens.reporter));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: '404 Tag Not Found' });
    expect((await fetch(`${tags}/multi`, withToken(team.tokens.reporter))).status).toBe(200);
    await sandbox.close();

    const buggy = await startSandbox({ state: team.state, multiArchDetails404: true });
    const url = `${buggy.apiUrl}/projects/${team.project.id}/registry/repositories/${team.repository.id}/tags`;
    expect((await fetch(`${url}/multi`, withToken(team.tokens.reporter))).status).toBe(404);
    expect((await fetch(`${url}/moving`, withToken(team.tokens.reporter))).status).toBe(200);
    const listed = (await (await fetch(url, withToken(team.tokens.reporter))).json()) as { name: string }[];
    expect(listed.map((tag) => tag.name)).toContain('multi');
    await buggy.close();
  });

  it('misses a tag hidden behind more than 100 longer names containing it (registry name filter)', async () => {
    const team = buildTeam();
    for (let index = 0; index < 101; index++)
      team.state.pushTag(team.repository, `a-v1-${String(index).padStart(3, '0')}`);
    team.state.pushTag(team.repository, 'v1');
    sandbox = await startSandbox({ state: team.state });
    const url = `${sandbox.apiUrl}/projects/${team.project.id}/registry/repositories/${team.repository.id}/tags/v1`;
    expect((await fetch(url, withToken(team.tokens.reporter))).status).toBe(404);
  });

  it('answers 404 "Not found" for an unknown repository or one of another project, 400 for a non-integer id', async () => {
    const { team, sandbox } = await start();
    const otherRepository = team.state.addRepository(team.otherProject);
    const base = `${sandbox.apiUrl}/projects/${team.project.id}/registry/repositories`;
    for (const id of ['999', String(otherRepository.id)]) {
      const response = await fetch(`${base}/${id}/tags`, withToken(team.tokens.reporter));
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ message: '404 Not found' });
    }
    const invalid = await fetch(`${base}/abc/tags`, withToken(team.tokens.reporter));
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ error: 'repository_id is invalid' });
  });
});

describe('single tag DELETE (lib/api/project_container_repositories.rb)', () => {
  const unknownTagCases: [DeleteGeneration, RegistryMode, number, unknown][] = [
    ['newest', 'api', 403, { message: '403 Forbidden' }],
    ['newest', 'legacy', 200, 200],
    ['middle', 'api', 200, 200],
    ['old', 'api', 404, { message: '404 Tag Not Found' }],
    ['old', 'legacy', 404, { message: '404 Tag Not Found' }],
  ];
  for (const [deleteGeneration, registryMode, status, body] of unknownTagCases) {
    it(`answers ${status} for an unknown tag (${deleteGeneration} generation, ${registryMode} registry)`, async () => {
      const { team, tags } = await start({ deleteGeneration, registryMode });
      const response = await fetch(`${tags}/never-pushed`, {
        method: 'DELETE',
        ...withToken(team.tokens.developer),
      });
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual(body);
    });
  }

  it('deletes only the named tag, never others sharing its digest; needs Developer', async () => {
    const { team, tags } = await start();
    const latest = team.state.pushTag(team.repository, 'latest');
    team.state.pushTag(team.repository, 'stable', { digest: latest.digest });
    const reporter = await fetch(`${tags}/latest`, { method: 'DELETE', ...withToken(team.tokens.reporter) });
    expect(reporter.status).toBe(403);
    const developer = await fetch(`${tags}/latest`, {
      method: 'DELETE',
      ...withToken(team.tokens.developer),
    });
    expect(developer.status).toBe(200);
    expect(await developer.json()).toBe(200);
    expect(team.state.findTag(team.repository, 'latest')).toBeUndefined();
    expect(team.state.findTag(team.repository, 'stable')?.digest).toBe(latest.digest);
  });

  it('refuses a protected tag below the rule’s level, allows it at the level', async () => {
    const { team, tags } = await start();
    team.state.pushTag(team.repository, 'v1.0.0');
    team.state.addProtectionRule(team.project, {
      pattern: 'v\\d',
      minimumAccessLevelForDelete: 'maintainer',
    });
    const developer = await fetch(`${tags}/v1.0.0`, {
      method: 'DELETE',
      ...withToken(team.tokens.developer),
    });
    expect(developer.status).toBe(403);
    expect(await developer.json()).toEqual({ message: '403 Forbidden - cannot delete protected tag(s)' });
    expect(team.state.findTag(team.repository, 'v1.0.0')).toBeDefined();
    const maintainer = await fetch(`${tags}/v1.0.0`, {
      method: 'DELETE',
      ...withToken(team.tokens.maintainer),
    });
    expect(maintainer.status).toBe(200);
    expect(team.state.findTag(team.repository, 'v1.0.0')).toBeUndefined();
  });

  it('records the operation and the still-encoded path', async () => {
    const { team, sandbox } = await start();
    team.state.pushTag(team.repository, 'v1');
    await fetch(
      `${sandbox.apiUrl}/projects/Acme%2FWeb-App/registry/repositories/${team.repository.id}/tags/v1`,
      {
        method: 'DELETE',
        ...withToken(team.tokens.developer),
      },
    );
    expect(sandbox.requests).toEqual([
      {
        method: 'DELETE',
        path: `/api/v4/projects/Acme%2FWeb-App/registry/repositories/${team.repository.id}/tags/v1`,
        query: {},
        operation: 'deleteTag',
        auth: 'pat',
        authHeader: 'PRIVATE-TOKEN',
        user: 'developer',
        status: 200,
      },
    ]);
  });
});

describe('repositories (lib/api/*container_repositories.rb)', () => {
  it('GET /registry/repositories/:id: 401 anonymous, size on API registries, delete_api_path for Maintainers', async () => {
    const { team, sandbox } = await start();
    const url = `${sandbox.apiUrl}/registry/repositories/${team.repository.id}?size=true&tags_count=true`;
    expect((await fetch(url)).status).toBe(401);
    const reporter = (await (await fetch(url, withToken(team.tokens.reporter))).json()) as Record<
      string,
      unknown
    >;
    expect(reporter.size).toBeGreaterThan(0);
    expect(reporter.tags_count).toBe(2);
    expect(reporter).not.toHaveProperty('delete_api_path');
    const maintainer = (await (await fetch(url, withToken(team.tokens.maintainer))).json()) as Record<
      string,
      unknown
    >;
    expect(maintainer.delete_api_path).toBe(
      `https://gitlab.example.com/api/v4/projects/${team.project.id}/registry/repositories/${team.repository.id}`,
    );
    expect(
      (await fetch(`${sandbox.apiUrl}/registry/repositories/abc`, withToken(team.tokens.reporter))).status,
    ).toBe(404);
  });

  it('DELETE a repository: Maintainer, 202, status delete_scheduled', async () => {
    const { team, sandbox } = await start();
    const url = `${sandbox.apiUrl}/projects/${team.project.id}/registry/repositories/${team.repository.id}`;
    expect((await fetch(url, { method: 'DELETE', ...withToken(team.tokens.developer) })).status).toBe(403);
    const response = await fetch(url, { method: 'DELETE', ...withToken(team.tokens.maintainer) });
    expect(response.status).toBe(202);
    const listed = (await (
      await fetch(
        `${sandbox.apiUrl}/projects/${team.project.id}/registry/repositories`,
        withToken(team.tokens.reporter),
      )
    ).json()) as { status: string }[];
    expect(listed[0]?.status).toBe('delete_scheduled');
    expect(listed[0]).toMatchObject({ created_at: FIRST_PUSH.toISOString(), path: 'acme/web-app', name: '' });
  });

  it('lists group repositories with subgroups for group Reporters only', async () => {
    const team = buildTeam();
    const nested = team.state.addProject('Acme/platform/tools');
    const nestedRepository = team.state.addRepository(nested, 'cli');
    sandbox = await startSandbox({ state: team.state });
    const url = `${sandbox.apiUrl}/groups/acme/registry/repositories`;
    const listed = (await (await fetch(url, withToken(team.tokens.maintainer))).json()) as { id: number }[];
    expect(listed.map((repository) => repository.id)).toEqual([team.repository.id, nestedRepository.id]);
    // A project developer can see the group but holds no group role.
    expect((await fetch(url, withToken(team.tokens.developer))).status).toBe(403);
  });
});
