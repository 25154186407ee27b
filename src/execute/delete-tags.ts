// Deletes exactly the targets it is given, with bounded concurrency, and records what happened to
// each. GitLab answers a tag that is already gone with 403 (newest), 404 (older) or 200 (legacy
// registries), so refusals are settled against the tag list before anything is called "absent".

import { mapConcurrent } from '../concurrency.ts';
import { AuthError, endsRun, RegistryCleanerError } from '../errors.ts';
import { explain } from '../explain.ts';
import type { GitLabApi } from '../gitlab/api.ts';
import { destroyTagsRequest } from '../gitlab/deletion.ts';
import { namesHidingTag, REST_LOOKUP_NAMES } from '../gitlab/rest-tags.ts';
import { type DeleteAnswer, deleteTag, isTagListed } from '../gitlab/tags.ts';
import { ALREADY_GONE, type DeleteTarget, type Execution, type TagResult } from '../model.ts';

export const PROTECTED_REASON =
  "protected by a tag protection rule above this token's role (GitLab: cannot delete protected tag(s))";

export async function executeDeletes(
  api: GitLabApi,
  targets: readonly DeleteTarget[],
  concurrency: number,
): Promise<Execution> {
  let stoppedBy: Error | undefined;
  // Once the role is known to be too low, the others cannot succeed either: two requests each
  // (DELETE and the listing that confirms it) for nothing.
  let refusedRole: string | undefined;
  const results = await mapConcurrent(targets, concurrency, async (target): Promise<TagResult> => {
    if (stoppedBy) return { ...base(target), outcome: 'failed', reason: `not tried: ${explain(stoppedBy)}` };
    if (refusedRole) return { ...base(target), outcome: 'forbidden', reason: `not tried: ${refusedRole}` };
    try {
      const result = { ...base(target), ...(await deleteOne(api, target)) };
      if (result.outcome === 'forbidden') refusedRole ??= result.reason;
      return result;
    } catch (error) {
      if (!(error instanceof RegistryCleanerError)) throw error;
      // Credentials refused or GitLab gone: every other target would fail the same way.
      if (endsRun(error)) stoppedBy ??= error;
      // Anything else (an unexpected answer about this one tag) fails this tag only.
      return {
        ...base(target),
        outcome: error instanceof AuthError ? 'forbidden' : 'failed',
        reason: explain(error),
      };
    }
  });
  return stoppedBy ? { results, stoppedBy } : { results };
}

function base(target: DeleteTarget): Pick<TagResult, 'repository' | 'tag'> {
  return { repository: target.repository, tag: target.tag };
}

async function deleteOne(api: GitLabApi, target: DeleteTarget): Promise<Settled> {
  const answer = await deleteTag(api, target.repository, target.tag);
  const settled = await interpret(answer, () => isTagListed(api, target.repository, target.tag));
  if (answer.kind !== 'refused' || settled.outcome !== 'forbidden') return settled;
  return settleRefusal(api, target, settled);
}

type Settled = Omit<TagResult, 'repository' | 'tag'>;

/**
 * A 403 for a tag GitLab lists is not always the role: GitLab's REST lookup of one tag sees only
 * the first 100 names containing it (`main` behind a hundred `<sha>-main`). GraphQL deletes by the
 * exact name, so a token it accepts settles it either way (deleted, or the role refused again). A
 * job token cannot: it is told which it is.
 */
async function settleRefusal(api: GitLabApi, target: DeleteTarget, refused: Settled): Promise<Settled> {
  const { repository, tag } = target;
  if (api.credential.kind !== 'job') {
    try {
      const [answer] = await destroyTagsRequest(api, repository, [tag]);
      return answer?.deleted.includes(tag) ? { outcome: 'deleted', status: 200 } : refused;
    } catch (error) {
      if (error instanceof AuthError) return refused;
      throw error;
    }
  }
  const hiddenBehind = await namesHidingTag(api, repository, tag);
  if (hiddenBehind === undefined) return refused;
  return {
    outcome: 'failed',
    status: 403,
    reason: `GitLab answers 403 for a tag it lists: its REST API looks a tag up among the first ${REST_LOOKUP_NAMES} names containing it, and ${hiddenBehind} names containing "${tag}" sort before it (GitLab's limit, not the role); delete it with a personal, project or group access token, which deletes by exact name`,
  };
}

/** Exported for tests: what a DELETE answer means, asking the tag list when the answer is ambiguous. */
export async function interpret(
  answer: DeleteAnswer,
  isListed: () => Promise<boolean>,
): Promise<Omit<TagResult, 'repository' | 'tag'>> {
  switch (answer.kind) {
    case 'deleted':
      return { outcome: 'deleted', status: answer.status };
    case 'protected':
      return {
        outcome: 'protected',
        status: answer.status,
        reason: PROTECTED_REASON,
      };
    case 'refused':
      // Newest GitLab authorises against the tag object, which is nil for a missing tag: 403.
      if (!(await isListed())) return { outcome: 'absent', status: answer.status, reason: ALREADY_GONE };
      return {
        outcome: 'forbidden',
        status: answer.status,
        reason:
          "the token's user may not delete tags here: it needs the Developer role (GitLab: 403 Forbidden)",
      };
    case 'not-found':
      if (!(await isListed())) return { outcome: 'absent', status: answer.status, reason: ALREADY_GONE };
      // Listed, yet GitLab says "not found": some versions cannot resolve multi-arch (index) tags over REST.
      return {
        outcome: 'failed',
        status: answer.status,
        reason: `GitLab answered ${answer.message} for a tag it lists (a multi-arch image on some GitLab versions): delete it in the GitLab UI`,
      };
    case 'repository-gone':
      return { outcome: 'absent', status: answer.status, reason: 'the repository is gone' };
    case 'error':
      return {
        outcome: 'failed',
        status: answer.status,
        reason: `GitLab answered HTTP ${answer.status}: ${answer.message}`,
      };
  }
}
