/**
 * GitLab versions the sandbox can impersonate. Each one is a set of capabilities taken from
 * GitLab's source and merge requests; the three versions are chosen so every capability differs
 * between at least two of them.
 */
export type GitlabVersion = '16.5' | '17.3' | '18.6';
export const GITLAB_VERSIONS: readonly GitlabVersion[] = ['16.5', '17.3', '18.6'];

/** The registry behind GitLab: with the metadata database (`/gitlab/v1/` API) or without. */
export type RegistryKind = 'metadata' | 'legacy';

export interface GitlabProfile {
  version: GitlabVersion;
  /**
   * `ContainerRepositoryTag.publishedAt` (app/graphql/types/container_registry/
   * container_repository_tag_type.rb, added by MR !140188 in 16.8). Before, asking for it fails the
   * whole query in validation.
   */
  tagPublishedAt: boolean;
  /**
   * `PUBLISHED_AT_ASC`/`PUBLISHED_AT_DESC` of ContainerRepositoryTagSort (MR !151638, 17.0–17.1).
   * Before, the enum is NAME_ASC/NAME_DESC only.
   */
  tagSortByPublishedAt: boolean;
  /** `ContainerRepositoryDetails.lastPublishedAt` (MR !151506, same milestone as the sorts). */
  repositoryLastPublishedAt: boolean;
  /** `ContainerRepositoryTag.userPermissions` (MR !136576, 16.7). */
  tagUserPermissions: boolean;
  /** `ContainerRepositoryTag.protection` (protected container tags, experiment from 17.9). */
  tagProtection: boolean;
  /**
   * lib/gitlab/middleware/rack_attack_headers.rb (MR !209485, 18.6, feature flag
   * `rate_limiting_headers_for_unthrottled_requests`): RateLimit-* on every answer, not only on 429.
   */
  rateLimitHeadersAlways: boolean;
  /**
   * A job token refused on another project's environments and deployments answers 403
   * "Authentication by CI/CD job token not allowed from <source> to <target>." (MR !163211, 17.4;
   * lib/api/helpers.rb `handle_job_token_failure!`) instead of 404 Project Not Found.
   */
  jobTokenForbiddenMessage: boolean;
}

const PROFILES: Record<GitlabVersion, GitlabProfile> = {
  '16.5': {
    version: '16.5',
    tagPublishedAt: false,
    tagSortByPublishedAt: false,
    repositoryLastPublishedAt: false,
    tagUserPermissions: false,
    tagProtection: false,
    rateLimitHeadersAlways: false,
    jobTokenForbiddenMessage: false,
  },
  '17.3': {
    version: '17.3',
    tagPublishedAt: true,
    tagSortByPublishedAt: true,
    repositoryLastPublishedAt: true,
    tagUserPermissions: true,
    tagProtection: false,
    rateLimitHeadersAlways: false,
    jobTokenForbiddenMessage: false,
  },
  '18.6': {
    version: '18.6',
    tagPublishedAt: true,
    tagSortByPublishedAt: true,
    repositoryLastPublishedAt: true,
    tagUserPermissions: true,
    tagProtection: true,
    rateLimitHeadersAlways: true,
    jobTokenForbiddenMessage: true,
  },
};

export function gitlabProfile(version: GitlabVersion): GitlabProfile {
  const profile = PROFILES[version];
  if (!profile)
    throw new Error(`unknown GitLab version ${version}; use one of ${GITLAB_VERSIONS.join(', ')}`);
  return profile;
}
