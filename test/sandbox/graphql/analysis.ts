import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  GraphQLIncludeDirective,
  type GraphQLNamedType,
  GraphQLObjectType,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  Kind,
  type OperationDefinitionNode,
  SchemaMetaFieldDef,
  type SelectionSetNode,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
} from 'graphql';
import { DEFAULT_MAX_PAGE_SIZE } from './connection.ts';

/**
 * GitLab's query complexity, as computed for the newest GitLab:
 *
 * - graphql-ruby's AST analyzer (vendor/gems/graphql/lib/graphql/analysis/query_complexity.rb)
 *   sums the cost of every selected field; selections with the same response key (alias or name)
 *   under one parent merge into one, aliases count separately; skipped fields and fragments are
 *   resolved in place.
 * - Types::BaseField#complexity_for (app/graphql/types/base_field.rb) replaces graphql-ruby's
 *   connection formula for every field: a plain field costs 1 + its children; a field backed by a
 *   resolver costs children + resolver_complexity (Resolvers::BaseResolver: 1, +1 if `sort`, +5 if
 *   `search`; NamespaceProjectsResolver adds 10), and if it is a connection it grows by
 *   complexity × min(first, last, max_page_size) × 0.01 (BaseResolver.complexity_multiplier), then
 *   is truncated to an integer. Mutation fields cost 1 + children (Resolver default complexity 1).
 * - Limits (app/graphql/gitlab_schema.rb): 200 anonymous, 250 authenticated, 300 admin; depth 15
 *   anonymous, 20 authenticated; a multiplex is also limited on its summed complexity.
 */
interface ResolverFieldRule {
  /** Extra resolver_complexity on top of BaseResolver's. */
  extra?: number;
  /** max_page_size of a connection field (schema default_max_page_size is 100). */
  connectionPageSize?: number;
}

/** Fields GitLab backs with a resolver class; every other field is a plain field costing 1. */
const RESOLVER_FIELDS: Record<string, ResolverFieldRule> = {
  'Query.project': {},
  'Query.group': {},
  'Query.currentUser': {},
  'ContainerRepositoryDetails.tags': { connectionPageSize: 20 },
  'Project.containerRepositories': { connectionPageSize: DEFAULT_MAX_PAGE_SIZE },
  'Group.containerRepositories': { connectionPageSize: DEFAULT_MAX_PAGE_SIZE },
  'Group.projects': { extra: 10, connectionPageSize: DEFAULT_MAX_PAGE_SIZE },
};

/** Collection fields named in recorded requests (`containerRepository.tags`). */
const COLLECTION_FIELDS = new Set(['tags', 'containerRepositories', 'projects']);

export const MAX_COMPLEXITY = { anonymous: 200, authenticated: 250, admin: 300 };
export const MAX_DEPTH = { anonymous: 15, authenticated: 20 };

export interface OperationAnalysis {
  complexity: number;
  depth: number;
}

interface FieldScope {
  parentType: GraphQLNamedType;
  field: GraphQLField<unknown, unknown>;
  nodes: FieldNode[];
  children: Map<string, FieldScope>;
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

export function analyzeOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): OperationAnalysis {
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (!root) return { complexity: 0, depth: 0 };
  const walk: Walk = { schema, fragments, variables };
  const scopes = new Map<string, FieldScope>();
  collect(operation.selectionSet, root, scopes, walk);
  return { complexity: selectionsCost(scopes, walk), depth: depthOf(scopes) };
}

function collect(
  selectionSet: SelectionSetNode,
  parentType: GraphQLNamedType,
  into: Map<string, FieldScope>,
  walk: Walk,
): void {
  for (const selection of selectionSet.selections) {
    if (!included(selection, walk.variables)) continue;
    if (selection.kind === Kind.FIELD) {
      const field = fieldDefinition(walk.schema, parentType, selection.name.value);
      if (!field) continue;
      const key = selection.alias?.value ?? selection.name.value;
      let scope = into.get(key);
      if (!scope) {
        scope = { parentType, field, nodes: [], children: new Map() };
        into.set(key, scope);
      }
      scope.nodes.push(selection);
      if (selection.selectionSet)
        collect(selection.selectionSet, getNamedType(field.type), scope.children, walk);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition
        ? walk.schema.getType(selection.typeCondition.name.value)
        : parentType;
      collect(selection.selectionSet, type ?? parentType, into, walk);
    } else {
      const fragment = walk.fragments[selection.name.value];
      if (!fragment) continue;
      const type = walk.schema.getType(fragment.typeCondition.name.value) ?? parentType;
      collect(fragment.selectionSet, type, into, walk);
    }
  }
}

function selectionsCost(scopes: Map<string, FieldScope>, walk: Walk): number {
  let total = 0;
  for (const scope of scopes.values()) total += fieldCost(scope, walk);
  return total;
}

function fieldCost(scope: FieldScope, walk: Walk): number {
  const childComplexity = scope.children.size > 0 ? selectionsCost(scope.children, walk) : 0;
  const rule = RESOLVER_FIELDS[`${scope.parentType.name}.${scope.field.name}`];
  if (!rule) return 1 + childComplexity;

  const args = getArgumentValues(scope.field, scope.nodes[0] as FieldNode, walk.variables);
  let complexity = childComplexity + 1 + (args.sort ? 1 : 0) + (args.search ? 5 : 0) + (rule.extra ?? 0);
  if (rule.connectionPageSize !== undefined) {
    const limits = [args.first, args.last, rule.connectionPageSize].filter(
      (value): value is number => typeof value === 'number',
    );
    // Same operation order as Ruby: limit_value * multiplier, then complexity * that.
    const multiplier = Math.min(...limits) * 0.01;
    complexity += complexity * multiplier;
  }
  return Math.trunc(complexity);
}

function depthOf(scopes: Map<string, FieldScope>): number {
  let depth = 0;
  for (const scope of scopes.values()) depth = Math.max(depth, 1 + depthOf(scope.children));
  return depth;
}

function fieldDefinition(
  schema: GraphQLSchema,
  parentType: GraphQLNamedType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parentType === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return parentType instanceof GraphQLObjectType ? parentType.getFields()[name] : undefined;
}

function included(
  node: { directives?: readonly import('graphql').DirectiveNode[] | undefined },
  variables: Record<string, unknown>,
): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node, variables);
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node, variables);
  return include?.if !== false;
}

/**
 * The top-level fields of an operation for RecordedRequest.graphqlFields, one entry per
 * occurrence: `destroyContainerRepositoryTags`, or `containerRepository.tags` when a collection
 * is selected inside.
 */
export function topLevelFields(
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
): string[] {
  const entries: string[] = [];
  for (const field of fieldNodes(operation.selectionSet, fragments)) {
    const collections = field.selectionSet
      ? fieldNodes(field.selectionSet, fragments).filter((inner) => COLLECTION_FIELDS.has(inner.name.value))
      : [];
    if (collections.length === 0) entries.push(field.name.value);
    for (const inner of collections) entries.push(`${field.name.value}.${inner.name.value}`);
  }
  return entries;
}

function fieldNodes(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT)
      fields.push(...fieldNodes(selection.selectionSet, fragments));
    else {
      const fragment = fragments[selection.name.value];
      if (fragment) fields.push(...fieldNodes(fragment.selectionSet, fragments));
    }
  }
  return fields;
}
