import { afterEach, describe, expect, it } from 'vitest';
import { buildTeam, FIXED_NOW, graphql, pushMany } from './fixtures.ts';
import { startSandbox } from './server.ts';
import type { RegistryMode, Sandbox } from './types.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const TAGS_PAGE = `query($id: ContainerRepositoryID!, $first: Int, $after: String, $sort: ContainerRepositoryTagSort) {
  containerRepository(id: $id) {
    tags(first: $first, after: $after, sort: $sort) {
      pageInfo { hasNextPage endCursor }
      nodes { name createdAt publishedAt }
    }
  }
}`;

const DESTROY = `mutation($id: ContainerRepositoryID!, $tags: [String!]!) {
  destroyContainerRepositoryTags(input: { id: $id, tagNames: $tags }) { deletedTagNames errors }
}`;

interface TagsData {
  containerRepository: {
    tags: {
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: { name: string; createdAt: string | null; publishedAt: string | null }[];
    };
  } | null;
}

async function start(registryMode: RegistryMode = 'api') {
  const team = buildTeam();
  sandbox = await startSandbox({ state: team.state, registryMode });
  const id = `gid://gitlab/ContainerRepository/${team.repository.id}`;
  const url = sandbox.graphqlUrl;
  return { team, sandbox, id, url };
}

