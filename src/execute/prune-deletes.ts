// Deletes exactly the tags one repository's plan names (plan.deletions). With a personal/project/group token:
// GraphQL batches (100 tags a request); any name GitLab does not confirm is settled one by one over
// REST, which answers per tag. With a CI job token: REST single deletes (its only way).

import { AuthError, RegistryCleanerError } from '../errors.ts';
import type { GitLabApi } from '../gitlab/api.ts';
import { type BatchAnswer, destroyTags } from '../gitlab/deletion.ts';
import { PROTECTED_TAGS } from '../gitlab/failures.ts';
import type { Execution, Repository, RepositoryPlan, TagResult } from '../model.ts';
import { executeDeletes, PROTECTED_REASON } from './delete-tags.ts';

export async function executeRepositoryPlan(
  api: GitLabApi,
  plan: RepositoryPlan,
  concurrency: number,
): Promise<Execution> {
  const { repository, deletions: names } = plan;
  if (names.length === 0) return { results: [] };
  const targets = (list: readonly string[]) => list.map((tag) => ({ repository, tag }));
  if (api.credential.kind === 'job') return executeDeletes(api, targets(names), concurrency);

  // Settled: deleted, or protected by GitLab's word. Everything else is settled over REST below.
  const settled: TagResult[] = [];
  const withoutOutcome = () => {
    const done = new Set(settled.map((result) => result.tag));
    return names.filter((tag) => !done.has(tag));
  };
  try {
    for await (const answers of destroyTags(api, repository, names)) {
      for (const answer of answers) settled.push(...settleBatch(repository, answer));
    }
  } catch (error) {
    if (!(error instanceof RegistryCleanerError)) throw error;
    if (error instanceof AuthError) {
      // Refused credentials would be refused over REST too: stop, keeping what was done, and say
      // so for every other name, including those earlier batches left unconfirmed.
      const rest = withoutOutcome().map(
        (tag) => ({ repository, tag, outcome: 'forbidden', reason: error.message }) as const,
      );
      return { results: [...settled, ...rest], stoppedBy: error };
    }
    // A request GitLab could not answer (5xx after retries, a malformed payload): its names, and
    // those not sent yet, are settled one by one over REST below. If GitLab is down altogether,
    // the first REST request says so and stops the rest.
  }
  const unsettled = withoutOutcome();
  if (unsettled.length === 0) return { results: settled };
  const followUp = await executeDeletes(api, targets(unsettled), concurrency);
  return {
    results: [...settled, ...followUp.results],
    ...(followUp.stoppedBy ? { stoppedBy: followUp.stoppedBy } : {}),
  };
}

/** GitLab drops protected names from a batch silently, and says so only when all were protected. */
function settleBatch(repository: Repository, answer: BatchAnswer): TagResult[] {
  const deleted = new Set(answer.deleted);
  const allProtected =
    deleted.size === 0 && answer.errors.length > 0 && answer.errors.every((e) => PROTECTED_TAGS.test(e));
  return answer.names.flatMap((tag): TagResult[] => {
    if (deleted.has(tag)) return [{ repository, tag, outcome: 'deleted' }];
    if (allProtected) return [{ repository, tag, outcome: 'protected', reason: PROTECTED_REASON }];
    return [];
  });
}
