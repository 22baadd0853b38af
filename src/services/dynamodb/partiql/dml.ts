/**
 * INSERT, UPDATE, DELETE and EXISTS as single-item writes and checks: each statement is checked
 * and its effect computed (prepareWrite) before anything is written, so that ExecuteStatement,
 * BatchExecuteStatement and ExecuteTransaction share one path; the write itself is writes.ts's
 * `writeItem` (indexes, counts and the change listeners Streams hangs on).
 *
 * Semantics (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.insert.html,
 * .../ql-reference.update.html, .../ql-reference.delete.html):
 * - INSERT of a key that exists: DuplicateItemException "Duplicate primary key exists in table".
 * - UPDATE of an item that does not exist, or whose other WHERE terms do not hold:
 *   ConditionalCheckFailedException (UPDATE never creates an item).
 * - DELETE of an item that does not exist succeeds and deletes nothing; of one whose other WHERE
 *   terms do not hold, ConditionalCheckFailedException.
 * - RETURNING ALL OLD / ALL NEW give the whole item, MODIFIED OLD / MODIFIED NEW the updated paths
 *   (as UpdateItem's UPDATED_OLD / UPDATED_NEW); an empty answer is no item at all.
 */
import { AwsError } from '../../../errors/aws-error.js';
import { DuplicateItemException } from '../../../generated/dynamodb/errors.js';
import type * as T from '../../../generated/dynamodb/types.js';
import type { RequestContext } from '../../service-types.js';
import type { CapacityTally } from '../capacity.js';
import type { Condition, Update } from '../expressions/index.js';
import type { Item } from '../item-codec.js';
import { passes, prepareKey, preparePut, updatedImage } from '../items.js';
import { keyAttributes } from '../keys.js';
import { conditionFailed, updateReturnValues } from '../requests.js';
import type { DynamodbState } from '../state.js';
import type { StoredKey } from '../store.js';
import type { Table } from '../table-model.js';
import { attributeType } from '../values/attribute-values.js';
import { readItem, type StoredItem, writeItem } from '../writes.js';
import type { DeleteStatement, ExistsStatement, InsertStatement, Returning, UpdateStatement } from './ast.js';
import { itemKey } from './keys.js';
import { invalid, M } from './messages.js';
import { constantOf, ExpressionBuilder } from './translate.js';

export type WriteStatement = InsertStatement | UpdateStatement | DeleteStatement | ExistsStatement;

/** One statement checked and ready: the item, what is there, what will be, or why it fails. */
export interface WriteStep {
  table: Table;
  key: StoredKey;
  old: StoredItem | undefined;
  next: { item: Item; size: number } | undefined;
  /** False for EXISTS and for a DELETE of nothing. */
  write: boolean;
  /** The failure the statement meets (DuplicateItem, ConditionalCheckFailed, a ValidationException at run time). */
  failure: AwsError | undefined;
  /** What RETURNING asks for (undefined: nothing to answer). */
  returned: Item | undefined;
}

const returnValues: Record<Returning, T.ReturnValue> = {
  'ALL OLD': 'ALL_OLD',
  'ALL NEW': 'ALL_NEW',
  'MODIFIED OLD': 'UPDATED_OLD',
  'MODIFIED NEW': 'UPDATED_NEW',
};

function tableOf(state: DynamodbState, ctx: RequestContext, name: string): Table {
  return state.itemTable(ctx, name);
}

/** INSERT's item: a tuple whose key attributes are present and of the schema's types. */
function insertedItem(table: Table, statement: InsertStatement, parameters: readonly T.AttributeValue[]): Item {
  const value = constantOf(statement.value, parameters);
  if (!value?.M) throw invalid(M.itemFormat);
  const item = value.M;
  for (const attribute of table.keySchema) {
    const key = item[attribute.name];
    if (key === undefined) throw invalid(M.keyAbsent(attribute.name));
    if (attributeType(key) !== attribute.type) throw invalid(M.keyType(attribute.name));
  }
  return item;
}

function step(table: Table, key: StoredKey, old: StoredItem | undefined): WriteStep {
  return { table, key, old, next: undefined, write: false, failure: undefined, returned: undefined };
}

