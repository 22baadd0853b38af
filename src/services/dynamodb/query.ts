/**
 * Query: one partition of a table or index, a range of its sort keys, in order or reversed. The
 * key condition becomes bounds on the stored sort key bytes, so a Query is one index range of
 * dynamodb_items (or dynamodb_index_items) whatever the table's size.
 *
 * Error texts: dynalite's actions/query.js and validations/query.js, recorded against AWS.
 */
import { ValidationException } from '../../errors/common.js';
import type { DynamodbOperations } from '../../generated/dynamodb/operations.js';
import type * as T from '../../generated/dynamodb/types.js';
import type { RequestContext } from '../service-types.js';
import { CapacityTally } from './capacity.js';
import type { KeyCondition } from './expressions/index.js';
import type { Item } from './item-codec.js';
import { keyBytes, partitionHash } from './keys.js';
import { checkStartKey, indexOf, readPage, resolveSelect } from './read-page.js';
import { expressionsOf, projector } from './requests.js';
import type { DynamodbState } from './state.js';
import type { Bound } from './store.js';
import type { IndexDefinition, KeyAttribute, Table } from './table-model.js';
import { compareValues } from './values/compare.js';

const typesCache = new WeakMap<Table, Record<string, string>>();

function attributeTypes(table: Table): Record<string, string> {
  let types = typesCache.get(table);
  if (!types) {
    types = Object.fromEntries(table.definition.AttributeDefinitions.map((d) => [d.AttributeName, d.AttributeType]));
    typesCache.set(table, types);
  }
  return types;
}

function typeMatches(attribute: KeyAttribute, value: T.AttributeValue | undefined): boolean {
  return value?.[attribute.type] !== undefined;
}

function typeMismatch(): ValidationException {
  return new ValidationException(
    'One or more parameter values were invalid: Condition parameter type does not match schema type',
  );
}

/** The first byte string past every string that starts with `prefix` (none if it is all 0xFF). */
function prefixEnd(prefix: Buffer): Buffer | undefined {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1;
      return end.subarray(0, i + 1);
    }
  }
  return undefined;
}

/** The sort key bounds a range condition means. */
function bounds(attribute: KeyAttribute, range: KeyCondition['range']): { lower?: Bound; upper?: Bound } {
  if (!range) return {};
  for (const value of range.values) if (!typeMatches(attribute, value)) throw typeMismatch();
  const [first, second] = range.values.map((value) => keyBytes(attribute.type, value));
  if (!first) return {};
  switch (range.op) {
    case '=':
      return { lower: { value: first, inclusive: true }, upper: { value: first, inclusive: true } };
    case '<':
      return { upper: { value: first, inclusive: false } };
    case '<=':
      return { upper: { value: first, inclusive: true } };
    case '>':
      return { lower: { value: first, inclusive: false } };
    case '>=':
      return { lower: { value: first, inclusive: true } };
    case 'BETWEEN':
      return { lower: { value: first, inclusive: true }, upper: { value: second ?? first, inclusive: true } };
    case 'BEGINS_WITH': {
      const end = prefixEnd(first);
      return { lower: { value: first, inclusive: true }, upper: end ? { value: end, inclusive: false } : undefined };
    }
  }
}

/** Whether a value satisfies a range condition (for an ExclusiveStartKey). */
function inRange(value: T.AttributeValue, range: NonNullable<KeyCondition['range']>): boolean {
  const [a, b] = range.values;
  if (!a) return true;
  const order = compareValues(value, a);
  if (order === undefined) return false;
  switch (range.op) {
    case '=':
      return order === 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case 'BETWEEN':
      return order >= 0 && b !== undefined && (compareValues(value, b) ?? 1) <= 0;
    case 'BEGINS_WITH':
      if (value.S !== undefined && a.S !== undefined) return value.S.startsWith(a.S);
      if (value.B !== undefined && a.B !== undefined)
        return Buffer.from(value.B).subarray(0, a.B.length).equals(Buffer.from(a.B));
      return false;
  }
}

function checkStartInQuery(start: Item, hash: KeyAttribute, keyCondition: KeyCondition, rangeName: string | undefined) {
  const sameHash = compareValues(start[hash.name] as T.AttributeValue, keyCondition.hashValue) === 0;
  if (!keyCondition.range || !rangeName) {
    if (!sameHash) {
      throw new ValidationException(
        'The provided starting key is outside query boundaries based on provided conditions',
      );
    }
    return;
  }
  if (!inRange(start[rangeName] as T.AttributeValue, keyCondition.range)) {
    throw new ValidationException('The provided starting key does not match the range key predicate');
  }
  if (!sameHash) throw new ValidationException('The query can return at most one row and cannot be restarted');
}

