// Deletes exactly the tags one repository's plan names. With a personal/project/group token:
// GraphQL batches (100 tags a request); any name GitLab does not confirm is settled one by one over
// REST, which answers per tag. With a CI job token: REST single deletes (its only way).

import { AuthError, GitLabUnavailableError } from '../errors.ts';
import type { GitLabApi } from '../gitlab/api.ts';
import { destroyTags } from '../gitlab/deletion.ts';
import type { Repository, TagResult } from '../model.ts';
import { type Execution, executeDeletes } from './delete-tags.ts';

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

  let answers: Awaited<ReturnType<typeof destroyTags>>;
  try {
    answers = await destroyTags(api, repository, names);
  } catch (error) {
    if (!(error instanceof AuthError || error instanceof GitLabUnavailableError)) throw error;
    const outcome = error instanceof AuthError ? 'forbidden' : 'failed';
    return {
      results: names.map((tag) => ({ repository, tag, outcome, reason: error.message })),
      stoppedBy: error,
    };
  }

  const results: TagResult[] = [];
  const unsettled: string[] = [];
  for (const answer of answers) {
    const deleted = new Set(answer.deleted);
    // GitLab drops protected names from a batch silently, and says so only when all were protected.
    const allProtected =
      deleted.size === 0 && answer.errors.length > 0 && answer.errors.every((e) => PROTECTED.test(e));
    for (const tag of answer.names) {
      if (deleted.has(tag)) results.push({ repository, tag, outcome: 'deleted' });
      else if (allProtected) {
        results.push({
          repository,
          tag,
          outcome: 'protected',
          reason:
            "protected by a tag protection rule above this token's role (GitLab: cannot delete protected tag(s))",
        });
      } else unsettled.push(tag);
    }
  }
  if (unsettled.length === 0) return { results };
  const followUp = await executeDeletes(api, targets(unsettled), concurrency);
  return {
    results: [...results, ...followUp.results],
    ...(followUp.stoppedBy ? { stoppedBy: followUp.stoppedBy } : {}),
  };
}
