/**
 * What the item operations share: parsing a request's expressions and legacy parameters (once,
 * all together, by the expression engine), projections, ReturnValues, and the errors of a failed
 * condition.
 */
import { ValidationException } from '../../errors/common.js';
import { ConditionalCheckFailedException } from '../../generated/dynamodb/errors.js';
import type * as T from '../../generated/dynamodb/types.js';
import {
  type ExpressionOperation,
  type ParsedExpressions,
  type ParseRules,
  type Projection,
  parseExpressions,
  projectItem,
  type RequestExpressions,
  type Update,
  updatedAttributes,
} from './expressions/index.js';
import type { Item } from './item-codec.js';
import type { Table } from './table-model.js';
import { validateItem } from './values/attribute-values.js';

const members = [
  'ConditionExpression',
  'FilterExpression',
  'KeyConditionExpression',
  'ProjectionExpression',
  'UpdateExpression',
  'ExpressionAttributeNames',
  'ExpressionAttributeValues',
  'Expected',
  'ConditionalOperator',
  'AttributeUpdates',
  'KeyConditions',
  'QueryFilter',
  'ScanFilter',
  'AttributesToGet',
] as const;

/**
 * Parses the request's expressions and legacy parameters, if it has any (a request without one
 * pays nothing), with the rules of its operation and table.
 */
export function expressionsOf(
  operation: ExpressionOperation,
  input: RequestExpressions,
  table?: Table,
  rules: ParseRules = {},
): ParsedExpressions {
  for (const member of members) {
    if (input[member] !== undefined) {
      return parseExpressions(input, {
        operation,
        ...(table ? { tableKeys: table.keyNames, indexKeys: indexKeyNames(table) } : {}),
        ...rules,
      });
    }
  }
  return {};
}

const indexKeyCache = new WeakMap<Table, string[]>();

function indexKeyNames(table: Table): string[] {
  let names = indexKeyCache.get(table);
  if (!names) {
    names = [...new Set(table.indexes.flatMap((index) => index.keySchema.map((key) => key.name)))].filter(
      (name) => !table.keyNames.includes(name),
    );
    indexKeyCache.set(table, names);
  }
  return names;
}

/** The attributes a read returns: its projection's, or all (undefined). */
export function projector(projection: Projection | undefined) {
  return projection ? (item: Item) => projectItem(projection, item) : undefined;
}

/** Validates a Key (or ExclusiveStartKey) member's values and normalizes its numbers. */
export function checkKeyValues(key: Item): void {
  validateItem(key);
}

export function conditionFailed(
  returnOld: T.ReturnValuesOnConditionCheckFailure | undefined,
  old: Item | undefined,
): ConditionalCheckFailedException {
  const members: Partial<T.ConditionalCheckFailedException> = {};
  if (returnOld === 'ALL_OLD' && old) members.Item = old;
  return new ConditionalCheckFailedException('The conditional request failed', members);
}

/** PutItem and DeleteItem return ALL_OLD or nothing (dynalite validations/putItem.js). */
export function checkOldOrNone(returnValues: T.ReturnValue | undefined): void {
  if (returnValues !== undefined && returnValues !== 'NONE' && returnValues !== 'ALL_OLD') {
    throw new ValidationException('ReturnValues can only be ALL_OLD or NONE');
  }
}

/** UpdateItem's ReturnValues: the updated paths only for UPDATED_OLD and UPDATED_NEW. */
export function updateReturnValues(
  returnValues: T.ReturnValue | undefined,
  update: Update | undefined,
  old: Item | undefined,
  next: Item,
): Item | undefined {
  let out: Item | undefined;
  switch (returnValues) {
    case 'ALL_OLD':
      out = old;
      break;
    case 'ALL_NEW':
      out = next;
      break;
    case 'UPDATED_OLD':
      out = update && old ? updatedAttributes(update, old) : undefined;
      break;
    case 'UPDATED_NEW':
      out = update ? updatedAttributes(update, next) : undefined;
      break;
    default:
      return undefined;
  }
  return out && Object.keys(out).length > 0 ? out : undefined;
}
