/**
 * The legacy (pre-expression) parameters turned into the same trees as expressions:
 * Expected + ConditionalOperator (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.Expected.html),
 * ScanFilter / QueryFilter (Condition, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Condition.html),
 * KeyConditions, AttributesToGet and AttributeUpdates. Messages: dynalite's tests, recorded
 * against AWS (test/scan.js "validations", test/query.js, test/updateItem.js).
 */
import { ValidationException } from '../../../errors/common.js';
import type {
  AttributeValue,
  AttributeValueUpdate,
  ExpectedAttributeValue,
  Condition as LegacyCondition,
} from '../../../generated/dynamodb/types.js';
import { attributeType, validateAttributeValue } from '../values/attribute-values.js';
import { compareValues } from '../values/compare.js';
import type { Comparator, Node, PathNode, ValueNode } from './ast.js';
import type { KeyConditionPart, RangeOperator } from './key-condition.js';
import type { Token } from './tokenizer.js';
import type { ResolvedAction } from './update.js';

const INVALID = 'One or more parameter values were invalid: ';
const token: Token = { type: 'eof', text: '', start: 0, end: 0 };

function invalid(message: string): never {
  throw new ValidationException(message);
}

/** Which expression and legacy parameters each operation has, in the order AWS lists them. */
export const operationParameters = {
  GetItem: { expressions: ['ProjectionExpression'], legacy: ['AttributesToGet'] },
  BatchGetItem: { expressions: ['ProjectionExpression'], legacy: ['AttributesToGet'] },
  PutItem: { expressions: ['ConditionExpression'], legacy: ['Expected', 'ConditionalOperator'] },
  DeleteItem: { expressions: ['ConditionExpression'], legacy: ['Expected', 'ConditionalOperator'] },
  UpdateItem: {
    expressions: ['UpdateExpression', 'ConditionExpression'],
    legacy: ['AttributeUpdates', 'Expected', 'ConditionalOperator'],
  },
  Query: {
    expressions: ['ProjectionExpression', 'FilterExpression', 'KeyConditionExpression'],
    legacy: ['AttributesToGet', 'QueryFilter', 'ConditionalOperator', 'KeyConditions'],
  },
  Scan: {
    expressions: ['ProjectionExpression', 'FilterExpression'],
    legacy: ['AttributesToGet', 'ScanFilter', 'ConditionalOperator'],
  },
  ConditionCheck: { expressions: ['ConditionExpression'], legacy: [] },
} as const;

export type ExpressionOperation = keyof typeof operationParameters;

/**
 * The rules on mixing the two kinds of parameter (dynalite test/updateItem.js and test/scan.js,
 * "should return ValidationException if expression and non-expression", "... if
 * ExpressionAttributeNames but no ...", "... if ExpressionAttributeValues but no ...").
 */
export function checkParameterMix(operation: ExpressionOperation, input: Record<string, unknown>): void {
  const { expressions, legacy } = operationParameters[operation];
  const given = expressions.filter((name) => input[name] !== undefined);
  if (given.length > 0) {
    // KeyConditions may go with the other expressions as long as KeyConditionExpression is absent.
    const mixed = legacy.filter(
      (name) => input[name] !== undefined && !(name === 'KeyConditions' && input.KeyConditionExpression === undefined),
    );
    if (mixed.length > 0) {
      invalid(
        'Can not use both expression and non-expression parameters in the same request: ' +
          `Non-expression parameters: {${mixed.join(', ')}} Expression parameters: {${given.join(', ')}}`,
      );
    }
  }
  if (input.ExpressionAttributeNames !== undefined && given.length === 0) {
    invalid('ExpressionAttributeNames can only be specified when using expressions');
  }
  const valued = expressions.filter((name) => name !== 'ProjectionExpression');
  if (
    input.ExpressionAttributeValues !== undefined &&
    valued.length > 0 &&
    valued.every((name) => input[name] === undefined)
  ) {
    invalid(
      `ExpressionAttributeValues can only be specified when using expressions: ${valued.join(' and ')} ${valued.length > 1 ? 'are' : 'is'} null`,
    );
  }
}

function path(name: string): PathNode {
  return { kind: 'path', raw: [], path: [name], token };
}

function value(attribute: AttributeValue): ValueNode {
  return { kind: 'value', name: '', value: attribute, token };
}

