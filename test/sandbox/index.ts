// The sandbox GitLab: a local fake of the GitLab REST and GraphQL endpoints registry-cleaner uses.
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
export { startSandbox } from './server.ts';
export { type PushTagOptions, SandboxState } from './state.ts';
export type {
  AuthHeader,
  AuthKind,
  DeleteGeneration,
  Fault,
  InterceptedRequest,
  Interceptor,
  Operation,
  RandomFaults,
  RecordedRequest,
  RegistryMode,
  Sandbox,
  SandboxOptions,
} from './types.ts';
