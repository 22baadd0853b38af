/**
 * A KeyConditionExpression turned into the hash (and range) condition a Query runs on, with the
 * checks AWS makes. Texts: dynalite test/query.js (recorded against AWS), "should return
 * ValidationException for invalid operators" through "... if querying with unsupported conditions".
 * These messages carry no "Invalid KeyConditionExpression: " prefix, as AWS sends them.
 */
import { ValidationException } from '../../../errors/common.js';
import type { AttributeValue, KeySchemaElement } from '../../../generated/dynamodb/types.js';
import { attributeType } from '../values/attribute-values.js';
import type { Node } from './ast.js';

export type RangeOperator = '=' | '<' | '<=' | '>' | '>=' | 'BETWEEN' | 'BEGINS_WITH';

export interface KeyConditionPart {
  name: string;
  operator: RangeOperator;
  values: AttributeValue[];
}

const flipped: Record<string, RangeOperator> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

function invalid(message: string): never {
  throw new ValidationException(message);
}

/** The conditions of a checked key condition tree, one per attribute, in order. */
export function keyConditionParts(root: Node): KeyConditionPart[] {
  const parts: KeyConditionPart[] = [];
  const visit = (node: Node): void => {
    switch (node.kind) {
      case 'and':
        visit(node.left);
        visit(node.right);
        return;
      case 'or':
      case 'not':
      case 'in':
        invalid(`Invalid operator used in KeyConditionExpression: ${node.kind.toUpperCase()}`);
        break;
      case 'compare':
        if (node.operator === '<>') invalid('Invalid operator used in KeyConditionExpression: <>');
        break;
      case 'call':
        if (node.name !== 'begins_with' && node.name !== 'size') {
          invalid(`Invalid operator used in KeyConditionExpression: ${node.name}`);
        }
        break;
    }
    const operands =
      node.kind === 'between'
        ? [node.operand, node.low, node.high]
        : node.kind === 'compare'
          ? [node.left, node.right]
          : node.kind === 'call'
            ? node.args
            : [node];
    if ((node.kind === 'between' || node.kind === 'call') && operands[0]!.kind !== 'path') {
      const name = node.kind === 'between' ? 'BETWEEN' : 'begins_with';
      invalid(
        `Invalid condition in KeyConditionExpression: ${name} operator must have the key attribute as its first operand`,
      );
    }
    if (operands.some((operand) => operand.kind === 'call'))
      invalid('KeyConditionExpressions cannot contain nested operations');
    let keyIndex = -1;
    operands.forEach((operand, i) => {
      if (operand.kind !== 'path') return;
      if (keyIndex !== -1)
        invalid('Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition');
      if (operand.path.length > 1) invalid('KeyConditionExpressions cannot have conditions on nested attributes');
      keyIndex = i;
    });
    if (keyIndex === -1) invalid('Invalid condition in KeyConditionExpression: No key attribute specified');
    const name = (operands[keyIndex] as Extract<Node, { kind: 'path' }>).path[0] as string;
    if (parts.some((part) => part.name === name))
      invalid('KeyConditionExpressions must only contain one condition per key');
    const values = operands
      .filter((_, i) => i !== keyIndex)
      .map((operand) => (operand as Extract<Node, { kind: 'value' }>).value);
    let operator: RangeOperator;
    if (node.kind === 'between') operator = 'BETWEEN';
    else if (node.kind === 'call') operator = 'BEGINS_WITH';
    else if (node.kind === 'compare')
      operator = keyIndex === 0 ? (node.operator as RangeOperator) : flipped[node.operator]!;
    else invalid('Invalid condition in KeyConditionExpression: No key attribute specified');
    parts.push({ name, operator, values });
  };
  visit(root);
  return parts;
}

export interface KeyConditionResult {
  hashName: string;
  hashValue: AttributeValue;
  range?: KeyConditionPart;
}

/**
 * Matches the conditions against the key schema of the table or index queried.
 * `attributeTypes` (from AttributeDefinitions), when given, checks each value's type (before the
 * operator: dynalite test/query.js, "should return ValidationException for mismatching param type").
 */
export function matchKeySchema(
  parts: readonly KeyConditionPart[],
  keySchema: readonly KeySchemaElement[],
  attributeTypes?: Readonly<Record<string, string>>,
): KeyConditionResult {
  if (parts.length > 2) invalid('Conditions can be of length 1 or 2 only');
  const hashName = keySchema.find((element) => element.KeyType === 'HASH')?.AttributeName;
  const rangeName = keySchema.find((element) => element.KeyType === 'RANGE')?.AttributeName;
  if (parts.length > keySchema.length) invalid('Query key condition not supported');
  const hash = parts.find((part) => part.name === hashName);
  if (hash === undefined || hashName === undefined) invalid(`Query condition missed key schema element: ${hashName}`);
  const range = parts.find((part) => part !== hash);
  if (range !== undefined && range.name !== rangeName)
    invalid(`Query condition missed key schema element: ${rangeName}`);
  if (attributeTypes) {
    for (const part of parts) {
      const expected = attributeTypes[part.name];
      if (expected !== undefined && part.values.some((value) => attributeType(value) !== expected)) {
        invalid('One or more parameter values were invalid: Condition parameter type does not match schema type');
      }
    }
  }
  if (hash.operator !== '=') invalid('Query key condition not supported');
  return range === undefined
    ? { hashName, hashValue: hash.values[0]! }
    : { hashName, hashValue: hash.values[0]!, range };
}