describe('tag pages (container_repository_tags_resolver.rb)', () => {
  it('clamps a page to 20 nodes but advances the cursor by `first` (tags silently skipped)', async () => {
    const { team, id, url } = await start();
    pushMany(team.state, team.repository, 50);
    const first = await graphql(url, team.tokens.reporter, TAGS_PAGE, { id, first: 30 });
    const page = (first.body.data as unknown as TagsData).containerRepository?.tags;
    expect(page?.nodes.map((tag) => tag.name)).toEqual(
      Array.from({ length: 20 }, (_, index) => `tag-${String(index).padStart(2, '0')}`),
    );
    expect(page?.pageInfo).toEqual({ hasNextPage: true, endCursor: 'tag-29' });
    const second = await graphql(url, team.tokens.reporter, TAGS_PAGE, { id, first: 30, after: 'tag-29' });
    const next = (second.body.data as unknown as TagsData).containerRepository?.tags;
    expect(next?.nodes[0]?.name).toBe('tag-30');
    expect(next?.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });

  it('pages by published date with opaque cursors on an API registry', async () => {
    const { team, id, url } = await start();
    const at = (minutes: number) => ({ at: new Date(FIXED_NOW.getTime() - minutes * 60_000) });
    team.state.pushTag(team.repository, 'b', at(30));
    team.state.pushTag(team.repository, 'a', at(20));
    team.state.pushTag(team.repository, 'c', at(10));
    team.state.pushTag(team.repository, 'b', at(5));
    const names: string[] = [];
    let after: string | null = null;
    do {
      const response = await graphql(url, team.tokens.reporter, TAGS_PAGE, {
        id,
        first: 2,
        after,
        sort: 'PUBLISHED_AT_DESC',
      });
      const page = (response.body.data as unknown as TagsData).containerRepository?.tags;
      names.push(...(page?.nodes ?? []).map((tag) => tag.name));
      after = page?.pageInfo.endCursor ?? null;
    } while (after);
    expect(names).toEqual(['b', 'c', 'a']);
    const first = await graphql(url, team.tokens.reporter, TAGS_PAGE, { id, first: 1, sort: 'NAME_ASC' });
    expect((first.body.data as unknown as TagsData).containerRepository?.tags.nodes[0]).toEqual({
      name: 'a',
      createdAt: '2024-06-01T11:40:00+00:00',
      publishedAt: '2024-06-01T11:40:00+00:00',
    });
  });

  it('returns no tags when neither first nor last is given (the registry rejects n=0)', async () => {
    const { team, id, url } = await start();
    pushMany(team.state, team.repository, 3);
    const response = await graphql(url, team.tokens.reporter, TAGS_PAGE, { id });
    expect((response.body.data as unknown as TagsData).containerRepository?.tags.nodes).toEqual([]);
  });

  it('legacy registry: publishedAt is null, createdAt is the build time, index cursors, no published sort error', async () => {
    const { team, id, url } = await start('legacy');
    pushMany(team.state, team.repository, 25);
    team.state.pushTag(team.repository, 'tag-00', { configCreatedAt: new Date('2020-01-01T00:00:00Z') });
    const response = await graphql(url, team.tokens.reporter, TAGS_PAGE, { id, sort: 'PUBLISHED_AT_DESC' });
    expect(response.body.errors).toBeUndefined();
    const page = (response.body.data as unknown as TagsData).containerRepository?.tags;
    expect(page?.nodes).toHaveLength(20);
    expect(page?.nodes[0]).toEqual({ name: 'tag-24', createdAt: expect.any(String), publishedAt: null });
    expect(page?.pageInfo).toEqual({ hasNextPage: true, endCursor: Buffer.from('20').toString('base64url') });
    const asc = await graphql(url, team.tokens.reporter, TAGS_PAGE, { id, first: 1 });
    expect((asc.body.data as unknown as TagsData).containerRepository?.tags.nodes[0]?.createdAt).toBe(
      '2020-01-01T00:00:00+00:00',
    );
  });

  it('resolves an unknown or unreadable repository to null, and rejects a malformed id', async () => {
    const { team, url } = await start();
    const unknown = await graphql(url, team.tokens.reporter, TAGS_PAGE, {
      id: 'gid://gitlab/ContainerRepository/999',
    });
    expect(unknown.body).toEqual({ data: { containerRepository: null } });
    const guest = await graphql(url, team.tokens.guest, TAGS_PAGE, {
      id: `gid://gitlab/ContainerRepository/${team.repository.id}`,
    });
    expect(guest.body).toEqual({ data: { containerRepository: null } });
    const malformed = await graphql(url, team.tokens.reporter, TAGS_PAGE, { id: '42' });
    expect(malformed.status).toBe(200);
    expect(malformed.body.errors?.[0]?.message).toContain('"42" is not a valid Global ID');
    const project = await graphql(url, team.tokens.reporter, TAGS_PAGE, { id: 'gid://gitlab/Project/1' });
    expect(project.body.errors?.[0]?.message).toContain(
      'does not represent an instance of ContainerRepository',
    );
  });
});

describe('destroyContainerRepositoryTags', () => {
  it('refuses more than 20 names with a top-level error and a null payload', async () => {
    const { team, id, url } = await start();
    const names = Array.from({ length: 21 }, (_, index) => `t${index}`);
    const response = await graphql(url, team.tokens.developer, DESTROY, { id, tags: names });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ destroyContainerRepositoryTags: null });
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        message: 'Number of tags is greater than 20',
        path: ['destroyContainerRepositoryTags'],
      }),
    ]);
  });

  it('skips protected tags silently; all protected → errors entry', async () => {
    const { team, id, url } = await start();
    for (const name of ['v1.0.0', 'feature', 'latest']) team.state.pushTag(team.repository, name);
    const stable = team.state.pushTag(team.repository, 'stable', {
      digest: team.state.findTag(team.repository, 'latest')?.digest,
    });
    team.state.addProtectionRule(team.project, {
      pattern: 'v\\d',
      minimumAccessLevelForDelete: 'maintainer',
    });
    const some = await graphql(url, team.tokens.developer, DESTROY, {
      id,
      tags: ['v1.0.0', 'feature', 'latest'],
    });
    expect(some.body.data).toEqual({
      destroyContainerRepositoryTags: { deletedTagNames: ['feature', 'latest'], errors: [] },
    });
    expect(team.state.findTag(team.repository, 'stable')?.digest).toBe(stable.digest);
    const all = await graphql(url, team.tokens.developer, DESTROY, { id, tags: ['v1.0.0'] });
    expect(all.body.data).toEqual({
      destroyContainerRepositoryTags: { deletedTagNames: [], errors: ['cannot delete protected tag(s)'] },
    });
    expect(team.state.findTag(team.repository, 'v1.0.0')).toBeDefined();
  });

  it('reports unknown names as deleted (the registry’s 404 counts as success)', async () => {
    const { team, id, url } = await start();
    const response = await graphql(url, team.tokens.developer, DESTROY, { id, tags: ['ghost'] });
    expect(response.body.data).toEqual({
      destroyContainerRepositoryTags: { deletedTagNames: ['ghost'], errors: [] },
    });
  });

  it('needs Developer and the api scope: others get the resource error', async () => {
    const { team, id, url } = await start();
    team.state.pushTag(team.repository, 'x');
    const readApi = team.state.addPersonalToken(team.users.maintainer, { scopes: ['read_api'] });
    for (const token of [team.tokens.reporter, readApi, undefined]) {
      const response = await graphql(url, token, DESTROY, { id, tags: ['x'] });
      expect(response.body.data).toEqual({ destroyContainerRepositoryTags: null });
      expect(response.body.errors?.[0]?.message).toBe(
        "The resource that you are attempting to access does not exist or you don't have permission to perform this action",
      );
    }
    expect(team.state.findTag(team.repository, 'x')).toBeDefined();
  });

  it('runs several aliased mutations in one request and records each', async () => {
    const { team, sandbox, url } = await start();
    const other = team.state.addRepository(team.project, 'api');
    team.state.pushTag(team.repository, 'a');
    team.state.pushTag(other, 'b');
    const query = `mutation {
      one: destroyContainerRepositoryTags(input: { id: "gid://gitlab/ContainerRepository/${team.repository.id}", tagNames: ["a"] }) { deletedTagNames }
      two: destroyContainerRepositoryTags(input: { id: "gid://gitlab/ContainerRepository/${other.id}", tagNames: ["b"] }) { deletedTagNames }
    }`;
    const response = await graphql(url, team.tokens.developer, query);
    expect(response.body.data).toEqual({ one: { deletedTagNames: ['a'] }, two: { deletedTagNames: ['b'] } });
    expect(sandbox.requests[0]?.graphqlFields).toEqual([
      'destroyContainerRepositoryTags',
      'destroyContainerRepositoryTags',
    ]);
  });
});

