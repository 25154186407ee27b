import { afterEach, describe, expect, it } from 'vitest';
import { buildTeam, graphql, pushMany, withToken } from './fixtures.ts';
import type { GitlabVersion } from './profile.ts';
import { startSandbox } from './server.ts';
import type { Sandbox, SandboxOptions } from './types.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}) {
  const team = buildTeam();
  pushMany(team.state, team.repository, 3);
  sandbox = await startSandbox({ state: team.state, ...options });
  const id = `gid://gitlab/ContainerRepository/${team.repository.id}`;
  return { team, sandbox, id };
}

const PUBLISHED = `query($id: ContainerRepositoryID!) {
  containerRepository(id: $id) { tags(first: 2) { nodes { name publishedAt } } }
}`;
const SORTED_LITERAL = `query($id: ContainerRepositoryID!) {
  containerRepository(id: $id) { tags(first: 2, sort: PUBLISHED_AT_DESC) { nodes { name } } }
}`;
const SORTED_VARIABLE = `query($id: ContainerRepositoryID!, $sort: ContainerRepositoryTagSort) {
  containerRepository(id: $id) { tags(first: 2, sort: $sort) { nodes { name } } }
}`;
const INTROSPECTION = `{
  tag: __type(name: "ContainerRepositoryTag") { fields { name } }
  sort: __type(name: "ContainerRepositoryTagSort") { enumValues { name } }
}`;

describe('GraphQL per GitLab version', () => {
  it('16.5 has no publishedAt: the whole query fails validation, in graphql-ruby words', async () => {
    const { team, sandbox, id } = await start({ gitlab: '16.5' });
    const response = await graphql(sandbox.graphqlUrl, team.tokens.reporter, PUBLISHED, { id });
    expect(response.status).toBe(200);
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        message: "Field 'publishedAt' doesn't exist on type 'ContainerRepositoryTag'",
        extensions: { code: 'undefinedField', typeName: 'ContainerRepositoryTag', fieldName: 'publishedAt' },
      }),
    ]);
  });

  it('16.5 knows only NAME_* sorts, as a literal and as a variable', async () => {
    const { team, sandbox, id } = await start({ gitlab: '16.5' });
    const literal = await graphql(sandbox.graphqlUrl, team.tokens.reporter, SORTED_LITERAL, { id });
    expect(literal.body.data).toBeUndefined();
    expect(literal.body.errors?.map((error) => error.message)).toEqual([
      "Argument 'sort' on Field 'tags' has an invalid value (PUBLISHED_AT_DESC). Expected type 'ContainerRepositoryTagSort'.",
    ]);
    const variable = await graphql(sandbox.graphqlUrl, team.tokens.reporter, SORTED_VARIABLE, {
      id,
      sort: 'PUBLISHED_AT_DESC',
    });
    expect(variable.body.data).toBeUndefined();
    expect(variable.body.errors).toEqual([
      expect.objectContaining({
        message: 'Variable $sort of type ContainerRepositoryTagSort was provided invalid value',
        extensions: {
          value: 'PUBLISHED_AT_DESC',
          problems: [
            { path: [], explanation: 'Expected "PUBLISHED_AT_DESC" to be one of: NAME_ASC, NAME_DESC' },
          ],
        },
      }),
    ]);
  });

  it('17.3 answers publishedAt and sorts by it', async () => {
    const { team, sandbox, id } = await start({ gitlab: '17.3' });
    const published = await graphql(sandbox.graphqlUrl, team.tokens.reporter, PUBLISHED, { id });
    expect(published.body.errors).toBeUndefined();
    const sorted = await graphql(sandbox.graphqlUrl, team.tokens.reporter, SORTED_VARIABLE, {
      id,
      sort: 'PUBLISHED_AT_DESC',
    });
    const nodes = (sorted.body.data as { containerRepository: { tags: { nodes: { name: string }[] } } })
      .containerRepository.tags.nodes;
    expect(nodes.map((node) => node.name)).toEqual(['tag-2', 'tag-1']);
  });

  it.each([
    ['16.5', false, ['NAME_ASC', 'NAME_DESC']],
    ['17.3', true, ['NAME_ASC', 'NAME_DESC', 'PUBLISHED_AT_ASC', 'PUBLISHED_AT_DESC']],
    ['18.6', true, ['NAME_ASC', 'NAME_DESC', 'PUBLISHED_AT_ASC', 'PUBLISHED_AT_DESC']],
  ] as const)('introspection on %s tells what the schema has', async (version, hasPublishedAt, sorts) => {
    const { team, sandbox } = await start({ gitlab: version as GitlabVersion });
    const response = await graphql(sandbox.graphqlUrl, team.tokens.reporter, INTROSPECTION);
    const data = response.body.data as {
      tag: { fields: { name: string }[] };
      sort: { enumValues: { name: string }[] };
    };
    expect(data.tag.fields.some((field) => field.name === 'publishedAt')).toBe(hasPublishedAt);
    expect(data.sort.enumValues.map((value) => value.name)).toEqual(sorts);
  });
});

describe('rate-limit headers per GitLab version', () => {
  const tagsOf = (sandbox: Sandbox, team: ReturnType<typeof buildTeam>) =>
    `${sandbox.apiUrl}/projects/${team.project.id}/registry/repositories/${team.repository.id}/tags`;

  it('before 18.6 only a 429 carries RateLimit-* and Retry-After (an hour-long window here)', async () => {
    const { team, sandbox } = await start({
      gitlab: '17.3',
      rateLimit: { requests: 1, periodSeconds: 3600 },
    });
    const ok = await fetch(tagsOf(sandbox, team), withToken(team.tokens.reporter));
    expect(ok.status).toBe(200);
    expect(ok.headers.has('ratelimit-remaining')).toBe(false);
    const throttled = await fetch(tagsOf(sandbox, team), withToken(team.tokens.reporter));
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('ratelimit-name')).toBe('throttle_authenticated_api');
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
  });

  it('18.6 sends them on every answer; the option overrides the profile', async () => {
    const always = await start({ rateLimit: { requests: 5, periodSeconds: 60 } });
    const response = await fetch(tagsOf(always.sandbox, always.team), withToken(always.team.tokens.reporter));
    expect(response.headers.get('ratelimit-remaining')).toBe('4');
    expect(response.headers.has('retry-after')).toBe(false);
    await always.sandbox.close();
    const quiet = await start({
      rateLimit: { requests: 5, periodSeconds: 60 },
      rateLimitHeaders: 'throttled',
    });
    const silent = await fetch(tagsOf(quiet.sandbox, quiet.team), withToken(quiet.team.tokens.reporter));
    expect(silent.headers.has('ratelimit-remaining')).toBe(false);
  });
});

describe('registry kind', () => {
  it("keeps the old registryMode option: 'legacy' refuses keyset pages like registry: 'legacy'", async () => {
    for (const options of [{ registryMode: 'legacy' }, { registry: 'legacy' }] as const) {
      const { team, sandbox } = await start(options);
      const url = `${sandbox.apiUrl}/projects/${team.project.id}/registry/repositories/${team.repository.id}/tags?pagination=keyset`;
      expect((await fetch(url, withToken(team.tokens.reporter))).status).toBe(405);
      await sandbox.close();
    }
  });
});
