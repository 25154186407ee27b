import { canOnProject } from '../access.ts';
import type { GraphqlContext } from './context.ts';
import { globalId } from './ids.ts';
import { destroyContainerRepository, destroyContainerRepositoryTags } from './mutations.ts';
import { repositoryObject, visibleGroup, visibleProject } from './objects.ts';

/** Root value for queries and mutations (their field names do not overlap). */
export function rootValue(context: GraphqlContext): Record<string, unknown> {
  const { state, user } = context;
  return {
    containerRepository: ({ id }: { id: number }) => {
      const repository = state.findRepository(id);
      if (!repository || !canOnProject(state, user, 'read_container_image', repository.project)) return null;
      return repositoryObject(context, repository);
    },
    project: ({ fullPath }: { fullPath: string }) => visibleProject(context, fullPath),
    group: ({ fullPath }: { fullPath: string }) => visibleGroup(context, fullPath),
    currentUser: () => (user ? { id: globalId('User', user.id), username: user.username } : null),
    destroyContainerRepositoryTags: ({
      input,
    }: {
      input: Parameters<typeof destroyContainerRepositoryTags>[1];
    }) => destroyContainerRepositoryTags(context, input),
    destroyContainerRepository: ({ input }: { input: Parameters<typeof destroyContainerRepository>[1] }) =>
      destroyContainerRepository(context, input),
  };
}
