// Reads what a repository holds, as the plan's read strategy asks: the cheapest read that decides
// every tag for this token. Where the run reaches the container registry's own API, through it
// (1,000 tags a page, with the last push); otherwise a job token reads over REST, other tokens over
// GraphQL, by push time when the strategy has passes and GitLab can sort by it, else every tag by
// name. The inventory says which (`via`).
//
// An empty list from GitLab is verified, not assumed: GitLab turns its registry's errors into empty
// lists (REST `200 []`, GraphQL `nodes: []`), so a repository it reads as empty is counted again.
// The registry's own empty list is its answer (it reports failures as errors) and is taken as is.

import { GitLabResponseError } from '../errors.ts';
import type { Inventory, ReadStrategy, Repository } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { readAllTagsGraphql, readTagsByTime } from './graphql-tags.ts';
import { RegistryUnavailable } from './registry-client.ts';
import { RegistryFeatures } from './registry-features.ts';
import { RegistryListingRefused, readTagsRegistry } from './registry-tags.ts';
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
    const throughRegistry = await this.readThroughRegistry(repository, strategy);
    if (throughRegistry) return throughRegistry;
    const inventory = await this.readTags(repository, strategy);
    if (inventory.complete && inventory.tags.length === 0) await this.confirmEmpty(repository);
    return inventory;
  }

  /** The registry's own API, when this run reaches it; undefined: read through GitLab. */
  private async readThroughRegistry(
    repository: Repository,
    strategy: ReadStrategy,
  ): Promise<Inventory | undefined> {
    const { registry } = this.api;
    if (!registry || !(await registry.reach(repository))) return undefined;
    try {
      return await readTagsRegistry(registry, repository, strategy);
    } catch (error) {
      // The token lacks pull on this path (GitLab decides what this user may read), or the
      // registry stopped answering before it ever did.
      if (error instanceof RegistryListingRefused || error instanceof RegistryUnavailable) return undefined;
      throw error;
    }
  }

  private async readTags(repository: Repository, strategy: ReadStrategy): Promise<Inventory> {
    const { api } = this;
    if (api.credential.kind === 'job') {
      const { registry, ...inventory } = await readTagsRest(api, repository, strategy, this.concurrency);
      this.features.learnRegistryKind(registry);
      return { ...inventory, via: 'rest' };
    }
    if (strategy.passes.length > 0) {
      try {
        const byTime = await readTagsByTime(api, repository, strategy, this.features);
        if (byTime) return { ...byTime, via: 'graphql' };
      } catch (error) {
        // Sorting by push time is refused by GitLabs without it: read by name instead (which fails
        // too if the trouble was not the sort). Credentials and outages are not worth a second try.
        if (!(error instanceof GitLabResponseError)) throw error;
      }
    }
    return { ...(await readAllTagsGraphql(api, repository, this.features)), via: 'graphql' };
  }

  private async confirmEmpty(repository: Repository): Promise<void> {
    const count = await countTags(this.api, repository);
    if (count > 0) {
      throw new GitLabResponseError({ kind: 'listed-empty', repository: repository.path, count });
    }
  }
}
