import { buildSchema, GraphQLError, type GraphQLScalarType, type GraphQLSchema, Kind, print } from 'graphql';
import { type GitlabProfile, type GitlabVersion, gitlabProfile } from '../profile.ts';
import { parseGlobalId } from './ids.ts';

/**
 * The subset of GitLab's GraphQL schema a registry cleaner uses, names and types as in GitLab
 * (app/graphql/types/container_registry/*, query_type.rb, project_type.rb, group_type.rb,
 * mutations/container_repositories/*), per GitLab version: fields and enum values a version lacks
 * are absent, so asking for them fails validation and introspection does not list them.
 * Resolvers are methods on the source objects (see objects.ts).
 */
function sdl(profile: GitlabProfile): string {
  const when = (present: boolean, text: string) => (present ? text : '');
  return /* GraphQL */ `
  scalar Time
  scalar BigInt
  scalar ContainerRepositoryID

  type Query {
    containerRepository(id: ContainerRepositoryID!): ContainerRepositoryDetails
    project(fullPath: ID!): Project
    group(fullPath: ID!): Group
    currentUser: CurrentUser
  }

  type Mutation {
    destroyContainerRepositoryTags(input: DestroyContainerRepositoryTagsInput!): DestroyContainerRepositoryTagsPayload
    destroyContainerRepository(input: DestroyContainerRepositoryInput!): DestroyContainerRepositoryPayload
  }

  type CurrentUser {
    id: ID!
    username: String!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  enum ContainerRepositoryTagSort {
    NAME_ASC
    NAME_DESC
    ${when(profile.tagSortByPublishedAt, 'PUBLISHED_AT_ASC PUBLISHED_AT_DESC')}
  }

  enum ContainerRepositorySort {
    CREATED_ASC
    CREATED_DESC
    UPDATED_ASC
    UPDATED_DESC
    NAME_ASC
    NAME_DESC
  }

  enum ContainerRepositoryStatus {
    DELETE_SCHEDULED
    DELETE_FAILED
    DELETE_ONGOING
  }

  enum ContainerProtectionTagRuleAccessLevel {
    MAINTAINER
    OWNER
    ADMIN
  }

  type ContainerRepositoryPermissions {
    destroyContainerRepository: Boolean!
  }

  type ContainerRepositoryTagPermissions {
    destroyContainerRepositoryTag: Boolean!
  }

  type ContainerProtectionAccessLevel {
    minimumAccessLevelForDelete: ContainerProtectionTagRuleAccessLevel
    minimumAccessLevelForPush: ContainerProtectionTagRuleAccessLevel
  }

  type ContainerRepositoryReferrer {
    artifactType: String
    digest: String
  }

  type ContainerRepository {
    id: ID!
    name: String!
    path: String!
    location: String!
    createdAt: Time!
    updatedAt: Time!
    status: ContainerRepositoryStatus
    tagsCount: Int!
    expirationPolicyStartedAt: Time
    lastCleanupDeletedTagsCount: Int
    migrationState: String!
    protectionRuleExists: Boolean!
    project: Project!
    userPermissions: ContainerRepositoryPermissions!
  }

  type ContainerRepositoryDetails {
    id: ID!
    name: String!
    path: String!
    location: String!
    createdAt: Time!
    updatedAt: Time!
    status: ContainerRepositoryStatus
    tagsCount: Int!
    expirationPolicyStartedAt: Time
    lastCleanupDeletedTagsCount: Int
    migrationState: String!
    protectionRuleExists: Boolean!
    project: Project!
    userPermissions: ContainerRepositoryPermissions!
    size: Float
    ${when(profile.repositoryLastPublishedAt, 'lastPublishedAt: Time')}
    tags(
      sort: ContainerRepositoryTagSort
      name: String
      referrers: Boolean
      referrerType: String
      after: String
      before: String
      first: Int
      last: Int
    ): ContainerRepositoryTagConnection
  }

  type ContainerRepositoryTag {
    name: String!
    path: String!
    location: String!
    digest: String
    revision: String
    shortRevision: String
    totalSize: BigInt
    createdAt: Time
    ${when(profile.tagPublishedAt, 'publishedAt: Time')}
    mediaType: String
    referrers: [ContainerRepositoryReferrer!]
    ${when(profile.tagProtection, 'protection: ContainerProtectionAccessLevel')}
    ${when(profile.tagUserPermissions, 'userPermissions: ContainerRepositoryTagPermissions!')}
  }

  type ContainerRepositoryTagEdge {
    cursor: String!
    node: ContainerRepositoryTag
  }

  type ContainerRepositoryTagConnection {
    edges: [ContainerRepositoryTagEdge]
    nodes: [ContainerRepositoryTag]
    pageInfo: PageInfo!
  }

  type ContainerRepositoryEdge {
    cursor: String!
    node: ContainerRepository
  }

  type ContainerRepositoryConnection {
    count: Int!
    edges: [ContainerRepositoryEdge]
    nodes: [ContainerRepository]
    pageInfo: PageInfo!
  }

  type Project {
    id: ID!
    fullPath: ID!
    name: String!
    path: String!
    containerRepositories(
      name: String
      sort: ContainerRepositorySort = CREATED_DESC
      after: String
      before: String
      first: Int
      last: Int
    ): ContainerRepositoryConnection
    containerRepositoriesCount: Int!
  }

  type ProjectEdge {
    cursor: String!
    node: Project
  }

  type ProjectConnection {
    count: Int!
    edges: [ProjectEdge]
    nodes: [Project]
    pageInfo: PageInfo!
  }

  type Group {
    id: ID!
    fullPath: ID!
    name: String!
    path: String!
    containerRepositories(
      name: String
      sort: ContainerRepositorySort = CREATED_DESC
      after: String
      before: String
      first: Int
      last: Int
    ): ContainerRepositoryConnection
    containerRepositoriesCount: Int!
    projects(
      includeSubgroups: Boolean = false
      search: String
      after: String
      before: String
      first: Int
      last: Int
    ): ProjectConnection!
  }

  input DestroyContainerRepositoryTagsInput {
    clientMutationId: String
    id: ContainerRepositoryID!
    tagNames: [String!]!
  }

  type DestroyContainerRepositoryTagsPayload {
    clientMutationId: String
    deletedTagNames: [String!]!
    errors: [String!]!
  }

  input DestroyContainerRepositoryInput {
    clientMutationId: String
    id: ContainerRepositoryID!
  }

  type DestroyContainerRepositoryPayload {
    clientMutationId: String
    containerRepository: ContainerRepository!
    errors: [String!]!
  }
`;
}

