// GitLab runs graphql-ruby, whose messages differ from graphql-js's. The errors a client meets
// when it asks an older GitLab for something newer are rewritten into graphql-ruby's words
// (static_validation/rules/fields_are_defined_on_type.rb, argument_literals_are_compatible.rb,
// query/variable_validation_error.rb; the argument message as GitLab's own specs assert it).
import {
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLError,
  type GraphQLSchema,
  isEnumType,
  Kind,
  type OperationDefinitionNode,
  print,
  type ValueNode,
  visit,
} from 'graphql';

export interface GraphqlErrorJson {
  message: string;
  locations?: readonly { line: number; column: number }[];
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

const UNDEFINED_FIELD = /^Cannot query field "([^"]+)" on type "([^"]+)"\./;
const BAD_ENUM_LITERAL =
  /^(?:Value "[^"]*" does not exist in "[^"]+" enum|Enum "[^"]+" cannot represent non-enum value)/;
const BAD_ENUM_VARIABLE =
  /^Variable "\$(\w+)" got invalid value (.+?); Value "([^"]*)" does not exist in "([^"]+)" enum\./;

/** Validation errors, in graphql-ruby's words where GitLab's differ. */
export function rubyValidationErrors(
  document: DocumentNode,
  errors: readonly GraphQLError[],
): (GraphQLError | GraphqlErrorJson)[] {
  let argumentsByValue: Map<ValueNode, { argument: ArgumentNode; field: FieldNode }> | undefined;
  return errors.map((error) => {
    const field = UNDEFINED_FIELD.exec(error.message);
    if (field) {
      const [, fieldName, typeName] = field;
      return {
        message: `Field '${fieldName}' doesn't exist on type '${typeName}'`,
        ...locationsOf(error),
        extensions: { code: 'undefinedField', typeName, fieldName },
      };
    }
    const node = error.nodes?.[0];
    if (BAD_ENUM_LITERAL.test(error.message) && node) {
      argumentsByValue ??= indexArguments(document);
      const owner = argumentsByValue.get(node as ValueNode);
      if (owner) {
        const fieldName = owner.field.alias?.value ?? owner.field.name.value;
        const argumentName = owner.argument.name.value;
        const expected = enumTypeName(error.message);
        return {
          message: `Argument '${argumentName}' on Field '${fieldName}' has an invalid value (${print(owner.argument.value)}). Expected type '${expected}'.`,
          ...locationsOf(error),
          extensions: { code: 'argumentLiteralsIncompatible', typeName: 'Field', argumentName },
        };
      }
    }
    return error;
  });
}

/** Variable coercion errors: a bad top-level enum value is "…was provided invalid value". */
export function rubyVariableErrors(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  errors: readonly GraphQLError[],
): (GraphQLError | GraphqlErrorJson)[] {
  return errors.map((error) => {
    const match = BAD_ENUM_VARIABLE.exec(error.message);
    if (!match) return error;
    const [, name, , value, enumName] = match;
    const definition = operation.variableDefinitions?.find(
      (candidate) => candidate.variable.name.value === name,
    );
    const enumType = schema.getType(enumName as string);
    if (!definition || !isEnumType(enumType)) return error;
    const allowed = enumType.getValues().map((entry) => entry.name);
    return {
      message: `Variable $${name} of type ${print(definition.type)} was provided invalid value`,
      ...locationsOf(error),
      extensions: {
        value,
        problems: [{ path: [], explanation: `Expected "${value}" to be one of: ${allowed.join(', ')}` }],
      },
    };
  });
}

function enumTypeName(message: string): string {
  return /in "([^"]+)" enum|^Enum "([^"]+)"/.exec(message)?.slice(1).find(Boolean) ?? '';
}

function locationsOf(error: GraphQLError): Pick<GraphqlErrorJson, 'locations'> {
  return error.locations ? { locations: error.locations } : {};
}

function indexArguments(
  document: DocumentNode,
): Map<ValueNode, { argument: ArgumentNode; field: FieldNode }> {
  const index = new Map<ValueNode, { argument: ArgumentNode; field: FieldNode }>();
  visit(document, {
    Argument(argument, _key, _parent, _path, ancestors) {
      const field = ancestors[ancestors.length - 1];
      if (field && !Array.isArray(field) && (field as FieldNode).kind === Kind.FIELD) {
        index.set(argument.value, { argument, field: field as FieldNode });
      }
    },
  });
  return index;
}
