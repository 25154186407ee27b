// Deletes exactly the tags one repository's plan names (plan.deletions). With a personal, project
// or group token: GraphQL requests sized to stay well inside GitLab's request timeout
// (batch-size.ts); names a request timed out on are settled by reading which are gone before what
// remains is sent again; any other name GitLab does not confirm is settled one by one over REST,
// which answers per tag. With a CI job token: through the container registry where the repository
// was read through it (registry-deletes.ts), else REST single deletes.

import { mapConcurrent } from '../concurrency.ts';
import { AuthError, RegistryCleanerError } from '../errors.ts';
import { explain } from '../explain.ts';
import type { GitLabApi } from '../gitlab/api.ts';
import { type BatchAnswer, destroyTagsRequest } from '../gitlab/deletion.ts';
import { PROTECTED_TAGS } from '../gitlab/failures.ts';
import { isTagListed } from '../gitlab/tags.ts';
import type { Execution, Repository, RepositoryPlan, TagResult } from '../model.ts';
import { DeletionBatchSize } from './batch-size.ts';
import { executeDeletes, PROTECTED_REASON } from './delete-tags.ts';
import { deletesThroughRegistry, executeRegistryDeletes } from './registry-deletes.ts';

export async function executeRepositoryPlan(
  api: GitLabApi,
  plan: RepositoryPlan,
  concurrency: number,
): Promise<Execution> {
  const { repository, deletions: names } = plan;
  if (names.length === 0) return { results: [] };
  const targets = (list: readonly string[]) => list.map((tag) => ({ repository, tag }));
  if (plan.via === 'registry' && deletesThroughRegistry(api))
    return executeRegistryDeletes(api, targets(names), concurrency);
  if (api.credential.kind === 'job') return executeDeletes(api, targets(names), concurrency);

  // Settled: deleted, or protected by GitLab's word. Everything else is settled over REST below.
  const settled: TagResult[] = [];
  const withoutOutcome = () => {
    const done = new Set(settled.map((result) => result.tag));
    return names.filter((tag) => !done.has(tag));
  };
  const queue = [...names];
  const size = new DeletionBatchSize();
  try {
    while (queue.length > 0) {
      const batch = queue.splice(0, size.size);
      const started = performance.now();
      const answers = await destroyTagsRequest(api, repository, batch);
      const ms = performance.now() - started;
      const cut = answers.filter((answer) => answer.timedOut).flatMap((answer) => answer.names);
      for (const answer of answers) if (!answer.timedOut) settled.push(...settleBatch(repository, answer));
      const stillListed = await listedOf(api, repository, cut, concurrency);
      for (const tag of cut) if (!stillListed.has(tag)) settled.push({ repository, tag, outcome: 'deleted' });
      const deletedInTime = batch.length - stillListed.size;
      size.observe({ sent: batch.length, deleted: deletedInTime, ms, timedOut: cut.length > 0 });
      // Sent again unless the request got nothing done: a registry that slow is settled over REST.
      if (cut.length > 0 && deletedInTime > 0) queue.unshift(...cut.filter((tag) => stillListed.has(tag)));
    }
  } catch (error) {
    if (!(error instanceof RegistryCleanerError)) throw error;
    if (error instanceof AuthError) {
      // Refused credentials would be refused over REST too: stop, keeping what was done, and say
      // so for every other name, including those earlier batches left unconfirmed.
      const rest = withoutOutcome().map(
        (tag) => ({ repository, tag, outcome: 'forbidden', reason: explain(error) }) as const,
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

/** Which of `names` the repository still lists: what a request cut short by GitLab did not delete. */
async function listedOf(
  api: GitLabApi,
  repository: Repository,
  names: readonly string[],
  concurrency: number,
): Promise<Set<string>> {
  const listed = await mapConcurrent(names, concurrency, (name) => isTagListed(api, repository, name));
  return new Set(names.filter((_, i) => listed[i]));
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
