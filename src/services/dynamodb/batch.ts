/**
 * BatchGetItem (at most 100 keys, 16 MB of answer) and BatchWriteItem (at most 25 puts and
 * deletes). Every request of a batch is checked before any is applied; then all are applied in
 * the request's savepoint, so nothing is ever left unprocessed for capacity reasons and
 * UnprocessedKeys / UnprocessedItems are empty unless BatchGetItem's answer outgrew 16 MB.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
 *
 * Error texts: dynalite's validations/batchGetItem.js and batchWriteItem.js, recorded against AWS;
 * test_batch_write_not_matching_schema (a put whose item lacks a key attribute says "The provided
 * key element does not match the schema", not PutItem's "Missing the key").
 */
import { ValidationException } from '../../errors/common.js';
import type { DynamodbOperations } from '../../generated/dynamodb/operations.js';
import type * as T from '../../generated/dynamodb/types.js';
import type { RequestContext } from '../service-types.js';
import { CapacityTally, readUnits } from './capacity.js';
import { collectionMetrics, prepareKey, preparePut } from './items.js';
import { keyMismatch } from './keys.js';
import { expressionsOf, projector } from './requests.js';
import type { DynamodbState } from './state.js';
import type { StoredKey } from './store.js';
import type { Table } from './table-model.js';
import { readItem, writeItem } from './writes.js';

const maxGetKeys = 100;
const maxWrites = 25;
/** BatchGetItem answers at most 16 MB; the rest is UnprocessedKeys. */
const maxGetBytes = 16 * 1024 * 1024;

function keyText(table: Table, key: StoredKey): string {
  return `${table.id}:${key.pk.toString('hex')}:${key.sk.toString('hex')}`;
}

function duplicates(): ValidationException {
  return new ValidationException('Provided list of item keys contains duplicates');
}

/** A put's key errors in BatchWriteItem's words. */
function batchPut(table: Table, item: T.AttributeMap) {
  try {
    return preparePut(table, item);
  } catch (error) {
    if (error instanceof ValidationException && /Missing the key|Type mismatch for key/.test(error.message)) {
      throw keyMismatch();
    }
    throw error;
  }
}

function addCapacity(list: Map<Table, CapacityTally>, table: Table, tally: CapacityTally): void {
  const total = list.get(table) ?? new CapacityTally();
  total.table += tally.table;
  for (const [name, units] of tally.global) total.global.set(name, (total.global.get(name) ?? 0) + units);
  for (const [name, units] of tally.local) total.local.set(name, (total.local.get(name) ?? 0) + units);
  list.set(table, total);
}

function capacityList(
  tallies: Map<Table, CapacityTally>,
  mode: T.ReturnConsumedCapacity | undefined,
  kind: 'read' | 'write',
): T.ConsumedCapacity[] | undefined {
  if (mode !== 'TOTAL' && mode !== 'INDEXES') return undefined;
  return [...tallies].map(([table, tally]) => tally.output(table, mode, kind) as T.ConsumedCapacity);
}

export function batchOperations(state: DynamodbState) {
  return {
    batchGetItem(ctx, input) {
      const requests = Object.entries(input.RequestItems);
      let total = 0;
      for (const [, request] of requests) total += request.Keys.length;
      if (total > maxGetKeys) throw new ValidationException('Too many items requested for the BatchGetItem call');
      const prepared = requests.map(([name, request]) => {
        const table = state.itemTable(ctx, name);
        const seen = new Set<string>();
        const keys = request.Keys.map((key) => {
          const stored = prepareKey(table, key);
          const text = keyText(table, stored);
          if (seen.has(text)) throw duplicates();
          seen.add(text);
          return { key, stored };
        });
        const { projection } = expressionsOf('BatchGetItem', request, table);
        return { name, request, table, keys, project: projector(projection) };
      });
      const responses: Record<string, T.AttributeMap[]> = {};
      const unprocessed: Record<string, T.KeysAndAttributes> = {};
      const tallies = new Map<Table, CapacityTally>();
      let bytes = 0;
      for (const { name, request, table, keys, project } of prepared) {
        const found: T.AttributeMap[] = [];
        responses[name] = found;
        const tally = new CapacityTally();
        for (const { key, stored } of keys) {
          if (bytes > maxGetBytes) {
            const rest = unprocessed[name] ?? { ...request, Keys: [] };
            rest.Keys.push(key);
            unprocessed[name] = rest;
            continue;
          }
          const item = readItem(state, table, stored);
          tally.table += readUnits(item?.size ?? 0, request.ConsistentRead === true);
          if (!item) continue;
          bytes += item.size;
          found.push(project ? project(item.item) : item.item);
        }
        addCapacity(tallies, table, tally);
      }
      const out: T.BatchGetItemOutput = { Responses: responses, UnprocessedKeys: unprocessed };
      const capacity = capacityList(tallies, input.ReturnConsumedCapacity, 'read');
      if (capacity) out.ConsumedCapacity = capacity;
      return out;
    },

    batchWriteItem(ctx, input) {
      const requests = Object.entries(input.RequestItems);
      let total = 0;
      for (const [, writes] of requests) total += writes.length;
      if (total > maxWrites) throw new ValidationException('Too many items requested for the BatchWriteItem call');
      const seen = new Set<string>();
      const prepared = requests.flatMap(([name, writes]) => {
        const table = state.itemTable(ctx, name);
        return writes.map((write) => {
          if (write.PutRequest && write.DeleteRequest) {
            throw new ValidationException(
              'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
            );
          }
          let step: { key: StoredKey; item?: T.AttributeMap; size: number };
          if (write.PutRequest) {
            const { key, size } = batchPut(table, write.PutRequest.Item);
            step = { key, item: write.PutRequest.Item, size };
          } else if (write.DeleteRequest) {
            step = { key: prepareKey(table, write.DeleteRequest.Key), size: 0 };
          } else {
            throw new ValidationException(
              'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
            );
          }
          const text = keyText(table, step.key);
          if (seen.has(text)) throw duplicates();
          seen.add(text);
          return { name, table, ...step };
        });
      });
      const tallies = new Map<Table, CapacityTally>();
      const metrics: Record<string, T.ItemCollectionMetrics[]> = {};
      for (const { name, table, key, item, size } of prepared) {
        const old = readItem(state, table, key);
        addCapacity(tallies, table, writeItem(state, table, key, old, item ? { item, size } : undefined));
        const metric = collectionMetrics(table, input.ReturnItemCollectionMetrics, item ?? old?.item);
        if (metric) (metrics[name] ??= []).push(metric);
      }
      const out: T.BatchWriteItemOutput = { UnprocessedItems: {} };
      const capacity = capacityList(tallies, input.ReturnConsumedCapacity, 'write');
      if (capacity) out.ConsumedCapacity = capacity;
      if (input.ReturnItemCollectionMetrics === 'SIZE') out.ItemCollectionMetrics = metrics;
      return out;
    },
  } satisfies Partial<DynamodbOperations<RequestContext>>;
}
