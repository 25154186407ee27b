// delete-tag's plan: which (repository, tag) pairs to delete. Pure.

import type { DeleteTagPlan, DeleteTarget, KeptTarget, Repository } from '../model.ts';
import { type DeployedTags, describeDeployed } from './deployed.ts';
import type { RepositoryGlob } from './glob.ts';

/** Which of the project's repositories delete-tag works on. */
export type RepositorySelection = { kind: 'all' } | { kind: 'globs'; globs: RepositoryGlob[] };

/**
 * Every selected repository × every tag asked for. `absent` holds the pairs a dry run found not
 * listed (a real run does not read first: GitLab's answer to the DELETE tells, see execute/).
 * `deployed` holds the tags other available environments run: those pairs are kept, with the
 * environment that runs them.
 */
export function planDeleteTag(
  repositories: readonly Repository[],
  selection: RepositorySelection,
  tags: readonly string[],
  absent: readonly DeleteTarget[] = [],
  deployed: DeployedTags = new Map(),
): DeleteTagPlan {
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
  const gone = new Set(absent.map(targetKey));
  const candidates = chosen.flatMap((repository) => tags.map((tag) => ({ repository, tag })));
  const kept: KeptTarget[] = [];
  const open: DeleteTarget[] = [];
  for (const candidate of candidates) {
    const deployment = deployed.get(candidate.tag);
    if (deployment) {
      kept.push({ ...candidate, environment: deployment.environment, because: describeDeployed(deployment) });
    } else {
      open.push(candidate);
    }
  }
  return {
    tags,
    repositories: chosen,
    targets: open.filter((target) => !gone.has(targetKey(target))),
    absent: open.filter((target) => gone.has(targetKey(target))),
    kept,
    unmatchedGlobs,
  };
}

function targetKey(target: DeleteTarget): string {
  return `${target.repository.id}:${target.tag}`;
}
