// delete-tag's plan: which (repository, tag) pairs to delete. Pure.

import type { Repository } from '../model.ts';
import type { RepositoryGlob } from './glob.ts';

/** Which of the project's repositories delete-tag works on. */
export type RepositorySelection = { kind: 'all' } | { kind: 'globs'; globs: RepositoryGlob[] };

export interface DeleteTarget {
  repository: Repository;
  tag: string;
}

export interface TargetSelection {
  targets: DeleteTarget[];
  /** repositories the selection matched, in GitLab's order */
  repositories: Repository[];
  /** globs that matched no repository (worth a note: a typo, or an image never pushed) */
  unmatchedGlobs: string[];
}

export function selectDeleteTargets(
  repositories: readonly Repository[],
  selection: RepositorySelection,
  tags: readonly string[],
): TargetSelection {
  let chosen: Repository[];
  const unmatchedGlobs: string[] = [];
  if (selection.kind === 'all') {
    chosen = [...repositories];
  } else {
    chosen = repositories.filter((repository) => selection.globs.some((glob) => glob.test(repository.name)));
    for (const glob of selection.globs) {
      if (!repositories.some((repository) => glob.test(repository.name))) unmatchedGlobs.push(glob.pattern);
    }
  }
  const targets = chosen.flatMap((repository) => tags.map((tag) => ({ repository, tag })));
  return { targets, repositories: chosen, unmatchedGlobs };
}