function call(name: string, args: Node[]): Node {
  return { kind: 'call', name, args, token };
}

function compare(operator: Comparator, name: string, attribute: AttributeValue): Node {
  return { kind: 'compare', operator, left: path(name), right: value(attribute), token };
}

const argumentCounts: Record<string, [number, number]> = {
  EQ: [1, 1],
  NE: [1, 1],
  LE: [1, 1],
  LT: [1, 1],
  GE: [1, 1],
  GT: [1, 1],
  CONTAINS: [1, 1],
  NOT_CONTAINS: [1, 1],
  BEGINS_WITH: [1, 1],
  NULL: [0, 0],
  NOT_NULL: [0, 0],
  IN: [1, Number.POSITIVE_INFINITY],
  BETWEEN: [2, 2],
};
const allowedTypes: Record<string, readonly string[]> = {
  LE: ['S', 'N', 'B'],
  LT: ['S', 'N', 'B'],
  GE: ['S', 'N', 'B'],
  GT: ['S', 'N', 'B'],
  CONTAINS: ['S', 'N', 'B'],
  NOT_CONTAINS: ['S', 'N', 'B'],
  BEGINS_WITH: ['S', 'B'],
  IN: ['S', 'N', 'B'],
  BETWEEN: ['S', 'N', 'B'],
};
const comparatorOf: Record<string, Comparator> = { EQ: '=', NE: '<>', LE: '<=', LT: '<', GE: '>=', GT: '>' };

function checkValueList(operator: string, values: readonly AttributeValue[]): void {
  for (const attribute of values) validateAttributeValue(attribute);
  const [min, max] = argumentCounts[operator] ?? [0, 0];
  if (values.length < min || values.length > max) {
    invalid(`${INVALID}Invalid number of argument(s) for the ${operator} ComparisonOperator`);
  }
  const type = values[0] === undefined ? undefined : attributeType(values[0]);
  if (values.some((attribute) => attributeType(attribute) !== type)) {
    invalid(`${INVALID}AttributeValues inside AttributeValueList must be of same type`);
  }
  const allowed = allowedTypes[operator];
  if (allowed && type !== undefined && !allowed.includes(type)) {
    invalid(`${INVALID}ComparisonOperator ${operator} is not valid for ${type} AttributeValue type`);
  }
  if (operator === 'BETWEEN' && (compareValues(values[0]!, values[1]!) ?? 0) > 0) {
    invalid('The BETWEEN condition was provided a range where the lower bound is greater than the upper bound');
  }
}

/** One ComparisonOperator condition on one attribute, as a tree. */
function comparison(name: string, operator: string, values: readonly AttributeValue[]): Node {
  const comparator = comparatorOf[operator];
  if (comparator) return compare(comparator, name, values[0]!);
  switch (operator) {
    case 'NULL':
      return call('attribute_not_exists', [path(name)]);
    case 'NOT_NULL':
      return call('attribute_exists', [path(name)]);
    case 'CONTAINS':
      return call('contains', [path(name), value(values[0]!)]);
    case 'NOT_CONTAINS':
      // Only an attribute that exists can lack the value.
      return {
        kind: 'and',
        left: call('attribute_exists', [path(name)]),
        right: { kind: 'not', operand: call('contains', [path(name), value(values[0]!)]), token },
        token,
      };
    case 'BEGINS_WITH':
      return call('begins_with', [path(name), value(values[0]!)]);
    case 'IN':
      return { kind: 'in', operand: path(name), list: values.map(value), token };
    default:
      return { kind: 'between', operand: path(name), low: value(values[0]!), high: value(values[1]!), token };
  }
}

function combine(nodes: Node[], operator: string | undefined): Node | undefined {
  const kind = operator === 'OR' ? 'or' : 'and';
  return nodes.reduce<Node | undefined>((left, right) => (left ? { kind, left, right, token } : right), undefined);
}

/** ScanFilter or QueryFilter with its ConditionalOperator. */
export function filterFromConditions(
  conditions: Record<string, LegacyCondition>,
  conditionalOperator: string | undefined,
): Node | undefined {
  const nodes: Node[] = [];
  for (const name in conditions) {
    const { ComparisonOperator: operator, AttributeValueList: values = [] } = conditions[name]!;
    checkValueList(operator, values);
    nodes.push(comparison(name, operator, values));
  }
  return combine(nodes, conditionalOperator);
}