const schemas = new Map<GitlabVersion, GraphQLSchema>();

export function gitlabSchema(profile: GitlabProfile = gitlabProfile('18.6')): GraphQLSchema {
  const cached = schemas.get(profile.version);
  if (cached) return cached;
  const schema = buildSchema(sdl(profile));
  schemas.set(profile.version, schema);
  const repositoryId = schema.getType('ContainerRepositoryID') as GraphQLScalarType;
  // Types::GlobalIDType[::ContainerRepository]: coerces to the numeric model id, with GitLab's messages.
  repositoryId.parseValue = (value) => coerceRepositoryId(value);
  repositoryId.parseLiteral = (node) =>
    coerceRepositoryId(node.kind === Kind.STRING ? node.value : print(node));
  return schema;
}

function coerceRepositoryId(value: unknown): number {
  const text = String(value);
  const parsed = parseGlobalId(text);
  if (!parsed) throw new GraphQLError(`${JSON.stringify(text)} is not a valid Global ID`);
  if (parsed.app !== 'gitlab') throw new GraphQLError(`${JSON.stringify(text)} is not a Gitlab Global ID`);
  if (parsed.model !== 'ContainerRepository') {
    throw new GraphQLError(`${JSON.stringify(text)} does not represent an instance of ContainerRepository`);
  }
  return parsed.id;
}