function runQuery(
  state: DynamodbState,
  table: Table,
  index: IndexDefinition | undefined,
  keyCondition: KeyCondition,
  input: T.QueryInput,
  start: Item | undefined,
  tableKeys: boolean,
) {
  const schema = index ? index.keySchema : table.keySchema;
  const [hash, range] = schema as [KeyAttribute, KeyAttribute | undefined];
  if (!typeMatches(hash, keyCondition.hashValue)) throw typeMismatch();
  const pk = keyBytes(hash.type, keyCondition.hashValue);
  const h = partitionHash(pk);
  let { lower, upper } = range ? bounds(range, keyCondition.range) : {};
  const forward = input.ScanIndexForward !== false;
  const limit = input.Limit ?? -1;
  if (!index) {
    if (start && range) {
      const at: Bound = { value: keyBytes(range.type, start[range.name] as T.AttributeValue), inclusive: false };
      if (forward) lower = at;
      else upper = at;
    }
    // A table without a sort key holds one item per partition: past it, nothing is left.
    if (start && !range) return state.store.queryTable(table.id, h, pk, undefined, undefined, forward, 0);
    return state.store.queryTable(table.id, h, pk, lower, upper, forward, limit);
  }
  let position: { sk: Buffer; tpk: Buffer; tsk: Buffer } | undefined;
  if (start) {
    position = {
      sk: range ? keyBytes(range.type, start[range.name] as T.AttributeValue) : Buffer.alloc(0),
      tpk: keyBytes(table.hash.type, start[table.hash.name] as T.AttributeValue),
      tsk: table.range ? keyBytes(table.range.type, start[table.range.name] as T.AttributeValue) : Buffer.alloc(0),
    };
  }
  return state.store.queryIndex(index.id, h, pk, lower, upper, position, forward, limit, tableKeys);
}

export function queryOperations(state: DynamodbState) {
  return {
    query(ctx, input) {
      const table = state.itemTable(ctx, input.TableName);
      const index = indexOf(table, input.IndexName, input.ConsistentRead);
      const schema = index ? index.keySchema : table.keySchema;
      if (!input.KeyConditions && input.KeyConditionExpression === undefined) {
        throw new ValidationException(
          'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.',
        );
      }
      const parsed = expressionsOf('Query', input, table, {
        keySchema: index ? index.stored.KeySchema : table.definition.KeySchema,
        attributeTypes: attributeTypes(table),
      });
      const keyCondition = parsed.keyCondition;
      if (!keyCondition) throw new Error('dynamodb: a Query without a key condition passed the checks');
      const { select, fromTable } = resolveSelect(input, table, index);
      const start = input.ExclusiveStartKey ? checkStartKey(table, index, input.ExclusiveStartKey) : undefined;
      if (start) checkStartInQuery(start, schema[0] as KeyAttribute, keyCondition, schema[1]?.name);
      const rows = runQuery(state, table, index, keyCondition, input, start, fromTable);
      const consistent = input.ConsistentRead === true;
      const page = readPage(
        state,
        {
          table,
          index,
          limit: input.Limit,
          filter: parsed.filter,
          select,
          project: projector(parsed.projection),
          consistent,
          fromTable,
          raw: ctx.rawJson === true,
        },
        rows,
      );
      const out: T.QueryOutput = { Count: page.Count, ScannedCount: page.ScannedCount };
      // RawJson items when ctx.rawJson: the JSON serializer writes them as they are.
      if (page.Items) out.Items = page.Items as Item[];
      if (page.LastEvaluatedKey) out.LastEvaluatedKey = page.LastEvaluatedKey;
      const tally = new CapacityTally();
      if (index) tally.addIndex(index, page.units);
      else tally.table = page.units;
      const capacity = tally.output(table, input.ReturnConsumedCapacity, 'read');
      if (capacity) {
        if (input.ReturnConsumedCapacity === 'INDEXES' && index) capacity.Table = { CapacityUnits: 0 };
        out.ConsumedCapacity = capacity;
      }
      return out;
    },
  } satisfies Partial<DynamodbOperations<RequestContext>>;
}
