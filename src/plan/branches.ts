// --stale-branches: which tag names belong to a live branch. Review images are tagged with
// $CI_COMMIT_REF_SLUG, so a tag is a branch's when it is that branch's slug. Pure.

import type { BranchContext } from './rules.ts';
import { refSlug } from './slug.ts';

/**
 * @param liveBranches the project's branches, then the source branches of its open merge requests;
 *   when two share a slug, the first is the one named in reasons
 */
export function branchContext(
  liveBranches: readonly string[],
  defaultBranch: string | undefined,
): BranchContext {
  const liveSlugs = new Map<string, string>();
  for (const branch of liveBranches) {
    const slug = refSlug(branch);
    if (!liveSlugs.has(slug)) liveSlugs.set(slug, branch);
  }
  return { liveSlugs, ...(defaultBranch ? { defaultBranchSlug: refSlug(defaultBranch) } : {}) };
}