describe('limits (app/graphql/gitlab_schema.rb)', () => {
  const aliasedPages = (count: number) =>
    `query($id: ContainerRepositoryID!) {\n${Array.from(
      { length: count },
      (_, index) =>
        `  p${index}: containerRepository(id: $id) { tags(first: 20) { pageInfo { endCursor hasNextPage } nodes { name } } }`,
    ).join('\n')}\n}`;

  it('accepts 31 aliased tag pages (complexity 248) and refuses 32 (256 > 250)', async () => {
    const { team, id, url, sandbox } = await start();
    const accepted = await graphql(url, team.tokens.reporter, aliasedPages(31), { id });
    expect(accepted.body.errors).toBeUndefined();
    expect(Object.keys(accepted.body.data ?? {})).toHaveLength(31);
    const refused = await graphql(url, team.tokens.reporter, aliasedPages(32), { id });
    expect(refused).toEqual({
      status: 200,
      body: { errors: [{ message: 'Query has complexity of 256, which exceeds max complexity of 250' }] },
    });
    expect(sandbox.requests[1]?.graphqlFields).toHaveLength(32);
    expect(sandbox.requests[1]?.graphqlFields?.[0]).toBe('containerRepository.tags');
  });

  it('holds anonymous requests to 200 and sums a multiplex', async () => {
    const { team, id, url } = await start();
    team.state.addProject('acme/open', { visibility: 'public' });
    const anonymous = await graphql(url, undefined, aliasedPages(26), { id });
    expect(anonymous.body.errors?.[0]?.message).toBe(
      'Query has complexity of 208, which exceeds max complexity of 200',
    );
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${team.tokens.reporter}` },
      body: JSON.stringify([
        { query: aliasedPages(16), variables: { id } },
        { query: aliasedPages(16), variables: { id } },
      ]),
    });
    expect(await response.json()).toEqual([
      { errors: [{ message: 'Query has complexity of 256, which exceeds max complexity of 250' }] },
      { errors: [{ message: 'Query has complexity of 256, which exceeds max complexity of 250' }] },
    ]);
  });

  it('refuses a depth over 20 and a query over 10,000 characters (422)', async () => {
    const { team, url } = await start();
    let nested = 'fullPath';
    for (let level = 0; level < 7; level++)
      nested = `containerRepositories(first: 1) { nodes { project { ${nested} } } }`;
    const deep = await graphql(
      url,
      team.tokens.reporter,
      `{ project(fullPath: "acme/web-app") { ${nested} } }`,
    );
    expect(deep.body.errors?.map((error) => error.message)).toContain(
      'Query has depth of 23, which exceeds max depth of 20',
    );
    const large = await graphql(
      url,
      team.tokens.reporter,
      `{ currentUser { username } }${' '.repeat(10_000)}`,
    );
    expect(large).toEqual({ status: 422, body: { errors: [{ message: 'Query too large' }] } });
  });
});

describe('projects and groups', () => {
  it('lists repositories of a project and projects of a group', async () => {
    const { team, url } = await start();
    team.state.addRepository(team.project, 'api');
    team.state.addProject('Acme/platform/tools');
    const response = await graphql(
      url,
      team.tokens.maintainer,
      `{
        project(fullPath: "acme/web-app") {
          containerRepositoriesCount
          containerRepositories(sort: NAME_ASC) { nodes { name path location } }
        }
        group(fullPath: "acme") { projects(includeSubgroups: true) { nodes { fullPath } } }
      }`,
    );
    expect(response.body.data).toEqual({
      project: {
        containerRepositoriesCount: 2,
        containerRepositories: {
          nodes: [
            { name: '', path: 'acme/web-app', location: 'registry.example.com/acme/web-app' },
            { name: 'api', path: 'acme/web-app/api', location: 'registry.example.com/acme/web-app/api' },
          ],
        },
      },
      group: {
        projects: {
          nodes: [
            { fullPath: 'Acme/Web-App' },
            { fullPath: 'acme/other' },
            { fullPath: 'Acme/platform/tools' },
          ],
        },
      },
    });
  });
});
