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
 * destroyContainerRepositoryTags (gitlab-api.md §6.5). Order as in GitLab: the `tagNames` prepare
 * hook (> 20 → error), BaseMutation's `api` scope check, `authorized_find!` (Developer+), then
 * DeleteTagsService: protected tags are skipped (all protected → an `errors` entry), and a name the
 * registry does not know counts as deleted (its 404 is success in `delete_if_exists`).
 */
export function destroyContainerRepositoryTags(context: GraphqlContext, input: DestroyTagsInput) {
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
  // Only Gitlab::DeleteTagsService (API registry) filters protected tags; the third-party one does not.
  if (context.config.registryMode === 'api') {
    const isProtected = protectedTagMatcher(context.state, context.user, repository.project);
    names = names.filter((name) => !isProtected(name));
    if (names.length === 0) return payload([], ['cannot delete protected tag(s)']);
  }
  for (const name of names) context.state.deleteTag(repository, name);
  return payload(names, []);
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
