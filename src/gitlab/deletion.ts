// Deleting many tags of one repository with GraphQL: destroyContainerRepositoryTags takes up to 20
// names (app/graphql/mutations/container_repositories/destroy_tags.rb), and one request carries
// several aliased mutations. GitLab deletes the names one at a time, calling its registry for each,
// inside the request, and stops a GraphQL request at 30 s (graphql_timeout): a mutation still
// running then completes, the later ones do not start, and each comes back null with an error
// "Timeout on <Type>.<field>". How many names go in one request is the executor's choice.

import type { Repository } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { graphql, repositoryGid } from './graphql.ts';

export const NAMES_PER_MUTATION = 20;
/** The complexity of 5 mutations (about 15) is far below GitLab's limit of 250. */
export const MUTATIONS_PER_REQUEST = 5;
export const MAX_NAMES_PER_REQUEST = NAMES_PER_MUTATION * MUTATIONS_PER_REQUEST;

/** What GitLab said about one mutation's names. */
export interface BatchAnswer {
  names: string[];
  /** names GitLab reports deleted (it also reports names it never had: the registry's 404 counts) */
  deleted: string[];
  errors: string[];
  /** GitLab's request timeout cut the mutation short or kept it from starting: some may be deleted */
  timedOut: boolean;
}

const TIMEOUT = /^Timeout on /;

/** One request deleting `names` (at most MAX_NAMES_PER_REQUEST), and what GitLab said to each mutation. */
export async function destroyTagsRequest(
  api: GitLabApi,
  repository: Repository,
  names: readonly string[],
): Promise<BatchAnswer[]> {
  if (names.length > MAX_NAMES_PER_REQUEST) throw new Error(`bug: ${names.length} names in one request`);
  const batches: string[][] = [];
  for (let i = 0; i < names.length; i += NAMES_PER_MUTATION)
    batches.push(names.slice(i, i + NAMES_PER_MUTATION));
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
  const answer = await graphql<
    Record<string, { deletedTagNames?: string[] | null; errors?: string[] } | null>
  >(api, query, variables, 'graphqlDestroyTags', `delete tags in ${repository.path}`);
  return batches.map((names, i) => {
    const payload = answer.data?.[`d${i}`];
    const aliasErrors = answer.errors
      .filter((error) => error.path?.[0] === `d${i}`)
      .map((error) => error.message);
    return {
      names,
      deleted: payload?.deletedTagNames ?? [],
      errors: [...(payload?.errors ?? []), ...aliasErrors],
      timedOut: aliasErrors.some((message) => TIMEOUT.test(message)),
    };
  });
}
