// Which repositories a policy covers: its globs, this job's shard, and not those GitLab is
// already deleting. Pure.

import type { Repository } from '../model.ts';
import type { RepositoryGlob } from './glob.ts';
import { inShard, type Shard } from './shard.ts';

const BEING_DELETED = new Set(['delete_scheduled', 'delete_ongoing']);

export function selectRepositories(
  repositories: readonly Repository[],
  globs: readonly RepositoryGlob[] | undefined,
  shard: Shard | undefined,
): Repository[] {
  const seen = new Set<number>();
  return repositories
    .filter((repository) => {
      if (seen.has(repository.id)) return false;
      seen.add(repository.id);
      if (repository.status && BEING_DELETED.has(repository.status)) return false;
      if (globs && !globs.some((glob) => glob.test(repository.name))) return false;
      return shard ? inShard(repository.id, shard) : true;
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The project's full path (lower-cased, as in registry paths): the repository path minus its name. */
export function projectPathOf(repository: Repository): string {
  return repository.name === '' ? repository.path : repository.path.slice(0, -(repository.name.length + 1));
}
