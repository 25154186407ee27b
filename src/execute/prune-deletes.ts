// Deletes exactly the tags one repository's plan names. With a personal/project/group token:
// GraphQL batches (100 tags a request); any name GitLab does not confirm is settled one by one over
// REST, which answers per tag. With a CI job token: REST single deletes (its only way).

import { AuthError, GitLabUnavailableError, RegistryCleanerError } from '../errors.ts';
import type { GitLabApi } from '../gitlab/api.ts';
import { type BatchAnswer, destroyTags } from '../gitlab/deletion.ts';
import type { Repository, TagResult } from '../model.ts';
import { type Execution, executeDeletes, PROTECTED_REASON } from './delete-tags.ts';

const PROTECTED = /protected/i;

export async function deletePlannedTags(
  api: GitLabApi,
  repository: Repository,
  names: readonly string[],
  concurrency: number,
): Promise<Execution> {
  if (names.length === 0) return { results: [] };
  const targets = (list: readonly string[]) => list.map((tag) => ({ repository, tag }));
  if (api.credential.kind === 'job') return executeDeletes(api, targets(names), concurrency);

  const results: TagResult[] = [];
  const unsettled: string[] = [];
  const answered = new Set<string>();
  try {
    for await (const answers of destroyTags(api, repository, names)) {
      for (const answer of answers) {
        for (const tag of answer.names) answered.add(tag);
        settleBatch(repository, answer, results, unsettled);
      }
    }
  } catch (error) {
    if (!(error instanceof RegistryCleanerError)) throw error;
    if (error instanceof AuthError || error instanceof GitLabUnavailableError) {
      // Every other request would be refused the same way: stop, keeping what was done.
      const outcome = error instanceof AuthError ? 'forbidden' : 'failed';
      for (const tag of names)
        if (!answered.has(tag)) results.push({ repository, tag, outcome, reason: error.message });
      return { results, stoppedBy: error };
    }
    // A request GitLab could not answer (a 500 after retries, a malformed payload): its names,
    // and those not sent yet, are settled one by one over REST below.
    for (const tag of names) if (!answered.has(tag)) unsettled.push(tag);
  }
  if (unsettled.length === 0) return { results };
  const followUp = await executeDeletes(api, targets(unsettled), concurrency);
  return {
    results: [...results, ...followUp.results],
    ...(followUp.stoppedBy ? { stoppedBy: followUp.stoppedBy } : {}),
  };
}

/** GitLab drops protected names from a batch silently, and says so only when all were protected. */
function settleBatch(
  repository: Repository,
  answer: BatchAnswer,
  results: TagResult[],
  unsettled: string[],
): void {
  const deleted = new Set(answer.deleted);
  const allProtected =
    deleted.size === 0 && answer.errors.length > 0 && answer.errors.every((e) => PROTECTED.test(e));
  for (const tag of answer.names) {
    if (deleted.has(tag)) results.push({ repository, tag, outcome: 'deleted' });
    else if (allProtected) results.push({ repository, tag, outcome: 'protected', reason: PROTECTED_REASON });
    else unsettled.push(tag);
  }
}
