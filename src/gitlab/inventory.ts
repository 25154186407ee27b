// Reads what a repository holds, as the plan's read strategy asks: the cheapest read that decides
// every tag for this token. A job token reads over REST; other tokens over GraphQL, by push time
// when the strategy has passes and GitLab can sort by it, else every tag by name.
//
// An empty list is verified, not assumed: GitLab turns its registry's errors into empty lists
// (REST `200 []`, GraphQL `nodes: []`), so a repository read as empty is counted again.

import { GitLabResponseError } from '../errors.ts';
import type { Inventory, ReadStrategy, Repository } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { readAllTagsGraphql, readTagsByTime } from './graphql-tags.ts';
import { RegistryFeatures } from './registry-features.ts';
import { countTags } from './repositories.ts';
import { readTagsRest } from './rest-tags.ts';

export class InventoryReader {
  private readonly api: GitLabApi;
  private readonly concurrency: number;
  readonly features: RegistryFeatures;

  constructor(api: GitLabApi, concurrency: number) {
    this.api = api;
    this.concurrency = concurrency;
    this.features = new RegistryFeatures(api);
  }

  async read(repository: Repository, strategy: ReadStrategy): Promise<Inventory> {
    const inventory = await this.readTags(repository, strategy);
    if (inventory.complete && inventory.tags.length === 0) await this.confirmEmpty(repository);
    return inventory;
  }

  private async readTags(repository: Repository, strategy: ReadStrategy): Promise<Inventory> {
    const { api } = this;
    if (api.credential.kind === 'job') {
      const { registry, ...inventory } = await readTagsRest(api, repository, strategy, this.concurrency);
      this.features.learnRegistryKind(registry);
      return inventory;
    }
    if (strategy.passes.length > 0) {
      try {
        const byTime = await readTagsByTime(api, repository, strategy, this.features);
        if (byTime) return byTime;
      } catch (error) {
        // Sorting by push time is refused by GitLabs without it: read by name instead (which fails
        // too if the trouble was not the sort). Credentials and outages are not worth a second try.
        if (!(error instanceof GitLabResponseError)) throw error;
      }
    }
    return readAllTagsGraphql(api, repository, this.features);
  }

  private async confirmEmpty(repository: Repository): Promise<void> {
    const count = await countTags(this.api, repository);
    if (count > 0) {
      throw new GitLabResponseError({ kind: 'listed-empty', repository: repository.path, count });
    }
  }
}
