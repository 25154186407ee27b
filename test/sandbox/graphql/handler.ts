import {
  type DocumentNode,
  defaultFieldResolver,
  execute,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  getOperationAST,
  getVariableValues,
  Kind,
  type OperationDefinitionNode,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { type ApiResponse, jsonResponse } from '../responses.ts';
import { analyzeOperation, MAX_COMPLEXITY, MAX_DEPTH, topLevelFields } from './analysis.ts';
import type { GraphqlContext } from './context.ts';
import { rootValue } from './root.ts';
import { type GraphqlErrorJson, rubyValidationErrors, rubyVariableErrors } from './ruby-errors.ts';
import { gitlabSchema } from './schema.ts';

/** GraphqlController::MAX_QUERY_SIZE (characters, summed over a multiplex). */
const MAX_QUERY_SIZE = 10_000;
/** GitlabSchema `validate_max_errors 5`. */
const VALIDATE_MAX_ERRORS = 5;

export interface GraphqlPayload {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphqlOutcome {
  response: ApiResponse;
  fields: string[];
}

/**
 * POST <prefix>/api/graphql (GraphqlController#execute): one query or an Apollo-style array
 * (multiplex). Per query: parse → validate → depth and complexity limits → execute. Errors are
 * HTTP 200 with an `errors` array, except what the controller rejects itself: an invalid token
 * (401, handled by the caller), a query over 10,000 characters or a mutation over GET (422).
 */
export async function executeGraphql(
  context: GraphqlContext,
  payload: GraphqlPayload | GraphqlPayload[],
  method: string,
): Promise<GraphqlOutcome> {
  const multiplex = Array.isArray(payload);
  const requests = (multiplex ? payload : [payload]).map(normalize);
  const fields: string[] = [];

  const totalSize = requests.reduce((sum, request) => sum + request.query.length, 0);
  if (totalSize > MAX_QUERY_SIZE) return { response: controllerError('Query too large'), fields };

  const limits = {
    complexity: context.user?.admin
      ? MAX_COMPLEXITY.admin
      : context.user
        ? MAX_COMPLEXITY.authenticated
        : MAX_COMPLEXITY.anonymous,
    depth: context.user ? MAX_DEPTH.authenticated : MAX_DEPTH.anonymous,
  };
  const schema = gitlabSchema(context.config.profile);
  const prepared = requests.map((request) => prepare(schema, request, limits));
  for (const query of prepared) if ('operation' in query) fields.push(...query.fields);

  if (
    (method === 'GET' || method === 'HEAD') &&
    prepared.some((query) => 'operation' in query && query.operation.operation === 'mutation')
  ) {
    return { response: controllerError(`Mutations are forbidden in ${method} requests`), fields };
  }

  // A multiplex is also limited on the sum of its queries' complexity; every query gets the error.
  const total = prepared.reduce((sum, query) => sum + ('operation' in query ? query.complexity : 0), 0);
  const multiplexError =
    multiplex && total > limits.complexity ? complexityError(total, limits.complexity) : undefined;

  // GraphQL::Schema::Timeout (GitLab's Gitlab::Graphql::Timeout, max_seconds: graphql_timeout):
  // the clock starts with the multiplex; a field that starts after it comes back null with
  // "Timeout on <Type>.<field>". A resolver already running is not interrupted.
  const fieldResolver = deadlineResolver(Date.now() + context.config.graphqlTimeoutMs);
  const results: unknown[] = [];
  for (const query of prepared) {
    if (!('operation' in query)) {
      results.push({ errors: query.errors });
    } else if (query.errors.length > 0 || multiplexError) {
      results.push({ errors: [...query.errors, ...(multiplexError ? [multiplexError] : [])] });
    } else {
      results.push(
        await execute({
          schema,
          document: query.document,
          rootValue: rootValue(context),
          contextValue: context,
          variableValues: query.variables,
          operationName: query.operationName,
          fieldResolver,
        }),
      );
    }
  }
  return { response: jsonResponse(200, multiplex ? results : results[0]), fields };
}

interface NormalizedRequest {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
}

type ErrorJson = GraphQLError | GraphqlErrorJson;

type PreparedQuery =
  | { errors: ErrorJson[] }
  | {
      document: DocumentNode;
      operation: OperationDefinitionNode;
      operationName: string | undefined;
      variables: Record<string, unknown>;
      complexity: number;
      fields: string[];
      /** Analysis errors: depth, complexity. */
      errors: { message: string }[];
    };

function normalize(payload: GraphqlPayload): NormalizedRequest {
  let variables: unknown = payload.variables;
  // Gitlab::Graphql::Variables accepts variables as an object or a JSON string.
  if (typeof variables === 'string') {
    try {
      variables = variables === '' ? {} : JSON.parse(variables);
    } catch {
      variables = {};
    }
  }
  return {
    query: typeof payload.query === 'string' ? payload.query : '',
    variables: variables && typeof variables === 'object' ? (variables as Record<string, unknown>) : {},
    operationName: typeof payload.operationName === 'string' ? payload.operationName : undefined,
  };
}

function prepare(
  schema: GraphQLSchema,
  request: NormalizedRequest,
  limits: { complexity: number; depth: number },
): PreparedQuery {
  if (request.query.trim() === '') return { errors: [{ message: 'No query string was present' }] };
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    return { errors: [error as GraphQLError] };
  }
  const validationErrors = validate(schema, document, specifiedRules, { maxErrors: VALIDATE_MAX_ERRORS });
  if (validationErrors.length > 0) return { errors: rubyValidationErrors(document, validationErrors) };
  const operation = getOperationAST(document, request.operationName);
  if (!operation) {
    return {
      errors: [
        {
          message: request.operationName
            ? `No operation named "${request.operationName}"`
            : 'An operation name is required',
        },
      ],
    };
  }
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables);
  if (coerced.errors) return { errors: rubyVariableErrors(schema, operation, coerced.errors) };

  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  const analysis = analyzeOperation(schema, operation, fragments, coerced.coerced);
  const errors: { message: string }[] = [];
  if (analysis.depth > limits.depth) {
    errors.push({
      message: `Query has depth of ${analysis.depth}, which exceeds max depth of ${limits.depth}`,
    });
  }
  if (analysis.complexity > limits.complexity)
    errors.push(complexityError(analysis.complexity, limits.complexity));
  return {
    document,
    operation,
    operationName: request.operationName,
    variables: request.variables,
    complexity: analysis.complexity,
    fields: topLevelFields(operation, fragments),
    errors,
  };
}

function deadlineResolver(deadline: number): GraphQLFieldResolver<unknown, unknown> {
  return (source, args, context, info) => {
    if (Date.now() > deadline) {
      throw new GraphQLError(`Timeout on ${info.parentType.name}.${info.fieldName}`);
    }
    return defaultFieldResolver(source, args, context, info);
  };
}

function complexityError(complexity: number, max: number): { message: string } {
  return { message: `Query has complexity of ${complexity}, which exceeds max complexity of ${max}` };
}

/** GraphqlController#render_error for Gitlab::Graphql::Errors::ArgumentError: 422. */
function controllerError(message: string): ApiResponse {
  return jsonResponse(422, { errors: [{ message }] });
}
