// Deleting many tags of one repository with GraphQL: destroyContainerRepositoryTags takes up to 20
// names, and one request carries several aliased mutations. GitLab deletes each tag with one call
// to its registry inside the request, so a request is kept to 100 tags, far from the 30 s GraphQL
// timeout; the complexity of 5 mutations (about 15) is far below the limit of 250.

import type { Repository } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { graphql, repositoryGid } from './graphql.ts';

/** app/graphql/mutations/container_repositories/destroy_tags.rb: LIMIT = 20 names per mutation. */
export const NAMES_PER_MUTATION = 20;
export const MUTATIONS_PER_REQUEST = 5;

/** What GitLab said about one batch of names. */
export interface BatchAnswer {
  names: string[];
  /** names GitLab reports deleted (it also reports names it never had: the registry's 404 counts) */
  deleted: string[];
  errors: string[];
}

/** Deletes `names`, one request of up to 100 at a time, yielding what GitLab said to each. */
export async function* destroyTags(
  api: GitLabApi,
  repository: Repository,
  names: readonly string[],
): AsyncGenerator<BatchAnswer[]> {
  const batches: string[][] = [];
  for (let i = 0; i < names.length; i += NAMES_PER_MUTATION)
    batches.push(names.slice(i, i + NAMES_PER_MUTATION));
  for (let i = 0; i < batches.length; i += MUTATIONS_PER_REQUEST) {
    yield await destroyBatches(api, repository, batches.slice(i, i + MUTATIONS_PER_REQUEST));
  }
}

async function destroyBatches(
  api: GitLabApi,
  repository: Repository,
  batches: string[][],
): Promise<BatchAnswer[]> {
  const declarations = batches.map((_, i) => `$tags${i}: [String!]!`).join(', ');
  const fields = batches
    .map(
      (_, i) =>
        `d${i}: destroyContainerRepositoryTags(input: {id: $id, tagNames: $tags${i}}) { deletedTagNames errors }`,
    )
    .join('\n  ');
  const query = `mutation($id: ContainerRepositoryID!, ${declarations}) {\n  ${fields}\n}`;
  const variables: Record<string, unknown> = { id: repositoryGid(repository.id) };
  batches.forEach((batch, i) => {
    variables[`tags${i}`] = batch;
  });
  const answer = await graphql<Record<string, { deletedTagNames?: string[]; errors?: string[] } | null>>(
    api,
    query,
    variables,
    'graphqlDestroyTags',
    `delete tags in ${repository.path}`,
  );
  return batches.map((names, i) => {
    const payload = answer.data?.[`d${i}`];
    const aliasErrors = answer.errors
      .filter((error) => error.path?.[0] === `d${i}`)
      .map((error) => error.message);
    return {
      names,
      deleted: payload?.deletedTagNames ?? [],
      errors: [...(payload?.errors ?? []), ...aliasErrors],
    };
  });
}