/** Expected with its ConditionalOperator. */
export function conditionFromExpected(
  expected: Record<string, ExpectedAttributeValue>,
  conditionalOperator: string | undefined,
): Node | undefined {
  const nodes: Node[] = [];
  for (const name in expected) {
    const condition = expected[name]!;
    const { ComparisonOperator: operator, AttributeValueList: list, Value: single, Exists: exists } = condition;
    if (list !== undefined && single !== undefined) {
      invalid(`${INVALID}Value and AttributeValueList cannot be used together for Attribute: ${name}`);
    }
    if (operator !== undefined) {
      if (exists !== undefined)
        invalid(`${INVALID}Exists and ComparisonOperator cannot be used together for Attribute: ${name}`);
      if (operator !== 'NULL' && operator !== 'NOT_NULL' && list === undefined && single === undefined) {
        invalid(
          `${INVALID}Value or AttributeValueList must be used with ComparisonOperator: ${operator} for Attribute: ${name}`,
        );
      }
      const values = list ?? (single === undefined ? [] : [single]);
      checkValueList(operator, values);
      nodes.push(comparison(name, operator, values));
    } else if (list !== undefined) {
      invalid(`${INVALID}AttributeValueList can only be used with a ComparisonOperator for Attribute: ${name}`);
    } else if (exists === false) {
      if (single !== undefined) invalid(`${INVALID}Value cannot be used when Exists is false for Attribute: ${name}`);
      nodes.push(call('attribute_not_exists', [path(name)]));
    } else {
      if (single === undefined) {
        invalid(
          `${INVALID}Value must be provided when Exists is ${exists === undefined ? 'null' : 'true'} for Attribute: ${name}`,
        );
      }
      validateAttributeValue(single);
      nodes.push(compare('=', name, single));
    }
  }
  return combine(nodes, conditionalOperator);
}

const keyOperators: Record<string, RangeOperator> = {
  EQ: '=',
  LE: '<=',
  LT: '<',
  GE: '>=',
  GT: '>',
  BEGINS_WITH: 'BEGINS_WITH',
  BETWEEN: 'BETWEEN',
};

/** KeyConditions as the parts a key condition is made of. */
export function keyConditionsParts(conditions: Record<string, LegacyCondition>): KeyConditionPart[] {
  const parts: KeyConditionPart[] = [];
  for (const name in conditions) {
    const { ComparisonOperator: operator, AttributeValueList: values = [] } = conditions[name]!;
    checkValueList(operator, values);
    const rangeOperator = keyOperators[operator];
    if (rangeOperator === undefined) invalid('Attempted conditional constraint is not an indexable operation');
    parts.push({ name, operator: rangeOperator, values: [...values] });
  }
  return parts;
}

/** AttributesToGet as projection paths. */
export function attributesToGetPaths(names: readonly string[]): string[][] {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) invalid(`${INVALID}Duplicate value in attribute name: ${name}`);
    seen.add(name);
  }
  return names.map((name) => [name]);
}

/** AttributeUpdates as update actions. */
export function actionsFromAttributeUpdates(updates: Record<string, AttributeValueUpdate>): ResolvedAction[] {
  const actions: ResolvedAction[] = [];
  for (const name in updates) {
    const { Action: action = 'PUT', Value: attribute } = updates[name]!;
    if (attribute === undefined) {
      if (action !== 'DELETE') invalid(`${INVALID}Only DELETE action is allowed when no attribute value is specified`);
      actions.push({ section: 'REMOVE', path: [name] });
      continue;
    }
    validateAttributeValue(attribute);
    const type = attributeType(attribute)!;
    if (action === 'DELETE') {
      if (type !== 'SS' && type !== 'NS' && type !== 'BS') {
        invalid(`${INVALID}DELETE action with value is not supported for the type ${type}`);
      }
      actions.push({ section: 'DELETE', path: [name], value: value(attribute) });
    } else if (action === 'ADD') {
      if (!['N', 'SS', 'NS', 'BS', 'L'].includes(type))
        invalid(`${INVALID}ADD action is not supported for the type ${type}`);
      actions.push({ section: 'ADD', path: [name], value: value(attribute) });
    } else {
      actions.push({ section: 'SET', path: [name], value: value(attribute) });
    }
  }
  return actions;
}
