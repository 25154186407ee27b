// The sandbox GitLab: a local fake of the GitLab REST and GraphQL endpoints registry-cleaner uses,
// with GitLab versions, the container registry behind it, environments and cleanup policies.
export { runCleanupPolicy } from './cleanup.ts';
export type { Cadence, CleanupPolicy, KeepN, OlderThan } from './cleanup-policy.ts';
export type {
  AddDeploymentOptions,
  DeployJob,
  Deployment,
  DeploymentStatus,
  Environment,
  EnvironmentState,
  EnvironmentTier,
} from './deployments.ts';
export { environmentSlug } from './deployments.ts';
export { seedExample } from './example.ts';
export type {
  Branch,
  Group,
  MergeRequest,
  Project,
  ProtectionLevel,
  ProtectionRule,
  Repository,
  RepositoryStatus,
  Role,
  Tag,
  TokenScope,
  User,
} from './model.ts';
export { GITLAB_VERSIONS, type GitlabVersion, type RegistryKind } from './profile.ts';
export type { OutageScope } from './registry-outages.ts';
export { startSandbox } from './server.ts';
export { type PushTagOptions, SandboxState } from './state.ts';
export type {
  AuthHeader,
  AuthKind,
  DeleteGeneration,
  Fault,
  InterceptedRequest,
  Interceptor,
  Listener,
  Operation,
  RandomFaults,
  RecordedRequest,
  RegistryListenerOptions,
  RegistryMode,
  Sandbox,
  SandboxOptions,
} from './types.ts';
