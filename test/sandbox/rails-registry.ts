// The container registry as GitLab Rails sees it: ContainerRepository and the registry clients
// (app/models/container_repository.rb, lib/container_registry/{client,gitlab_api_client}.rb).
// Failed registry answers become "nothing" here, exactly where Rails swallows them.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxConfig } from './config.ts';
import type { Repository, Tag } from './model.ts';
import type { RegistryKind } from './profile.ts';
import {
  allTagNames,
  REGISTRY_NAME_FILTER,
  type RegistryTagPage,
  type RegistryTagPageRequest,
  registryTagPage,
  tagsCount,
} from './registry-pages.ts';
import type { SandboxState } from './state.ts';
import { compareStrings, lowerBound } from './tag-store.ts';

/** ContainerRepository#tag asks the registry for one page of 100 names containing the wanted one. */
const TAG_LOOKUP_PAGE_SIZE = 100;

export class RailsRegistry {
  private readonly state: SandboxState;
  private readonly config: SandboxConfig;
  private readonly signal: AbortSignal | undefined;

  /** `signal` abandons waits when the sandbox closes. */
  constructor(state: SandboxState, config: SandboxConfig, signal?: AbortSignal) {
    this.state = state;
    this.config = config;
    this.signal = signal;
  }

  /**
   * `gitlab_api_client.supports_gitlab_api?`: a metadata registry whose `GET /gitlab/v1/` fails
   * (the whole registry is down) is taken for a legacy one.
   */
  get kind(): RegistryKind {
    if (this.config.registry === 'legacy') return 'legacy';
    return this.state.registryOutages.complianceCheckFails ? 'legacy' : 'metadata';
  }

  /** ContainerRepository#tags: every page (metadata) or one `/v2/` page of 10,000 (legacy). */
  tagNames(repository: Repository): readonly string[] {
    const outage = this.state.registryOutages.scopeFor(repository);
    // Metadata: `tags` breaks its page loop on `{}`. Legacy: `manifest` is nil → [].
    if (outage === 'all' || (outage === 'gitlab-api' && this.kind === 'metadata')) return [];
    return allTagNames(this.state.tagStore(repository), this.kind);
  }

  /** ContainerRepository#tags_count: `/v2/<path>/tags/list?n=10000`, 0 when that fails. */
  tagsCount(repository: Repository): number {
    if (this.state.registryOutages.scopeFor(repository) === 'all') return 0;
    return tagsCount(this.state.tagStore(repository));
  }

  /** ContainerRepository#tags_page (metadata only); undefined where the registry failed or refused. */
  tagPage(repository: Repository, request: RegistryTagPageRequest): RegistryTagPage | undefined {
    if (this.state.registryOutages.scopeFor(repository) !== undefined) return undefined;
    return registryTagPage(this.state.tagStore(repository), request);
  }

  /**
   * ContainerRepository#tag: on a metadata registry one page of up to 100 names containing `name`
   * (substring filter, name order) and an exact match within it — a tag behind more than 100
   * longer names containing it is "not found". On a legacy registry, the manifest lookup.
   */
  lookupTag(repository: Repository, name: string): Tag | undefined {
    const outage = this.state.registryOutages.scopeFor(repository);
    const store = this.state.tagStore(repository);
    if (this.kind === 'legacy') return outage === 'all' ? undefined : store.get(name);
    if (outage !== undefined) return undefined;
    const tag = store.get(name);
    if (!tag || !REGISTRY_NAME_FILTER.test(name)) return undefined;
    // The page holds the first 100 matching names in name order: the tag is on it unless 100
    // matching names sort before it. Counting them is cheaper than building the page.
    const names = store.names();
    const position = lowerBound(names, name, compareStrings);
    let matchingBefore = 0;
    for (let index = 0; index < position; index++) {
      if ((names[index] as string).includes(name) && ++matchingBefore >= TAG_LOOKUP_PAGE_SIZE)
        return undefined;
    }
    return tag;
  }

  /** Repository details (`size_bytes`, `last_published_at`) answer only on a healthy metadata registry. */
  detailsAvailable(repository: Repository): boolean {
    return this.kind === 'metadata' && this.state.registryOutages.scopeFor(repository) === undefined;
  }

  /**
   * One `DELETE /v2/<path>/manifests/<tag>` as Rails sends it, in the request: it takes
   * `registryDeleteLatencyMs`; BaseClient#delete_if_exists counts a 404 as success, an error
   * answer as failure.
   */
  async deleteTag(repository: Repository, name: string): Promise<boolean> {
    if (this.config.registryDeleteLatencyMs > 0) {
      await sleep(this.config.registryDeleteLatencyMs, undefined, { signal: this.signal });
    }
    if (this.state.registryOutages.scopeFor(repository) === 'all') return false;
    this.state.deleteTag(repository, name);
    return true;
  }
}
