/**
 * Scan: a table's or index's items in stored order, (partition hash, partition key, sort key), so
 * that a parallel Scan's segment is one range of partition hashes
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Scan.html#Scan.ParallelScan)
 * and every segment is an index range.
 *
 * Error texts: dynalite's validations/scan.js and actions/scan.js, recorded against AWS.
 */
import { ValidationException } from '../../errors/common.js';
import type { DynamodbOperations } from '../../generated/dynamodb/operations.js';
import type * as T from '../../generated/dynamodb/types.js';
import type { RequestContext } from '../service-types.js';
import { CapacityTally } from './capacity.js';
import type { Item } from './item-codec.js';
import { hashSpace, indexKeyOf, keyFromItem } from './keys.js';
import { checkStartKey, indexOf, readPage, resolveSelect } from './read-page.js';
import { expressionsOf, projector } from './requests.js';
import type { DynamodbState } from './state.js';
import type { IndexDefinition, Table } from './table-model.js';

function segmentRange(input: T.ScanInput): [number, number] {
  const { Segment: segment, TotalSegments: total } = input;
  if (segment !== undefined && total === undefined) {
    throw new ValidationException(
      'The TotalSegments parameter is required but was not present in the request when Segment parameter is present',
    );
  }
  if (total === undefined) return [0, hashSpace];
  if (segment === undefined) {
    throw new ValidationException(
      'The Segment parameter is required but was not present in the request when parameter TotalSegments is present',
    );
  }
  if (segment >= total) {
    throw new ValidationException(
      `The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${segment} is not less than TotalSegments: ${total}`,
    );
  }
  return [Math.ceil((segment * hashSpace) / total), Math.ceil(((segment + 1) * hashSpace) / total)];
}

function rowsAfter(
  state: DynamodbState,
  table: Table,
  index: IndexDefinition | undefined,
  range: [number, number],
  start: Item | undefined,
  input: T.ScanInput,
  tableKeys: boolean,
) {
  const limit = input.Limit ?? -1;
  if (!index) {
    const position = start ? keyFromItem(table, start) : undefined;
    if (position && (position.h < range[0] || position.h >= range[1])) throw wrongSegment(input);
    return state.store.scanTable(table.id, range[0], range[1], position, limit);
  }
  let position: ReturnType<typeof indexKeyOf>;
  if (start) {
    position = indexKeyOf(index, start, keyFromItem(table, start));
    if (position && (position.h < range[0] || position.h >= range[1])) throw wrongSegment(input);
  }
  return state.store.scanIndex(index.id, range[0], range[1], position, limit, tableKeys);
}

function wrongSegment(input: T.ScanInput): ValidationException {
  return new ValidationException(
    `The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: ${input.TotalSegments} Segment: ${input.Segment}`,
  );
}

export function scanOperations(state: DynamodbState) {
  return {
    scan(ctx, input) {
      const range = segmentRange(input);
      const table = state.itemTable(ctx, input.TableName);
      const index = indexOf(table, input.IndexName, input.ConsistentRead);
      const parsed = expressionsOf('Scan', input, table);
      const { select, fromTable } = resolveSelect(input, table, index);
      const start = input.ExclusiveStartKey ? checkStartKey(table, index, input.ExclusiveStartKey) : undefined;
      const rows = rowsAfter(state, table, index, range, start, input, fromTable);
      const page = readPage(
        state,
        {
          table,
          index,
          limit: input.Limit,
          filter: parsed.filter,
          select,
          project: projector(parsed.projection),
          consistent: input.ConsistentRead === true,
          fromTable,
          raw: ctx.rawJson === true,
        },
        rows,
      );
      const out: T.ScanOutput = { Count: page.Count, ScannedCount: page.ScannedCount };
      // RawJson items when ctx.rawJson: the JSON serializer writes them as they are.
      if (page.Items) out.Items = page.Items as Item[];
      if (page.LastEvaluatedKey) out.LastEvaluatedKey = page.LastEvaluatedKey;
      const tally = new CapacityTally();
      if (index) tally.addIndex(index, page.units);
      else tally.table = page.units;
      const capacity = tally.output(table, input.ReturnConsumedCapacity, 'read');
      if (capacity) out.ConsumedCapacity = capacity;
      return out;
    },
  } satisfies Partial<DynamodbOperations<RequestContext>>;
}
