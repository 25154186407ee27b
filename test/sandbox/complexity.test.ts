import { type FragmentDefinitionNode, getOperationAST, Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { analyzeOperation, topLevelFields } from './graphql/analysis.ts';
import { gitlabSchema } from './graphql/schema.ts';

function analyze(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('no operation');
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return {
    ...analyzeOperation(gitlabSchema(), operation, fragments, variables),
    fields: topLevelFields(operation, fragments),
  };
}

const REPOSITORY = 'containerRepository(id: "gid://gitlab/ContainerRepository/1")';

// Expected values worked out by hand from Types::BaseField#complexity_for and BaseResolver.
describe('GitLab query complexity', () => {
  it('a plain field costs 1 plus its children', () => {
    expect(analyze(`{ ${REPOSITORY} { name path tagsCount } }`)).toMatchObject({ complexity: 4, depth: 2 });
  });

  it('a resolver connection costs children + 1 (+1 sort), grown by min(first, 20) %', () => {
    // tags: children pageInfo(1+2) + nodes(1+1) = 5; +1 resolver = 6; 6 + 6 × 0.20 = 7.2 → 7; +1 parent.
    expect(
      analyze(`{ ${REPOSITORY} { tags(first: 20) { pageInfo { endCursor hasNextPage } nodes { name } } } }`)
        .complexity,
    ).toBe(8);
    // first: 100 is clamped to max_page_size 20 for the multiplier.
    expect(
      analyze(`{ ${REPOSITORY} { tags(first: 100) { pageInfo { endCursor hasNextPage } nodes { name } } } }`)
        .complexity,
    ).toBe(8);
    // first: 5 → 6 + 6 × 0.05 = 6.3 → 6; sort adds 1 → 7 + 7 × 0.05 = 7.35 → 7.
    expect(
      analyze(`{ ${REPOSITORY} { tags(first: 5) { pageInfo { endCursor hasNextPage } nodes { name } } } }`)
        .complexity,
    ).toBe(7);
    expect(
      analyze(
        `{ ${REPOSITORY} { tags(first: 5, sort: NAME_DESC) { pageInfo { endCursor hasNextPage } nodes { name } } } }`,
      ).complexity,
    ).toBe(8);
  });

  it('counts a full tag node: 9 leaf/object fields inside nodes', () => {
    const nodes =
      'nodes { name digest createdAt publishedAt totalSize protection { minimumAccessLevelForDelete } userPermissions { destroyContainerRepositoryTag } }';
    // nodes 1+9 = 10, pageInfo 3 → 13; +1 +1 (sort) = 15; 15 × 1.2 = 18; parent +1.
    expect(
      analyze(
        `{ ${REPOSITORY} { tags(first: 20, sort: PUBLISHED_AT_DESC) { pageInfo { endCursor hasNextPage } ${nodes} } } }`,
      ).complexity,
    ).toBe(19);
  });

  it('merges selections with the same response key and counts aliases separately', () => {
    const single = analyze(`{ ${REPOSITORY} { name } }`).complexity;
    expect(analyze(`{ ${REPOSITORY} { name } ${REPOSITORY} { name } }`).complexity).toBe(single);
    expect(analyze(`{ a: ${REPOSITORY} { name } b: ${REPOSITORY} { name } }`).complexity).toBe(2 * single);
  });

  it('resolves fragments and variables, and skips @skip(if: true)', () => {
    const query = `query($first: Int, $skip: Boolean!) {
      ${REPOSITORY} { ...Page name @skip(if: $skip) }
    }
    fragment Page on ContainerRepositoryDetails { tags(first: $first) { nodes { name } } }`;
    // tags: nodes 2 + 1 = 3; 3 + 3 × 0.1 = 3.3 → 3.
    expect(analyze(query, { first: 10, skip: true }).complexity).toBe(4);
    expect(analyze(query, { first: 10, skip: false }).complexity).toBe(5);
  });

  it('costs mutations 1 plus their payload: 20 aliased deletions cost 60', () => {
    const mutation = `mutation { ${Array.from(
      { length: 20 },
      (_, index) =>
        `m${index}: destroyContainerRepositoryTags(input: { id: "gid://gitlab/ContainerRepository/1", tagNames: ["t${index}"] }) { deletedTagNames errors }`,
    ).join(' ')} }`;
    const result = analyze(mutation);
    expect(result.complexity).toBe(60);
    expect(result.fields).toEqual(Array(20).fill('destroyContainerRepositoryTags'));
  });

  it('adds 10 for group projects and grows repository lists by their page size', () => {
    // projects: nodes 2 + 1 + 10 = 13; × 1.5 = 19.5 → 19; group resolver +1.
    expect(
      analyze(
        '{ group(fullPath: "acme") { projects(includeSubgroups: true, first: 50) { nodes { fullPath } } } }',
      ).complexity,
    ).toBe(20);
    // containerRepositories always has a sort (default CREATED_DESC): nodes 2 + 2 = 4; no first → ×2 = 8; project +1.
    const repositories = analyze('{ project(fullPath: "a/b") { containerRepositories { nodes { name } } } }');
    expect(repositories.complexity).toBe(9);
    expect(repositories.fields).toEqual(['project.containerRepositories']);
  });
});
