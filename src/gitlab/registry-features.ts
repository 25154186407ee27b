// What this GitLab and its registry offer, found out once per run: the GraphQL schema changed
// across the supported versions, and only registries with the metadata database report push
// times. Readers ask here instead of assuming the newest GitLab.

import type { Repository } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { errorFor } from './failures.ts';
import { graphql } from './graphql.ts';
import { tagsPath } from './tags.ts';

export interface GraphqlTagFeatures {
  /** ContainerRepositoryTag.publishedAt (GitLab ≈16.8 and later); asking for it earlier fails the query */
  publishedAt: boolean;
  /** ContainerRepositoryTagSort PUBLISHED_AT_ASC/DESC (≈17.0 and later); earlier only names sort */
  sortByPublishedAt: boolean;
}

export type RegistryKind = 'metadata' | 'legacy';

const SCHEMA_QUERY = `query {
  tag: __type(name: "ContainerRepositoryTag") { fields { name } }
  sort: __type(name: "ContainerRepositoryTagSort") { enumValues { name } }
}`;

interface SchemaAnswer {
  tag: { fields: { name: string }[] | null } | null;
  sort: { enumValues: { name: string }[] | null } | null;
}

export class RegistryFeatures {
  private readonly api: GitLabApi;
  private graphqlTags: Promise<GraphqlTagFeatures> | undefined;
  private registry: Promise<RegistryKind> | undefined;

  constructor(api: GitLabApi) {
    this.api = api;
  }

  /** The tag fields and sorts this GitLab's GraphQL schema has (one introspection per run). */
  graphqlTagFeatures(): Promise<GraphqlTagFeatures> {
    this.graphqlTags ??= this.introspect();
    return this.graphqlTags;
  }

  /**
   * Whether the registry has the metadata database, asked of one repository and taken for the
   * instance (GitLab runs one registry): legacy registries refuse keyset pagination of tags (405).
   */
  registryKind(repository: Repository): Promise<RegistryKind> {
    this.registry ??= this.probeRegistry(repository);
    return this.registry;
  }

  /** Learnt from a read that already showed it (a keyset listing answered, or was refused). */
  learnRegistryKind(kind: RegistryKind): void {
    this.registry ??= Promise.resolve(kind);
  }

  private async introspect(): Promise<GraphqlTagFeatures> {
    const answer = await graphql<SchemaAnswer>(
      this.api,
      SCHEMA_QUERY,
      {},
      'graphqlSchema',
      'read the GraphQL schema of container repository tags',
    );
    const fields = new Set(answer.data?.tag?.fields?.map((field) => field.name));
    const sorts = new Set(answer.data?.sort?.enumValues?.map((value) => value.name));
    return {
      publishedAt: fields.has('publishedAt'),
      sortByPublishedAt: sorts.has('PUBLISHED_AT_ASC') && sorts.has('PUBLISHED_AT_DESC'),
    };
  }

  private async probeRegistry(repository: Repository): Promise<RegistryKind> {
    const action = `list the tags of ${repository.path}`;
    const response = await this.api.http.send({
      method: 'GET',
      url: this.api.url(tagsPath(repository), { pagination: 'keyset', per_page: 1 }),
      label: 'listTags',
      action,
      api: 'rest',
      expectJson: true,
    });
    if (response.status === 405) return 'legacy';
    if (response.status !== 200) throw errorFor(response, this.api.credential, action);
    // A GitLab that ignores keyset pagination answers offset pages: it cannot tell, so assume the
    // kind whose times must be accepted explicitly.
    return response.headers['x-page'] ? 'legacy' : 'metadata';
  }
}
