/**
 * Evaluation of a checked condition tree against one item: a plain recursive walk over resolved
 * paths and values, no parsing and no regular expressions. Semantics:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
 * - A comparison with a missing attribute, or between values of different types, is false;
 *   `<>` is true unless both sides exist and are equal.
 * - `size` of a string counts characters (dynalite does the same), of a binary its bytes, of a
 *   set, list or map its members; a number, boolean or null has no size (the condition is false).
 */
import type { AttributeValue } from '../../../generated/dynamodb/types.js';
import type { Item } from '../values/attribute-values.js';
import { compareValues, setHas, valuesEqual } from '../values/compare.js';
import type { Node, PathElement } from './ast.js';

/** The value at a document path, or undefined when any step is missing or of the wrong type. */
export function valueAt(item: Item | undefined, path: readonly PathElement[]): AttributeValue | undefined {
  if (item === undefined) return undefined;
  let value: AttributeValue | undefined = item[path[0] as string];
  for (let i = 1; i < path.length && value !== undefined; i++) {
    const element = path[i]!;
    value = typeof element === 'number' ? value.L?.[element] : value.M?.[element];
  }
  return value;
}

function typeMatches(value: AttributeValue, type: string): boolean {
  return (value as Record<string, unknown>)[type] !== undefined;
}

function sizeOf(value: AttributeValue | undefined): AttributeValue | undefined {
  if (value === undefined) return undefined;
  let size: number;
  if (value.S !== undefined) size = [...value.S].length;
  else if (value.B !== undefined) size = value.B.byteLength;
  else if (value.L !== undefined) size = value.L.length;
  else if (value.M !== undefined) size = Object.keys(value.M).length;
  else if (value.SS !== undefined) size = value.SS.length;
  else if (value.NS !== undefined) size = value.NS.length;
  else if (value.BS !== undefined) size = value.BS.length;
  else return undefined;
  return { N: String(size) };
}

/** The value of an operand of a condition. */
export function operandValue(node: Node, item: Item | undefined): AttributeValue | undefined {
  switch (node.kind) {
    case 'path':
      return valueAt(item, node.path);
    case 'value':
      return node.value;
    case 'call':
      return node.name === 'size' ? sizeOf(operandValue(node.args[0]!, item)) : undefined;
    default:
      return undefined;
  }
}

function beginsWith(value: AttributeValue | undefined, prefix: AttributeValue | undefined): boolean {
  if (value === undefined || prefix === undefined) return false;
  if (value.S !== undefined) return prefix.S !== undefined && value.S.startsWith(prefix.S);
  if (value.B !== undefined && prefix.B !== undefined) {
    const bytes = prefix.B;
    return value.B.byteLength >= bytes.byteLength && Buffer.compare(value.B.subarray(0, bytes.byteLength), bytes) === 0;
  }
  return false;
}

function contains(value: AttributeValue | undefined, member: AttributeValue | undefined): boolean {
  if (value === undefined || member === undefined) return false;
  if (value.S !== undefined) return member.S !== undefined && value.S.includes(member.S);
  if (value.L !== undefined) {
    for (const element of value.L) if (valuesEqual(element, member)) return true;
    return false;
  }
  if (value.B !== undefined) return member.B !== undefined && Buffer.from(value.B).includes(Buffer.from(member.B));
  return setHas(value, member);
}

/** Whether the item (undefined: no item) satisfies the condition. */
export function evaluate(node: Node, item: Item | undefined): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, item) && evaluate(node.right, item);
    case 'or':
      return evaluate(node.left, item) || evaluate(node.right, item);
    case 'not':
      return !evaluate(node.operand, item);
    case 'compare': {
      const left = operandValue(node.left, item);
      const right = operandValue(node.right, item);
      if (node.operator === '=') return left !== undefined && right !== undefined && valuesEqual(left, right);
      if (node.operator === '<>') return left === undefined || right === undefined || !valuesEqual(left, right);
      if (left === undefined || right === undefined) return false;
      const order = compareValues(left, right);
      if (order === undefined) return false;
      switch (node.operator) {
        case '<':
          return order < 0;
        case '<=':
          return order <= 0;
        case '>':
          return order > 0;
        default:
          return order >= 0;
      }
    }
    case 'between': {
      const value = operandValue(node.operand, item);
      const low = operandValue(node.low, item);
      const high = operandValue(node.high, item);
      if (value === undefined || low === undefined || high === undefined) return false;
      const fromLow = compareValues(value, low);
      const toHigh = compareValues(value, high);
      return fromLow !== undefined && toHigh !== undefined && fromLow >= 0 && toHigh <= 0;
    }
    case 'in': {
      const value = operandValue(node.operand, item);
      if (value === undefined) return false;
      for (const candidate of node.list) {
        const other = operandValue(candidate, item);
        if (other !== undefined && valuesEqual(value, other)) return true;
      }
      return false;
    }
    case 'call': {
      const [first, second] = node.args;
      switch (node.name) {
        case 'attribute_exists':
          return operandValue(first!, item) !== undefined;
        case 'attribute_not_exists':
          return operandValue(first!, item) === undefined;
        case 'attribute_type': {
          const value = operandValue(first!, item);
          const type = operandValue(second!, item);
          return value !== undefined && type?.S !== undefined && typeMatches(value, type.S);
        }
        case 'begins_with':
          return beginsWith(operandValue(first!, item), operandValue(second!, item));
        case 'contains':
          return contains(operandValue(first!, item), operandValue(second!, item));
        default:
          return false;
      }
    }
    default:
      return false;
  }
}
