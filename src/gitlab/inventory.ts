// Reads what a repository holds, as the plan's read strategy asks: the cheapest read that decides
// every tag for this token. A job token reads over REST; other tokens over GraphQL, by push time
// when the strategy has passes and GitLab can sort by it, else every tag by name.

import { GitLabResponseError } from '../errors.ts';
import type { Inventory, ReadStrategy, Repository } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { readAllTagsGraphql, readTagsByTime } from './graphql-tags.ts';
import { readTagsRest } from './rest-tags.ts';

export async function readInventory(
  api: GitLabApi,
  repository: Repository,
  strategy: ReadStrategy,
  concurrency: number,
): Promise<Inventory> {
  if (api.credential.kind === 'job') return readTagsRest(api, repository, strategy, concurrency);
  if (strategy.passes.length > 0) {
    try {
      const byTime = await readTagsByTime(api, repository, strategy);
      if (byTime) return byTime;
    } catch (error) {
      // Sorting by push time is refused by GitLabs without it: read by name instead (which fails
      // too if the trouble was not the sort). Credentials and outages are not worth a second try.
      if (!(error instanceof GitLabResponseError)) throw error;
    }
  }
  return readAllTagsGraphql(api, repository);
}
