import { afterEach, describe, expect, it } from 'vitest';
import { buildTeam, graphql, pushMany, withToken } from './fixtures.ts';
import { startSandbox } from './server.ts';
import type { Sandbox, SandboxOptions } from './types.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}) {
  const team = buildTeam();
  pushMany(team.state, team.repository, 30);
  sandbox = await startSandbox({ state: team.state, ...options });
  const repositories = `${sandbox.apiUrl}/projects/${team.project.id}/registry/repositories`;
  const tags = `${repositories}/${team.repository.id}/tags`;
  const get = (url: string, token = team.tokens.maintainer) => fetch(url, withToken(token));
  const id = `gid://gitlab/ContainerRepository/${team.repository.id}`;
  return { team, sandbox, repositories, tags, get, id };
}

const TAGS = `query($id: ContainerRepositoryID!) {
  containerRepository(id: $id) { tagsCount tags(first: 20) { nodes { name } pageInfo { hasNextPage } } }
}`;
const DESTROY = `mutation($id: ContainerRepositoryID!, $tags: [String!]!) {
  destroyContainerRepositoryTags(input: { id: $id, tagNames: $tags }) { deletedTagNames errors }
}`;

describe('registry errors are swallowed by Rails', () => {
  it('a failing /gitlab/v1/ API lists nothing, while tags_count (from /v2/) tells the truth', async () => {
    const { team, sandbox, repositories, tags, get, id } = await start();
    team.state.breakRegistry(team.repository);

    const offset = await get(`${tags}?per_page=10`);
    expect(offset.status).toBe(200);
    expect(await offset.json()).toEqual([]);
    expect(offset.headers.get('x-next-page')).toBe('');
    expect(offset.headers.get('x-total')).toBe('0');
    expect(offset.headers.get('link')).not.toContain('rel="next"');

    const keyset = await get(`${tags}?pagination=keyset&per_page=10`);
    expect(await keyset.json()).toEqual([]);
    expect(keyset.headers.has('link')).toBe(false);

    const listed = (await (await get(`${repositories}?tags_count=true`)).json()) as { tags_count: number }[];
    expect(listed[0]?.tags_count).toBe(30);
    const single = (await (
      await get(`${sandbox.apiUrl}/registry/repositories/${team.repository.id}?tags_count=true`)
    ).json()) as {
      tags_count: number;
    };
    expect(single.tags_count).toBe(30);

    const page = await graphql(sandbox.graphqlUrl, team.tokens.maintainer, TAGS, { id });
    expect(page.body.data).toEqual({
      containerRepository: { tagsCount: 30, tags: { nodes: [], pageInfo: { hasNextPage: false } } },
    });

    // The single-tag lookup goes through the same API: the tag "is not there".
    expect((await get(`${tags}/tag-05`)).status).toBe(404);
    expect(
      (await fetch(`${tags}/tag-05`, { method: 'DELETE', ...withToken(team.tokens.developer) })).status,
    ).toBe(403);
    expect(team.state.findTag(team.repository, 'tag-05')).toBeDefined();
  });

  it('a registry failing everything also counts 0 and cannot delete', async () => {
    const { team, sandbox, repositories, tags, get, id } = await start();
    const repair = team.state.breakRegistry(team.repository, 'all');
    const listed = (await (await get(`${repositories}?tags_count=true`)).json()) as { tags_count: number }[];
    expect(listed[0]?.tags_count).toBe(0);
    const destroyed = await graphql(sandbox.graphqlUrl, team.tokens.developer, DESTROY, {
      id,
      tags: ['tag-01', 'tag-02'],
    });
    expect(destroyed.body.data).toEqual({
      destroyContainerRepositoryTags: {
        deletedTagNames: [],
        errors: ['could not delete tags: tag-01, tag-02'],
      },
    });
    expect(team.state.findTag(team.repository, 'tag-01')).toBeDefined();

    repair();
    expect(((await (await get(`${tags}?per_page=100`)).json()) as unknown[]).length).toBe(30);
  });

  it('a registry down everywhere makes Rails take a metadata registry for a legacy one', async () => {
    const { team, tags, get } = await start();
    team.state.breakRegistry('all', 'all');
    expect((await get(`${tags}?pagination=keyset`)).status).toBe(405);
    expect(await (await get(tags)).json()).toEqual([]);
  });

  it('only the broken repository is affected', async () => {
    const { team, tags, get } = await start();
    const other = team.state.addRepository(team.project, 'api');
    team.state.pushTag(other, 'v1');
    team.state.breakRegistry(other);
    expect(((await (await get(`${tags}?per_page=100`)).json()) as unknown[]).length).toBe(30);
  });
});

describe('deleting tags takes time inside the request', () => {
  it('fields starting after graphql_timeout come back null with "Timeout on <Type>.<field>"', async () => {
    const { team, sandbox } = await start({ registryDeleteLatencyMs: 150, graphqlTimeoutMs: 400 });
    const repository = `gid://gitlab/ContainerRepository/${team.repository.id}`;
    const query = `mutation {
      first: destroyContainerRepositoryTags(input: { id: "${repository}", tagNames: ["tag-01", "tag-02", "tag-03"] }) { deletedTagNames errors }
      second: destroyContainerRepositoryTags(input: { id: "${repository}", tagNames: ["tag-04"] }) { deletedTagNames errors }
    }`;
    const response = await graphql(sandbox.graphqlUrl, team.tokens.developer, query);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ first: null, second: null });
    expect(response.body.errors?.map((error) => [error.message, error.path])).toEqual([
      // The running resolver finished its deletes; its payload fields started too late.
      ['Timeout on DestroyContainerRepositoryTagsPayload.deletedTagNames', ['first', 'deletedTagNames']],
      ['Timeout on Mutation.destroyContainerRepositoryTags', ['second']],
    ]);
    for (const name of ['tag-01', 'tag-02', 'tag-03'])
      expect(team.state.findTag(team.repository, name)).toBeUndefined();
    expect(team.state.findTag(team.repository, 'tag-04')).toBeDefined();
  });
});
