import type { Repository } from './model.ts';

/**
 * Which registry answers fail:
 * - 'gitlab-api': the repository's `/gitlab/v1/` routes (tag lists, tag lookups, details) answer
 *   errors while `/v2/` still works — `tags_count` (counted from `/v2/<path>/tags/list`) stays true;
 * - 'all': every registry answer for the repository is an error, counts and deletes included.
 */
export type OutageScope = 'gitlab-api' | 'all';

/**
 * Registry outages as Rails meets them. Rails turns an error answer into "nothing there"
 * (ContainerRegistry::GitlabApiClient#tags `break {}`, Client#repository_tags → nil), so the
 * sandbox's GitLab answers `200 []` and empty pages; the registry listener answers the errors.
 */
export class RegistryOutages {
  private readonly byRepository = new Map<number, OutageScope>();
  private everywhere: OutageScope | undefined;

  /** Starts an outage; the returned function ends it. */
  break(target: Repository | 'all', scope: OutageScope = 'gitlab-api'): () => void {
    if (target === 'all') {
      this.everywhere = scope;
      return () => {
        this.everywhere = undefined;
      };
    }
    this.byRepository.set(target.id, scope);
    return () => {
      this.byRepository.delete(target.id);
    };
  }

  repairAll(): void {
    this.byRepository.clear();
    this.everywhere = undefined;
  }

  scopeFor(repository: Repository): OutageScope | undefined {
    const own = this.byRepository.get(repository.id);
    if (own === 'all' || this.everywhere === 'all') return 'all';
    return own ?? this.everywhere;
  }

  /**
   * `supports_gitlab_api?` asks `GET /gitlab/v1/` and takes a failure for "no API": when the whole
   * registry is down, Rails treats a metadata registry as a legacy one.
   */
  get complianceCheckFails(): boolean {
    return this.everywhere === 'all';
  }
}
