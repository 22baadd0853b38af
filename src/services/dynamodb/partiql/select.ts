/**
 * SELECT through Query and Scan (query.ts, scan.ts): the key plan of keys.ts picks a Query per
 * partition (in the order of ORDER BY on the partition key, if any) or one Scan; each reads its
 * page as those operations do (Limit counts the items read, a page stops at 1 MB:
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ExecuteStatement.html), then
 * the WHERE clause filters what was read and the projection shapes it.
 *
 * A projected path is answered under its last name (`SELECT a.b` gives `{"b": ...}`, as PartiQL
 * names a path's column, and as AWS answers: a third-party suite characterised against AWS); a
 * path that ends in a list index is named by its position in the list (`_1`, PartiQL's rule).
 *
 * NextToken is this service's own: the request's fingerprint (statement and parameters), the
 * partition reached and the last key read, base64 JSON. A token from another statement is
 * refused ("NextToken does not match request"), as are tokens that do not decode.
 */
import { createHash } from 'node:crypto';
import type * as T from '../../../generated/dynamodb/types.js';
import type { RequestContext } from '../../service-types.js';
import { type Condition, evaluateCondition } from '../expressions/index.js';
import { decodeItem, encodeItem, type Item } from '../item-codec.js';
import { queryOperations } from '../query.js';
import { scanOperations } from '../scan.js';
import type { DynamodbState } from '../state.js';
import type { IndexDefinition, KeyAttribute } from '../table-model.js';
import { compareValues } from '../values/compare.js';
import type { Expr, PathStep, SelectStatement } from './ast.js';
import { planSelect, type QueryPlan } from './keys.js';
import { invalid, M } from './messages.js';
import { ExpressionBuilder } from './translate.js';

export interface SelectRequest {
  statement: SelectStatement;
  /** The statement's text and parameters, which a NextToken is bound to. */
  text: string;
  parameters: T.AttributeValue[];
  limit: number | undefined;
  nextToken: string | undefined;
  consistent: boolean;
  capacity: T.ReturnConsumedCapacity | undefined;
}

interface Cursor {
  /** The request's fingerprint. */
  f: string;
  /** The partition (Query) reached. */
  i: number;
  /** The last key read, as the store encodes items. */
  k?: string;
}

/** The table and index a SELECT reads, checked as AWS checks them. */
export function selectSource(
  state: DynamodbState,
  ctx: RequestContext,
  statement: SelectStatement,
  consistent: boolean,
) {
  const table = state.itemTable(ctx, statement.table);
  let index: IndexDefinition | undefined;
  if (statement.index !== undefined) {
    index = table.indexByName.get(statement.index);
    if (!index) throw invalid(`The table does not have the specified index: ${statement.index}`);
    if (index.global && consistent) throw invalid(M.consistentGsi);
  }
  return { table, index, keySchema: (index ? index.keySchema : table.keySchema) as KeyAttribute[] };
}

/** The WHERE clause as a condition of the expression engine. */
export function whereCondition(
  where: Expr | undefined,
  parameters: readonly T.AttributeValue[],
): Condition | undefined {
  if (!where) return undefined;
  const builder = new ExpressionBuilder(parameters);
  return builder.parse(builder.condition(where), undefined).condition;
}

function stepsOf(expr: Expr): PathStep[] {
  if (expr.kind !== 'path') throw invalid(M.unexpectedPath);
  return expr.steps;
}

function valueAt(item: Item, steps: readonly PathStep[]): T.AttributeValue | undefined {
  let value: T.AttributeValue | undefined = item[steps[0] as string];
  for (let i = 1; i < steps.length && value !== undefined; i++) {
    const step = steps[i]!;
    value = typeof step === 'number' ? value.L?.[step] : value.M?.[step];
  }
  return value;
}