/** The parsed condition (the WHERE terms besides the key) and update of a statement. */
function expressionsOf(
  table: Table,
  rest: Parameters<ExpressionBuilder['condition']>[0] | undefined,
  actions: UpdateStatement['actions'] | undefined,
  parameters: readonly T.AttributeValue[],
): { condition?: Condition; update?: Update } {
  const builder = new ExpressionBuilder(parameters);
  const update = actions ? builder.update(actions) : undefined;
  const condition = rest ? builder.condition(rest) : undefined;
  return builder.parse(condition, update, table.keyNames);
}

/**
 * Checks a write statement against the current item and computes its effect. Mistakes in the
 * statement throw; a failed condition, a duplicate or a run-time type error is the step's failure.
 */
export function prepareWrite(
  state: DynamodbState,
  ctx: RequestContext,
  statement: WriteStatement,
  parameters: readonly T.AttributeValue[],
  returnOld: T.ReturnValuesOnConditionCheckFailure | undefined,
): WriteStep {
  switch (statement.kind) {
    case 'insert': {
      const table = tableOf(state, ctx, statement.table);
      const item = insertedItem(table, statement, parameters);
      const { key, size } = preparePut(table, item);
      const old = readItem(state, table, key);
      const out = step(table, key, old);
      if (old) out.failure = new DuplicateItemException(M.duplicateItem);
      else {
        out.next = { item, size };
        out.write = true;
      }
      return out;
    }
    case 'update': {
      const table = tableOf(state, ctx, statement.table);
      const { key, rest } = itemKey(table.keySchema, statement.where, parameters, M.incompleteKey);
      const { condition, update } = expressionsOf(table, rest, statement.actions, parameters);
      const stored = prepareKey(table, key);
      const old = readItem(state, table, stored);
      const out = step(table, stored, old);
      if (!old || !passes(condition, old)) {
        out.failure = conditionFailed(returnOld, old?.item);
        return out;
      }
      try {
        out.next = updatedImage(table, keyAttributes(table, key), update, old);
      } catch (error) {
        if (!(error instanceof AwsError) || error.code !== 'ValidationException') throw error;
        out.failure = error;
        return out;
      }
      out.write = true;
      if (statement.returning) {
        out.returned = updateReturnValues(returnValues[statement.returning], update, old.item, out.next.item);
      }
      return out;
    }
    case 'delete': {
      if (statement.returning !== undefined && statement.returning !== 'ALL OLD') {
        throw invalid(M.deleteReturning(`${statement.returning} *`));
      }
      const table = tableOf(state, ctx, statement.table);
      const { key, rest } = itemKey(table.keySchema, statement.where, parameters, M.incompleteKey);
      const { condition } = expressionsOf(table, rest, undefined, parameters);
      const stored = prepareKey(table, key);
      const old = readItem(state, table, stored);
      const out = step(table, stored, old);
      if (!old) return out;
      if (!passes(condition, old)) {
        out.failure = conditionFailed(returnOld, old.item);
        return out;
      }
      out.write = true;
      if (statement.returning) out.returned = old.item;
      return out;
    }
    case 'exists': {
      const { select } = statement;
      if (select.index !== undefined) throw invalid(M.transactionIndexWrite);
      const table = tableOf(state, ctx, select.table);
      const { key, rest } = itemKey(table.keySchema, select.where ?? { kind: 'missing' }, parameters, M.existsKey);
      const { condition } = expressionsOf(table, rest, undefined, parameters);
      const stored = prepareKey(table, key);
      const old = readItem(state, table, stored);
      const out = step(table, stored, old);
      if (!old || !passes(condition, old)) out.failure = conditionFailed(returnOld, old?.item);
      return out;
    }
  }
}

/** Writes a prepared step (nothing for a check or a DELETE of nothing). */
export function applyWrite(state: DynamodbState, prepared: WriteStep): CapacityTally | undefined {
  if (!prepared.write) return undefined;
  return writeItem(state, prepared.table, prepared.key, prepared.old, prepared.next);
}
