import { GraphQLError } from 'graphql';
import type { SandboxConfig } from '../config.ts';
import type { TokenScope, User } from '../model.ts';
import type { RailsRegistry } from '../rails-registry.ts';
import type { SandboxState } from '../state.ts';

/** What every GraphQL resolver closes over. */
export interface GraphqlContext {
  state: SandboxState;
  config: SandboxConfig;
  user: User | undefined;
  scopes: readonly TokenScope[];
  /** The registry as Rails calls it for this request. */
  registry: RailsRegistry;
}

/** Gitlab::Graphql::Authorize::AuthorizeResource::RESOURCE_ACCESS_ERROR. */
export const RESOURCE_ACCESS_ERROR =
  "The resource that you are attempting to access does not exist or you don't have permission to perform this action";

export function resourceNotAvailable(): GraphQLError {
  return new GraphQLError(RESOURCE_ACCESS_ERROR);
}