/** The projection of a SELECT: undefined for `*`. */
export function projector(projection: Expr[] | undefined): ((item: Item) => Item) | undefined {
  if (!projection) return undefined;
  const columns = projection.map((expr, position) => {
    const steps = stepsOf(expr);
    const last = steps[steps.length - 1]!;
    return { steps, name: typeof last === 'string' ? last : `_${position + 1}` };
  });
  return (item) => {
    const out: Item = {};
    for (const { steps, name } of columns) {
      const value = valueAt(item, steps);
      if (value !== undefined) out[name] = value;
    }
    return out;
  };
}

function fingerprint(text: string, parameters: readonly T.AttributeValue[]): string {
  return createHash('sha256')
    .update(text)
    .update('\0')
    .update(encodeItem(Object.fromEntries(parameters.map((p, i) => [String(i), p]))))
    .digest('base64url')
    .slice(0, 22);
}

function readCursor(token: string, expected: string): Cursor {
  let cursor: Cursor;
  try {
    cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor;
  } catch {
    throw invalid(M.invalidNextToken);
  }
  if (
    !cursor ||
    typeof cursor.f !== 'string' ||
    !Number.isInteger(cursor.i) ||
    cursor.i < 0 ||
    (cursor.k !== undefined && typeof cursor.k !== 'string')
  ) {
    throw invalid(M.invalidNextToken);
  }
  if (cursor.f !== expected) throw invalid(M.nextTokenMismatch);
  return cursor;
}

function writeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/** ORDER BY: only key attributes of what is read, only on a Query (messages.ts, catalog). */
function ordering(statement: SelectStatement, keySchema: readonly KeyAttribute[], plan: QueryPlan | undefined) {
  const { orderBy } = statement;
  if (orderBy.length === 0) return { forward: true, hashDescending: false };
  if (!statement.where) throw invalid(M.orderByWithoutWhere);
  for (const { name } of orderBy) {
    if (!keySchema.some((attribute) => attribute.name === name)) throw invalid(M.orderByNotKey(name));
  }
  if (!plan) throw invalid(M.orderByWithoutHash);
  const [hash, range] = keySchema as [KeyAttribute, KeyAttribute | undefined];
  const byHash = orderBy.find((o) => o.name === hash.name);
  if (plan.hashValues.length > 1 && !byHash) throw invalid(M.orderByHashNeeded);
  const byRange = range ? orderBy.find((o) => o.name === range.name) : undefined;
  return { forward: !byRange?.descending, hashDescending: byHash?.descending === true };
}

function keyConditionOf(
  builder: ExpressionBuilder,
  keySchema: readonly KeyAttribute[],
  hashValue: T.AttributeValue,
  range: QueryPlan['range'],
): string {
  let text = `${builder.path([keySchema[0]!.name])} = ${builder.value(hashValue)}`;
  if (!range) return text;
  const path = builder.path([range.name]);
  if (range.op === 'BETWEEN')
    text += ` AND ${path} BETWEEN ${builder.value(range.values[0]!)} AND ${builder.value(range.values[1]!)}`;
  else if (range.op === 'BEGINS_WITH') text += ` AND begins_with(${path}, ${builder.value(range.values[0]!)})`;
  else text += ` AND ${path} ${range.op} ${builder.value(range.values[0]!)}`;
  return text;
}

/** Adds one page's consumed capacity to the sum of the request's pages. */
function addCapacity(sum: T.ConsumedCapacity | undefined, page: T.ConsumedCapacity | undefined) {
  if (!page) return sum;
  if (!sum) return structuredClone(page);
  sum.CapacityUnits = (sum.CapacityUnits ?? 0) + (page.CapacityUnits ?? 0);
  sum.ReadCapacityUnits = (sum.ReadCapacityUnits ?? 0) + (page.ReadCapacityUnits ?? 0);
  if (sum.Table && page.Table)
    sum.Table.CapacityUnits = (sum.Table.CapacityUnits ?? 0) + (page.Table.CapacityUnits ?? 0);
  for (const member of ['GlobalSecondaryIndexes', 'LocalSecondaryIndexes'] as const) {
    const into = sum[member];
    const from = page[member];
    if (!into || !from) continue;
    for (const [name, capacity] of Object.entries(from)) {
      const target = (into[name] ??= { CapacityUnits: 0 });
      target.CapacityUnits = (target.CapacityUnits ?? 0) + (capacity.CapacityUnits ?? 0);
    }
  }
  return sum;
}

