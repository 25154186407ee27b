import { GraphQLError } from 'graphql';
import { canOnProject, protectedTagMatcher } from '../access.ts';
import type { Repository } from '../model.ts';
import { type GraphqlContext, resourceNotAvailable } from './context.ts';
import { repositoryObject } from './objects.ts';

/** Mutations::ContainerRepositories::DestroyTags::LIMIT */
const TAG_NAMES_LIMIT = 20;

interface DestroyTagsInput {
  clientMutationId?: string | null;
  id: number;
  tagNames: string[];
}

/**
 * destroyContainerRepositoryTags (app/graphql/mutations/container_repositories/destroy_tags.rb).
 * Order as in GitLab: the `tagNames` prepare hook (> 20 → error), BaseMutation's `api` scope check,
 * `authorized_find!` (Developer+), then Gitlab::DeleteTagsService: protected tags are skipped (all
 * protected → an `errors` entry), then one registry DELETE per name, one after the other, inside
 * the request. A name the registry does not know counts as deleted (its 404 is success in
 * `delete_if_exists`); when no delete succeeded the answer is "could not delete tags: …".
 */
export async function destroyContainerRepositoryTags(context: GraphqlContext, input: DestroyTagsInput) {
  if (input.tagNames.length > TAG_NAMES_LIMIT) {
    throw new GraphQLError(`Number of tags is greater than ${TAG_NAMES_LIMIT}`);
  }
  const repository = authorizedRepository(context, input.id);
  const payload = (deleted: string[], errors: string[]) => ({
    clientMutationId: input.clientMutationId ?? null,
    deletedTagNames: deleted,
    errors,
  });
  if (input.tagNames.length === 0) return payload([], ['not tags specified']);

  let names = input.tagNames;
  // Only Gitlab::DeleteTagsService (metadata registry) filters protected tags; the third-party one does not.
  if (context.registry.kind === 'metadata') {
    const isProtected = protectedTagMatcher(context.state, context.user, repository.project);
    names = names.filter((name) => !isProtected(name));
    if (names.length === 0) return payload([], ['cannot delete protected tag(s)']);
  }
  const deleted: string[] = [];
  for (const name of names) {
    if (await context.registry.deleteTag(repository, name)) deleted.push(name);
  }
  if (deleted.length === 0)
    return payload([], [truncate(`could not delete tags: ${names.join(', ')}`, 1000)]);
  return payload(deleted, []);
}

/** ActiveSupport's String#truncate: at most `length` characters, ending in "..." when cut. */
function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 3)}...`;
}

/** destroyContainerRepository: Developer+ (REST needs Maintainer); marks it delete_scheduled. */
export function destroyContainerRepository(
  context: GraphqlContext,
  input: { clientMutationId?: string | null; id: number },
) {
  const repository = authorizedRepository(context, input.id);
  const isProtected = protectedTagMatcher(context.state, context.user, repository.project);
  // ContainerRepositoryPolicy prevents it while a protection rule covers some of its tags.
  for (const tag of context.state.tagStore(repository).names()) {
    if (isProtected(tag)) throw resourceNotAvailable();
  }
  repository.status = 'delete_scheduled';
  return {
    clientMutationId: input.clientMutationId ?? null,
    containerRepository: repositoryObject(context, repository),
    errors: [],
  };
}

/** BaseMutation.authorized? (the `api` scope) then `authorized_find!` with :destroy_container_image. */
function authorizedRepository(context: GraphqlContext, id: number): Repository {
  if (!context.user || !context.scopes.includes('api')) throw resourceNotAvailable();
  const repository = context.state.findRepository(id);
  if (
    !repository ||
    !canOnProject(context.state, context.user, 'destroy_container_image', repository.project)
  ) {
    throw resourceNotAvailable();
  }
  return repository;
}