export function selectRunner(state: DynamodbState) {
  const { query } = queryOperations(state);
  const { scan } = scanOperations(state);

  return function runSelect(ctx: RequestContext, request: SelectRequest): T.ExecuteStatementOutput {
    // The statement's own items are walked below, so its inner reads answer plain values.
    const plain: RequestContext = { ...ctx, rawJson: false };
    const { statement, parameters } = request;
    const { table, index, keySchema } = selectSource(state, ctx, statement, request.consistent);
    const project = projector(statement.projection);
    const filter = whereCondition(statement.where, parameters);
    const plan = planSelect(keySchema, statement.where, parameters);
    const { forward, hashDescending } = ordering(statement, keySchema, plan);
    const print = fingerprint(request.text, parameters);
    const cursor = request.nextToken !== undefined ? readCursor(request.nextToken, print) : undefined;
    const base = {
      TableName: table.name,
      ...(index ? { IndexName: index.name } : {}),
      ...(request.consistent ? { ConsistentRead: true } : {}),
      ...(request.capacity ? { ReturnConsumedCapacity: request.capacity } : {}),
    };
    const items: Item[] = [];
    const keep = (read: Item[] | undefined) => {
      for (const item of read ?? []) {
        if (!filter || evaluateCondition(filter, item)) items.push(project ? project(item) : item);
      }
    };
    let next: Cursor | undefined;
    let capacity: T.ConsumedCapacity | undefined;
    if (plan) {
      const hashes = [...plan.hashValues];
      if (hashDescending) hashes.sort((a, b) => compareValues(b, a) ?? 0);
      else if (statement.orderBy.length > 0) hashes.sort((a, b) => compareValues(a, b) ?? 0);
      let remaining = request.limit;
      for (let i = cursor?.i ?? 0; i < hashes.length; i++) {
        const builder = new ExpressionBuilder(parameters);
        const keyCondition = keyConditionOf(builder, keySchema, hashes[i]!, plan.range);
        const start = cursor && i === cursor.i && cursor.k ? decodeItem(cursor.k) : undefined;
        const page = query(plain, {
          ...base,
          KeyConditionExpression: keyCondition,
          ExpressionAttributeNames: builder.names,
          ExpressionAttributeValues: builder.values,
          ...(remaining !== undefined ? { Limit: remaining } : {}),
          ...(start ? { ExclusiveStartKey: start } : {}),
          ...(forward ? {} : { ScanIndexForward: false }),
        });
        keep(page.Items);
        capacity = addCapacity(capacity, page.ConsumedCapacity);
        if (page.LastEvaluatedKey) {
          next = { f: print, i, k: encodeItem(page.LastEvaluatedKey) };
          break;
        }
        if (remaining !== undefined) {
          remaining -= page.ScannedCount ?? 0;
          if (remaining <= 0) {
            if (i + 1 < hashes.length) next = { f: print, i: i + 1 };
            break;
          }
        }
      }
    } else {
      const start = cursor?.k ? decodeItem(cursor.k) : undefined;
      const page = scan(plain, {
        ...base,
        ...(request.limit !== undefined ? { Limit: request.limit } : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      keep(page.Items);
      capacity = addCapacity(capacity, page.ConsumedCapacity);
      if (page.LastEvaluatedKey) next = { f: print, i: 0, k: encodeItem(page.LastEvaluatedKey) };
    }
    const out: T.ExecuteStatementOutput = { Items: items };
    if (next) {
      out.NextToken = writeCursor(next);
      if (next.k) out.LastEvaluatedKey = decodeItem(next.k);
    }
    if (request.capacity === 'TOTAL' || request.capacity === 'INDEXES') {
      out.ConsumedCapacity = capacity ?? { TableName: table.name, CapacityUnits: 0, ReadCapacityUnits: 0 };
    }
    return out;
  };
}
